"""Use cases of discipline equity: what every public surface may show, a school's disparities,
the district's disparity table with flags and identification, and outcomes over time.

Everything public goes through :func:`publication`: for one school year and measure it takes
every school's counts by group (the first source in :data:`SOURCE_ORDER` that gives a cell),
adds the district's totals and hides what must be hidden
(:func:`~safeschools.metrics.suppression_tables.suppress_publication`: counts under the minimum
cell size, and the counts that would give them away through a total). Each statistic computed
from a hidden count (its risk, ratio, composition) is hidden with it, so the school page, the
district table, the exports and the API can never disagree or leak.

Ratios follow :mod:`safeschools.metrics.disparity` (34 CFR 300.647): unduplicated students
with the outcome over enrollment of the same school year; the comparison is all other
students of the school (or a chosen reference group, recorded with every result).
"""

from __future__ import annotations

import csv
import io
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from safeschools.errors import DataValidationError, NotFoundError
from safeschools.metrics.disparity import composition_index, risk_difference, risk_ratio
from safeschools.metrics.identification import identify
from safeschools.metrics.suppression import Reason
from safeschools.metrics.suppression_tables import (
    DISTRICT,
    Equation,
    district_totals,
    suppress_publication,
)
from safeschools.model.discipline import GROUP_KINDS, MEASURE_UNITS
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "DISPARITY_MEASURES",
    "OUTCOME_MEASURES",
    "SOURCE_ORDER",
    "Publication",
    "check_measure",
    "disparity_csv",
    "district_disparity",
    "enrollment_of",
    "outcomes",
    "outcomes_csv",
    "publication",
    "school_disparity_csv",
    "school_equity",
    "school_equity_section",
    "school_name",
    "warm_publications",
]

#: Sources in the order a cell is taken from (the first that gives it).
SOURCE_ORDER = ("crdc", "cps-misconduct", "isbe-eoy", "demo-synthetic")
#: Measures of students (unduplicated) that disparities are computed for.
DISPARITY_MEASURES = (
    "students_oss",
    "students_iss",
    "students_suspended",
    "students_expelled",
    "students_police_notification",
    "students_referred_law_enforcement",
    "students_arrested",
)
#: School-wide outcomes over time (counts; a rate per 100 students where enrollment is known).
OUTCOME_MEASURES = (
    "misconducts",
    "suspensions",
    "oss",
    "iss",
    "police_notifications",
    "expulsions",
    "students_expelled",
)
#: The groups that add up to all students.
PARTITIONS = {
    "race": tuple(g for g, k in GROUP_KINDS.items() if k == "race"),
    "sex": ("female", "male"),
}
OTHERS = tuple(g for g, k in GROUP_KINDS.items() if k in ("program", "grade"))
SUPPRESSED = "suppressed"


def column(measure: str, group: str) -> str:
    """A publication's column key: ``students_oss:black``."""
    return f"{measure}:{group}"


@dataclass(frozen=True)
class Publication:
    """What may be published of one school year: every school's counts (columns
    ``measure:group``, see :func:`column`) with the district's totals (row ``DISTRICT``), the
    hidden cells, and the source of each count."""

    school_year: str
    counts: Mapping[str, Mapping[str, int | None]]
    sources: Mapping[tuple[str, str], str]
    hidden: Mapping[tuple[str, str], Reason]
    min_cell: int

    def value(self, school_id: str, measure: str, group: str) -> int | None:
        """The true count (for computations that publish only aggregates)."""
        return self.counts.get(school_id, {}).get(column(measure, group))

    def has(self, school_id: str, measure: str, group: str) -> bool:
        return column(measure, group) in self.counts.get(school_id, {})

    def is_hidden(self, school_id: str, measure: str, group: str) -> bool:
        return (school_id, column(measure, group)) in self.hidden

    def shown(self, school_id: str, measure: str, group: str) -> int | None:
        if self.is_hidden(school_id, measure, group):
            return None
        return self.value(school_id, measure, group)

    def cell(self, school_id: str, measure: str, group: str) -> dict[str, Any]:
        """A cell as every interface publishes it: ``value`` (None when hidden or not given)
        and ``status`` (``shown``, ``suppressed`` or ``not reported``). One marker for primary
        and complementary suppression, so nobody learns which count was small."""
        if self.is_hidden(school_id, measure, group):
            return {"value": None, "status": SUPPRESSED}
        value = self.value(school_id, measure, group)
        if value is None:
            return {"value": None, "status": "not reported"}
        return {"value": value, "status": "shown"}

    def groups(self, school_id: str, measure: str) -> list[str]:
        """The groups of ``measure`` published for a school, in the model's order."""
        prefix = f"{measure}:"
        found = {c[len(prefix) :] for c in self.counts.get(school_id, {}) if c.startswith(prefix)}
        return [g for g in GROUP_KINDS if g in found]

    @property
    def schools(self) -> list[str]:
        return sorted(s for s in self.counts if s != DISTRICT)


