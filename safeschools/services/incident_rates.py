"""Incidents recorded by schools, by month and school year, with the response rates: the
public figures (pages, API, CSV, CLI), only ever aggregates.

The store groups the counts (:mod:`safeschools.storage.incident_rollups`); the method, the
rates and the small-count rule are :mod:`safeschools.metrics.incident_rates`. One publication
per school year is computed for every school and the district together (so that a count hidden
on one school's page cannot be worked out from the district's), kept until an incident or a
case changes, or the day changes.

A school that has recorded nothing has no figures (``status`` ``nothing_recorded``), never
zeros; months before a school's first record are left out (unknown), and a period still under
way, or one the school began recording in, is ``partial``.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from safeschools.errors import DataValidationError, NotFoundError
from safeschools.metrics import incident_rates as m
from safeschools.model.incidents import CATEGORIES
from safeschools.services.base import Clock, clock_of
from safeschools.services.cache import VersionedCache
from safeschools.services.outcomes import removal_years
from safeschools.services.police_at_school import school_police_at_school
from safeschools.settings import Settings
from safeschools.spreadsheet import csv_dict_writer
from safeschools.storage import Store

__all__ = [
    "BY",
    "CAVEAT_POLICE",
    "CAVEAT_RECORDING",
    "COUNT_COLUMNS",
    "IncidentFigures",
    "district_incidents",
    "figures",
    "monthly",
    "monthly_csv",
    "monthly_table",
    "school_incidents_section",
    "school_incidents_summary",
    "today_in",
]

#: The periods a series can be given by.
BY = ("month", "school-year")

#: The caveat every school-recorded figure carries.
CAVEAT_RECORDING = "Schools record incidents differently; a rise can mean better recording."
#: The caveat of the police-reported incidents shown beside them.
CAVEAT_POLICE = (
    "Once officers leave, police reports at school change for reasons other than behaviour."
)

#: The counts of a row, in the order the CSV and the CLI give them (after the categories).
COUNT_COLUMNS = ("total", *m.FIGHT_MEASURES, *m.CASE_MEASURES)

_KEPT = VersionedCache(size=8)


def today_in(settings: Settings, now: Clock | None = None) -> date:
    """Today in the district's time zone (what "the current month" is); ``now``: the
    application's clock when tests pin it."""
    return clock_of(settings, now)().date()


@dataclass(frozen=True)
class IncidentFigures:
    """Every school year's publication and what the pages say about it."""

    categories: tuple[str, ...]
    added_categories: dict[str, dict[str, str]]
    publications: dict[str, m.Published]
    recording_from: dict[str, str]
    first_day: date | None
    last_day: date | None
    today: date
    min_cell: int


def _compute(store: Store, settings: Settings, today: date) -> IncidentFigures:
    added = store.incident_categories()
    categories = (*CATEGORIES, *(c.code for c in added))
    rows = store.incident_month_counts(categories=categories)
    cases = store.case_month_counts()
    counts = m.month_counts(rows, cases, categories=categories)
    recording_from = {school: min(months) for school, months in counts.items()}
    this_month = today.strftime("%Y-%m")
    first = min(recording_from.values(), default=None)
    years: list[str] = []
    if first is not None and first <= this_month:
        start, end = (
            int(m.school_year_of_month(first)[:4]),
            int(m.school_year_of_month(this_month)[:4]),
        )
        years = [f"{y}-{(y + 1) % 100:02d}" for y in range(start, end + 1)]
    publications = {
        y: _publication(store, counts, y, recording_from, today, categories, settings)
        for y in years
    }
    first_day, last_day = store.incident_span()
    return IncidentFigures(
        categories=categories,
        added_categories={c.code: {"en": c.label_en, "es": c.label_es} for c in added},
        publications=publications,
        recording_from=recording_from,
        first_day=first_day,
        last_day=last_day,
        today=today,
        min_cell=settings.min_cell_size,
    )


