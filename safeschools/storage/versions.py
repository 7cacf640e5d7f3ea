"""The one version check of the store: a record carries a ``version``, an update names the
version it read, and ``UPDATE ... WHERE version = :read`` touching no row means someone else
wrote first. The write is refused with one :class:`ConflictError` message, never lost.

Creating a record keyed by a unique key is the same question asked of a row that is not there
yet: :func:`insert_if_new` inserts with ``ON CONFLICT DO NOTHING`` and says whether it did, so
two writers creating the same record at once get one row and one refusal (a check made before
the insert cannot see the other writer's uncommitted row on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from safeschools.errors import ConflictError

__all__ = ["check_version", "insert_if_new", "upsert", "versioned_update"]


def _stale(what: str, read_version: int, current: int | None) -> ConflictError:
    now = "none stored now" if current is None else f"now {current}"
    return ConflictError(
        f"{what} changed since you read it (version {read_version}, {now}); reload and apply again."
    )


def check_version(
    table: Table, where: Sequence[Any], *, read_version: int, what: str, conn: Connection
) -> None:
    """ConflictError unless the row of ``table`` at ``where`` is still at ``read_version``."""
    current = conn.execute(select(table.c.version).where(*where)).scalar()
    if current != read_version:
        raise _stale(what, read_version, current)


def versioned_update(
    table: Table,
    where: Sequence[Any],
    *,
    read_version: int,
    values: dict[str, Any],
    what: str,
    conn: Connection,
) -> None:
    """Change the row of ``table`` at ``where`` if it is still at ``read_version`` (its version
    goes up by one); ConflictError, and nothing written, otherwise."""
    result = conn.execute(
        update(table)
        .where(*where, table.c.version == read_version)
        .values(**values, version=table.c.version + 1)
    )
    if result.rowcount == 0:
        current = conn.execute(select(table.c.version).where(*where)).scalar()
        raise _stale(what, read_version, current)


def _insert(table: Table, conn: Connection) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def insert_if_new(table: Table, values: dict[str, Any], *, conn: Connection) -> bool:
    """Insert ``values`` unless a row with the same unique key is stored (or being stored by
    another transaction, which this one waits for); True when the row was inserted."""
    stmt = _insert(table, conn).values(**values).on_conflict_do_nothing()
    # RETURNING says whether a row was written (PostgreSQL's rowcount here is -1).
    return conn.execute(stmt.returning(*table.primary_key.columns)).first() is not None


def upsert(table: Table, values: dict[str, Any], *, key: Sequence[str], conn: Connection) -> None:
    """Insert ``values``, or update the row stored under the unique ``key`` columns (also when
    another transaction is storing it at the same moment)."""
    stmt = _insert(table, conn).values(**values)
    changes = {k: v for k, v in values.items() if k not in key}
    conn.execute(stmt.on_conflict_do_update(index_elements=list(key), set_=changes))
