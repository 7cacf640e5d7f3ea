"""What each victims import covers: first and last day, days with no rows, fields present.

Revision ID: 0009_coverage
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_coverage"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_coverage",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("first_day", sa.Date()),
        sa.Column("last_day", sa.Date()),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("empty_days", sa.Text(), nullable=False),
        sa.Column("with_age_band", sa.Integer(), nullable=False),
        sa.Column("with_time_of_day", sa.Integer(), nullable=False),
        sa.Column("with_fatal", sa.Integer(), nullable=False),
        sa.Column("with_location", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("import_id", "source", name="pk_import_coverage"),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name="fk_import_coverage_import_id_imports",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("import_coverage")