def _publication(
    store: Store,
    counts: dict[str, dict[str, m.Counts]],
    year: str,
    recording_from: dict[str, str],
    today: date,
    categories: tuple[str, ...],
    settings: Settings,
) -> m.Published:
    """One school year's publication, kept under a digest of exactly what it is computed from
    (that year's counts, who records since when, the months up to today): a new incident
    recomputes its own school year, not the others (the suppression of a whole district's
    school year takes seconds)."""
    months = [mo for mo in m.months_of_school_year(year) if mo <= today.strftime("%Y-%m")]
    digest = hashlib.sha256()
    for school in sorted(s for s, first in recording_from.items() if first <= months[-1]):
        have = counts.get(school, {})
        part = [(mo, sorted(have[mo].items())) for mo in months if mo in have]
        digest.update(repr((school, recording_from[school], part)).encode())
    key = ("incident-year", year, tuple(months), categories, settings.min_cell_size,
           digest.hexdigest())  # fmt: skip
    return _YEARS.get(
        store,
        key,
        lambda: m.publish(
            counts,
            school_year=year,
            recording_from=recording_from,
            today=today,
            categories=categories,
            min_cell=settings.min_cell_size,
        ),
    )


#: Each school year's publication, by what it is computed from.
_YEARS = VersionedCache(size=64)


def figures(store: Store, *, settings: Settings, today: date | None = None) -> IncidentFigures:
    """Every school year's publication, kept until an incident or a case changes."""
    day = today or today_in(settings)
    key = ("incident-figures", store.incident_data_version(), settings.min_cell_size, day)
    return _KEPT.get(store, key, lambda: _compute(store, settings, day))


def _partial(f: IncidentFigures, row: str, period: str, by: str) -> str | None:
    """Why a period is partial (None: complete)."""
    if by == "month":
        return "in_progress" if period == f.today.strftime("%Y-%m") else None
    if period == m.school_year_of_month(f.today.strftime("%Y-%m")):
        return "in_progress"
    began = f.recording_from.get(row) if row != m.DISTRICT else min(f.recording_from.values())
    if began is not None and began > m.months_of_school_year(period)[0]:
        return "recording_began"
    return None


def _row(f: IncidentFigures, pub: m.Published, row: str, period: str, by: str) -> dict[str, Any]:
    partial = _partial(f, row, period, by)
    return {
        "period": period,
        "kind": "month" if by == "month" else "school_year",
        "partial": partial is not None,
        "partial_reason": partial,
        "counts": {c: pub.cell(row, period, c) for c in (*f.categories, *COUNT_COLUMNS)},
        "rates": {r: m.rate(pub, row, period, r) for r in m.RATES},
    }


def _series(f: IncidentFigures, row: str, by: str) -> list[dict[str, Any]]:
    if by not in BY:
        msg = f"Unknown period {by!r}; use --by month or --by school-year."
        raise DataValidationError(msg)
    out = []
    for year, pub in f.publications.items():
        if (row, f"{year}|total") not in pub.values and row != m.DISTRICT:
            continue
        if row == m.DISTRICT and not pub.values:
            continue
        if by == "school-year":
            out.append(_row(f, pub, row, year, by))
            continue
        for month in m.months_of_school_year(year):
            if pub.status.get((row, f"{month}|total"), "not_recording") != "not_recording":
                out.append(_row(f, pub, row, month, by))
    return out


def _coverage(f: IncidentFigures) -> dict[str, Any]:
    return {
        "first": None if f.first_day is None else f.first_day.isoformat(),
        "last": None if f.last_day is None else f.last_day.isoformat(),
        "as_of": f.today.isoformat(),
        "min_cell_size": f.min_cell,
    }


def _common(f: IncidentFigures) -> dict[str, Any]:
    return {
        "categories": list(f.categories),
        "added_categories": f.added_categories,
        "definitions": dict(m.DEFINITIONS),
        "coverage": _coverage(f),
        "caveat": CAVEAT_RECORDING,
    }


def _school_name(store: Store, school_id: str) -> str:
    history = store.schools(school_id=school_id)
    if not history:
        msg = f"Unknown school {school_id!r}; list the schools with `safeschools schools`."
        raise NotFoundError(msg)
    return history[-1].name


