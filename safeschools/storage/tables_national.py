"""The national trackers' school shootings (built by migration 0014).

One row per incident of one tracker's file (``source``: ``k12-ssdb`` or ``wapo``), with the
source's license on every row. No column holds a person's name or a free-text account.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from safeschools.storage.tables import metadata

__all__ = ["school_shootings"]

school_shootings = Table(
    "school_shootings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(16), nullable=False),
    Column("incident_id", String(40), nullable=False),
    Column("date", Date, nullable=False),
    Column("school_year", String(7), nullable=False),
    Column("state", String(2), nullable=False),
    Column("city", String(120), nullable=False),
    Column("school", String(200), nullable=False),
    Column("license", String(200), nullable=False),
    Column("time", String(16)),
    Column("nces_school_id", String(16)),
    Column("school_level", String(40)),
    Column("location_type", String(60)),
    Column("during_school", Boolean),
    Column("time_period", String(40)),
    Column("situation", String(60)),
    Column("shots_fired", String(16)),
    Column("killed", Integer),
    Column("injured", Integer),
    Column("shooters", Integer),
    Column("shooter_died", Boolean),
    Column("resource_officer", Integer),
    Column("officer_involved", Boolean),
    Column("enrollment", Integer),
    Column("lat", Float),
    Column("lon", Float),
    Column("weapons", Text),
    Column("import_id", Integer),
    UniqueConstraint("source", "incident_id"),
    Index("ix_school_shootings_source_date", "source", "date"),
)
