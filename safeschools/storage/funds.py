"""Reads and writes of trade-in fund pools, allocations and spending plans (mixed into
:class:`Store`). Every write takes the caller's connection, so that its audit entry lands in
the same transaction; records carry a ``version`` and an update names the version it read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from safeschools.errors import ConflictError, NotFoundError
from safeschools.storage import tables_funds as f

__all__ = ["FundStore"]


def _dict(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


class FundStore:
    """Fund and spending methods of the store."""

    engine: Engine

    # ------------------------------------------------------------------ pools
    def add_pool(
        self,
        conn: Connection,
        *,
        school_year: str,
        label: str,
        amount_cents: int,
        source_note: str,
        exposure_preset: str | None,
        created_at: datetime,
        created_by: str | None,
    ) -> int:
        """Create a pool; its id."""
        result = conn.execute(
            insert(f.fund_pools).values(
                school_year=school_year,
                label=label,
                amount_cents=amount_cents,
                source_note=source_note,
                exposure_preset=exposure_preset,
                version=1,
                created_at=created_at,
                created_by=created_by,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def fund_pool(self, pool_id: int, conn: Connection | None = None) -> dict[str, Any]:
        """One pool, or NotFoundError."""
        query = select(f.fund_pools).where(f.fund_pools.c.id == pool_id)
        if conn is None:
            with self.engine.connect() as own:
                row = own.execute(query).first()
        else:
            row = conn.execute(query).first()
        if row is None:
            msg = f"No fund pool #{pool_id}; list them with `safeschools funds pool list`."
            raise NotFoundError(msg)
        return _dict(row)

    def fund_pools(self) -> list[dict[str, Any]]:
        """Every pool, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(f.fund_pools).order_by(f.fund_pools.c.id.desc())).all()
        return [_dict(r) for r in rows]

    def _versioned_update(
        self,
        conn: Connection,
        table: Table,
        where: Sequence[Any],
        *,
        read_version: int,
        values: dict[str, Any],
        what: str,
    ) -> None:
        result = conn.execute(
            update(table)
            .where(*where, table.c.version == read_version)
            .values(**values, version=table.c.version + 1)
        )
        if result.rowcount == 0:
            msg = (
                f"{what} changed since you read it (version {read_version}); "
                "reload and apply again."
            )
            raise ConflictError(msg)

    def update_pool(
        self, conn: Connection, pool_id: int, *, read_version: int, values: dict[str, Any]
    ) -> None:
        """Change a pool if it is still at ``read_version`` (ConflictError otherwise)."""
        self._versioned_update(
            conn,
            f.fund_pools,
            [f.fund_pools.c.id == pool_id],
            read_version=read_version,
            values=values,
            what=f"Fund pool #{pool_id}",
        )

    # ------------------------------------------------------------------ schools in a pool
    def pool_schools(self, pool_id: int, conn: Connection | None = None) -> list[dict[str, Any]]:
        """The schools in a pool with the facts entered for them, by school id."""
        query = (
            select(f.fund_pool_schools)
            .where(f.fund_pool_schools.c.pool_id == pool_id)
            .order_by(f.fund_pool_schools.c.school_id)
        )
        if conn is None:
            with self.engine.connect() as own:
                return [_dict(r) for r in own.execute(query).all()]
        return [_dict(r) for r in conn.execute(query).all()]

    def add_pool_schools(self, conn: Connection, pool_id: int, rows: list[dict[str, Any]]) -> None:
        """Add schools (``school_id``, ``officers_removed``, ``need``) to a pool."""
        if rows:
            conn.execute(
                insert(f.fund_pool_schools),
                [{"pool_id": pool_id, "version": 1, **r} for r in rows],
            )

    def update_pool_school(
        self,
        conn: Connection,
        pool_id: int,
        school_id: str,
        *,
        read_version: int,
        values: dict[str, Any],
    ) -> None:
        """Change a school's facts in a pool if still at ``read_version``."""
        self._versioned_update(
            conn,
            f.fund_pool_schools,
            [
                f.fund_pool_schools.c.pool_id == pool_id,
                f.fund_pool_schools.c.school_id == school_id,
            ],
            read_version=read_version,
            values=values,
            what=f"The facts of school {school_id} in pool #{pool_id}",
        )

    # ------------------------------------------------------------------ allocations
    def add_allocation(
        self,
        conn: Connection,
        *,
        pool_id: int,
        formula: str,
        amount_cents: int,
        exposure_preset: str | None,
        adopted_at: datetime,
        adopted_by: str | None,
        shares: list[dict[str, Any]],
    ) -> int:
        """Freeze a new allocation version (the last one + 1) with its shares; its version.

        Allocations are only ever inserted: nothing updates or deletes them.
        """
        last = conn.execute(
            select(func.max(f.fund_allocations.c.version)).where(
                f.fund_allocations.c.pool_id == pool_id
            )
        ).scalar()
        version = int(last or 0) + 1
        try:
            conn.execute(
                insert(f.fund_allocations).values(
                    pool_id=pool_id,
                    version=version,
                    formula=formula,
                    amount_cents=amount_cents,
                    exposure_preset=exposure_preset,
                    adopted_at=adopted_at,
                    adopted_by=adopted_by,
                )
            )
        except IntegrityError as exc:
            msg = (
                f"Someone adopted version {version} of pool #{pool_id} at the same time; "
                "reload the what-if view and adopt again."
            )
            raise ConflictError(msg) from exc
        if shares:
            conn.execute(
                insert(f.fund_shares),
                [{"pool_id": pool_id, "version": version, **s} for s in shares],
            )
        return version

    def allocations(self, pool_id: int) -> list[dict[str, Any]]:
        """Every adopted version of a pool's allocation, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(f.fund_allocations)
                .where(f.fund_allocations.c.pool_id == pool_id)
                .order_by(f.fund_allocations.c.version)
            ).all()
        return [_dict(r) for r in rows]

    def shares(
        self,
        *,
        pool_id: int | None = None,
        version: int | None = None,
        school_id: str | None = None,
        conn: Connection | None = None,
        lock: bool = False,
    ) -> list[dict[str, Any]]:
        """Shares of adopted allocations (``lock``: hold them until the transaction ends)."""
        query = select(f.fund_shares).order_by(
            f.fund_shares.c.pool_id, f.fund_shares.c.version, f.fund_shares.c.school_id
        )
        if pool_id is not None:
            query = query.where(f.fund_shares.c.pool_id == pool_id)
        if version is not None:
            query = query.where(f.fund_shares.c.version == version)
        if school_id is not None:
            query = query.where(f.fund_shares.c.school_id == school_id)
        if lock:
            query = query.with_for_update()
        if conn is None:
            with self.engine.connect() as own:
                return [_dict(r) for r in own.execute(query).all()]
        return [_dict(r) for r in conn.execute(query).all()]

    def latest_allocations(self) -> dict[int, int]:
        """The newest adopted version of every pool that has one."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    f.fund_allocations.c.pool_id, func.max(f.fund_allocations.c.version)
                ).group_by(f.fund_allocations.c.pool_id)
            ).all()
        return {int(r[0]): int(r[1]) for r in rows}

    # ------------------------------------------------------------------ catalog
    def spending_items(self, conn: Connection | None = None) -> list[dict[str, Any]]:
        """The catalog of positions and programs, by code."""
        query = select(f.spending_items).order_by(f.spending_items.c.code)
        if conn is None:
            with self.engine.connect() as own:
                return [_dict(r) for r in own.execute(query).all()]
        return [_dict(r) for r in conn.execute(query).all()]

    def update_spending_item(
        self, conn: Connection, code: str, *, read_version: int, values: dict[str, Any]
    ) -> None:
        """Change a catalog item if still at ``read_version``."""
        self._versioned_update(
            conn,
            f.spending_items,
            [f.spending_items.c.code == code],
            read_version=read_version,
            values=values,
            what=f"Catalog item {code}",
        )

    # ------------------------------------------------------------------ spending lines
    def spending_lines(
        self,
        *,
        pool_id: int | None = None,
        school_id: str | None = None,
        active_only: bool = True,
        conn: Connection | None = None,
    ) -> list[dict[str, Any]]:
        """Plan lines (the live ones unless ``active_only`` is false), by id."""
        query = select(f.spending_lines).order_by(f.spending_lines.c.id)
        if pool_id is not None:
            query = query.where(f.spending_lines.c.pool_id == pool_id)
        if school_id is not None:
            query = query.where(f.spending_lines.c.school_id == school_id)
        if active_only:
            query = query.where(f.spending_lines.c.active.is_(True))
        if conn is None:
            with self.engine.connect() as own:
                return [_dict(r) for r in own.execute(query).all()]
        return [_dict(r) for r in conn.execute(query).all()]

    def spending_line(self, line_id: int, conn: Connection) -> dict[str, Any]:
        """One plan line, or NotFoundError."""
        row = conn.execute(select(f.spending_lines).where(f.spending_lines.c.id == line_id)).first()
        if row is None:
            msg = f"No spending plan line #{line_id}; list a school's with `funds plan SCHOOL_ID`."
            raise NotFoundError(msg)
        return _dict(row)

    def add_spending_line(self, conn: Connection, values: dict[str, Any]) -> int:
        """Add a plan line (version 1, active); its id."""
        result = conn.execute(insert(f.spending_lines).values(**values, active=True, version=1))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def update_spending_line(
        self, conn: Connection, line_id: int, *, read_version: int, values: dict[str, Any]
    ) -> None:
        """Change (or retire: ``active=False``) a plan line if still at ``read_version``."""
        self._versioned_update(
            conn,
            f.spending_lines,
            [f.spending_lines.c.id == line_id],
            read_version=read_version,
            values=values,
            what=f"Spending plan line #{line_id}",
        )
