"""Tables of notices to parents, their subscribers and deliveries (built by migration 0013).

No column holds an email address in clear: ``address_hash`` is a keyed hash (HMAC-SHA256) and
``address_sealed`` the address encrypted (Fernet), both with keys kept outside the database
(:mod:`safeschools.policy.subscriber_keys`). Tokens are kept as their SHA-256 only.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from safeschools.storage.tables import metadata

__all__ = ["notice_deliveries", "notice_subscribers", "notice_versions", "notices"]

#: One notice per incident, as it is now: a draft (staff edit it, ``version`` guards against a
#: lost update) until it is sent (``sent_at``; then it never changes).
notices = Table(
    "notices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_id", String(32), nullable=False),
    Column("incident_id", Integer, nullable=False),
    Column("category", String(40), nullable=False),
    Column("subject_en", Text, nullable=False),
    Column("body_en", Text, nullable=False),
    Column("subject_es", Text, nullable=False),
    Column("body_es", Text, nullable=False),
    Column("status", String(8), nullable=False),
    Column("sent_at", DateTime),
    Column("sent_by", String(254)),
    Column("recipients", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(254)),
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(254)),
    UniqueConstraint("incident_id"),
    Index("ix_notices_school_id_status", "school_id", "status"),
)

#: Every saved version of every notice.
notice_versions = Table(
    "notice_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notice_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("saved_at", DateTime, nullable=False),
    Column("saved_by", String(254)),
    UniqueConstraint("notice_id", "version"),
)

#: A parent's subscription to one school's notices. ``categories`` is a JSON list (empty: all).
notice_subscribers = Table(
    "notice_subscribers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_id", String(32), nullable=False),
    Column("address_hash", String(64), nullable=False),
    Column("address_sealed", Text, nullable=False),
    Column("language", String(2), nullable=False),
    Column("categories", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("confirm_token_hash", String(64)),
    Column("unsubscribe_nonce", String(64), nullable=False),
    Column("unsubscribe_token_hash", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("confirmed_at", DateTime),
    Column("unsubscribed_at", DateTime),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("school_id", "address_hash"),
    Index("ix_notice_subscribers_confirm_token_hash", "confirm_token_hash"),
    Index("ix_notice_subscribers_unsubscribe_token_hash", "unsubscribe_token_hash"),
)

#: One row per message of a sent notice: to whom (the subscriber's id), in which language,
#: handed to the mail server or refused, when, and the server's error.
notice_deliveries = Table(
    "notice_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notice_id", Integer, nullable=False),
    Column("subscriber_id", Integer, nullable=False),
    Column("language", String(2), nullable=False),
    Column("status", String(8), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("error", Text, nullable=False),
    UniqueConstraint("notice_id", "subscriber_id"),
)