def _as_int(value: float | None) -> int | None:
    return None if value is None else round(value)


def _published_columns(measure: str, group: str) -> bool:
    return measure in DISPARITY_MEASURES or (measure in OUTCOME_MEASURES and group == "all")


def _equations(columns: set[str]) -> list[Equation]:
    """The publication's equations among the columns present: each students measure's race
    groups and sex groups add up to all students; in-school plus out-of-school suspensions
    add up to suspensions."""
    out: list[Equation] = []
    for measure in DISPARITY_MEASURES:
        total = column(measure, "all")
        if total not in columns:
            continue
        for part in PARTITIONS.values():
            parts = [column(measure, g) for g in part if column(measure, g) in columns]
            if parts:
                out.append((parts, total))
    parts = [column("iss", "all"), column("oss", "all")]
    if column("suspensions", "all") in columns and all(p in columns for p in parts):
        out.append((parts, column("suspensions", "all")))
    return out


def warm_publications(store: Store, *, settings: Settings) -> int:
    """Compute (and keep) every school year's publication, so the first visitor after an
    import does not wait for the suppression check; returns how many years there are."""
    years = store.discipline_years()
    for year in years:
        publication(store, school_year=year, settings=settings)
        enrollment_of(store, year)
    return len(years)


def publication_equations(pub: Publication) -> list[Equation]:
    """The equations an outsider can use on a publication (for checks)."""
    return _equations({c for row in pub.counts.values() for c in row})


def publication(store: Store, *, school_year: str, settings: Settings) -> Publication:
    """Every school's published counts in ``school_year`` and what must be hidden. Kept per
    store and data version (a new import makes a new one)."""
    key = (_store_key(store), _data_version(store), school_year, settings.min_cell_size)
    with _LOCK:
        hit = _CACHE.get(key)
    if isinstance(hit, Publication):
        return hit
    figures = store.discipline_figures(school_year=school_year, period="EOY")
    rank = {s: i for i, s in enumerate(SOURCE_ORDER)}
    best: dict[tuple[str, str], tuple[int, int | None, str]] = {}
    for f in figures:
        if MEASURE_UNITS[f.measure] not in ("students", "incidents"):
            continue
        if not _published_columns(f.measure, f.group):
            continue
        key_ = (f.school_id, column(f.measure, f.group))
        order = rank.get(f.source, len(rank))
        if key_ not in best or order < best[key_][0]:
            best[key_] = (order, _as_int(f.value), f.source)
    counts: dict[str, dict[str, int | None]] = defaultdict(dict)
    sources: dict[tuple[str, str], str] = {}
    for (school, col), (_, value, source) in best.items():
        counts[school][col] = value
        sources[(school, col)] = source
    columns = {c for row in counts.values() for c in row}
    hidden = suppress_publication(
        counts, equations=_equations(columns), min_cell=settings.min_cell_size
    )
    full: dict[str, dict[str, int | None]] = {k: dict(v) for k, v in counts.items()}
    full[DISTRICT] = district_totals(counts, sorted(columns))
    result = Publication(school_year, full, sources, hidden, settings.min_cell_size)
    with _LOCK:
        _CACHE[key] = result
        while len(_CACHE) > 256:
            _CACHE.pop(next(iter(_CACHE)))
    return result


_LOCK = threading.Lock()
_CACHE: dict[tuple[Any, ...], Any] = {}


