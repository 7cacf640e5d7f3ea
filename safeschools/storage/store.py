"""The :class:`Store`: every read and write of the database goes through it.

One store serves SQLite (the embedded default) and PostgreSQL with the same tables, built by the
Alembic migrations in ``migrations/``. Writes happen inside :meth:`Store.transaction`, so an
import that is interrupted leaves the store as it was.

Writes at the same moment: on SQLite a write transaction takes the database's write lock when it
begins (``BEGIN IMMEDIATE``), so what it reads before writing cannot change under it; on
PostgreSQL creates use a conflict clause (:func:`~safeschools.storage.versions.insert_if_new`),
updates a version check, and imports one store-wide lock (:meth:`Store.lock_imports`). A
unique key written by someone else at the same moment is a :class:`ConflictError`, never an
unexpected error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select, text
from sqlalchemy import delete as sa_delete
from sqlalchemy import insert as sa_insert
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from safeschools.errors import ConfigError, ConflictError
from safeschools.storage import tables as t
from safeschools.storage.accounts import AccountStore
from safeschools.storage.council import CouncilStore
from safeschools.storage.discipline import DisciplineStore
from safeschools.storage.funds import FundStore
from safeschools.storage.imports import ImportStore, UpsertCounts
from safeschools.storage.incident_rollups import IncidentRollupStore
from safeschools.storage.incidents import IncidentStore
from safeschools.storage.national import NationalStore
from safeschools.storage.notices import NoticeStore
from safeschools.storage.officers import OfficerStore
from safeschools.storage.pairs import PairStore
from safeschools.storage.plans import PlanStore
from safeschools.storage.schools import SchoolStore, victimization_hash
from safeschools.storage.sessions import SessionStore
from safeschools.storage.streets import StreetStore

__all__ = ["Store", "UpsertCounts", "open_store", "victimization_hash"]

_MIGRATIONS = Path(__file__).parent / "migrations"

#: The key of the PostgreSQL advisory lock every import holds while it writes (a constant that
#: nothing else on the server uses; it reads "safe school imports" in hexadecimal, roughly).
IMPORT_LOCK_KEY = 0x5AFE_5C00_1A7

_SQLITE_UNIQUE = ("UNIQUE constraint failed", "PRIMARY KEY must be unique")


def _unique_violation(exc: IntegrityError) -> bool:
    """True when ``exc`` is a unique key written twice (not a missing reference or value)."""
    if getattr(exc.orig, "sqlstate", None) == "23505":  # PostgreSQL unique_violation
        return True
    return any(text_ in str(exc.orig) for text_ in _SQLITE_UNIQUE)


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


class Store(
    ImportStore,
    SchoolStore,
    PairStore,
    AccountStore,
    SessionStore,
    OfficerStore,
    CouncilStore,
    PlanStore,
    FundStore,
    DisciplineStore,
    StreetStore,
    IncidentStore,
    NoticeStore,
    IncidentRollupStore,
    NationalStore,
):
    """Reads and writes of the safeschools database: the lifecycle and the store's own state
    here, each kind of record in its own mixin."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # A SQLite file is shared between connections (threads, processes): its write
        # transactions lock it from their start. An in-memory store has one connection.
        database = engine.url.database
        self._lock_at_begin = engine.dialect.name == "sqlite" and database not in (
            None,
            "",
            ":memory:",
        )

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
        """A connection inside one transaction: committed on success, rolled back on any error.

        On a SQLite file the transaction holds the write lock from its first statement (another
        writer waits), so a check made on what it read still holds when it writes. A unique
        key that another writer stored first is a :class:`ConflictError`.
        """
        try:
            with self.engine.begin() as conn:
                if self._lock_at_begin:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                yield conn
        except IntegrityError as exc:
            if not _unique_violation(exc):
                raise
            msg = (
                "Someone else wrote the same record at the same moment; reload it and apply "
                "your change again."
            )
            raise ConflictError(msg) from exc

    def lock_imports(self, *, conn: Connection) -> None:
        """Wait until no other import is writing, then hold the store's import lock until the
        caller's transaction ends.

        Imports compute the school-victimization pairs from what is committed: two at once
        (a school list and a victims file) would each miss the other's rows. On PostgreSQL this
        is a transaction-level advisory lock; on SQLite the transaction already holds the
        database's write lock (see :meth:`transaction`).
        """
        if self.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})

    # ------------------------------------------------------------------ the store's own state
    def get_state(self, key: str, *, conn: Connection) -> str | None:
        """A value the store keeps about itself (e.g. how far pairs are computed)."""
        row = conn.execute(select(t.store_state.c.value).where(t.store_state.c.key == key)).first()
        return None if row is None else str(row[0])

    def set_state(self, key: str, value: str, *, conn: Connection) -> None:
        """Set a state value inside the caller's transaction."""
        conn.execute(sa_delete(t.store_state).where(t.store_state.c.key == key))
        conn.execute(sa_insert(t.store_state).values(key=key, value=value))

    def drop_state(self, prefix: str, *, keep: str) -> int:
        """Drop the state values whose key starts with ``prefix`` but not with ``keep`` (kept
        results of older data); how many went."""
        with self.engine.begin() as conn:
            gone = conn.execute(
                sa_delete(t.store_state).where(
                    t.store_state.c.key.startswith(prefix, autoescape=True),
                    ~t.store_state.c.key.startswith(keep, autoescape=True),
                )
            )
        return int(gone.rowcount or 0)

    def state_once(self, key: str, value: str) -> str:
        """The state value under ``key``, set to ``value`` if there is none yet (the first
        writer wins, also between processes)."""
        with self.engine.connect() as conn:
            found = conn.execute(
                select(t.store_state.c.value).where(t.store_state.c.key == key)
            ).scalar()
        if found:
            return str(found)
        try:
            with self.engine.begin() as conn:
                conn.execute(sa_insert(t.store_state).values(key=key, value=value))
        except IntegrityError:  # another process set it first: use theirs
            pass
        with self.engine.connect() as conn:
            return str(
                conn.execute(
                    select(t.store_state.c.value).where(t.store_state.c.key == key)
                ).scalar_one()
            )

    def versions(self) -> tuple[int, int]:
        """The newest import's id and the newest audit entry's id, in one query: together they
        change whenever anything a page shows changes (an import, or a recorded write)."""
        imports = select(func.coalesce(func.max(t.imports.c.id), 0)).scalar_subquery()
        writes = select(func.coalesce(func.max(t.audit_log.c.id), 0)).scalar_subquery()
        with self.engine.connect() as conn:
            row = conn.execute(select(imports, writes)).one()
        return int(row[0]), int(row[1])

    def latest_write_id(self) -> int:
        """The newest audit entry's id (0 when none): it changes with every recorded write, so
        pages built from records can be cached until it does."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(select(func.coalesce(func.max(t.audit_log.c.id), 0))).scalar_one()
            )

    def count(self, table: str) -> int:
        """Rows in one table (for summaries and tests)."""
        with self.engine.connect() as conn:
            return int(conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one())
