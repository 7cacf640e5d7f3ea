"""The :class:`Store`: every read and write of the database goes through it.

One store serves SQLite (the embedded default) and PostgreSQL with the same tables, built by the
Alembic migrations in ``migrations/``. Writes happen inside :meth:`Store.transaction`, so an
import that is interrupted leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    bindparam,
    cast,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy import (
    delete as sa_delete,
)
from sqlalchemy import (
    insert as sa_insert,
)
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import StaticPool

from safeschools.errors import ConfigError, NotFoundError
from safeschools.model import Boundary, ImportRecord, RejectedRow, School, Victimization
from safeschools.storage import tables as t

__all__ = ["Store", "UpsertCounts", "open_store", "victimization_hash"]

_MIGRATIONS = Path(__file__).parent / "migrations"
_SCHOOL_FIELDS = [f.name for f in fields(School)]
_VICTIM_FIELDS = [f.name for f in fields(Victimization)]


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


_victim_values = attrgetter(*_VICTIM_FIELDS)
_school_values = attrgetter(*_SCHOOL_FIELDS)


def _victim_dict(row: Victimization) -> dict[str, Any]:
    return dict(zip(_VICTIM_FIELDS, _victim_values(row), strict=True))


def _school_dict(row: School) -> dict[str, Any]:
    return dict(zip(_SCHOOL_FIELDS, _school_values(row), strict=True))


def victimization_hash(row: Victimization) -> str:
    """A stable digest of every field, to tell an updated row from an unchanged one."""
    return hashlib.blake2b(repr(_victim_values(row)).encode(), digest_size=16).hexdigest()


def _make_engine(url: str) -> Engine:
    try:
        if url in ("sqlite://", "sqlite:///:memory:"):
            engine = create_engine(
                url, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        elif url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False})
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except ArgumentError as exc:
        msg = f"Cannot use database URL {url!r}: {exc}. Use sqlite:///file.db or postgresql://..."
        raise ConfigError(msg) from exc
    except ModuleNotFoundError as exc:
        msg = "PostgreSQL support needs: pip install 'safeschools[postgres]'"
        raise ConfigError(msg) from exc
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Open the store at ``url`` and bring its tables up to date.

    Examples
    --------
    >>> store = open_store("sqlite://")
    >>> store.schools()
    []
    """
    store = Store(_make_engine(url))
    if migrate:
        store.migrate()
    return store


def _school_from_row(row: Any) -> School:
    return School(**{name: getattr(row, name) for name in _SCHOOL_FIELDS})


def _victimization_from_row(row: Any) -> Victimization:
    return Victimization(**{name: getattr(row, name) for name in _VICTIM_FIELDS})


def _import_from_row(row: Any) -> ImportRecord:
    return ImportRecord(**{f.name: getattr(row, f.name) for f in fields(ImportRecord)})