def _store_key(store: Store) -> object:
    """Which database a store is: its URL (so every command and worker opening the same file
    shares the work), or the object itself for an in-memory database."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return id(store)
    return url.render_as_string(hide_password=True)


def _data_version(store: Store) -> int | None:
    """What changes when the discipline or school data change: the newest import."""
    with store.engine.connect() as conn:
        return store.max_import_id(conn=conn)


def enrollment_of(store: Store, school_year: str) -> dict[str, dict[str, int]]:
    """Students by school and group in ``school_year``. Each school's groups come from one
    source (the first that gives its total, in the order CRDC, CPS 20th day, demo), so a
    group and its comparison are counted the same way; a school no enrollment file covers
    gets its total from the school profiles. Kept per import."""
    key = ("enrollment", _store_key(store), _data_version(store), school_year)
    with _LOCK:
        hit = _CACHE.get(key)
    if isinstance(hit, dict):
        return hit
    result = _read_enrollment(store, school_year)
    with _LOCK:
        _CACHE[key] = result
    return result


def _read_enrollment(store: Store, school_year: str) -> dict[str, dict[str, int]]:
    rank = {s: i for i, s in enumerate(("crdc", "cps-demographics", "demo-synthetic"))}
    by_source: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for e in store.enrollments(school_year=school_year):
        if e.students is not None:
            by_source[e.school_id][e.source][e.group] = e.students
    out: dict[str, dict[str, int]] = {}
    for school_id, sources in by_source.items():
        with_total = [s for s in sources if "all" in sources[s]] or list(sources)
        best = min(with_total, key=lambda s: (rank.get(s, len(rank)), s))
        out[school_id] = dict(sources[best])
    for school in store.schools(school_year=school_year):
        row = out.setdefault(school.school_id, {})
        if "all" not in row and school.enrollment:
            row["all"] = school.enrollment
    return out


def _enrolled_for(
    pub: Publication, enrollment: Mapping[str, Mapping[str, int]], school_id: str, measure: str
) -> dict[str, int]:
    """The enrollment to divide a row's counts by: the school's own, or for the district's
    row, per group the sum over the schools that reported a count of ``measure`` for it."""
    if school_id != DISTRICT:
        return dict(enrollment.get(school_id, {}))
    totals: dict[str, int] = {}
    for school in pub.schools:
        row = enrollment.get(school, {})
        for group in pub.groups(school, measure):
            if pub.value(school, measure, group) is not None and group in row:
                totals[group] = totals.get(group, 0) + row[group]
    return totals


def _years(store: Store, measure: str) -> list[str]:
    return store.discipline_years(measures=[measure])


def _ratio_row(
    pub: Publication,
    enrolled: Mapping[str, int],
    school_id: str,
    measure: str,
    group: str,
    *,
    reference: str,
    settings: Settings,
) -> dict[str, Any]:
    """One group's public row: its count as published, enrollment, and the risk and ratio
    unless the count is hidden (then they are hidden too, with the same marker). A ratio is
    also hidden when its comparison count is (the school's total, or the reference group's),
    since the ratio and the shown numbers would give that count away."""
    cell = pub.cell(school_id, measure, group)
    n = enrolled.get(group)
    row: dict[str, Any] = {"group": group, "count": cell, "enrolled": n}
    a = pub.value(school_id, measure, group)
    if cell["status"] != "shown" or a is None or n is None:
        why = (
            "Hidden: computed from a suppressed count."
            if cell["status"] == SUPPRESSED
            else "Not calculated: the count or the enrollment is not reported."
        )
        row.update(risk=None, ratio=None, ci_low=None, ci_high=None, reason=why, flagged=False)
        row.update(composition=None, risk_difference=None)
        return row
    comparison = "all" if reference == "others" else reference
    if group != "all" and pub.is_hidden(school_id, measure, comparison):
        row.update(risk=a / n if n else None, ratio=None, ci_low=None, ci_high=None)
        row.update(flagged=False, reason="Hidden: the comparison group's count is suppressed.")
        row.update(composition=None, risk_difference=None)
        return row
    comparison_counts: tuple[int, int] | None = None
    if reference == "others":
        a_all = pub.value(school_id, measure, "all")
        n_all = enrolled.get("all")
        kind = GROUP_KINDS.get(group)
        if a_all is not None and n_all is not None and kind in ("race", "sex", "program", "grade"):
            comparison_counts = (max(0, a_all - a), max(0, n_all - n))
    else:
        a_ref = pub.value(school_id, measure, reference)
        n_ref = enrolled.get(reference)
        if group != reference and a_ref is not None and n_ref is not None:
            comparison_counts = (a_ref, n_ref)
    row["risk"] = a / n if n else None
    row["composition"] = _composition(pub, enrolled, school_id, measure, a, n)
    row["risk_difference"] = None
    if group == "all":
        row.update(ratio=None, ci_low=None, ci_high=None, flagged=False, composition=None)
        row["reason"] = "All students of the school: the comparison for the groups above."
        return row
    if comparison_counts is None:
        row.update(ratio=None, ci_low=None, ci_high=None, flagged=False)
        row["reason"] = (
            "Not calculated: this is the reference group."
            if group == reference
            else "Not calculated: the comparison group is not reported."
        )
        return row
    label = "all other students" if reference == "others" else f"{reference} students"
    a_other, n_other = comparison_counts
    sizes = settings.min_cell_size, settings.min_n_size
    ratio = risk_ratio(a, n, a_other, n_other, min_cell=sizes[0], min_n=sizes[1], reference=label)
    difference = risk_difference(
        a, n, a_other, n_other, min_cell=sizes[0], min_n=sizes[1], reference=label
    )
    if difference.value is not None:
        row["risk_difference"] = {
            "value": difference.value,
            "ci_low": difference.ci_low,
            "ci_high": difference.ci_high,
        }
    row.update(
        ratio=ratio.value,
        ci_low=ratio.ci_low,
        ci_high=ratio.ci_high,
        reason=ratio.reason,
        flagged=ratio.value is not None and ratio.value > settings.disparity_threshold,
    )
    return row


def _composition(
    pub: Publication,
    enrolled: Mapping[str, int],
    school_id: str,
    measure: str,
    a: int,
    n: int,
) -> dict[str, float] | None:
    """The group's share of the students with the outcome against its share of enrollment
    (None when the school's total is hidden or zero: the share would give it away)."""
    a_all = pub.shown(school_id, measure, "all")
    n_all = enrolled.get("all")
    if not a_all or not n_all:
        return None
    c = composition_index(a, a_all, n, n_all)
    if c.share_of_outcome is None or c.share_of_enrollment is None:
        return None
    return {"share_of_outcome": c.share_of_outcome, "share_of_enrollment": c.share_of_enrollment}


def _reference_label(reference: str) -> str:
    return "all other students" if reference == "others" else f"{reference} students"


def check_measure(measure: str) -> str:
    """``measure`` when disparities are computed for it; :class:`DataValidationError` for an
    unknown measure, or a measure of incidents (a ratio needs students, counted once)."""
    if measure in DISPARITY_MEASURES:
        return measure
    choices = ", ".join(DISPARITY_MEASURES)
    if measure in MEASURE_UNITS:
        msg = (
            f"Disparities are computed for measures of students (each counted once), and "
            f"{measure!r} counts {MEASURE_UNITS[measure]}; use one of {choices}."
        )
    else:
        msg = f"Unknown measure {measure!r}; use one of {choices}."
    raise DataValidationError(msg)


def school_name(store: Store, school_id: str) -> str:
    """The school's newest stored name (its id when only discipline figures know it);
    :class:`NotFoundError` for a school that is neither stored nor has discipline figures."""
    profiles = store.schools(school_id=school_id)
    if profiles:
        return profiles[-1].name
    if store.discipline_figures(school_id=school_id):
        return school_id
    msg = f"No school with id {school_id}; search by name at /search."
    raise NotFoundError(msg)


def _stored_years(store: Store, measure: str, school_year: str | None) -> tuple[list[str], str]:
    """The school years with ``measure`` figures and the one asked for (the newest when None);
    a NotFoundError when there are none or the one asked for is not among them."""
    years = _years(store, measure)
    if not years:
        msg = f"No {measure} figures are stored; import discipline data first."
        raise NotFoundError(msg)
    year = school_year or years[-1]
    if year not in years:
        msg = f"No {measure} figures for {year}; the years stored are {', '.join(years)}."
        raise NotFoundError(msg)
    return years, year


def _check_reference(reference: str) -> None:
    if reference != "others" and GROUP_KINDS.get(reference) not in ("race", "sex"):
        msg = (
            f"Unknown reference group {reference!r}; use 'others' (all other students, the "
            "federal method) or a race or sex group such as 'white'."
        )
        raise DataValidationError(msg)


def school_equity(
    store: Store,
    school_id: str,
    *,
    settings: Settings,
    measure: str = "students_oss",
    school_year: str | None = None,
    reference: str = "others",
) -> dict[str, Any]:
    """One school's disparities in ``measure``: per group its count (as published), enrollment,
    risk, risk ratio with its Katz interval or the reason there is none, the flag, and whether
    the school is identified over the last consecutive years.

    The measure is checked first (:class:`DataValidationError`), then the reference group, then
    the school (:class:`NotFoundError`)."""
    check_measure(measure)
    _check_reference(reference)
    school_name(store, school_id)
    years, year = _stored_years(store, measure, school_year)
    by_year: dict[str, list[dict[str, Any]]] = {}
    window = [y for y in years if y <= year][-settings.disparity_years :]
    for y in window:
        pub = publication(store, school_year=y, settings=settings)
        enrolled = _enrolled_for(pub, enrollment_of(store, y), school_id, measure)
        groups = [g for g in pub.groups(school_id, measure) if g != "all"] + ["all"]
        by_year[y] = [
            _ratio_row(pub, enrolled, school_id, measure, g, reference=reference, settings=settings)
            for g in groups
        ]
    rows = by_year[year]
    for row in rows:
        history: dict[object, float | None] = {
            y: next((r["ratio"] for r in by_year[y] if r["group"] == row["group"]), None)
            for y in window
        }
        ident = identify(history, settings.disparity_threshold, settings.disparity_years)
        row["identified"] = ident.identified
        row["identification"] = ident.reason
    return {
        "school_id": school_id,
        "measure": measure,
        "unit": MEASURE_UNITS[measure],
        "school_year": year,
        "school_years": years,
        "reference": _reference_label(reference),
        "threshold": settings.disparity_threshold,
        "consecutive_years": settings.disparity_years,
        "min_cell": settings.min_cell_size,
        "min_n": settings.min_n_size,
        "rows": rows,
        "sources": sorted(
            {
                v
                for (s, c), v in publication(
                    store, school_year=year, settings=settings
                ).sources.items()
                if s == school_id and c.startswith(f"{measure}:")
            }
        ),
    }


def school_equity_section(
    store: Store, school_id: str, *, settings: Settings
) -> dict[str, Any] | None:
    """The school page's equity section (the default measure), or None without figures."""
    stored = {
        f.measure
        for f in store.discipline_figures(school_id=school_id, measures=DISPARITY_MEASURES)
    }
    for measure in DISPARITY_MEASURES:
        if measure in stored:
            return school_equity(store, school_id, settings=settings, measure=measure)
    return None


def district_disparity(
    store: Store,
    *,
    settings: Settings,
    measure: str = "students_oss",
    school_year: str | None = None,
    reference: str = "others",
    dimension: str = "race",
) -> dict[str, Any]:
    """The district's table: per school, each group's risk ratio (hidden with its count), the
    flags and identification; schools identified first. The measure is checked first
    (:class:`DataValidationError`)."""
    check_measure(measure)
    _check_reference(reference)
    if dimension not in PARTITIONS and dimension != "program":
        msg = f"Unknown dimension {dimension!r}; use race, sex or program."
        raise DataValidationError(msg)
    years, year = _stored_years(store, measure, school_year)
    window = [y for y in years if y <= year][-settings.disparity_years :]
    pubs = {y: publication(store, school_year=y, settings=settings) for y in window}
    enrolled = {y: enrollment_of(store, y) for y in window}
    groups = [
        g
        for g, k in GROUP_KINDS.items()
        if k == dimension and any(column(measure, g) in row for row in pubs[year].counts.values())
    ]
    names = {s.school_id: s.name for s in store.schools()}
    rows = []
    for school in [*pubs[year].schools, DISTRICT]:
        cells = []
        for g in groups:
            per_year = {
                y: _ratio_row(
                    pubs[y],
                    _enrolled_for(pubs[y], enrolled[y], school, measure),
                    school,
                    measure,
                    g,
                    reference=reference,
                    settings=settings,
                )
                for y in window
            }
            current = per_year[year]
            ratios: dict[object, float | None] = {y: r["ratio"] for y, r in per_year.items()}
            ident = identify(
                ratios,
                settings.disparity_threshold,
                settings.disparity_years,
            )
            cells.append({**current, "identified": ident.identified})
        rows.append(
            {
                "school_id": None if school == DISTRICT else school,
                "name": "District" if school == DISTRICT else names.get(school, school),
                "cells": cells,
                "flagged": any(c["flagged"] for c in cells),
                "identified": any(c["identified"] for c in cells),
            }
        )
    rows.sort(key=lambda r: (r["school_id"] is None, not r["identified"], not r["flagged"]))
    return {
        "measure": measure,
        "school_year": year,
        "school_years": years,
        "dimension": dimension,
        "groups": groups,
        "reference": _reference_label(reference),
        "threshold": settings.disparity_threshold,
        "consecutive_years": settings.disparity_years,
        "min_cell": settings.min_cell_size,
        "min_n": settings.min_n_size,
        "rows": rows,
        "identified": sum(1 for r in rows if r["identified"] and r["school_id"]),
        "flagged": sum(1 for r in rows if r["flagged"] and r["school_id"]),
    }


def disparity_csv(table: Mapping[str, Any]) -> str:
    """The district table as CSV: one row per school and group; hidden counts and the numbers
    computed from them are the word ``suppressed``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "school_id",
            "name",
            "school_year",
            "measure",
            "group",
            "count",
            "enrolled",
            "risk",
            "risk_ratio",
            "ci_low",
            "ci_high",
            "risk_difference",
            "share_of_outcome",
            "share_of_enrollment",
            "reference",
            "flagged",
            "identified",
            "reason",
        ]
    )
    for row in table["rows"]:
        for cell in row["cells"]:
            hidden = cell["count"]["status"] == SUPPRESSED
            count = SUPPRESSED if hidden else _blank(cell["count"]["value"])
            difference, shares = cell.get("risk_difference"), cell.get("composition")
            writer.writerow(
                [
                    row["school_id"] or "district",
                    row["name"],
                    table["school_year"],
                    table["measure"],
                    cell["group"],
                    count,
                    _blank(cell["enrolled"]),
                    SUPPRESSED if hidden else _num(cell["risk"]),
                    SUPPRESSED if hidden else _num(cell["ratio"]),
                    SUPPRESSED if hidden else _num(cell["ci_low"]),
                    SUPPRESSED if hidden else _num(cell["ci_high"]),
                    SUPPRESSED if hidden else _num(difference["value"] if difference else None),
                    SUPPRESSED if hidden else _num(shares["share_of_outcome"] if shares else None),
                    SUPPRESSED
                    if hidden
                    else _num(shares["share_of_enrollment"] if shares else None),
                    table["reference"],
                    cell["flagged"],
                    cell["identified"],
                    cell["reason"] or "",
                ]
            )
    return out.getvalue()


def school_disparity_csv(table: Mapping[str, Any], *, name: str = "") -> str:
    """One school's disparities (:func:`school_equity`) as CSV, in the columns of
    :func:`disparity_csv` (hidden counts and what is computed from them: ``suppressed``)."""
    row = {"school_id": table["school_id"], "name": name, "cells": table["rows"]}
    return disparity_csv({**table, "rows": [row]})


def _blank(value: Any) -> str:
    return "" if value is None else str(value)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def outcomes(
    store: Store,
    school_id: str | None = None,
    *,
    settings: Settings,
    shootings: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Outcomes over time for one school (or the district, ``school_id`` None): per school
    year every measure of :data:`OUTCOME_MEASURES` as published (hidden under the minimum cell
    size, with its complement), a rate per 100 students where enrollment is known (hidden with
    its count), the shootings near the school by school year (``shootings``, from the exposure
    engine), and the school's officers year by year."""
    row_key = school_id or DISTRICT
    years = sorted(
        {f.school_year for f in store.discipline_figures(school_id=school_id, period="EOY")}
    )
    series: list[dict[str, Any]] = []
    for year in years:
        enrollment = enrollment_of(store, year)
        pub = publication(store, school_year=year, settings=settings)
        if school_id is None:  # the district: students of the schools that reported anything
            reported = [
                s for s in pub.schools if any(pub.has(s, m, "all") for m in OUTCOME_MEASURES)
            ]
            enrolled = sum(enrollment.get(s, {}).get("all", 0) for s in reported) or None
        else:
            enrolled = enrollment.get(school_id, {}).get("all")
        values: dict[str, Any] = {}
        for measure in OUTCOME_MEASURES:
            if not pub.has(row_key, measure, "all"):
                continue
            cell = pub.cell(row_key, measure, "all")
            base = _enrolled_for(pub, enrollment, row_key, measure).get("all")
            count = cell["value"]
            cell["per_100"] = round(100 * count / base, 2) if count is not None and base else None
            values[measure] = cell
        series.append(
            {
                "school_year": year,
                "enrolled": enrolled,
                "values": values,
                "shootings_near": None if shootings is None else shootings.get(year),
            }
        )
    officers = _officer_years(store, school_id)
    return {
        "school_id": school_id,
        "measures": [m for m in OUTCOME_MEASURES if any(m in s["values"] for s in series)],
        "series": series,
        "officers": officers,
        "removal_year": removal_years(store).get(school_id) if school_id else None,
        "min_cell": settings.min_cell_size,
    }


OUTCOMES_CSV_COLUMNS = ("school_id", "school_year", "measure", "count", "per_100", "enrolled")


def outcomes_csv(data: Mapping[str, Any]) -> str:
    """Outcomes over time (:func:`outcomes`) as CSV, one row per school year and measure (and
    the shootings near the school, when given); a hidden count and its rate are the word
    ``suppressed``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OUTCOMES_CSV_COLUMNS)
    school = data["school_id"] or "district"
    for s in data["series"]:
        enrolled = _blank(s["enrolled"])
        for measure in data["measures"]:
            cell = s["values"].get(measure)
            if cell is None:
                continue
            if cell["status"] == SUPPRESSED:
                count, rate = SUPPRESSED, SUPPRESSED
            elif cell["status"] == "shown":
                count, rate = _blank(cell["value"]), _blank(cell["per_100"])
            else:
                count, rate = "", ""
            writer.writerow([school, s["school_year"], measure, count, rate, enrolled])
        if s.get("shootings_near") is not None:
            writer.writerow(
                [school, s["school_year"], "shootings_near", s["shootings_near"], "", enrolled]
            )
    return out.getvalue()


def _officer_years(store: Store, school_id: str | None) -> list[dict[str, Any]]:
    by_year: dict[str, int] = defaultdict(int)
    schools: dict[str, set[str]] = defaultdict(set)
    for a in store.sro_assignments(school_id=school_id):
        if a.kind != "sro":
            continue
        by_year[a.school_year] += a.officers
        if a.officers > 0:
            schools[a.school_year].add(a.school_id)
    return [
        {"school_year": y, "officers": by_year[y], "schools_with_officers": len(schools[y])}
        for y in sorted(by_year)
    ]


def _removal_year(officers: Iterable[Mapping[str, Any]]) -> str | None:
    """The first school year without officers after a year with them."""
    had = False
    for row in officers:
        if row["officers"] > 0:
            had = True
        elif had:
            return str(row["school_year"])
    return None


def removal_years(store: Store) -> dict[str, str | None]:
    """Each school that had officers: the first school year without them (None: still has).

    A school had officers when a year of its history counts some, or when a decision was
    recorded for it (every round was a decision about schools with officers). It removed them
    in the first school year whose history counts none after a year with some, or whose
    decision left none (``officers_after`` 0: removed, or the program ended). Keeping one of
    two officers is not a removal."""
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in store.sro_assignments():
        if a.kind == "sro":
            history[a.school_id].append({"school_year": a.school_year, "officers": a.officers})
    had = {s for s, rows in history.items() if any(r["officers"] > 0 for r in rows)}
    removed: dict[str, str] = {}
    for school in had:
        year = _removal_year(sorted(history[school], key=lambda r: r["school_year"]))
        if year is not None:
            removed[school] = year
    for d in store.sro_decisions():
        if d.school_id is None:
            continue
        had.add(d.school_id)
        if d.officers_after == 0:
            earlier = removed.get(d.school_id)
            removed[d.school_id] = min(earlier or d.school_year, d.school_year)
    return {school: removed.get(school) for school in sorted(had)}


def groups_in(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The groups of a table's rows, in the model's order."""
    order = list(GROUP_KINDS)
    return sorted({r["group"] for r in rows}, key=order.index)
