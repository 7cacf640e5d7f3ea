"""Schools, victimizations, boundaries, imports and their rejected rows, fetch cursors.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("format", sa.String(128), nullable=False),
        sa.Column("school_year", sa.String(7)),
        sa.Column("vintage", sa.String(64)),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
    )
    op.create_index("ix_imports_source_checksum", "imports", ["source", "checksum"])
    op.create_table(
        "rejected_rows",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer()),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rejected_rows"),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name="fk_rejected_rows_import_id_imports",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_rejected_rows_import_id", "rejected_rows", ["import_id"])
    op.create_table(
        "schools",
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("school_year", sa.String(7), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("long_name", sa.Text()),
        sa.Column("address", sa.Text()),
        sa.Column("zip_code", sa.String(10)),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("governance", sa.String(16)),
        sa.Column("grade_category", sa.String(4)),
        sa.Column("grades", sa.Text()),
        sa.Column("network", sa.String(64)),
        sa.Column("community_area", sa.String(64)),
        sa.Column("enrollment", sa.Integer()),
        sa.Column("school_hours", sa.Text()),
        sa.Column("import_id", sa.Integer()),
        sa.PrimaryKeyConstraint("school_id", "school_year", name="pk_schools"),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name="fk_schools_import_id_imports"),
    )
    op.create_index("ix_schools_school_year", "schools", ["school_year"])
    op.create_table(
        "victimizations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("source_row_id", sa.String(64), nullable=False),
        sa.Column("case_number", sa.String(32)),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("location_precision", sa.String(8), nullable=False),
        sa.Column("victimization_type", sa.String(64)),
        sa.Column("incident_type", sa.String(64)),
        sa.Column("iucr", sa.String(8)),
        sa.Column("gunshot_injury", sa.Boolean()),
        sa.Column("fatal", sa.Boolean(), nullable=False),
        sa.Column("age_band", sa.String(16)),
        sa.Column("sex", sa.String(16)),
        sa.Column("race", sa.String(32)),
        sa.Column("location_description", sa.Text()),
        sa.Column("block", sa.Text()),
        sa.Column("district", sa.String(8)),
        sa.Column("beat", sa.String(8)),
        sa.Column("community_area", sa.String(64)),
        sa.Column("ward", sa.String(8)),
        sa.Column("source_updated_at", sa.DateTime()),
        sa.Column("row_hash", sa.String(64), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_victimizations"),
        sa.UniqueConstraint(
            "source", "source_row_id", name="uq_victimizations_source_source_row_id"
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_victimizations_import_id_imports"
        ),
    )
    op.create_index("ix_victimizations_occurred_at", "victimizations", ["occurred_at"])
    op.create_table(
        "boundaries",
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("geometry_wkt", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "code", name="pk_boundaries"),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_boundaries_import_id_imports"
        ),
    )
    op.create_table(
        "fetch_cursors",
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("watermark", sa.String(32)),
        sa.Column("fetched_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("source", name="pk_fetch_cursors"),
    )


def downgrade() -> None:
    op.drop_table("fetch_cursors")
    op.drop_table("boundaries")
    op.drop_index("ix_victimizations_occurred_at", table_name="victimizations")
    op.drop_table("victimizations")
    op.drop_index("ix_schools_school_year", table_name="schools")
    op.drop_table("schools")
    op.drop_index("ix_rejected_rows_import_id", table_name="rejected_rows")
    op.drop_table("rejected_rows")
    op.drop_index("ix_imports_source_checksum", table_name="imports")
    op.drop_table("imports")
