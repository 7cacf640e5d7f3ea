"""Reads and writes of the street grid (mixed into :class:`Store`): the named intersections and
the street lines built from them, each replaced whole by an import, with counts of what
changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, select
from sqlalchemy import delete as sa_delete
from sqlalchemy import insert as sa_insert

from safeschools.model import Intersection, StreetLine
from safeschools.storage import tables_streets as ts
from safeschools.storage.imports import UpsertCounts

__all__ = ["StreetStore", "line_wkt", "wkt_coords"]


def line_wkt(coords: Iterable[tuple[float, float]]) -> str:
    """``LINESTRING (lon lat, ...)`` with every digit kept (floats round-trip exactly).

    Examples
    --------
    >>> line_wkt([(-87.7, 41.8), (-87.7, 41.81)])
    'LINESTRING (-87.7 41.8, -87.7 41.81)'
    """
    return "LINESTRING (" + ", ".join(f"{x!r} {y!r}" for x, y in coords) + ")"


def wkt_coords(wkt: str) -> tuple[tuple[float, float], ...]:
    """The (lon, lat) pairs of a :func:`line_wkt` text.

    Examples
    --------
    >>> wkt_coords("LINESTRING (-87.7 41.8, -87.7 41.81)")
    ((-87.7, 41.8), (-87.7, 41.81))
    """
    inner = wkt[wkt.index("(") + 1 : wkt.rindex(")")]
    pairs = (p.split() for p in inner.split(","))
    return tuple((float(x), float(y)) for x, y in pairs)


def _intersection_row(item: Intersection) -> dict[str, Any]:
    return {
        "name": item.key,
        "street_1": item.street_1,
        "street_2": item.street_2,
        "zip_code": item.zip_code,
        "lat": item.lat,
        "lon": item.lon,
    }


def _line_row(line: StreetLine) -> dict[str, Any]:
    return {
        "street": line.street,
        "part": line.part,
        "label": line.label,
        "kind": line.kind,
        "major": line.major,
        "length_m": line.length_m,
        "geometry_wkt": line_wkt(line.coords),
    }


def _replace(
    table: Table,
    keys: tuple[str, ...],
    rows: Iterable[Mapping[str, Any]],
    import_id: int,
    *,
    conn: Connection,
) -> UpsertCounts:
    """Make ``table`` hold exactly ``rows`` (keyed by ``keys``): a row that reads the same keeps
    its import id and counts as unchanged; a changed one is replaced (updated); a stored row
    the import no longer has is deleted (counted as updated)."""
    values = [c.name for c in table.columns if c.name != "import_id"]

    def key_of(row: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(row[k] for k in keys)

    incoming = {key_of(r): dict(r) for r in rows}
    stored: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in conn.execute(select(*(table.c[v] for v in values))):
        row = dict(r._mapping)
        stored[key_of(row)] = row
    changed = [k for k, r in incoming.items() if stored.get(k) != r]
    gone = [k for k in stored if k not in incoming]
    stale = [k for k in [*gone, *changed] if k in stored]
    if stale:
        where = [table.c[k] == bindparam(f"b_{k}") for k in keys]
        conn.execute(
            sa_delete(table).where(*where),
            [{f"b_{k}": v for k, v in zip(keys, key, strict=True)} for key in stale],
        )
    if changed:
        batch = [{**incoming[k], "import_id": import_id} for k in changed]
        for start in range(0, len(batch), 5000):
            conn.execute(sa_insert(table), batch[start : start + 5000])
    inserted = sum(1 for k in changed if k not in stored)
    return UpsertCounts(inserted, len(changed) - inserted + len(gone), len(incoming) - len(changed))


class StreetStore:
    """Street intersection and street line methods of the store."""

    engine: Engine

    def replace_intersections(
        self, items: Iterable[Intersection], import_id: int, *, conn: Connection
    ) -> UpsertCounts:
        """Make the stored intersections exactly ``items`` (the whole city's file)."""
        rows = [_intersection_row(i) for i in items]
        return _replace(ts.street_intersections, ("name",), rows, import_id, conn=conn)

    def intersections(self) -> list[Intersection]:
        """Every stored intersection, by name."""
        t = ts.street_intersections
        query = select(t.c.street_1, t.c.street_2, t.c.lat, t.c.lon, t.c.zip_code).order_by(
            t.c.name
        )
        with self.engine.connect() as conn:
            return [Intersection(*r) for r in conn.execute(query)]

    def replace_street_lines(
        self, lines: Iterable[StreetLine], import_id: int, *, conn: Connection
    ) -> UpsertCounts:
        """Make the stored street lines exactly ``lines``."""
        rows = [_line_row(line) for line in lines]
        return _replace(ts.street_lines, ("street", "part"), rows, import_id, conn=conn)

    def street_lines(self) -> list[StreetLine]:
        """Every stored street line, by street and part."""
        t = ts.street_lines
        query = select(t).order_by(t.c.street, t.c.part)
        with self.engine.connect() as conn:
            return [
                StreetLine(
                    street=r.street,
                    part=r.part,
                    label=r.label,
                    kind=r.kind,
                    major=bool(r.major),
                    length_m=r.length_m,
                    coords=wkt_coords(r.geometry_wkt),
                )
                for r in conn.execute(query)
            ]
