"""Reads and writes of trade-in fund pools, allocations and spending plans (mixed into
:class:`Store`). Every write takes the caller's connection, so that its audit entry lands in
the same transaction; records carry a ``version`` and an update names the version it read."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Select, func, insert, select
from sqlalchemy.exc import IntegrityError

from safeschools.errors import ConflictError, NotFoundError
from safeschools.model.funds import (
    Allocation,
    FundPool,
    FundShare,
    PoolSchool,
    SpendingItem,
    SpendingLine,
)
from safeschools.storage import tables_funds as f
from safeschools.storage.versions import check_version, versioned_update

__all__ = ["FundStore"]

_Row = TypeVar("_Row")


class FundStore:
    """Fund and spending methods of the store."""

    engine: Engine

    def _rows(self, query: Select[Any], record: type[_Row], conn: Connection | None) -> list[_Row]:
        if conn is None:
            with self.engine.connect() as own:
                return [record(**r._mapping) for r in own.execute(query).all()]
        return [record(**r._mapping) for r in conn.execute(query).all()]

    # ------------------------------------------------------------------ pools
    def add_pool(
        self,
        *,
        school_year: str,
        label: str,
        amount_cents: int,
        source_note: str,
        exposure_preset: str | None,
        created_at: datetime,
        created_by: str | None,
        conn: Connection,
    ) -> FundPool:
        """Create a pool."""
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
        return self.fund_pool(int(key[0]), conn=conn)

    def fund_pool(self, pool_id: int, *, conn: Connection | None = None) -> FundPool:
        """One pool, or NotFoundError."""
        found = self._rows(select(f.fund_pools).where(f.fund_pools.c.id == pool_id), FundPool, conn)
        if not found:
            msg = f"No fund pool #{pool_id}; list them with `safeschools funds pool list`."
            raise NotFoundError(msg)
        return found[0]

    def fund_pools(self) -> list[FundPool]:
        """Every pool, newest first."""
        return self._rows(select(f.fund_pools).order_by(f.fund_pools.c.id.desc()), FundPool, None)

    def update_pool(
        self, pool_id: int, *, read_version: int, values: dict[str, Any], conn: Connection
    ) -> FundPool:
        """Change a pool if it is still at ``read_version`` (ConflictError otherwise)."""
        versioned_update(
            f.fund_pools,
            [f.fund_pools.c.id == pool_id],
            read_version=read_version,
            values=values,
            what=f"Fund pool #{pool_id}",
            conn=conn,
        )
        return self.fund_pool(pool_id, conn=conn)

    # ------------------------------------------------------------------ schools in a pool
    def pool_schools(self, pool_id: int, *, conn: Connection | None = None) -> list[PoolSchool]:
        """The schools in a pool with the facts entered for them, by school id."""
        query = (
            select(f.fund_pool_schools)
            .where(f.fund_pool_schools.c.pool_id == pool_id)
            .order_by(f.fund_pool_schools.c.school_id)
        )
        return self._rows(query, PoolSchool, conn)

    def add_pool_schools(
        self, pool_id: int, rows: list[dict[str, Any]], *, conn: Connection
    ) -> None:
        """Add schools (``school_id``, ``officers_removed``, ``need``) to a pool."""
        if rows:
            conn.execute(
                insert(f.fund_pool_schools),
                [{"pool_id": pool_id, "version": 1, **r} for r in rows],
            )

    def update_pool_school(
        self,
        pool_id: int,
        school_id: str,
        *,
        read_version: int,
        values: dict[str, Any],
        conn: Connection,
    ) -> None:
        """Change a school's facts in a pool if still at ``read_version``."""
        versioned_update(
            f.fund_pool_schools,
            [
                f.fund_pool_schools.c.pool_id == pool_id,
                f.fund_pool_schools.c.school_id == school_id,
            ],
            read_version=read_version,
            values=values,
            what=f"The facts of school {school_id} in pool #{pool_id}",
            conn=conn,
        )

    # ------------------------------------------------------------------ allocations
    def add_allocation(
        self,
        pool: FundPool,
        *,
        formula: str,
        adopted_at: datetime,
        adopted_by: str | None,
        shares: list[dict[str, Any]],
        conn: Connection,
    ) -> int:
        """Freeze a new allocation version (the last one + 1) of ``pool`` as read (its amount
        and preset; ConflictError if the pool changed since) with its shares; its version.

        Allocations are only ever inserted: nothing updates or deletes them.
        """
        check_version(
            f.fund_pools,
            [f.fund_pools.c.id == pool.id],
            read_version=pool.version,
            what=f"Fund pool #{pool.id}",
            conn=conn,
        )
        last = conn.execute(
            select(func.max(f.fund_allocations.c.version)).where(
                f.fund_allocations.c.pool_id == pool.id
            )
        ).scalar()
        version = int(last or 0) + 1
        try:
            conn.execute(
                insert(f.fund_allocations).values(
                    pool_id=pool.id,
                    version=version,
                    formula=formula,
                    amount_cents=pool.amount_cents,
                    exposure_preset=pool.exposure_preset,
                    adopted_at=adopted_at,
                    adopted_by=adopted_by,
                )
            )
        except IntegrityError as exc:
            msg = (
                f"Someone adopted version {version} of pool #{pool.id} at the same time; "
                "reload the what-if view and adopt again."
            )
            raise ConflictError(msg) from exc
        if shares:
            conn.execute(
                insert(f.fund_shares),
                [{"pool_id": pool.id, "version": version, **s} for s in shares],
            )
        return version

    def allocations(self, pool_id: int) -> list[Allocation]:
        """Every adopted version of a pool's allocation, oldest first."""
        query = (
            select(f.fund_allocations)
            .where(f.fund_allocations.c.pool_id == pool_id)
            .order_by(f.fund_allocations.c.version)
        )
        return self._rows(query, Allocation, None)

    def shares(
        self,
        *,
        pool_id: int | None = None,
        version: int | None = None,
        school_id: str | None = None,
        lock: bool = False,
        conn: Connection | None = None,
    ) -> list[FundShare]:
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
        return self._rows(query, FundShare, conn)

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
    def spending_items(self, *, conn: Connection | None = None) -> list[SpendingItem]:
        """The catalog of positions and programs, by code."""
        return self._rows(
            select(f.spending_items).order_by(f.spending_items.c.code), SpendingItem, conn
        )

    def update_spending_item(
        self, code: str, *, read_version: int, values: dict[str, Any], conn: Connection
    ) -> None:
        """Change a catalog item if still at ``read_version``."""
        versioned_update(
            f.spending_items,
            [f.spending_items.c.code == code],
            read_version=read_version,
            values=values,
            what=f"Catalog item {code}",
            conn=conn,
        )

    # ------------------------------------------------------------------ spending lines
    def spending_lines(
        self,
        *,
        pool_id: int | None = None,
        school_id: str | None = None,
        active_only: bool = True,
        conn: Connection | None = None,
    ) -> list[SpendingLine]:
        """Plan lines (the live ones unless ``active_only`` is false), by id."""
        query = select(f.spending_lines).order_by(f.spending_lines.c.id)
        if pool_id is not None:
            query = query.where(f.spending_lines.c.pool_id == pool_id)
        if school_id is not None:
            query = query.where(f.spending_lines.c.school_id == school_id)
        if active_only:
            query = query.where(f.spending_lines.c.active.is_(True))
        return self._rows(query, SpendingLine, conn)

    def spending_line(self, line_id: int, *, conn: Connection | None = None) -> SpendingLine:
        """One plan line, or NotFoundError."""
        query = select(f.spending_lines).where(f.spending_lines.c.id == line_id)
        found = self._rows(query, SpendingLine, conn)
        if not found:
            msg = f"No spending plan line #{line_id}; list a school's with `funds plan SCHOOL_ID`."
            raise NotFoundError(msg)
        return found[0]

    def add_spending_line(self, values: dict[str, Any], *, conn: Connection) -> SpendingLine:
        """Add a plan line (version 1, active)."""
        result = conn.execute(insert(f.spending_lines).values(**values, active=True, version=1))
        key = result.inserted_primary_key
        assert key is not None
        return self.spending_line(int(key[0]), conn=conn)

    def update_spending_line(
        self, line_id: int, *, read_version: int, values: dict[str, Any], conn: Connection
    ) -> SpendingLine:
        """Change (or retire: ``active=False``) a plan line if still at ``read_version``."""
        versioned_update(
            f.spending_lines,
            [f.spending_lines.c.id == line_id],
            read_version=read_version,
            values=values,
            what=f"Spending plan line #{line_id}",
            conn=conn,
        )
        return self.spending_line(line_id, conn=conn)
