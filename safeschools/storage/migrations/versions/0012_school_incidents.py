"""Incidents recorded by schools, the district's extra categories, restorative cases.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_categories",
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("label_en", sa.Text(), nullable=False),
        sa.Column("label_es", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(254)),
        sa.PrimaryKeyConstraint("code", name="pk_incident_categories"),
    )
    op.create_table(
        "school_incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("place", sa.String(16), nullable=False),
        sa.Column("students_involved", sa.Integer(), nullable=False),
        sa.Column("injuries", sa.Integer(), nullable=False),
        sa.Column("police_called", sa.Boolean(), nullable=False),
        sa.Column("police_reason", sa.String(32)),
        sa.Column("responses", sa.Text(), nullable=False),
        sa.Column("staff_note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(64)),
        sa.Column("withdrawn_at", sa.DateTime()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(254)),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(254)),
        sa.PrimaryKeyConstraint("id", name="pk_school_incidents"),
        sa.UniqueConstraint("external_id", name="uq_school_incidents_external_id"),
    )
    op.create_index(
        "ix_school_incidents_school_id_occurred_at",
        "school_incidents",
        ["school_id", "occurred_at"],
    )
    op.create_table(
        "school_incident_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("saved_by", sa.String(254)),
        sa.PrimaryKeyConstraint("id", name="pk_school_incident_versions"),
        sa.UniqueConstraint(
            "incident_id", "version", name="uq_school_incident_versions_incident_id_version"
        ),
    )
    op.create_table(
        "restorative_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("conference_on", sa.Date()),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("agreement", sa.Text(), nullable=False),
        sa.Column("followups", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("closed_on", sa.Date()),
        sa.Column("outcome", sa.String(16)),
        sa.Column("recurred_within_90_days", sa.Boolean()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(254)),
        sa.PrimaryKeyConstraint("id", name="pk_restorative_cases"),
        sa.UniqueConstraint("incident_id", name="uq_restorative_cases_incident_id"),
    )
    op.create_index("ix_restorative_cases_school_id", "restorative_cases", ["school_id"])
    op.create_table(
        "restorative_case_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("saved_by", sa.String(254)),
        sa.PrimaryKeyConstraint("id", name="pk_restorative_case_versions"),
        sa.UniqueConstraint(
            "case_id", "version", name="uq_restorative_case_versions_case_id_version"
        ),
    )


def downgrade() -> None:
    op.drop_table("restorative_case_versions")
    op.drop_index("ix_restorative_cases_school_id", table_name="restorative_cases")
    op.drop_table("restorative_cases")
    op.drop_table("school_incident_versions")
    op.drop_index("ix_school_incidents_school_id_occurred_at", table_name="school_incidents")
    op.drop_table("school_incidents")
    op.drop_table("incident_categories")
