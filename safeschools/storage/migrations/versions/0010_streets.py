"""The street grid: named intersections and the street lines through them.

Revision ID: 0010_streets
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_streets"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "street_intersections",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("street_1", sa.String(100), nullable=False),
        sa.Column("street_2", sa.String(100), nullable=False),
        sa.Column("zip_code", sa.String(5)),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_street_intersections"),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_street_intersections_import_id_imports"
        ),
    )
    op.create_index(
        "ix_street_intersections_zip_code", "street_intersections", ["zip_code"], unique=False
    )
    op.create_table(
        "street_lines",
        sa.Column("street", sa.String(100), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("major", sa.Boolean(), nullable=False),
        sa.Column("length_m", sa.Float(), nullable=False),
        sa.Column("geometry_wkt", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("street", "part", name="pk_street_lines"),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_street_lines_import_id_imports"
        ),
    )


def downgrade() -> None:
    op.drop_table("street_lines")
    op.drop_index("ix_street_intersections_zip_code", table_name="street_intersections")
    op.drop_table("street_intersections")
