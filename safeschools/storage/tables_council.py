"""Tables of Local School Councils: members, meetings, motions and ballots."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from safeschools.storage.tables import metadata

__all__ = ["council_ballots", "council_meetings", "council_members", "council_motions"]

council_members = Table(
    "council_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_id", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("term_start", Date, nullable=False),
    Column("term_end", Date),
    Column("version", Integer, nullable=False),
    Index(None, "school_id"),
)

council_meetings = Table(
    "council_meetings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_id", String(32), nullable=False),
    Column("meeting_date", Date, nullable=False),
    Column("note", Text),
    Index(None, "school_id"),
)

council_motions = Table(
    "council_motions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_id", String(32), nullable=False),
    Column("meeting_id", Integer, ForeignKey("council_meetings.id"), nullable=False),
    Column("topic", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("officer_decision", Integer),
    Column("school_year", String(7)),
    Column("valid", Boolean, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("result", String(32), nullable=False),
    Column("rules", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=False), nullable=False),
    Column("version", Integer, nullable=False),
    Index(None, "school_id"),
)

council_ballots = Table(
    "council_ballots",
    metadata,
    Column("motion_id", Integer, ForeignKey("council_motions.id"), primary_key=True),
    Column("member_id", Integer, ForeignKey("council_members.id"), primary_key=True),
    Column("ballot", String(8), nullable=False),
)
