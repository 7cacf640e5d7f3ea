"""Outcomes over time: a school's (or the district's) discipline counts year by year as
published, a rate per 100 students, the officers it had, and the year it removed them.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from safeschools.services.publication import (
    DISTRICT,
    OUTCOME_MEASURES,
    SUPPRESSED,
    blank,
    enrolled_for,
    enrollment_of,
    publication,
)
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = ["OUTCOMES_CSV_COLUMNS", "outcomes", "outcomes_csv", "removal_years"]


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
            base = enrolled_for(pub, enrollment, row_key, measure).get("all")
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
        enrolled = blank(s["enrolled"])
        for measure in data["measures"]:
            cell = s["values"].get(measure)
            if cell is None:
                continue
            if cell["status"] == SUPPRESSED:
                count, rate = SUPPRESSED, SUPPRESSED
            elif cell["status"] == "shown":
                count, rate = blank(cell["value"]), blank(cell["per_100"])
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
