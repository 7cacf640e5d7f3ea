"""Reads and writes of import records, their rejected rows and the fetch cursors (mixed into
:class:`Store`), and :class:`UpsertCounts`, what a write of imported rows changed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy import delete as sa_delete
from sqlalchemy import insert as sa_insert

from safeschools.errors import NotFoundError
from safeschools.model import ImportRecord, RejectedRow
from safeschools.model.coverage import COVERAGE_FIELDS, VictimCoverage
from safeschools.storage import tables as t

__all__ = ["ImportStore", "UpsertCounts"]


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """How many rows a write inserted, updated and left unchanged."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


def _import_from_row(row: Any) -> ImportRecord:
    return ImportRecord(**{f.name: getattr(row, f.name) for f in fields(ImportRecord)})


class ImportStore:
    """Import and fetch-cursor methods of the store."""

    engine: Engine

    def start_import(
        self,
        *,
        source: str,
        kind: str,
        location: str,
        format: str,
        school_year: str | None,
        checksum: str,
        started_at: datetime,
        conn: Connection,
    ) -> int:
        """Open an import record; returns its id."""
        result = conn.execute(
            sa_insert(t.imports).values(
                source=source,
                kind=kind,
                location=location,
                format=format,
                school_year=school_year,
                checksum=checksum,
                rows_read=0,
                accepted=0,
                rejected=0,
                inserted=0,
                updated=0,
                unchanged=0,
                started_at=started_at,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def finish_import(
        self,
        import_id: int,
        *,
        rows_read: int,
        accepted: int,
        rejected: int,
        counts: UpsertCounts,
        vintage: str | None,
        finished_at: datetime,
        note: str | None = None,
        conn: Connection,
    ) -> None:
        """Close an import record with what it read and changed."""
        conn.execute(
            update(t.imports)
            .where(t.imports.c.id == import_id)
            .values(
                rows_read=rows_read,
                accepted=accepted,
                rejected=rejected,
                inserted=counts.inserted,
                updated=counts.updated,
                unchanged=counts.unchanged,
                vintage=vintage,
                finished_at=finished_at,
                note=note,
            )
        )

    def add_rejected_rows(
        self, import_id: int, rows: Sequence[RejectedRow], *, conn: Connection
    ) -> None:
        """Keep rejected rows aside, with their file, line and reason."""
        if not rows:
            return
        conn.execute(
            sa_insert(t.rejected_rows),
            [
                {
                    "import_id": import_id,
                    "location": r.location,
                    "line": r.line,
                    "reason": r.reason,
                    "raw": json.dumps(r.raw, ensure_ascii=False),
                }
                for r in rows
            ],
        )

    def find_import(
        self,
        *,
        checksum: str,
        kind: str | None = None,
        source: str | None = None,
        school_year: str | None = None,
    ) -> ImportRecord | None:
        """The first finished import with this checksum (and kind, source, school year when
        given), if any: the same file imported before."""
        c = t.imports.c
        query = (
            select(t.imports)
            .where(c.checksum == checksum, c.finished_at.is_not(None))
            .order_by(c.id)
        )
        for column, value in (("kind", kind), ("source", source), ("school_year", school_year)):
            if value is not None:
                query = query.where(c[column] == value)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _import_from_row(row)

    def imports(self) -> list[ImportRecord]:
        """Every import, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.imports).order_by(t.imports.c.id)).all()
        return [_import_from_row(r) for r in rows]

    def get_import(self, import_id: int) -> ImportRecord:
        """One import by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.imports).where(t.imports.c.id == import_id)).first()
        if row is None:
            msg = f"No import #{import_id}; run `safeschools imports` to list them."
            raise NotFoundError(msg)
        return _import_from_row(row)

    def rejected_rows(self, import_id: int, *, limit: int | None = None) -> list[RejectedRow]:
        """The rows an import set aside, in file order."""
        query = (
            select(t.rejected_rows)
            .where(t.rejected_rows.c.import_id == import_id)
            .order_by(t.rejected_rows.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            RejectedRow(line=r.line, reason=r.reason, raw=json.loads(r.raw), location=r.location)
            for r in rows
        ]

    def max_import_id(self, *, conn: Connection) -> int:
        """The newest import's id (0 when there is none)."""
        return int(conn.execute(select(func.coalesce(func.max(t.imports.c.id), 0))).scalar_one())

    # ------------------------------------------------------------------ coverage
    def record_coverage(
        self, import_id: int, coverage: VictimCoverage, *, conn: Connection
    ) -> None:
        """Keep what a victims import covers (``coverage`` of one source's rows)."""
        for source in coverage.sources[:1]:
            conn.execute(
                sa_insert(t.import_coverage).values(
                    import_id=import_id,
                    source=source,
                    first_day=coverage.first_day,
                    last_day=coverage.last_day,
                    rows=coverage.rows,
                    empty_days=json.dumps([d.isoformat() for d in coverage.empty_days]),
                    **{f"with_{f}": coverage.with_field.get(f, 0) for f in COVERAGE_FIELDS},
                )
            )

    def victim_coverage(self, sources: Sequence[str] | None = None) -> VictimCoverage:
        """What the stored victims cover, over ``sources`` (every source when None or empty):
        the union of what their imports recorded. A source stored before imports recorded
        their coverage is read from its rows instead."""
        c = t.import_coverage.c
        query = select(t.import_coverage)
        stored = select(t.victimizations.c.source).distinct()
        if sources:
            query = query.where(c.source.in_(list(sources)))
            stored = stored.where(t.victimizations.c.source.in_(list(sources)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            with_rows = {r[0] for r in conn.execute(stored)}
            parts = [_coverage_from_row(r) for r in rows]
            for source in sorted(with_rows - {r.source for r in rows}):
                parts.append(_coverage_of_rows(conn, source))
        return VictimCoverage.union(parts)

    # ------------------------------------------------------------------ fetch cursors
    def fetch_watermark(self, source: str) -> str | None:
        """The newest `updated` value a completed fetch of ``source`` stored."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.fetch_cursors.c.watermark).where(t.fetch_cursors.c.source == source)
            ).first()
        return None if row is None else row[0]

    def set_fetch_watermark(
        self, source: str, watermark: str | None, fetched_at: datetime, *, conn: Connection
    ) -> None:
        """Record how far a completed fetch got, in the import's own transaction."""
        conn.execute(sa_delete(t.fetch_cursors).where(t.fetch_cursors.c.source == source))
        conn.execute(
            sa_insert(t.fetch_cursors).values(
                source=source, watermark=watermark, fetched_at=fetched_at
            )
        )


def _coverage_from_row(row: Any) -> VictimCoverage:
    empty = {date.fromisoformat(d) for d in json.loads(row.empty_days)}
    days: frozenset[date] = frozenset()
    if row.first_day is not None and row.last_day is not None:
        span = (row.last_day - row.first_day).days + 1
        every = (row.first_day + timedelta(days=i) for i in range(span))
        days = frozenset(d for d in every if d not in empty)
    return VictimCoverage(
        sources=(row.source,),
        first_day=row.first_day,
        last_day=row.last_day,
        rows=row.rows,
        days_with_rows=days,
        with_field={f: getattr(row, f"with_{f}") for f in COVERAGE_FIELDS},
    )


def _coverage_of_rows(conn: Connection, source: str) -> VictimCoverage:
    """The coverage of a source's stored rows (for stores older than import coverage)."""
    v = t.victimizations.c
    rows = conn.execute(
        select(v.occurred_at, v.age_band, v.fatal, v.lat, v.lon).where(v.source == source)
    ).all()
    days: set[date] = set()
    counts = dict.fromkeys(COVERAGE_FIELDS, 0)
    for at, band, fatal, lat, lon in rows:
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        days.add(at.date())
        counts["age_band"] += bool(band) and band != "UNKNOWN"
        counts["time_of_day"] += (at.hour, at.minute, at.second) != (0, 0, 0)
        counts["fatal"] += fatal is not None
        counts["location"] += lat is not None and lon is not None
    return VictimCoverage(
        sources=(source,),
        first_day=min(days, default=None),
        last_day=max(days, default=None),
        rows=len(rows),
        days_with_rows=frozenset(days),
        with_field=counts,
    )
