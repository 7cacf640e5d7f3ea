"""Outcomes over time: a school's (or the district's) discipline counts year by year as
published, a rate per 100 students, the officers it had, and the year it removed them.
"""

from __future__ import annotations

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
from safeschools.spreadsheet import csv_writer
from safeschools.storage import Store

__all__ = [
    "INCIDENT_MEASURES",
    "OUTCOMES_CSV_COLUMNS",
    "officer_returns",
    "outcomes",
    "outcomes_csv",
    "removal_years",
    "year_span",
]


#: The incident outcomes (counts at the school, not rates), after the discipline measures.
INCIDENT_MEASURES = ("incidents_recorded", "police_at_school")


def outcomes(
    store: Store,
    school_id: str | None = None,
    *,
    settings: Settings,
    shootings: Mapping[str, int] | None = None,
    incidents: Mapping[str, Mapping[str, dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Outcomes over time for one school (or the district, ``school_id`` None): per school
    year every measure of :data:`OUTCOME_MEASURES` as published (hidden under the minimum cell
    size, with its complement), a rate per 100 students where enrollment is known (hidden with
    its count), the shootings near the school by school year (``shootings``, from the exposure
    engine), the incident outcomes by school year (``incidents``: ``{school_year: {outcome:
    cell}}``, counts with their status), and the school's officers year by year."""
    row_key = school_id or DISTRICT
    loaded = set(store.discipline_years(school_id=school_id, period="EOY"))
    officers = _officer_years(store, school_id)
    covered = set(shootings or {})
    series: list[dict[str, Any]] = []
    counted = dict(incidents or {})
    for year in year_span(loaded | covered | set(counted) | {o["school_year"] for o in officers}):
        if year not in loaded:
            series.append(
                {
                    "school_year": year,
                    "discipline": "not_loaded",
                    "enrolled": None,
                    "values": dict(counted.get(year, {})),
                    "shootings_near": None if shootings is None else shootings.get(year),
                    "shootings": _shootings_status(shootings, year),
                }
            )
            continue
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
        values.update(counted.get(year, {}))
        series.append(
            {
                "school_year": year,
                "discipline": "loaded",
                "enrolled": enrolled,
                "values": values,
                "shootings_near": None if shootings is None else shootings.get(year),
                "shootings": _shootings_status(shootings, year),
            }
        )
    return {
        "school_id": school_id,
        "measures": [
            m
            for m in (*OUTCOME_MEASURES, *INCIDENT_MEASURES)
            if any(m in s["values"] for s in series)
        ],
        "series": series,
        "data_years": {
            "discipline": sorted(loaded),
            "discipline_missing": [
                s["school_year"] for s in series if s["school_year"] not in loaded
            ],
            "enrollment_missing": [
                s["school_year"] for s in series if s["school_year"] in loaded and not s["enrolled"]
            ],
            "shootings": None if shootings is None else sorted(covered),
        },
        "officers": officers,
        "removal_year": removal_years(store).get(school_id) if school_id else None,
        "min_cell": settings.min_cell_size,
    }


def _shootings_status(shootings: Mapping[str, int] | None, year: str) -> str | None:
    """``covered`` when the victims data covers the school year, ``not_covered`` when it does
    not (the count is unknown, not 0), None when shootings were not asked for."""
    if shootings is None:
        return None
    return "covered" if year in shootings else "not_covered"


OUTCOMES_CSV_COLUMNS = (
    "school_id",
    "school_year",
    "measure",
    "count",
    "per_100",
    "enrolled",
    "status",
)


def outcomes_csv(data: Mapping[str, Any]) -> str:
    """Outcomes over time (:func:`outcomes`) as CSV, one row per published school year and
    measure (and the shootings near the school, when given), with its ``status``; a hidden
    count and its rate are the word ``suppressed``; a school year the victims file does not
    cover has an empty count and the status ``not_covered`` (unknown, not 0). School years no
    loaded discipline file publishes have no rows (``data_years`` of the JSON lists them)."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
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
            status = cell["status"].replace(" ", "_")
            writer.writerow([school, s["school_year"], measure, count, rate, enrolled, status])
        if s.get("shootings") == "covered":
            writer.writerow(
                [school, s["school_year"], "shootings_near", s["shootings_near"], "", enrolled,
                 "shown"]
            )  # fmt: skip
        elif s.get("shootings") == "not_covered":
            writer.writerow([school, s["school_year"], "shootings_near", "", "", enrolled,
                             "not_covered"])  # fmt: skip
    return out.getvalue()


def _officer_years(store: Store, school_id: str | None) -> list[dict[str, Any]]:
    """SRO counts by school year as recorded: the officers at the schools whose count is
    recorded (``schools_recorded``), never a total of the district's schools (a school with no
    record that year is unknown, not 0)."""
    by_year: dict[str, int] = defaultdict(int)
    schools: dict[str, set[str]] = defaultdict(set)
    recorded: dict[str, set[str]] = defaultdict(set)
    for a in store.sro_assignments(school_id=school_id):
        if a.kind != "sro":
            continue
        by_year[a.school_year] += a.officers
        recorded[a.school_year].add(a.school_id)
        if a.officers > 0:
            schools[a.school_year].add(a.school_id)
    return [
        {
            "school_year": y,
            "officers": by_year[y],
            "schools_with_officers": len(schools[y]),
            "schools_recorded": len(recorded[y]),
        }
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


def _officer_history(store: Store) -> dict[str, dict[str, int]]:
    """Each school's SRO count by school year, from its assignments and, for the year before a
    decision, the decision's ``officers_before`` (the count the council decided about)."""
    history: dict[str, dict[str, int]] = defaultdict(dict)
    for a in store.sro_assignments():
        if a.kind == "sro":
            history[a.school_id][a.school_year] = a.officers
    for d in store.sro_decisions():
        if d.school_id is None:
            continue
        if d.officers_after is not None:
            history[d.school_id].setdefault(d.school_year, d.officers_after)
        if d.officers_before:
            start = int(d.school_year[:4]) - 1
            before = f"{start}-{(start + 1) % 100:02d}"
            history[d.school_id].setdefault(before, d.officers_before)
    return history


def officer_returns(store: Store) -> dict[str, dict[str, Any]]:
    """Schools whose officers came back after they were removed (a history such as 2, 0, 1):
    ``{school_id: {"removed": first school year without, "back": [school years with officers
    again]}}``. They break the evaluation's "removal is irreversible"."""
    removal = removal_years(store)
    out: dict[str, dict[str, Any]] = {}
    for school, years in sorted(_officer_history(store).items()):
        removed = removal.get(school)
        if removed is None:
            continue
        back = sorted(y for y, n in years.items() if y > removed and n > 0)
        if back:
            out[school] = {"removed": removed, "back": back}
    return out


def year_span(years: Iterable[str]) -> list[str]:
    """Every school year from the first to the last of ``years`` (``2019-20`` ...), gaps
    included, so a year with no data is listed as such instead of left out."""
    starts = sorted({int(y[:4]) for y in years})
    if not starts:
        return []
    return [f"{y}-{(y + 1) % 100:02d}" for y in range(starts[0], starts[-1] + 1)]
