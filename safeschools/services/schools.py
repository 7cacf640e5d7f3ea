"""Schools, victimizations and what the store holds, for every interface."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from safeschools.demo import DEMO_SOURCE
from safeschools.errors import (
    NotFoundError,
)
from safeschools.model import (
    GOVERNANCES,
    School,
    StreetLine,
    Victimization,
    school_year_label,
)
from safeschools.storage import Store


def list_schools(store: Store, *, school_year: str | None = None) -> list[School]:
    """Schools of one school year (or all), by id."""
    if school_year is not None:
        school_year = school_year_label(school_year)
    return store.schools(school_year=school_year)


def resolve_school_year(store: Store, school_year: str | None) -> str | None:
    """A school year label from ``2024-25``, ``latest`` (the newest stored) or ``all``/None.

    ``all`` and ``None`` give None (every school year); an unknown year is a NotFoundError.
    """
    if school_year is None or school_year.strip().lower() in ("", "all"):
        return None
    years = store.school_years()
    if school_year.strip().lower() == "latest":
        if not years:
            msg = "The store has no schools; import a school list first (`safeschools ingest`)."
            raise NotFoundError(msg)
        return years[-1]
    label = school_year_label(school_year)
    if label not in years:
        msg = f"No schools for school year {label}; the store has: {', '.join(years) or 'none'}."
        raise NotFoundError(msg)
    return label


def list_victimizations(
    store: Store,
    *,
    since: date | None = None,
    until: date | None = None,
    sources: Sequence[str] = (),
) -> list[Victimization]:
    """Stored victimizations by time, between two inclusive local dates and of some sources.

    A Victimization never holds a name; exports still pick their columns one by one.
    """
    start = datetime.combine(since, datetime.min.time()) if since else None
    end = datetime.combine(until + timedelta(days=1), datetime.min.time()) if until else None
    if not sources:
        return store.victimizations(since=start, until=end)
    return [
        v
        for source in sorted(set(sources))
        for v in store.victimizations(source=source, since=start, until=end)
    ]


def store_summary(store: Store) -> dict[str, Any]:
    """What the store holds, as JSON-ready dicts for every interface.

    Keys: ``imports`` (every import, oldest first), ``schools_by_year`` (per school year: total
    and per governance), ``victimizations_by_year`` (per calendar year of ``occurred_at``: all,
    fatal, and the first and last local date, so part years show as such), ``boundaries``
    (count per kind) and ``synthetic`` (True when every import is of the demo city).
    """
    imports = [
        {
            "id": r.id,
            "source": r.source,
            "kind": r.kind,
            "location": r.location,
            "format": r.format,
            "school_year": r.school_year,
            "rows_read": r.rows_read,
            "accepted": r.accepted,
            "rejected": r.rejected,
            "inserted": r.inserted,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "finished_at": r.finished_at.isoformat() if r.finished_at else None,
        }
        for r in store.imports()
    ]
    by_year: dict[str, Counter[str]] = {}
    for school in store.schools():
        by_year.setdefault(school.school_year, Counter())[school.governance or "unknown"] += 1
    schools_by_year = [
        {
            "school_year": year,
            "total": sum(counts.values()),
            **{g: counts[g] for g in GOVERNANCES},
            **({"unknown": counts["unknown"]} if counts["unknown"] else {}),
        }
        for year, counts in sorted(by_year.items())
    ]
    victims: dict[int, dict[str, Any]] = {}
    for row in store.victimizations():
        entry = victims.setdefault(
            row.occurred_at.year,
            {"year": row.occurred_at.year, "all": 0, "fatal": 0, "first": row.occurred_at},
        )
        entry["all"] += 1
        entry["fatal"] += int(row.fatal)
        entry["last"] = row.occurred_at
    victimizations_by_year = [
        {**e, "first": e["first"].date().isoformat(), "last": e["last"].date().isoformat()}
        for _, e in sorted(victims.items())
    ]
    boundaries = Counter(b.kind for b in store.boundaries())
    sources = {i["source"] for i in imports}
    return {
        "imports": imports,
        "schools_by_year": schools_by_year,
        "victimizations_by_year": victimizations_by_year,
        "boundaries": dict(sorted(boundaries.items())),
        "synthetic": sources == {DEMO_SOURCE},
    }


def street_lines(store: Store) -> list[StreetLine]:
    """The street grid for the maps: every stored street line (lon-lat degrees), built at
    import from the named intersections (``safeschools ingest streets``)."""
    return store.street_lines()


def map_layers(store: Store) -> dict[str, list[dict[str, str]]]:
    """Boundaries for the base map, by kind: code, name and WKT (lat-lon degrees)."""
    layers: dict[str, list[dict[str, str]]] = {}
    for b in store.boundaries():
        layers.setdefault(b.kind, []).append(
            {"code": b.code, "name": b.name, "wkt": b.geometry_wkt}
        )
    return layers
