"""Notices to parents, their subscribers (addresses hashed and encrypted) and deliveries.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("subject_en", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("subject_es", sa.Text(), nullable=False),
        sa.Column("body_es", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("sent_at", sa.DateTime()),
        sa.Column("sent_by", sa.String(254)),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(254)),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(254)),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
        sa.UniqueConstraint("incident_id", name="uq_notices_incident_id"),
    )
    op.create_index("ix_notices_school_id_status", "notices", ["school_id", "status"])
    op.create_table(
        "notice_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("saved_by", sa.String(254)),
        sa.PrimaryKeyConstraint("id", name="pk_notice_versions"),
        sa.UniqueConstraint("notice_id", "version", name="uq_notice_versions_notice_id_version"),
    )
    op.create_table(
        "notice_subscribers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("address_hash", sa.String(64), nullable=False),
        sa.Column("address_sealed", sa.Text(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("confirm_token_hash", sa.String(64)),
        sa.Column("unsubscribe_nonce", sa.String(64), nullable=False),
        sa.Column("unsubscribe_token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime()),
        sa.Column("unsubscribed_at", sa.DateTime()),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notice_subscribers"),
        sa.UniqueConstraint(
            "school_id", "address_hash", name="uq_notice_subscribers_school_id_address_hash"
        ),
    )
    op.create_index(
        "ix_notice_subscribers_confirm_token_hash", "notice_subscribers", ["confirm_token_hash"]
    )
    op.create_index(
        "ix_notice_subscribers_unsubscribe_token_hash",
        "notice_subscribers",
        ["unsubscribe_token_hash"],
    )
    op.create_table(
        "notice_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notice_deliveries"),
        sa.UniqueConstraint(
            "notice_id", "subscriber_id", name="uq_notice_deliveries_notice_id_subscriber_id"
        ),
    )


def downgrade() -> None:
    op.drop_table("notice_deliveries")
    op.drop_index("ix_notice_subscribers_unsubscribe_token_hash", table_name="notice_subscribers")
    op.drop_index("ix_notice_subscribers_confirm_token_hash", table_name="notice_subscribers")
    op.drop_table("notice_subscribers")
    op.drop_table("notice_versions")
    op.drop_index("ix_notices_school_id_status", table_name="notices")
    op.drop_table("notices")
