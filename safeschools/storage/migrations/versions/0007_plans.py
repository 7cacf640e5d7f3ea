"""Whole School Safety plans and their saved versions.

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_plans",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("approved_on", sa.Date()),
        sa.Column("approved_by", sa.Text()),
        sa.Column("approval_motion_id", sa.Integer()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(254)),
        sa.PrimaryKeyConstraint("id", name="pk_safety_plans"),
        sa.UniqueConstraint(
            "school_id", "school_year", name="uq_safety_plans_school_id_school_year"
        ),
    )
    op.create_table(
        "safety_plan_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("saved_by", sa.String(254)),
        sa.PrimaryKeyConstraint("id", name="pk_safety_plan_versions"),
        sa.UniqueConstraint(
            "school_id",
            "school_year",
            "version",
            name="uq_safety_plan_versions_school_id_school_year_version",
        ),
    )


def downgrade() -> None:
    op.drop_table("safety_plan_versions")
    op.drop_table("safety_plans")
