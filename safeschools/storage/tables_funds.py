"""Tables of the trade-in funds: pools, the schools in a pool with their facts, adopted
allocations (frozen, one row per version) with their shares, the spending catalog and the
schools' spending plan lines. Money is in integer cents."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from safeschools.storage.tables import metadata

__all__ = [
    "fund_allocations",
    "fund_pool_schools",
    "fund_pools",
    "fund_shares",
    "spending_items",
    "spending_lines",
]

fund_pools = Table(
    "fund_pools",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_year", String(7), nullable=False),
    Column("label", Text, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("source_note", Text, nullable=False),
    Column("exposure_preset", String(64)),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("created_by", String(254)),
)

fund_pool_schools = Table(
    "fund_pool_schools",
    metadata,
    Column("pool_id", Integer, ForeignKey("fund_pools.id"), primary_key=True),
    Column("school_id", String(32), primary_key=True),
    Column("officers_removed", Integer),
    Column("need", String(32)),
    Column("version", Integer, nullable=False),
)

fund_allocations = Table(
    "fund_allocations",
    metadata,
    Column("pool_id", Integer, ForeignKey("fund_pools.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("formula", String(16), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("exposure_preset", String(64)),
    Column("adopted_at", DateTime(timezone=False), nullable=False),
    Column("adopted_by", String(254)),
)

fund_shares = Table(
    "fund_shares",
    metadata,
    Column("pool_id", Integer, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("school_id", String(32), primary_key=True),
    Column("weight", String(64), nullable=False),
    Column("officers_removed", Integer),
    Column("enrollment", Integer),
    Column("victims", Integer),
    Column("need", String(32)),
    Column("share_cents", BigInteger, nullable=False),
    ForeignKeyConstraint(
        ["pool_id", "version"], ["fund_allocations.pool_id", "fund_allocations.version"]
    ),
)

spending_items = Table(
    "spending_items",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("label", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("cost_cents", BigInteger, nullable=False),
    Column("unit", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

spending_lines = Table(
    "spending_lines",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pool_id", Integer, ForeignKey("fund_pools.id"), nullable=False),
    Column("school_id", String(32), nullable=False),
    Column("item_code", String(32), ForeignKey("spending_items.code"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_cost_cents", BigInteger, nullable=False),
    Column("cost_override", Boolean, nullable=False),
    Column("note", Text),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Index(None, "pool_id", "school_id"),
)
