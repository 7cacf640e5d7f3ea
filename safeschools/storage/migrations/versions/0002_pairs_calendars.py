"""School-victimization pairs within the largest radius, school calendars, and store state.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_pairs",
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("victimization_id", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "school_year", "school_id", "victimization_id", name="pk_school_pairs"
        ),
        sa.ForeignKeyConstraint(
            ["victimization_id"],
            ["victimizations.id"],
            name="fk_school_pairs_victimization_id_victimizations",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_school_pairs_victimization_id", "school_pairs", ["victimization_id"])
    op.create_table(
        "calendar_days",
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("grades", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("confidence", sa.String(16)),
        sa.Column("note", sa.Text()),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("school_year", "day", "grades", "kind", name="pk_calendar_days"),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_calendar_days_import_id_imports"
        ),
    )
    op.create_table(
        "store_state",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_store_state"),
    )


def downgrade() -> None:
    op.drop_table("store_state")
    op.drop_table("calendar_days")
    op.drop_index("ix_school_pairs_victimization_id", table_name="school_pairs")
    op.drop_table("school_pairs")
