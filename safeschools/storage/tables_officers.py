"""Tables of School Resource Officer assignments, decisions and district figures."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Integer, String, Table, Text, UniqueConstraint

from safeschools.storage.tables import metadata

__all__ = ["sro_aggregates", "sro_assignments", "sro_decisions"]

sro_assignments = Table(
    "sro_assignments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_id", String(32), nullable=False),
    Column("school_year", String(7), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("officers", Integer, nullable=False),
    Column("source", String(64), nullable=False),
    Column("note", Text),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=False), nullable=False),
    UniqueConstraint("school_id", "school_year", "kind"),
)

sro_decisions = Table(
    "sro_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer),
    Column("school_year", String(7), nullable=False),
    Column("decision_round", String(32), nullable=False),
    Column("school_name", String(200), nullable=False),
    Column("school_id", String(32)),
    Column("decision", String(32)),
    Column("decision_as_published", Text),
    Column("officers_before", Integer),
    Column("officers_after", Integer),
    Column("vote_keep", Integer),
    Column("vote_remove", Integer),
    Column("vote_abstain", Integer),
    Column("vote_date", Date),
    Column("vote_context", Text),
    Column("sources", Text),
    Column("confidence", String(16)),
    Column("note", Text),
    UniqueConstraint("decision_round", "school_name"),
)

sro_aggregates = Table(
    "sro_aggregates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer),
    Column("school_year", String(7), nullable=False),
    Column("metric", String(64), nullable=False),
    Column("value", Text, nullable=False),
    Column("detail", Text),
    Column("sources", Text),
    Column("note", Text),
    UniqueConstraint("school_year", "metric"),
)
