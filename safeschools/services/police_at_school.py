"""Police-reported incidents at schools, per school and month, from the City's crimes data.

Each crime of source ``chicago-crimes`` whose place is a school is matched to a school of its
school year (:mod:`safeschools.proximity.at_school`; distances from the settings
``at_school_max_m`` and ``at_school_ambiguous_m``). Only matched crimes are counted; ambiguous
ones are reported apart, never given to either school. A school year with no schools stored
borrows the nearest school year that has them (said in ``schools_year``).

Public figures follow the small-count rule of discipline (``settings.min_cell_size``): in each
school-month row, a count under it is ``None`` with status ``suppressed``, and so is whatever
would reveal it (another count of the row or the row's total,
:func:`~safeschools.metrics.suppression.suppress_counts`). Matches are computed on read and
kept per data version (:class:`~safeschools.services.cache.VersionedCache`).

Import the crimes with ``--select all``: the default selection keeps only shootings and
homicides.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from safeschools.errors import NotFoundError
from safeschools.ingest.chicago_crimes import SOURCE
from safeschools.metrics.suppression import suppress_counts
from safeschools.model import School, Victimization
from safeschools.proximity.at_school import (
    CATEGORIES,
    STATUSES,
    AtSchool,
    SchoolPoints,
    category_of,
    match_at_school,
)
from safeschools.services.cache import VersionedCache
from safeschools.services.school_summary import school_year_of
from safeschools.settings import Settings
from safeschools.spreadsheet import csv_dict_writer
from safeschools.storage import Store

__all__ = [
    "CAVEAT",
    "CrimeMatch",
    "crime_matches",
    "district_police_at_school",
    "explained",
    "explained_csv",
    "rows_csv",
    "school_police_at_school",
    "status_counts",
]

#: What every figure of this series carries.
CAVEAT = (
    "Police reports at school count what officers were called to or saw, not how students "
    "behaved: once officers leave the schools, police reports at school change for reasons "
    "other than behaviour. Each point is placed at its block, so the school is the nearest "
    "one within reach; ambiguous matches are not counted. The Chicago Police Department warns "
    "against comparing these counts over time, and the last week is always incomplete."
)

_KEPT = VersionedCache(size=8)


@dataclass(frozen=True, slots=True)
class CrimeMatch:
    """One crime, its category and what the matcher made of it."""

    crime: Victimization
    category: str
    schools_year: str | None
    match: AtSchool


def _points(schools: list[School]) -> SchoolPoints:
    located = [s for s in schools if s.lat is not None and s.lon is not None]
    return SchoolPoints(
        [s.school_id for s in located],
        [s.name for s in located],
        np.array([s.lat for s in located], dtype=np.float64),
        np.array([s.lon for s in located], dtype=np.float64),
    )


def _year_with_schools(year: str, years: list[str]) -> str | None:
    """``year`` when schools are stored for it, else the nearest stored year (earlier wins)."""
    if not years or year in years:
        return year if years else None
    start = int(year[:4])
    return min(years, key=lambda y: (abs(int(y[:4]) - start), int(y[:4]) > start))


def _compute(store: Store, settings: Settings) -> list[CrimeMatch]:
    crimes = store.victimizations(source=SOURCE["name"])
    by_year: dict[str, list[School]] = defaultdict(list)
    for s in store.schools():
        by_year[s.school_year].append(s)
    years = sorted(by_year)
    points = {y: _points(v) for y, v in by_year.items()}
    groups: dict[str | None, list[int]] = defaultdict(list)
    for i, c in enumerate(crimes):
        groups[_year_with_schools(school_year_of(c.occurred_at.date()), years)].append(i)
    out: list[CrimeMatch | None] = [None] * len(crimes)
    empty = SchoolPoints([], [], np.array([]), np.array([]))
    for year, members in groups.items():
        rows = [crimes[i] for i in members]
        matches = match_at_school(
            [c.lat for c in rows],
            [c.lon for c in rows],
            [c.location_description for c in rows],
            points.get(year, empty) if year else empty,
            max_m=settings.at_school_max_m,
            ambiguous_m=settings.at_school_ambiguous_m,
        )
        for i, c, m in zip(members, rows, matches, strict=True):
            out[i] = CrimeMatch(c, category_of(c.incident_type), year, m)
    return [m for m in out if m is not None]


def crime_matches(store: Store, *, settings: Settings) -> list[CrimeMatch]:
    """Every stored crime with its match, oldest first (kept until the next import)."""
    key = ("police-at-school", settings.at_school_max_m, settings.at_school_ambiguous_m)
    return _KEPT.get(store, key, lambda: _compute(store, settings))


def _coverage(matches: list[CrimeMatch], settings: Settings) -> dict[str, Any]:
    days = [m.crime.occurred_at for m in matches]
    return {
        "source": SOURCE["title"],
        "dataset_id": SOURCE["dataset_id"],
        "url": SOURCE["url"],
        "first": min(days).date().isoformat() if days else None,
        "last": max(days).date().isoformat() if days else None,
        "crimes": len(matches),
        "max_m": settings.at_school_max_m,
        "ambiguous_m": settings.at_school_ambiguous_m,
        "min_cell_size": settings.min_cell_size,
    }


def _row(
    school_id: str, name: str, month: str, counts: Counter[str], min_cell: int
) -> dict[str, Any]:
    shown = suppress_counts({c: counts[c] for c in CATEGORIES}, min_cell=min_cell)
    return {
        "school_id": school_id,
        "school_name": name,
        "month": month,
        "counts": {
            c: {
                "count": shown.values[c],
                "status": "suppressed" if shown.values[c] is None else "shown",
            }
            for c in CATEGORIES
        },
        "total": {
            "count": shown.total,
            "status": "suppressed" if shown.total is None else "shown",
        },
    }


def _rows(
    matches: list[CrimeMatch], settings: Settings, *, school_id: str | None = None
) -> list[dict[str, Any]]:
    counted: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for m in matches:
        sid = m.match.school_id
        if m.match.status != "matched" or sid is None:
            continue
        if school_id is not None and sid != school_id:
            continue
        names[sid] = m.match.school_name or sid
        counted[(sid, m.crime.occurred_at.strftime("%Y-%m"))][m.category] += 1
    return [
        _row(sid, names[sid], month, counted[(sid, month)], settings.min_cell_size)
        for sid, month in sorted(counted)
    ]


def district_police_at_school(store: Store, *, settings: Settings) -> dict[str, Any]:
    """Every school's police-reported incidents at school, by month and category (public)."""
    matches = crime_matches(store, settings=settings)
    return {
        "coverage": _coverage(matches, settings),
        "categories": list(CATEGORIES),
        "caveat": CAVEAT,
        "rows": _rows(matches, settings),
    }


