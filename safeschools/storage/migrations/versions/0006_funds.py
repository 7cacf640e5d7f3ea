"""Trade-in funds: pools, facts per school, frozen allocations and their shares, the spending
catalog (seeded with example costs the district edits) and the spending plan lines.

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None

_NOTE = "example cost, edit to your district's"
#: The catalog of CONTEXT.md section 1 and 5; the costs are examples (one year, salary and
#: benefits for a position), which the district replaces with its own.
_CATALOG = [
    ("social_worker", "Social worker", "position", 11_000_000),
    ("restorative_justice", "Restorative-justice coordinator", "position", 9_500_000),
    ("climate_culture", "Climate and culture coordinator", "position", 9_500_000),
    ("youth_intervention", "Youth intervention specialist", "position", 7_500_000),
    ("security_officer", "Security officer", "position", 6_000_000),
    ("safe_passage", "Safe Passage", "program", 4_000_000),
    ("mentoring", "Mentoring", "program", 5_000_000),
    ("other", "Other", "other", 0),
]


def upgrade() -> None:
    op.create_table(
        "fund_pools",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("source_note", sa.Text(), nullable=False),
        sa.Column("exposure_preset", sa.String(64)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(254)),
        sa.PrimaryKeyConstraint("id", name="pk_fund_pools"),
    )
    op.create_table(
        "fund_pool_schools",
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("officers_removed", sa.Integer()),
        sa.Column("need", sa.String(32)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("pool_id", "school_id", name="pk_fund_pool_schools"),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["fund_pools.id"], name="fk_fund_pool_schools_pool_id_fund_pools"
        ),
    )
    op.create_table(
        "fund_allocations",
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("formula", sa.String(16), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("exposure_preset", sa.String(64)),
        sa.Column("adopted_at", sa.DateTime(), nullable=False),
        sa.Column("adopted_by", sa.String(254)),
        sa.PrimaryKeyConstraint("pool_id", "version", name="pk_fund_allocations"),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["fund_pools.id"], name="fk_fund_allocations_pool_id_fund_pools"
        ),
    )
    op.create_table(
        "fund_shares",
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("weight", sa.String(64), nullable=False),
        sa.Column("officers_removed", sa.Integer()),
        sa.Column("enrollment", sa.Integer()),
        sa.Column("victims", sa.Integer()),
        sa.Column("need", sa.String(32)),
        sa.Column("share_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("pool_id", "version", "school_id", name="pk_fund_shares"),
        sa.ForeignKeyConstraint(
            ["pool_id", "version"],
            ["fund_allocations.pool_id", "fund_allocations.version"],
            name="fk_fund_shares_pool_id_fund_allocations",
        ),
    )
    items = op.create_table(
        "spending_items",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("cost_cents", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_spending_items"),
    )
    op.create_table(
        "spending_lines",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("item_code", sa.String(32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_cost_cents", sa.BigInteger(), nullable=False),
        sa.Column("cost_override", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_spending_lines"),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["fund_pools.id"], name="fk_spending_lines_pool_id_fund_pools"
        ),
        sa.ForeignKeyConstraint(
            ["item_code"],
            ["spending_items.code"],
            name="fk_spending_lines_item_code_spending_items",
        ),
    )
    op.create_index(
        "ix_spending_lines_pool_id_school_id", "spending_lines", ["pool_id", "school_id"]
    )
    op.bulk_insert(
        items,
        [
            {
                "code": code,
                "label": label,
                "kind": kind,
                "cost_cents": cost,
                "unit": "per year",
                "note": _NOTE,
                "version": 1,
            }
            for code, label, kind, cost in _CATALOG
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_spending_lines_pool_id_school_id", table_name="spending_lines")
    op.drop_table("spending_lines")
    op.drop_table("spending_items")
    op.drop_table("fund_shares")
    op.drop_table("fund_allocations")
    op.drop_table("fund_pool_schools")
    op.drop_table("fund_pools")
