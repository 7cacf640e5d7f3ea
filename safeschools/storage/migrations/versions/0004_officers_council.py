"""School Resource Officer assignments, decisions and district figures; Local School Council
members, meetings, motions and ballots.

Revision ID: 0004_officers_council
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_officers_council"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sro_assignments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("officers", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sro_assignments"),
        sa.UniqueConstraint(
            "school_id",
            "school_year",
            "kind",
            name="uq_sro_assignments_school_id_school_year_kind",
        ),
    )
    op.create_table(
        "sro_decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("import_id", sa.Integer()),
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("decision_round", sa.String(32), nullable=False),
        sa.Column("school_name", sa.String(200), nullable=False),
        sa.Column("school_id", sa.String(32)),
        sa.Column("decision", sa.String(32)),
        sa.Column("decision_as_published", sa.Text()),
        sa.Column("officers_before", sa.Integer()),
        sa.Column("officers_after", sa.Integer()),
        sa.Column("vote_keep", sa.Integer()),
        sa.Column("vote_remove", sa.Integer()),
        sa.Column("vote_abstain", sa.Integer()),
        sa.Column("vote_date", sa.Date()),
        sa.Column("vote_context", sa.Text()),
        sa.Column("sources", sa.Text()),
        sa.Column("confidence", sa.String(16)),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_sro_decisions"),
        sa.UniqueConstraint(
            "decision_round", "school_name", name="uq_sro_decisions_decision_round_school_name"
        ),
    )
    op.create_table(
        "sro_aggregates",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("import_id", sa.Integer()),
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text()),
        sa.Column("sources", sa.Text()),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_sro_aggregates"),
        sa.UniqueConstraint("school_year", "metric", name="uq_sro_aggregates_school_year_metric"),
    )
    op.create_table(
        "council_members",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_council_members"),
    )
    op.create_index("ix_council_members_school_id", "council_members", ["school_id"])
    op.create_table(
        "council_meetings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_council_meetings"),
    )
    op.create_index("ix_council_meetings_school_id", "council_meetings", ["school_id"])
    op.create_table(
        "council_motions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("officer_decision", sa.Integer()),
        sa.Column("school_year", sa.String(7)),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("result", sa.String(32), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_council_motions"),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["council_meetings.id"],
            name="fk_council_motions_meeting_id_council_meetings",
        ),
    )
    op.create_index("ix_council_motions_school_id", "council_motions", ["school_id"])
    op.create_table(
        "council_ballots",
        sa.Column("motion_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("ballot", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("motion_id", "member_id", name="pk_council_ballots"),
        sa.ForeignKeyConstraint(
            ["motion_id"],
            ["council_motions.id"],
            name="fk_council_ballots_motion_id_council_motions",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["council_members.id"],
            name="fk_council_ballots_member_id_council_members",
        ),
    )


def downgrade() -> None:
    op.drop_table("council_ballots")
    op.drop_index("ix_council_motions_school_id", table_name="council_motions")
    op.drop_table("council_motions")
    op.drop_index("ix_council_meetings_school_id", table_name="council_meetings")
    op.drop_table("council_meetings")
    op.drop_index("ix_council_members_school_id", table_name="council_members")
    op.drop_table("council_members")
    op.drop_table("sro_aggregates")
    op.drop_table("sro_decisions")
    op.drop_table("sro_assignments")