class Store:
    """Reads and writes of the safeschools database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    # ------------------------------------------------------------------ lifecycle
    def migrate(self) -> None:
        """Create or upgrade every table to the newest migration."""
        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except OperationalError as exc:
            msg = (
                f"Cannot open the database at {self.engine.url.render_as_string()}: "
                f"{exc.orig}. Check --database-url (or SAFESCHOOLS_DATABASE_URL)."
            )
            raise ConfigError(msg) from exc

    def table_names(self) -> list[str]:
        """Names of the tables the store holds."""
        return sorted(inspect(self.engine).get_table_names())

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside one transaction: committed on success, rolled back on any error."""
        with self.engine.begin() as conn:
            yield conn

    # ------------------------------------------------------------------ imports
    def start_import(
        self,
        conn: Connection,
        *,
        source: str,
        kind: str,
        location: str,
        format: str,
        school_year: str | None,
        checksum: str,
        started_at: datetime,
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
        conn: Connection,
        import_id: int,
        *,
        rows_read: int,
        accepted: int,
        rejected: int,
        counts: UpsertCounts,
        vintage: str | None,
        finished_at: datetime,
        note: str | None = None,
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
        self, conn: Connection, import_id: int, rows: Sequence[RejectedRow]
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
        self, *, source: str, checksum: str, school_year: str | None
    ) -> ImportRecord | None:
        """The finished import of this source with this checksum (and school year), if any."""
        query = (
            select(t.imports)
            .where(
                t.imports.c.source == source,
                t.imports.c.checksum == checksum,
                t.imports.c.finished_at.is_not(None),
            )
            .order_by(t.imports.c.id)
        )
        if school_year is not None:
            query = query.where(t.imports.c.school_year == school_year)
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

    # ------------------------------------------------------------------ schools
    def upsert_schools(
        self, conn: Connection, schools: Iterable[School], import_id: int
    ) -> UpsertCounts:
        """Insert or merge schools by (school_id, school_year).

        A field the incoming record leaves ``None`` keeps its stored value, so a locations file
        and a profiles file of the same year complete each other.
        """
        incoming = list(schools)
        years = sorted({s.school_year for s in incoming})
        existing: dict[tuple[str, str], School] = {}
        for year in years:
            for row in conn.execute(select(t.schools).where(t.schools.c.school_year == year)):
                school = _school_from_row(row)
                existing[(school.school_id, school.school_year)] = school
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        unchanged = 0
        for school in incoming:
            key = (school.school_id, school.school_year)
            old = existing.get(key)
            if old is None:
                inserts.append({**_school_dict(school), "import_id": import_id})
                existing[key] = school
                continue
            changes = {
                name: getattr(school, name)
                for name in _SCHOOL_FIELDS
                if getattr(school, name) is not None and getattr(school, name) != getattr(old, name)
            }
            if not changes:
                unchanged += 1
                continue
            merged = replace(old, **changes)
            existing[key] = merged
            updates.append(
                {**{f"b_{k}": v for k, v in _school_dict(merged).items()}, "b_import_id": import_id}
            )
        if inserts:
            conn.execute(sa_insert(t.schools), inserts)
        if updates:
            stmt = (
                update(t.schools)
                .where(
                    t.schools.c.school_id == bindparam("b_school_id"),
                    t.schools.c.school_year == bindparam("b_school_year"),
                )
                .values(
                    {
                        name: bindparam(f"b_{name}")
                        for name in [*_SCHOOL_FIELDS, "import_id"]
                        if name not in ("school_id", "school_year")
                    }
                )
            )
            conn.execute(stmt, updates)
        return UpsertCounts(len(inserts), len(updates), unchanged)

    def schools(self, *, school_year: str | None = None) -> list[School]:
        """Schools, ordered by school year then id; all years unless one is named."""
        query = select(t.schools).order_by(t.schools.c.school_year, t.schools.c.school_id)
        if school_year is not None:
            query = query.where(t.schools.c.school_year == school_year)
        with self.engine.connect() as conn:
            return [_school_from_row(r) for r in conn.execute(query)]

    def school_years(self) -> list[str]:
        """The school years the store has schools for, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.schools.c.school_year).distinct().order_by(t.schools.c.school_year)
            )
            return [r[0] for r in rows]

    # ------------------------------------------------------------------ victimizations
    def upsert_victimizations(
        self, conn: Connection, rows: Iterable[Victimization], import_id: int
    ) -> UpsertCounts:
        """Insert new victimizations and replace changed ones, keyed by (source, source_row_id)."""
        incoming = list(rows)
        sources = sorted({r.source for r in incoming})
        known: dict[tuple[str, str], tuple[int, str]] = {}
        for source in sources:
            query = select(
                t.victimizations.c.id, t.victimizations.c.source_row_id, t.victimizations.c.row_hash
            ).where(t.victimizations.c.source == source)
            for vid, row_id, digest in conn.execute(query):
                known[(source, row_id)] = (vid, digest)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        unchanged = 0
        for row in incoming:
            digest = victimization_hash(row)
            hit = known.get((row.source, row.source_row_id))
            if hit is None:
                inserts.append({**_victim_dict(row), "row_hash": digest, "import_id": import_id})
            elif hit[1] == digest:
                unchanged += 1
            else:
                updates.append(
                    {
                        **{f"b_{k}": v for k, v in _victim_dict(row).items()},
                        "b_row_hash": digest,
                        "b_import_id": import_id,
                        "b_id": hit[0],
                    }
                )
        if inserts:
            for start in range(0, len(inserts), 5000):
                conn.execute(sa_insert(t.victimizations), inserts[start : start + 5000])
        if updates:
            names = [*_VICTIM_FIELDS, "row_hash", "import_id"]
            stmt = (
                update(t.victimizations)
                .where(t.victimizations.c.id == bindparam("b_id"))
                .values({n: bindparam(f"b_{n}") for n in names})
            )
            conn.execute(stmt, updates)
        return UpsertCounts(len(inserts), len(updates), unchanged)

    def victimizations(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Victimization]:
        """Victimizations ordered by time, optionally of one source and a time window."""
        query = select(t.victimizations).order_by(
            t.victimizations.c.occurred_at, t.victimizations.c.id
        )
        if source is not None:
            query = query.where(t.victimizations.c.source == source)
        if since is not None:
            query = query.where(t.victimizations.c.occurred_at >= since)
        if until is not None:
            query = query.where(t.victimizations.c.occurred_at < until)
        with self.engine.connect() as conn:
            return [_victimization_from_row(r) for r in conn.execute(query)]

    def victimization_summary(self) -> list[dict[str, Any]]:
        """Per source: rows, fatal rows, first and last occurred_at."""
        v = t.victimizations
        query = (
            select(
                v.c.source,
                func.count().label("rows"),
                func.sum(cast(v.c.fatal, Integer)).label("fatal"),
                func.min(v.c.occurred_at).label("first"),
                func.max(v.c.occurred_at).label("last"),
            )
            .group_by(v.c.source)
            .order_by(v.c.source)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # ------------------------------------------------------------------ boundaries
    def replace_boundaries(
        self, conn: Connection, kind: str, items: Iterable[Boundary], import_id: int
    ) -> UpsertCounts:
        """Make the stored boundaries of ``kind`` exactly ``items``; counts say what changed."""
        incoming = {b.code: b for b in items}
        old = {
            r.code: Boundary(kind=r.kind, code=r.code, name=r.name, geometry_wkt=r.geometry_wkt)
            for r in conn.execute(select(t.boundaries).where(t.boundaries.c.kind == kind))
        }
        inserted = updated = unchanged = 0
        for code, item in incoming.items():
            if code not in old:
                inserted += 1
            elif old[code] == item:
                unchanged += 1
            else:
                updated += 1
        changed = [b for c, b in incoming.items() if c not in old or old[c] != b]
        gone = [c for c in old if c not in incoming]
        for code in [*gone, *(b.code for b in changed)]:
            conn.execute(
                sa_delete(t.boundaries).where(
                    t.boundaries.c.kind == kind, t.boundaries.c.code == code
                )
            )
        if changed:
            conn.execute(
                sa_insert(t.boundaries),
                [{**asdict(b), "import_id": import_id} for b in changed],
            )
        return UpsertCounts(inserted, updated + len(gone), unchanged)

    def boundaries(self, *, kind: str | None = None) -> list[Boundary]:
        """Stored boundaries, by kind and code."""
        query = select(t.boundaries).order_by(t.boundaries.c.kind, t.boundaries.c.code)
        if kind is not None:
            query = query.where(t.boundaries.c.kind == kind)
        with self.engine.connect() as conn:
            return [
                Boundary(kind=r.kind, code=r.code, name=r.name, geometry_wkt=r.geometry_wkt)
                for r in conn.execute(query)
            ]

    # ------------------------------------------------------------------ fetch cursors
    def fetch_watermark(self, source: str) -> str | None:
        """The newest `updated` value a completed fetch of ``source`` stored."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.fetch_cursors.c.watermark).where(t.fetch_cursors.c.source == source)
            ).first()
        return None if row is None else row[0]

    def set_fetch_watermark(
        self, conn: Connection, source: str, watermark: str | None, fetched_at: datetime
    ) -> None:
        """Record how far a completed fetch got, in the import's own transaction."""
        conn.execute(sa_delete(t.fetch_cursors).where(t.fetch_cursors.c.source == source))
        conn.execute(
            sa_insert(t.fetch_cursors).values(
                source=source, watermark=watermark, fetched_at=fetched_at
            )
        )

    def count(self, table: str) -> int:
        """Rows in one table (for summaries and tests)."""
        with self.engine.connect() as conn:
            return int(conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one())
