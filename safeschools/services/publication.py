"""What every public surface may show of discipline: one school year's publication.

For one school year :func:`publication` takes every school's counts by group (the first source
in :data:`SOURCE_ORDER` that gives a cell), adds the district's totals and hides what must be
hidden (:func:`~safeschools.metrics.suppression_tables.suppress_publication`: counts under the
minimum cell size, and the counts that would give them away through a total). Each statistic
computed from a hidden count is hidden with it (:mod:`safeschools.services.disparity`,
:mod:`safeschools.services.outcomes`), so the school page, the district table, the exports and
the API can never disagree or leak. :func:`enrollment_of` gives the students to divide by.
Both are kept per database and import (:mod:`safeschools.services.cache`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from safeschools.metrics.suppression import Reason
from safeschools.metrics.suppression_tables import (
    DISTRICT,
    Equation,
    district_totals,
    suppress_publication,
)
from safeschools.model.discipline import GROUP_KINDS, MEASURE_UNITS
from safeschools.services.cache import VersionedCache, data_version
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "DISPARITY_MEASURES",
    "DISTRICT",
    "OUTCOME_MEASURES",
    "PARTITIONS",
    "SOURCE_ORDER",
    "SUPPRESSED",
    "Publication",
    "blank",
    "column",
    "enrolled_for",
    "enrollment_of",
    "publication",
    "publication_equations",
    "publication_from_counts",
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
    store and data version (a new import makes a new one): in memory, and in the store itself
    (:func:`_kept_in_store`), so the check is done once per import for every later process."""
    return _KEPT.get(
        store,
        ("publication", school_year, settings.min_cell_size),
        lambda: _kept_in_store(store, school_year, settings.min_cell_size),
    )


#: Where publications are kept in the store's state (a version in the key: the layout).
_STATE_PREFIX = "publication/1/"


def _kept_in_store(store: Store, school_year: str, min_cell: int) -> Publication:
    """The publication kept in the store for the current import, else computed and kept
    (the suppression check of a Chicago-sized year takes a quarter of a second or more; the
    kept one is read in milliseconds). Older imports' publications are dropped."""
    version = f"{_STATE_PREFIX}{data_version(store)}/"
    key = f"{version}{school_year}/{min_cell}"
    with store.engine.connect() as conn:
        kept = store.get_state(key, conn=conn)
    if kept is not None:
        return _from_json(kept)
    pub = _publish(store, school_year, min_cell)
    store.drop_state(_STATE_PREFIX, keep=version)
    store.state_once(key, _to_json(pub))
    return pub


def _to_json(pub: Publication) -> str:
    return json.dumps(
        {
            "school_year": pub.school_year,
            "counts": pub.counts,
            "sources": [[school, col, source] for (school, col), source in pub.sources.items()],
            "hidden": [[school, col, str(reason)] for (school, col), reason in pub.hidden.items()],
            "min_cell": pub.min_cell,
        },
        separators=(",", ":"),
    )


#: Reasons by their value (a dict lookup is ten times quicker than ``Reason(value)``).
_REASONS = {r.value: r for r in Reason}


def _from_json(text: str) -> Publication:
    raw = json.loads(text)
    return Publication(
        raw["school_year"],
        raw["counts"],
        {(school, col): source for school, col, source in raw["sources"]},
        {(school, col): _REASONS[reason] for school, col, reason in raw["hidden"]},
        int(raw["min_cell"]),
    )


def _publish(store: Store, school_year: str, min_cell: int) -> Publication:
    figures = store.discipline_figures(school_year=school_year, period="EOY")
    rank = {s: i for i, s in enumerate(SOURCE_ORDER)}
    best: dict[tuple[str, str], tuple[int, int | None, str]] = {}
    for f in figures:
        if MEASURE_UNITS[f.measure] not in ("students", "incidents"):
            continue
        if not _published_columns(f.measure, f.group):
            continue
        key = (f.school_id, column(f.measure, f.group))
        order = rank.get(f.source, len(rank))
        if key not in best or order < best[key][0]:
            best[key] = (order, _as_int(f.value), f.source)
    counts: dict[str, dict[str, int | None]] = defaultdict(dict)
    sources: dict[tuple[str, str], str] = {}
    for (school, col), (_, value, source) in best.items():
        counts[school][col] = value
        sources[(school, col)] = source
    return publication_from_counts(school_year, counts, sources=sources, min_cell=min_cell)


def publication_from_counts(
    school_year: str,
    counts: Mapping[str, Mapping[str, int | None]],
    *,
    sources: Mapping[tuple[str, str], str] | None = None,
    min_cell: int,
) -> Publication:
    """The publication of ``counts`` (``{school: {column: count}}``, columns from
    :func:`column`): the district's totals added and what must be hidden decided."""
    columns = {c for row in counts.values() for c in row}
    hidden = suppress_publication(counts, equations=_equations(columns), min_cell=min_cell)
    full: dict[str, dict[str, int | None]] = {k: dict(v) for k, v in counts.items()}
    full[DISTRICT] = district_totals(counts, sorted(columns))
    return Publication(school_year, full, dict(sources or {}), hidden, min_cell)


#: Publications and enrollments, per database, import and arguments.
_KEPT = VersionedCache(size=256)


def enrollment_of(store: Store, school_year: str) -> dict[str, dict[str, int]]:
    """Students by school and group in ``school_year``. Each school's groups come from one
    source (the first that gives its total, in the order CRDC, CPS 20th day, demo), so a
    group and its comparison are counted the same way; a school no enrollment file covers
    gets its total from the school profiles. Kept per import."""
    return _KEPT.get(
        store, ("enrollment", school_year), lambda: _read_enrollment(store, school_year)
    )


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


def enrolled_for(
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


def blank(value: Any) -> str:
    """A CSV field: the value's text, empty for None."""
    return "" if value is None else str(value)