def school_incidents_summary(
    store: Store,
    school_id: str,
    *,
    settings: Settings,
    by: str = "month",
    today: date | None = None,
) -> dict[str, Any]:
    """One school's incidents by month or school year with the response rates (public)."""
    name = _school_name(store, school_id)
    f = figures(store, settings=settings, today=today)
    began = f.recording_from.get(school_id)
    if began is None:
        return {
            "school_id": school_id,
            "school_name": name,
            "status": "nothing_recorded",
            "reason": "The school has not recorded any incident here yet: its figures are "
            "unknown, not 0.",
            "recording_from": None,
            "by": by,
            "series": [],
            **_common(f),
        }
    return {
        "school_id": school_id,
        "school_name": name,
        "status": "recording",
        "reason": None,
        "recording_from": began,
        "by": by,
        "series": _series(f, school_id, by),
        **_common(f),
    }


def district_incidents(
    store: Store, *, settings: Settings, by: str = "month", today: date | None = None
) -> dict[str, Any]:
    """The district's incidents (the schools recording in each period) by month or school year,
    and each school's latest school year (public)."""
    f = figures(store, settings=settings, today=today)
    schools = []
    if f.publications:
        year = list(f.publications)[-1]
        pub = f.publications[year]
        names = {s.school_id: s.name for s in store.schools()}
        for school in sorted(f.recording_from, key=lambda s: (names.get(s, s), s)):
            if (school, f"{year}|total") in pub.status:
                schools.append(
                    {
                        "school_id": school,
                        "school_name": names.get(school, school),
                        **_row(f, pub, school, year, "school-year"),
                    }
                )
    return {
        "by": by,
        "schools_recording": len(f.recording_from),
        "recording_from": min(f.recording_from.values(), default=None),
        "series": _series(f, m.DISTRICT, by) if f.recording_from else [],
        "schools": schools,
        **_common(f),
    }


def monthly(
    store: Store,
    *,
    settings: Settings,
    school_id: str | None = None,
    by: str = "month",
    today: date | None = None,
) -> dict[str, Any]:
    """The API's and the CLI's answer: one school's series, or the district's."""
    if school_id is not None:
        return school_incidents_summary(store, school_id, settings=settings, by=by, today=today)
    return district_incidents(store, settings=settings, by=by, today=today)


def monthly_table(data: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """A series of :func:`monthly` as flat rows: one per period, each count and rate with its
    status (an empty number is hidden, not recorded or not defined: its status says which)."""
    names = [*data["categories"], *COUNT_COLUMNS]
    columns = ["school_id", "period", "partial"]
    for c in names:
        columns += [c, f"{c} status"]
    for r in m.RATES:
        columns += [r, f"{r} status"]
    school = data.get("school_id") or "district"
    rows = []
    for row in data["series"]:
        line: dict[str, Any] = {
            "school_id": school,
            "period": row["period"],
            "partial": row["partial_reason"] or "",
        }
        for c in names:
            line[c], line[f"{c} status"] = row["counts"][c]["count"], row["counts"][c]["status"]
        for r in m.RATES:
            value = row["rates"][r]["value"]
            line[r] = None if value is None else round(value, 4)
            line[f"{r} status"] = row["rates"][r]["status"]
        rows.append(line)
    return columns, rows


def monthly_csv(data: dict[str, Any]) -> str:
    """:func:`monthly_table` as CSV text."""
    out = io.StringIO()
    columns, rows = monthly_table(data)
    writer = csv_dict_writer(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _officer_years(store: Store, school_id: str) -> list[dict[str, Any]]:
    return [
        {"school_year": a.school_year, "officers": a.officers}
        for a in sorted(store.sro_assignments(school_id=school_id), key=lambda a: a.school_year)
        if a.kind == "sro"
    ]


def school_incidents_section(
    store: Store,
    school_id: str,
    *,
    settings: Settings,
    today: date | None = None,
    police: Callable[[], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A school page's section: the school's months and school years, the police-reported
    incidents at the school by month, the officers year by year and when they left, and both
    caveats."""
    months = school_incidents_summary(store, school_id, settings=settings, today=today)
    years = school_incidents_summary(
        store, school_id, settings=settings, by="school-year", today=today
    )
    at_school = (police or (lambda: school_police_at_school(store, school_id, settings=settings)))()
    return {
        "recorded": months,
        "school_years": years["series"],
        "police": {"rows": at_school["rows"], "coverage": at_school["coverage"]},
        "officers": _officer_years(store, school_id),
        "removal_year": removal_years(store).get(school_id),
        "caveats": [CAVEAT_RECORDING, CAVEAT_POLICE],
    }
