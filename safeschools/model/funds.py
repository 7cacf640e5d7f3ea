"""Trade-in fund pools, their schools' facts, adopted allocations with their shares, the
spending catalog and the schools' spending plan lines, as the store keeps them. Money is
integer cents; a record that can change carries a ``version``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["Allocation", "FundPool", "FundShare", "PoolSchool", "SpendingItem", "SpendingLine"]


@dataclass(frozen=True)
class FundPool:
    """Money for a school year, shared by some of its schools."""

    id: int
    school_year: str
    label: str
    amount_cents: int
    source_note: str
    exposure_preset: str | None
    version: int
    created_at: datetime
    created_by: str | None


@dataclass(frozen=True)
class PoolSchool:
    """A school in a pool, with the facts entered for it (None: not entered)."""

    pool_id: int
    school_id: str
    officers_removed: int | None
    need: str | None
    version: int


@dataclass(frozen=True)
class Allocation:
    """One adopted (frozen) version of a pool's allocation."""

    pool_id: int
    version: int
    formula: str
    amount_cents: int
    exposure_preset: str | None
    adopted_at: datetime
    adopted_by: str | None


@dataclass(frozen=True)
class FundShare:
    """A school's share of an adopted allocation, with the facts it was weighed by."""

    pool_id: int
    version: int
    school_id: str
    weight: str
    officers_removed: int | None
    enrollment: int | None
    victims: int | None
    need: str | None
    share_cents: int


@dataclass(frozen=True)
class SpendingItem:
    """A position or program of the catalog, with the district's cost."""

    code: str
    label: str
    kind: str
    cost_cents: int
    unit: str
    note: str
    version: int


@dataclass(frozen=True)
class SpendingLine:
    """A line of a school's spending plan (kept, marked inactive, when removed)."""

    id: int
    pool_id: int
    school_id: str
    item_code: str
    quantity: int
    unit_cost_cents: int
    cost_override: bool
    note: str | None
    active: bool
    version: int
