"""Tables of discipline figures, enrollments and the school-name crosswalk."""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, String, Table, Text, UniqueConstraint

from safeschools.storage.tables import metadata

__all__ = ["discipline_figures", "enrollments", "name_crosswalk"]

discipline_figures = Table(
    "discipline_figures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer),
    Column("source", String(32), nullable=False),
    Column("school_id", String(32), nullable=False),
    Column("school_year", String(7), nullable=False),
    Column("period", String(8), nullable=False),
    Column("measure", String(64), nullable=False),
    Column("group", String(32), nullable=False),
    Column("value", Float),
    Column("note", Text),
    UniqueConstraint(
        "source",
        "school_id",
        "school_year",
        "period",
        "measure",
        "group",
        name="uq_discipline_figures_key",
    ),
)

enrollments = Table(
    "enrollments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer),
    Column("source", String(32), nullable=False),
    Column("school_id", String(32), nullable=False),
    Column("school_year", String(7), nullable=False),
    Column("group", String(32), nullable=False),
    Column("students", Integer),
    Column("note", Text),
    UniqueConstraint("source", "school_id", "school_year", "group"),
)

name_crosswalk = Table(
    "name_crosswalk",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer),
    Column("source", String(32), nullable=False),
    Column("source_name", String(300), nullable=False),
    Column("school_id", String(32)),
    Column("method", String(16), nullable=False),
    Column("score", Float),
    Column("cps_name", String(200)),
    Column("note", Text),
    UniqueConstraint("source", "source_name"),
)
