"""The national trackers' school shootings (K-12 School Shooting Database, The Washington Post).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_shootings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("incident_id", sa.String(40), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("city", sa.String(120), nullable=False),
        sa.Column("school", sa.String(200), nullable=False),
        sa.Column("license", sa.String(200), nullable=False),
        sa.Column("time", sa.String(16)),
        sa.Column("nces_school_id", sa.String(16)),
        sa.Column("school_level", sa.String(40)),
        sa.Column("location_type", sa.String(60)),
        sa.Column("during_school", sa.Boolean()),
        sa.Column("time_period", sa.String(40)),
        sa.Column("situation", sa.String(60)),
        sa.Column("shots_fired", sa.String(16)),
        sa.Column("killed", sa.Integer()),
        sa.Column("injured", sa.Integer()),
        sa.Column("shooters", sa.Integer()),
        sa.Column("shooter_died", sa.Boolean()),
        sa.Column("resource_officer", sa.Integer()),
        sa.Column("officer_involved", sa.Boolean()),
        sa.Column("enrollment", sa.Integer()),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("weapons", sa.Text()),
        sa.Column("import_id", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_school_shootings"),
        sa.UniqueConstraint("source", "incident_id", name="uq_school_shootings_source_incident_id"),
    )
    op.create_index("ix_school_shootings_source_date", "school_shootings", ["source", "date"])


def downgrade() -> None:
    op.drop_index("ix_school_shootings_source_date", table_name="school_shootings")
    op.drop_table("school_shootings")
