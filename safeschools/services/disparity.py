"""A school's disparities and the district's disparity table, with flags and identification.

Ratios follow :mod:`safeschools.metrics.disparity` (34 CFR 300.647): unduplicated students
with the outcome over enrollment of the same school year; the comparison is all other
students of the school (or a chosen reference group, recorded with every result). Every count
is the published one (:func:`~safeschools.services.publication.publication`), and a statistic
computed from a hidden count is hidden with it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from safeschools.errors import DataValidationError, NotFoundError
from safeschools.metrics.disparity import composition_index, risk_difference, risk_ratio
from safeschools.metrics.identification import identify
from safeschools.model.discipline import GROUP_KINDS, MEASURE_UNITS
from safeschools.services.cache import VersionedCache
from safeschools.services.publication import (
    DISPARITY_MEASURES,
    DISTRICT,
    PARTITIONS,
    SUPPRESSED,
    Publication,
    blank,
    column,
    enrolled_for,
    enrollment_of,
    publication,
)
from safeschools.settings import Settings
from safeschools.spreadsheet import csv_writer
from safeschools.storage import Store

__all__ = [
    "check_measure",
    "disparity_csv",
    "disparity_from_publications",
    "district_disparity",
    "group_coverage",
    "school_disparity_csv",
    "school_equity",
    "school_equity_section",
    "school_name",
]


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
    years = store.discipline_years(measures=[measure])
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


#: The groups of a district table in words (the pages translate them).
DIMENSION_WORDS = {"race": "race and ethnicity", "sex": "sex", "program": "program"}


def group_coverage(
    store: Store, *, measure: str, school_years: list[str], dimension: str
) -> dict[str, Any]:
    """Which groups of ``dimension`` have counts of ``measure`` and enrollment, year by year
    (``years``: per school year the groups with counts, with enrollment, ``compared`` and the
    ``reason`` in words when not), the school years with enrollment by group
    (``enrollment_years``), and ``notes``: the years not compared, runs of the same reason
    together (:func:`coverage_notes`).

    A ratio needs both the group's count and its enrollment in the same school year; the files
    loaded decide which years have them (the CPS misconduct report gives only school totals,
    the CPS 20th-day demographics give enrollment by group, the CRDC and ISBE files give
    counts by group)."""
    return _KEPT.get(
        store,
        ("group_coverage", measure, tuple(school_years), dimension),
        lambda: _read_group_coverage(store, measure, school_years, dimension),
    )


#: Group coverage, per database, import and arguments.
_KEPT = VersionedCache(size=64)


def _read_group_coverage(
    store: Store, measure: str, school_years: list[str], dimension: str
) -> dict[str, Any]:
    kinds = {g for g, k in GROUP_KINDS.items() if k == dimension}
    counted: dict[str, set[str]] = {y: set() for y in school_years}
    for f in store.discipline_figures(measures=[measure]):
        if f.school_year in counted and f.group in kinds and f.value is not None:
            counted[f.school_year].add(f.group)
    enrolled: dict[str, set[str]] = {}
    for e in store.enrollments():
        if e.group in kinds and e.students is not None:
            enrolled.setdefault(e.school_year, set()).add(e.group)
    with_enrollment = sorted(enrolled)
    out = []
    for year in school_years:
        counts = [g for g in GROUP_KINDS if g in counted[year]]
        students = [g for g in GROUP_KINDS if g in enrolled.get(year, set())]
        both = [g for g in counts if g in students]
        missing = None if both else "group_counts" if not counts else "group_enrollment"
        out.append(
            {
                "school_year": year,
                "groups_with_counts": counts,
                "groups_with_enrollment": students,
                "compared": missing is None,
                "missing": missing,
                "reason": _missing_sentence(missing, year, dimension, with_enrollment),
            }
        )
    return {
        "dimension": dimension,
        "years": out,
        "enrollment_years": with_enrollment,
        "notes": coverage_notes(out, dimension, with_enrollment),
    }


def _missing_sentence(
    missing: str | None, years: str, dimension: str, with_enrollment: list[str]
) -> str | None:
    """Why the groups of ``years`` (one year, or "2013-14 to 2021-22") are not compared."""
    words = DIMENSION_WORDS.get(dimension, dimension)
    if missing == "group_counts":
        elsewhere = (
            f"; enrollment by {words} is loaded for {', '.join(with_enrollment)} only"
            if with_enrollment
            else ""
        )
        return (
            f"Counts by {words} for {years} are not published in the loaded files (they give "
            f"each school's total only{elsewhere}): load the CRDC or the ISBE end-of-year file "
            f"of {_those(years)}."
        )
    if missing == "group_enrollment":
        loaded = ", ".join(with_enrollment) if with_enrollment else "none"
        return (
            f"Enrollment by {words} for {years} is not in the loaded files (years loaded: "
            f"{loaded}): load the CPS 20th-day demographics or the CRDC of {_those(years)}."
        )
    return None


def _those(years: str) -> str:
    return "those years" if " to " in years else "that year"


def coverage_notes(
    coverage: list[dict[str, Any]], dimension: str, enrollment_years: list[str]
) -> list[dict[str, Any]]:
    """The years whose groups are not compared, runs of the same reason together, each with
    its sentence: ``{"missing", "school_years", "text"}``."""
    runs: list[dict[str, Any]] = []
    for c in coverage:
        if c["compared"]:
            continue
        if runs and runs[-1]["missing"] == c["missing"]:
            runs[-1]["school_years"].append(c["school_year"])
        else:
            runs.append({"missing": c["missing"], "school_years": [c["school_year"]]})
    for run in runs:
        years = run["school_years"]
        span = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
        run["text"] = _missing_sentence(run["missing"], span, dimension, enrollment_years)
    return runs


def _year_coverage(coverage: Mapping[str, Any], year: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in coverage["years"] if c["school_year"] == year)
    return found


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
        enrolled = enrolled_for(pub, enrollment_of(store, y), school_id, measure)
        groups = [g for g in pub.groups(school_id, measure) if g != "all"] + ["all"]
        by_year[y] = [
            _ratio_row(pub, enrolled, school_id, measure, g, reference=reference, settings=settings)
            for g in groups
        ]
    rows = by_year[year]
    group_rows = [r for r in rows if r["group"] != "all"]
    coverage = group_coverage(store, measure=measure, school_years=years, dimension="race")
    reasons: list[str] = []
    why: str | None = None
    covered = _year_coverage(coverage, year)
    if not group_rows and covered["reason"]:
        why = covered["missing"]
        reasons.append(covered["reason"])
    elif not group_rows:
        why = "school_no_groups"
        reasons.append(f"No counts by group are published for this school in {year}.")
    elif not any(r["count"]["status"] == "shown" and r["enrolled"] for r in group_rows):
        why = "school_hidden"
        reasons.append(
            f"The groups of this school in {year} cannot be compared: their counts are "
            "suppressed or their enrollment is not reported."
        )
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
        # groups were compared: only then does "0 groups above the threshold" mean none
        "compared": not reasons,
        "not_compared": why,
        "reasons": reasons,
        "flagged": sum(1 for r in rows if r["flagged"]) if not reasons else None,
        "identified": sum(1 for r in rows if r.get("identified")) if not reasons else None,
        "group_coverage": coverage,
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
    coverage = group_coverage(store, measure=measure, school_years=years, dimension=dimension)
    covered = _year_coverage(coverage, year)
    table = disparity_from_publications(
        pubs,
        enrolled,
        settings=settings,
        measure=measure,
        reference=reference,
        dimension=dimension,
        names={s.school_id: s.name for s in store.schools()},
        reasons=[covered["reason"]] if covered["reason"] else [],
    )
    return {**table, "school_years": years, "group_coverage": coverage}


def disparity_from_publications(
    pubs: Mapping[str, Publication],
    enrolled: Mapping[str, Mapping[str, Mapping[str, int]]],
    *,
    settings: Settings,
    measure: str = "students_oss",
    reference: str = "others",
    dimension: str = "race",
    names: Mapping[str, str] | None = None,
    reasons: list[str] | None = None,
) -> dict[str, Any]:
    """The district's table of the newest of ``pubs`` (one publication per school year of the
    identification window, oldest first) with ``enrolled`` (per school year, see
    :func:`~safeschools.services.publication.enrollment_of`). ``reasons`` say why the groups
    cannot be compared (then there is no row, and no count of flagged schools)."""
    window = sorted(pubs)
    year = window[-1]
    reasons = list(reasons or [])
    groups = [
        g
        for g, k in GROUP_KINDS.items()
        if k == dimension and any(column(measure, g) in row for row in pubs[year].counts.values())
    ]
    if not groups and not reasons:
        reasons.append(f"No counts by {DIMENSION_WORDS[dimension]} are published for {year}.")
    names = names or {}
    rows: list[dict[str, Any]] = []
    # without groups to compare there is no table: a list of schools with no column would
    # read as "none found"
    for school in [*pubs[year].schools, DISTRICT] if not reasons else []:
        cells = []
        for g in groups:
            per_year = {
                y: _ratio_row(
                    pubs[y],
                    enrolled_for(pubs[y], enrolled[y], school, measure),
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
        "school_years": window,
        "dimension": dimension,
        "groups": groups if not reasons else [],
        "reference": _reference_label(reference),
        "threshold": settings.disparity_threshold,
        "consecutive_years": settings.disparity_years,
        "min_cell": settings.min_cell_size,
        "min_n": settings.min_n_size,
        "rows": rows,
        # None, not 0, when no group was compared: "0 flagged" would read as "none found"
        "compared": not reasons,
        "reasons": reasons,
        "identified": (
            sum(1 for r in rows if r["identified"] and r["school_id"]) if not reasons else None
        ),
        "flagged": sum(1 for r in rows if r["flagged"] and r["school_id"]) if not reasons else None,
        "ratios_calculated": sum(
            1 for r in rows if r["school_id"] for c in r["cells"] if c["ratio"] is not None
        ),
    }


def disparity_csv(table: Mapping[str, Any]) -> str:
    """The district table as CSV: one row per school and group; hidden counts and the numbers
    computed from them are the word ``suppressed``."""
    out = io.StringIO()
    for reason in table.get("reasons") or ():  # why there is no row, before the header
        out.write(f"# {reason}\n")
    writer = csv_writer(out, lineterminator="\n")
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
            count = SUPPRESSED if hidden else blank(cell["count"]["value"])
            difference, shares = cell.get("risk_difference"), cell.get("composition")
            writer.writerow(
                [
                    row["school_id"] or "district",
                    row["name"],
                    table["school_year"],
                    table["measure"],
                    cell["group"],
                    count,
                    blank(cell["enrolled"]),
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
    if not table.get("compared", True):
        return disparity_csv({**table, "rows": []})
    return disparity_csv({**table, "rows": [row]})


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
