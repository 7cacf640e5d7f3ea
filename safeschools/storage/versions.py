"""The one version check of the store: a record carries a ``version``, an update names the
version it read, and ``UPDATE ... WHERE version = :read`` touching no row means someone else
wrote first. The write is refused with one :class:`ConflictError` message, never lost."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, select, update

from safeschools.errors import ConflictError

__all__ = ["check_version", "versioned_update"]


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
