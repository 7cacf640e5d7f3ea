"""The store on SQLite and PostgreSQL: migrations build exactly the tables, writes are atomic."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from safeschools.errors import ConfigError, NotFoundError
from safeschools.model import Boundary, School, Victimization
from safeschools.storage import Store, UpsertCounts, open_store
from safeschools.storage.schema import metadata


def test_migrations_build_exactly_the_declared_tables(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    assert {"schools", "victimizations", "boundaries", "imports", "rejected_rows"} <= set(
        store.table_names()
    )


def test_migrate_twice_is_harmless(store: Store) -> None:
    store.migrate()
    store.migrate()
    assert store.schools() == []


def _victim(row_id: str, **changes: object) -> Victimization:
    base = Victimization(
        source="test",
        source_row_id=row_id,
        case_number="JA1",
        occurred_at=datetime(2024, 3, 10, 2, 30),
        lat=41.88,
        lon=-87.63,
        location_precision="block",
        fatal=False,
    )
    return Victimization(**{**{f: getattr(base, f) for f in base.__dataclass_fields__}, **changes})  # type: ignore[arg-type]


def _import(store: Store, conn, kind: str = "victims") -> int:  # type: ignore[no-untyped-def]
    return store.start_import(
        source="test",
        kind=kind,
        location="memory",
        format="test",
        school_year=None,
        checksum="x",
        started_at=datetime(2026, 1, 1),
        conn=conn,
    )


def test_upsert_victimizations_counts_inserts_updates_and_unchanged(store: Store) -> None:
    with store.transaction() as conn:
        iid = _import(store, conn)
        counts = store.upsert_victimizations([_victim("a"), _victim("b")], iid, conn=conn)
    assert counts == UpsertCounts(2, 0, 0)
    with store.transaction() as conn:
        iid = _import(store, conn)
        counts = store.upsert_victimizations(
            [_victim("a"), _victim("b", fatal=True), _victim("c")], iid, conn=conn
        )
    assert counts == UpsertCounts(1, 1, 1)
    stored = {v.source_row_id: v for v in store.victimizations()}
    assert stored["b"].fatal is True
    # A DST-gap wall time (2:30 on the spring-forward day) is kept exactly as published.
    assert stored["a"].occurred_at == datetime(2024, 3, 10, 2, 30)


def test_school_merge_keeps_fields_a_file_does_not_have(store: Store) -> None:
    first = School("1", "2024-25", "A", lat=41.9, lon=-87.7, governance=None)
    second = School("1", "2024-25", "A", governance="charter", enrollment=300)
    with store.transaction() as conn:
        store.upsert_schools([first], _import(store, conn, "schools"), conn=conn)
    with store.transaction() as conn:
        counts = store.upsert_schools([second], _import(store, conn, "schools"), conn=conn)
    assert counts == UpsertCounts(0, 1, 0)
    (school,) = store.schools()
    assert (school.lat, school.governance, school.enrollment) == (41.9, "charter", 300)


def test_boundaries_replace_counts(store: Store) -> None:
    square = "POLYGON ((-87.7 41.8, -87.6 41.8, -87.6 41.9, -87.7 41.9, -87.7 41.8))"
    items = [Boundary("ward", "1", "Ward 1", square), Boundary("ward", "2", "Ward 2", square)]
    with store.transaction() as conn:
        assert store.replace_boundaries(
            "ward", items, _import(store, conn), conn=conn
        ) == UpsertCounts(2, 0, 0)
    with store.transaction() as conn:
        counts = store.replace_boundaries("ward", items[:1], _import(store, conn), conn=conn)
    assert counts == UpsertCounts(0, 1, 1)
    assert [b.code for b in store.boundaries(kind="ward")] == ["1"]


def test_a_failed_transaction_writes_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        iid = _import(store, conn)
        store.upsert_victimizations([_victim("a")], iid, conn=conn)
        raise RuntimeError("interrupted")
    assert store.count("victimizations") == 0
    assert store.count("imports") == 0


def test_unknown_import_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="safeschools imports"):
        store.get_import(42)


def test_bad_database_url_is_a_config_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="database"):
        open_store("nosuchdriver://x")
    with pytest.raises(ConfigError, match="Cannot open the database"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
