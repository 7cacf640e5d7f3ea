"""Tables of Whole School Safety plans (built by migration 0007)."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Integer, String, Table, Text, UniqueConstraint

from safeschools.storage.tables import metadata

__all__ = ["safety_plan_versions", "safety_plans"]

#: One row per school and school year: the plan as it is now. ``content`` is JSON (pillars,
#: committee, baseline); ``version`` counts saves and guards against lost updates.
safety_plans = Table(
    "safety_plans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_id", String(32), nullable=False),
    Column("school_year", String(7), nullable=False),
    Column("status", String(16), nullable=False),
    Column("content", Text, nullable=False),
    Column("approved_on", Date),
    Column("approved_by", Text),
    Column("approval_motion_id", Integer),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(254)),
    UniqueConstraint("school_id", "school_year"),
)

#: Every saved version of every plan (nothing is lost when a plan changes).
safety_plan_versions = Table(
    "safety_plan_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_id", String(32), nullable=False),
    Column("school_year", String(7), nullable=False),
    Column("version", Integer, nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("saved_at", DateTime, nullable=False),
    Column("saved_by", String(254)),
    UniqueConstraint("school_id", "school_year", "version"),
)
