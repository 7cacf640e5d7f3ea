"""The core tables (SQLAlchemy Core) and the shared :data:`metadata`; each domain adds its own
in a ``tables_*`` module. :mod:`safeschools.storage.schema` gathers them all for Alembic, whose
migrations in ``migrations/`` build exactly these; a test compares the two."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "api_tokens",
    "audit_log",
    "boundaries",
    "calendar_days",
    "fetch_cursors",
    "import_coverage",
    "imports",
    "metadata",
    "rejected_rows",
    "school_pairs",
    "schools",
    "store_state",
    "user_schools",
    "users",
    "victimizations",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("location", Text, nullable=False),
    Column("format", String(128), nullable=False),
    Column("school_year", String(7)),
    Column("vintage", String(64)),
    Column("checksum", String(64), nullable=False),
    Column("rows_read", Integer, nullable=False, default=0),
    Column("accepted", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("inserted", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("started_at", DateTime(timezone=False), nullable=False),
    Column("finished_at", DateTime(timezone=False)),
    Column("note", Text),
    Index(None, "source", "checksum"),
)

#: What each victims import covers (see :class:`safeschools.model.coverage.VictimCoverage`): its
#: span, the days in it with no rows (a JSON list of ISO dates) and per field the rows that have it.
import_coverage = Table(
    "import_coverage",
    metadata,
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(64), primary_key=True),
    Column("first_day", Date),
    Column("last_day", Date),
    Column("rows", Integer, nullable=False),
    Column("empty_days", Text, nullable=False),
    Column("with_age_band", Integer, nullable=False),
    Column("with_time_of_day", Integer, nullable=False),
    Column("with_fatal", Integer, nullable=False),
    Column("with_location", Integer, nullable=False),
)

rejected_rows = Table(
    "rejected_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    Column("location", Text, nullable=False),
    Column("line", Integer),
    Column("reason", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Index(None, "import_id"),
)

schools = Table(
    "schools",
    metadata,
    Column("school_id", String(32), primary_key=True),
    Column("school_year", String(7), primary_key=True),
    Column("name", Text, nullable=False),
    Column("long_name", Text),
    Column("address", Text),
    Column("zip_code", String(10)),
    Column("lat", Float),
    Column("lon", Float),
    Column("governance", String(16)),
    Column("grade_category", String(4)),
    Column("grades", Text),
    Column("network", String(64)),
    Column("community_area", String(64)),
    Column("enrollment", Integer),
    Column("school_hours", Text),
    Column("import_id", Integer, ForeignKey("imports.id")),
    Index(None, "school_year"),
)

victimizations = Table(
    "victimizations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("source_row_id", String(64), nullable=False),
    Column("case_number", String(32)),
    Column("occurred_at", DateTime(timezone=False), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("location_precision", String(8), nullable=False),
    Column("victimization_type", String(64)),
    Column("incident_type", String(64)),
    Column("iucr", String(8)),
    Column("gunshot_injury", Boolean),
    Column("fatal", Boolean, nullable=False),
    Column("age_band", String(16)),
    Column("sex", String(16)),
    Column("race", String(32)),
    Column("location_description", Text),
    Column("block", Text),
    Column("district", String(8)),
    Column("beat", String(8)),
    Column("community_area", String(64)),
    Column("ward", String(8)),
    Column("source_updated_at", DateTime(timezone=False)),
    Column("row_hash", String(64), nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    UniqueConstraint("source", "source_row_id"),
    Index(None, "occurred_at"),
)

boundaries = Table(
    "boundaries",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("code", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("geometry_wkt", Text, nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
)

fetch_cursors = Table(
    "fetch_cursors",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("watermark", String(32)),
    Column("fetched_at", DateTime(timezone=False)),
)

school_pairs = Table(
    "school_pairs",
    metadata,
    Column("school_year", String(7), primary_key=True),
    Column("school_id", String(32), primary_key=True),
    Column(
        "victimization_id",
        Integer,
        ForeignKey("victimizations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("distance_m", Float, nullable=False),
    Index(None, "victimization_id"),
)

calendar_days = Table(
    "calendar_days",
    metadata,
    Column("school_year", String(7), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("grades", String(8), primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("confidence", String(16)),
    Column("note", Text),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
)

store_state = Table(
    "store_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
)

user_schools = Table(
    "user_schools",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", String(32), primary_key=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", Text, nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("revoked_at", DateTime(timezone=False)),
    # when it stops working (migration 0011; empty for a token made before: its created_at
    # plus the setting api_token_lifetime_days)
    Column("expires_at", DateTime(timezone=False)),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=False), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("user_email", String(254)),
    Column("action", String(16), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("entity_key", Text, nullable=False),
    Column("school_id", String(32)),
    Column("before", Text),
    Column("after", Text),
    Index(None, "school_id"),
    Index(None, "entity", "entity_key"),
)
