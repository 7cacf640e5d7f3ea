"""Tables of sign-in: web sessions kept on the server, and the failed sign-ins counted per
account and per address (built by migration 0011_sessions_and_signin)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table

from safeschools.storage.tables import metadata

__all__ = ["signin_failures", "web_sessions"]

#: One row per web session. The browser's cookie holds a random 256-bit id; only its SHA-256
#: is kept here, so a copy of the table signs nobody in. A session ends when it is revoked
#: (sign-out, a new password, a deactivated account, an administrator) or left idle too long.
web_sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("last_seen_at", DateTime(timezone=False), nullable=False),
    Column("revoked_at", DateTime(timezone=False)),
    Index(None, "user_id"),
)

#: Failed sign-ins in a row, per ``account:EMAIL`` (known or not: an unknown email is counted
#: the same, so the answers tell nothing) and per ``address:IP``. ``locked_at`` is set when an
#: account reaches the lockout; only an administrator clears it (``safeschools users unlock``).
signin_failures = Table(
    "signin_failures",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", DateTime(timezone=False), nullable=False),
    Column("locked_at", DateTime(timezone=False)),
)
