"""Reads and writes of the national trackers' school shootings (mixed into :class:`Store`).

Writes are keyed upserts by (source, incident id): the same file twice changes nothing, a
corrected file replaces what changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, fields

from sqlalchemy import Connection, Engine, func, select

from safeschools.model.school_shootings import SchoolShooting
from safeschools.storage.discipline import _bulk_upsert
from safeschools.storage.tables_national import school_shootings as shootings_table

__all__ = ["NationalStore"]

_FIELDS = [f.name for f in fields(SchoolShooting)]
_KEY = ("source", "incident_id")


class NationalStore:
    """School-shooting methods of the store."""

    engine: Engine

    def upsert_school_shootings(
        self, records: Iterable[SchoolShooting], import_id: int | None, *, conn: Connection
    ) -> tuple[int, int, int]:
        """Insert or update incidents by (source, incident id); (inserted, updated, unchanged)."""
        return _bulk_upsert(conn, shootings_table, [asdict(r) for r in records], _KEY, import_id)

    def school_shootings(self, *, source: str | None = None) -> list[SchoolShooting]:
        """The stored incidents (of one source when given), by source, date and id."""
        c = shootings_table.c
        query = select(*(c[f] for f in _FIELDS)).order_by(c.source, c.date, c.incident_id)
        if source is not None:
            query = query.where(c.source == source)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [SchoolShooting(**dict(zip(_FIELDS, row, strict=True))) for row in rows]

    def school_shootings_version(self) -> tuple[int, int]:
        """(rows, largest import id): changes whenever an import writes incidents."""
        c = shootings_table.c
        with self.engine.connect() as conn:
            row = conn.execute(select(func.count(), func.max(c.import_id))).one()
        return int(row[0]), int(row[1] or 0)
