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

import numpy as np
import numpy.typing as npt
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
from safeschools.model import (
    Boundary,
    CalendarDay,
    ImportRecord,
    RejectedRow,
    School,
    Victimization,
)
from safeschools.storage import tables as t
from safeschools.storage.accounts import AccountStore
from safeschools.storage.council import CouncilStore
from safeschools.storage.discipline import DisciplineStore
from safeschools.storage.funds import FundStore
from safeschools.storage.officers import OfficerStore
from safeschools.storage.plans import PlanStore

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


def _calendar_day_from_row(row: Any) -> CalendarDay:
    return CalendarDay(
        school_year=row.school_year,
        day=row.day,
        kind=row.kind,
        grades=row.grades,
        confidence=row.confidence,
        note=row.note,
    )


def _import_from_row(row: Any) -> ImportRecord:
    return ImportRecord(**{f.name: getattr(row, f.name) for f in fields(ImportRecord)})


class Store(AccountStore, OfficerStore, CouncilStore, PlanStore, FundStore, DisciplineStore):
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
                command.upgrade(cfg, "heads")
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

    def schools(
        self, *, school_year: str | None = None, school_id: str | None = None
    ) -> list[School]:
        """Schools, ordered by school year then id; all years and ids unless one is named."""
        query = select(t.schools).order_by(t.schools.c.school_year, t.schools.c.school_id)
        if school_year is not None:
            query = query.where(t.schools.c.school_year == school_year)
        if school_id is not None:
            query = query.where(t.schools.c.school_id == school_id)
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

    # ------------------------------------------------------------------ calendars
    def replace_calendar_days(
        self, conn: Connection, days: Iterable[CalendarDay], import_id: int
    ) -> UpsertCounts:
        """Make the stored calendar of every school year in ``days`` exactly ``days``.

        School years the import does not mention are left alone. Rows are told apart by
        (school_year, day, grades, kind); a row that reads the same keeps its import id, so a
        second import of the same file inserts and updates nothing. A stored row the new file
        no longer has is deleted and counted as updated.
        """
        c = t.calendar_days
        incoming = {(d.school_year, d.day, d.grades, d.kind): d for d in days}
        years = sorted({key[0] for key in incoming})
        old: dict[tuple[Any, ...], CalendarDay] = {}
        for year in years:
            for r in conn.execute(select(c).where(c.c.school_year == year)):
                old[(r.school_year, r.day, r.grades, r.kind)] = _calendar_day_from_row(r)
        changed = [k for k, d in incoming.items() if k not in old or old[k] != d]
        gone = [k for k in old if k not in incoming]
        inserted = sum(1 for k in changed if k not in old)
        updated = len(changed) - inserted + len(gone)
        stmt = sa_delete(c).where(
            c.c.school_year == bindparam("b_year"),
            c.c.day == bindparam("b_day"),
            c.c.grades == bindparam("b_grades"),
            c.c.kind == bindparam("b_kind"),
        )
        stale = [k for k in [*gone, *changed] if k in old]
        if stale:
            conn.execute(
                stmt,
                [{"b_year": y, "b_day": d, "b_grades": g, "b_kind": k} for y, d, g, k in stale],
            )
        if changed:
            conn.execute(
                sa_insert(c),
                [{**asdict(incoming[k]), "import_id": import_id} for k in changed],
            )
        return UpsertCounts(inserted, updated, len(incoming) - len(changed))

    def calendar_days(self, *, school_year: str | None = None) -> list[CalendarDay]:
        """Stored calendar days, by school year, day, grades and kind; all years unless one
        is named."""
        c = t.calendar_days
        query = select(c).order_by(c.c.school_year, c.c.day, c.c.grades, c.c.kind)
        if school_year is not None:
            query = query.where(c.c.school_year == school_year)
        with self.engine.connect() as conn:
            return [_calendar_day_from_row(r) for r in conn.execute(query)]

    # ------------------------------------------------------------------ pairs
    def get_state(self, conn: Connection, key: str) -> str | None:
        """A value the store keeps about itself (e.g. how far pairs are computed)."""
        row = conn.execute(select(t.store_state.c.value).where(t.store_state.c.key == key)).first()
        return None if row is None else str(row[0])

    def set_state(self, conn: Connection, key: str, value: str) -> None:
        """Set a state value inside the caller's transaction."""
        conn.execute(sa_delete(t.store_state).where(t.store_state.c.key == key))
        conn.execute(sa_insert(t.store_state).values(key=key, value=value))

    def max_import_id(self, conn: Connection) -> int:
        """The newest import's id (0 when there is none)."""
        return int(conn.execute(select(func.coalesce(func.max(t.imports.c.id), 0))).scalar_one())

    def victim_points(self, conn: Connection) -> dict[str, npt.NDArray[Any]]:
        """Every victimization's id, lat, lon (degrees; NaN when missing) and import id."""
        v = t.victimizations
        rows = conn.execute(select(v.c.id, v.c.lat, v.c.lon, v.c.import_id)).all()
        return {
            "id": np.array([r[0] for r in rows], dtype=np.int64),
            "lat": np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=np.float64),
            "lon": np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64),
            "import_id": np.array([r[3] for r in rows], dtype=np.int64),
        }

    def school_points(self, conn: Connection) -> dict[str, npt.NDArray[Any]]:
        """Every school-year's year, id, lat, lon (degrees; NaN when missing) and import id."""
        s = t.schools
        rows = conn.execute(
            select(s.c.school_year, s.c.school_id, s.c.lat, s.c.lon, s.c.import_id)
        ).all()
        return {
            "school_year": np.array([r[0] for r in rows], dtype=object),
            "school_id": np.array([r[1] for r in rows], dtype=object),
            "lat": np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64),
            "lon": np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=np.float64),
            "import_id": np.array([r[4] or 0 for r in rows], dtype=np.int64),
        }

    def delete_all_pairs(self, conn: Connection) -> None:
        """Forget every pair (before a full recomputation)."""
        conn.execute(sa_delete(t.school_pairs))

    def delete_pairs_of_victims(self, conn: Connection, ids: Sequence[int]) -> None:
        """Forget the pairs of these victimizations."""
        for start in range(0, len(ids), 500):
            chunk = [int(i) for i in ids[start : start + 500]]
            conn.execute(
                sa_delete(t.school_pairs).where(t.school_pairs.c.victimization_id.in_(chunk))
            )

    def delete_pairs_of_schools(self, conn: Connection, keys: Sequence[tuple[str, str]]) -> None:
        """Forget the pairs of these (school_year, school_id)."""
        p = t.school_pairs
        stmt = sa_delete(p).where(
            p.c.school_year == bindparam("y"), p.c.school_id == bindparam("s")
        )
        if keys:
            conn.execute(stmt, [{"y": y, "s": s} for y, s in keys])

    def insert_pairs(
        self,
        conn: Connection,
        school_year: Sequence[str],
        school_id: Sequence[str],
        victimization_id: Sequence[int],
        distance_m: Sequence[float],
    ) -> int:
        """Store pairs given as parallel sequences; returns how many."""
        rows = [
            {"school_year": y, "school_id": s, "victimization_id": int(v), "distance_m": float(d)}
            for y, s, v, d in zip(school_year, school_id, victimization_id, distance_m, strict=True)
        ]
        for start in range(0, len(rows), 20000):
            conn.execute(sa_insert(t.school_pairs), rows[start : start + 20000])
        return len(rows)

    def exposure_columns(self) -> dict[str, npt.NDArray[Any]]:
        """Victims, school-years and their pairs as numpy columns, for the exposure engine.

        Victim columns are ordered by id; school columns by (school_year, school_id); the pair
        columns ``pair_victim`` and ``pair_school`` are positions in those.
        """
        with self.engine.connect() as conn:
            dbapi = conn.connection.dbapi_connection
            assert dbapi is not None
            cur = dbapi.cursor()
            cur.execute(
                "SELECT id, occurred_at, fatal, gunshot_injury, age_band, case_number, source, "
                "lat, lon, victimization_type FROM victimizations ORDER BY id"
            )
            victims = cur.fetchall()
            cur.execute(
                "SELECT school_year, school_id, name, governance, grade_category, lat, lon "
                "FROM schools ORDER BY school_year, school_id"
            )
            schools = cur.fetchall()
            cur.execute(
                "SELECT p.victimization_id, s.rn, p.distance_m FROM school_pairs p JOIN "
                "(SELECT school_year, school_id, ROW_NUMBER() OVER "
                "(ORDER BY school_year, school_id) - 1 AS rn FROM schools) s "
                "ON s.school_year = p.school_year AND s.school_id = p.school_id"
            )
            pairs = cur.fetchall()
            cur.close()
        ids = np.array([r[0] for r in victims], dtype=np.int64)
        times = [r[1] for r in victims]
        if times and isinstance(times[0], str):
            times = [datetime.fromisoformat(x) for x in times]
        pair_ids = np.array([r[0] for r in pairs], dtype=np.int64)

        def objects(rows: Sequence[Any], i: int) -> npt.NDArray[Any]:
            return np.array([r[i] for r in rows], dtype=object)

        def floats(rows: Sequence[Any], i: int) -> npt.NDArray[Any]:
            return np.array([np.nan if r[i] is None else r[i] for r in rows], dtype=np.float64)

        return {
            "victim_id": ids,
            "occurred_at": np.array(times, dtype="datetime64[m]")
            if times
            else np.empty(0, "datetime64[m]"),
            "fatal": np.array([bool(r[2]) for r in victims], dtype=bool),
            "gunshot": np.array(
                [-1 if r[3] is None else int(bool(r[3])) for r in victims], dtype=np.int8
            ),
            "age_band": objects(victims, 4),
            "case_number": objects(victims, 5),
            "source": objects(victims, 6),
            "victim_lat": floats(victims, 7),
            "victim_lon": floats(victims, 8),
            "victim_type": objects(victims, 9),
            "school_year": objects(schools, 0),
            "school_id": objects(schools, 1),
            "school_name": objects(schools, 2),
            "governance": objects(schools, 3),
            "grade_category": objects(schools, 4),
            "school_lat": floats(schools, 5),
            "school_lon": floats(schools, 6),
            "pair_victim": np.searchsorted(ids, pair_ids).astype(np.int64),
            "pair_school": np.array([r[1] for r in pairs], dtype=np.int64),
            "pair_distance_m": np.array([r[2] for r in pairs], dtype=np.float64),
        }

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