def school_police_at_school(store: Store, school_id: str, *, settings: Settings) -> dict[str, Any]:
    """One school's police-reported incidents at school, by month and category (public).

    ``ambiguous`` counts the crimes this school shared with another school (not counted).
    """
    schools = store.schools(school_id=school_id)
    if not schools:
        msg = f"Unknown school {school_id!r}; list the schools with `safeschools schools`."
        raise NotFoundError(msg)
    matches = crime_matches(store, settings=settings)
    ambiguous = sum(
        1
        for m in matches
        if m.match.status == "ambiguous" and school_id in (m.match.school_id, m.match.other_id)
    )
    return {
        "school_id": school_id,
        "school_name": schools[-1].name,
        "coverage": _coverage(matches, settings),
        "categories": list(CATEGORIES),
        "caveat": CAVEAT,
        "rows": _rows(matches, settings, school_id=school_id),
        "ambiguous": _small(ambiguous, settings.min_cell_size),
    }


def _small(count: int, min_cell: int) -> dict[str, Any]:
    hidden = 0 < count < min_cell
    return {"count": None if hidden else count, "status": "suppressed" if hidden else "shown"}


def explained(
    store: Store, *, settings: Settings, school_id: str | None = None
) -> list[dict[str, Any]]:
    """Every crime with its explanation (or, for a school, those matched or ambiguous with it).

    Not for publication: one row per crime, the way the operator checks the matcher.
    """
    out = []
    for m in crime_matches(store, settings=settings):
        if school_id is not None and school_id not in (m.match.school_id, m.match.other_id):
            continue
        if school_id is not None and m.match.status not in ("matched", "ambiguous"):
            continue
        out.append(
            {
                "crime_id": m.crime.source_row_id,
                "occurred_at": m.crime.occurred_at.isoformat(timespec="minutes"),
                "primary_type": m.crime.incident_type,
                "category": m.category,
                "location_description": m.crime.location_description,
                "status": m.match.status,
                "school_id": m.match.school_id,
                "other_school_id": m.match.other_id,
                "distance_m": None if m.match.distance_m is None else round(m.match.distance_m),
                "schools_year": m.schools_year,
                "explanation": m.match.explanation,
            }
        )
    return out


def status_counts(matches: list[CrimeMatch]) -> dict[str, int]:
    """How many crimes each status has (for the operator)."""
    counts = Counter(m.match.status for m in matches)
    return {s: counts[s] for s in STATUSES}


def rows_csv(rows: list[dict[str, Any]]) -> str:
    """Rows of :func:`district_police_at_school` as CSV: an empty count is a hidden one (its
    status column says ``suppressed``)."""
    columns = ["school_id", "school_name", "month"]
    for c in [*CATEGORIES, "total"]:
        columns += [c, f"{c} status"]
    out = io.StringIO()
    writer = csv_dict_writer(out, columns, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        line: dict[str, Any] = {k: r[k] for k in ("school_id", "school_name", "month")}
        for c in CATEGORIES:
            line[c], line[f"{c} status"] = r["counts"][c]["count"], r["counts"][c]["status"]
        line["total"], line["total status"] = r["total"]["count"], r["total"]["status"]
        writer.writerow(line)
    return out.getvalue()


def explained_csv(rows: list[dict[str, Any]]) -> str:
    """Rows of :func:`explained` as CSV."""
    out = io.StringIO()
    columns = list(rows[0]) if rows else ["crime_id", "status", "explanation"]
    writer = csv_dict_writer(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
