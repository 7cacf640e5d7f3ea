"""Discipline figures and enrollments by school, year and group, and the school-name
crosswalk (ISBE names to CPS school ids).

Revision ID: 0008
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discipline_figures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("import_id", sa.Integer()),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("measure", sa.String(64), nullable=False),
        sa.Column("group", sa.String(32), nullable=False),
        sa.Column("value", sa.Float()),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_discipline_figures"),
        sa.UniqueConstraint(
            "source",
            "school_id",
            "school_year",
            "period",
            "measure",
            "group",
            name="uq_discipline_figures_key",
        ),
    )
    op.create_table(
        "enrollments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("import_id", sa.Integer()),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("group", sa.String(32), nullable=False),
        sa.Column("students", sa.Integer()),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_enrollments"),
        sa.UniqueConstraint(
            "source",
            "school_id",
            "school_year",
            "group",
            name="uq_enrollments_source_school_id_school_year_group",
        ),
    )
    op.create_table(
        "name_crosswalk",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("import_id", sa.Integer()),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("source_name", sa.String(300), nullable=False),
        sa.Column("school_id", sa.String(32)),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("score", sa.Float()),
        sa.Column("cps_name", sa.String(200)),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_name_crosswalk"),
        sa.UniqueConstraint("source", "source_name", name="uq_name_crosswalk_source_source_name"),
    )


def downgrade() -> None:
    op.drop_table("name_crosswalk")
    op.drop_table("enrollments")
    op.drop_table("discipline_figures")
