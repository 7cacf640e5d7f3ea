"""The evaluation's two incident outcomes (:mod:`safeschools.services.evaluation`): the
incidents recorded by the school, and the police-reported incidents at the school, each a count
per school and complete school year, with the caveat it carries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import date
from typing import Any

from safeschools.metrics.suppression_tables import DISTRICT
from safeschools.services import incident_rates
from safeschools.services.outcomes import year_span
from safeschools.services.police_at_school import crime_matches
from safeschools.services.school_summary import school_year_of
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = ["INCIDENT_OUTCOMES", "incident_counts", "outcome_cells"]

#: Outcomes counted at the school (not per 100 students), each with the caveat it carries.
INCIDENT_OUTCOMES: dict[str, tuple[str, ...]] = {
    "incidents_recorded": (incident_rates.CAVEAT_RECORDING,),
    "police_at_school": (incident_rates.CAVEAT_POLICE,),
}


def _start(school_year: str) -> int:
    return int(school_year[:4])


def incident_counts(
    store: Store, settings: Settings, outcome: str, schools: Collection[str]
) -> tuple[dict[tuple[str, str], int], int]:
    """``{(school, school year): count}`` of an incident outcome for the schools compared, in
    complete school years only, and how many of their counts are hidden.

    ``incidents_recorded``: the published school-year totals (hidden ones under the small-count
    rule are left out and counted); the school years a school was not recording, or only in
    part, are missing, never 0. ``police_at_school``: the crimes matched to each school in the
    school years the crimes data cover whole (0 where none matched); a count under the minimum
    cell size is hidden."""
    today = incident_rates.today_in(settings)
    in_progress = school_year_of(today)
    counts: dict[tuple[str, str], int] = {}
    hidden = 0
    if outcome == "incidents_recorded":
        figures = incident_rates.figures(store, settings=settings, today=today)
        for year, pub in figures.publications.items():
            if year == in_progress:
                continue
            for school in schools:
                began = figures.recording_from.get(school)
                if began is None or began > f"{_start(year)}-07":
                    continue  # not recording, or not the whole year: unknown, not 0
                cell = pub.cell(school, year, "total")
                if cell["status"] == "shown":
                    counts[(school, year)] = int(cell["count"])
                elif cell["status"] == "suppressed":
                    hidden += 1
        return counts, hidden
    years, matched = _police_counts(store, settings)
    counts = {(school, year): matched[(school, year)] for year in years for school in schools}
    small = {k for k, n in counts.items() if 0 < n < settings.min_cell_size}
    return {k: n for k, n in counts.items() if k not in small}, len(small)


def outcome_cells(
    store: Store, settings: Settings, school_id: str | None
) -> dict[str, dict[str, dict[str, Any]]]:
    """The incident outcomes of one school (or the district, ``school_id`` None) for the
    outcomes over time: ``{school_year: {outcome: {"value", "status", "per_100"}}}``, complete
    school years only (a count, not a rate: ``per_100`` is None). ``incidents_recorded`` as
    published (hidden: ``suppressed``; years the school was not recording the whole year are
    left out); ``police_at_school`` in the school years the crimes data cover whole, hidden
    under the minimum cell size."""
    today = incident_rates.today_in(settings)
    in_progress = school_year_of(today)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    figures = incident_rates.figures(store, settings=settings, today=today)
    row = school_id or DISTRICT
    began = (
        figures.recording_from.get(school_id)
        if school_id
        else min(figures.recording_from.values(), default=None)
    )
    for year, pub in figures.publications.items():
        if year == in_progress or began is None or began > f"{_start(year)}-07":
            continue
        cell = pub.cell(row, year, "total")
        if cell["status"] in ("shown", "suppressed"):
            out.setdefault(year, {})["incidents_recorded"] = {
                "value": cell["count"], "status": cell["status"], "per_100": None,
            }  # fmt: skip
    schools = {school_id} if school_id else {s.school_id for s in store.schools()}
    counts = _police_by_year(store, settings, schools)
    for year, n in counts.items():
        hidden = 0 < n < settings.min_cell_size
        out.setdefault(year, {})["police_at_school"] = {
            "value": None if hidden else n,
            "status": "suppressed" if hidden else "shown",
            "per_100": None,
        }
    return out


def _police_counts(store: Store, settings: Settings) -> tuple[list[str], Counter[tuple[str, str]]]:
    """The school years the crimes data cover whole, and the crimes matched to each school in
    each of them."""
    matches = crime_matches(store, settings=settings)
    days = [m.crime.occurred_at.date() for m in matches]
    if not days:
        return [], Counter()
    first, last = min(days), max(days)
    years = [
        y
        for y in year_span([school_year_of(first), school_year_of(last)])
        if date(_start(y), 7, 1) >= first and date(_start(y) + 1, 6, 30) <= last
    ]
    covered = set(years)
    matched: Counter[tuple[str, str]] = Counter()
    for m in matches:
        year = school_year_of(m.crime.occurred_at.date())
        if m.match.status == "matched" and year in covered:
            matched[(str(m.match.school_id), year)] += 1
    return years, matched


def _police_by_year(store: Store, settings: Settings, schools: Collection[str]) -> dict[str, int]:
    """Crimes matched to any of ``schools`` per school year the crimes data cover whole."""
    years, matched = _police_counts(store, settings)
    return {y: sum(matched[(s, y)] for s in schools) for y in years}
