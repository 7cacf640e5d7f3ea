"""Reads and writes of what ends access: web sessions kept on the server, revoked API tokens,
switched-off accounts, and failed sign-ins per account and address (mixed into :class:`Store`).

Every write takes the caller's connection, so that it lands with its audit entry or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, delete, false, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from safeschools.errors import NotFoundError
from safeschools.model import ApiToken, SignInFailures, WebSession
from safeschools.storage import tables as t
from safeschools.storage.accounts import _token
from safeschools.storage.tables_sessions import signin_failures, web_sessions

__all__ = ["SessionStore"]


class SessionStore:
    """Session, revocation and sign-in-failure methods of the store."""

    engine: Engine

    # ------------------------------------------------------------------ web sessions
    def add_session(self, *, id_hash: str, user_id: int, now: datetime, conn: Connection) -> None:
        """Keep a new session (by the hash of its id)."""
        conn.execute(
            insert(web_sessions).values(
                id_hash=id_hash, user_id=user_id, created_at=now, last_seen_at=now
            )
        )

    def web_session(self, id_hash: str) -> WebSession | None:
        """The session with this id hash (revoked ones too: the caller decides)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(web_sessions).where(web_sessions.c.id_hash == id_hash)
            ).first()
        if row is None:
            return None
        return WebSession(
            user_id=row.user_id,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            revoked_at=row.revoked_at,
        )

    def touch_session(self, id_hash: str, *, now: datetime) -> None:
        """Note that the session was used now (for the idle timeout)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(web_sessions)
                .where(web_sessions.c.id_hash == id_hash, web_sessions.c.revoked_at.is_(None))
                .values(last_seen_at=now)
            )

    def revoke_session(self, id_hash: str, *, now: datetime) -> None:
        """End one session (sign-out)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(web_sessions)
                .where(web_sessions.c.id_hash == id_hash, web_sessions.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )

    def revoke_user_sessions(self, user_id: int, *, now: datetime, conn: Connection) -> int:
        """End every open session of an account; how many there were."""
        result = conn.execute(
            update(web_sessions)
            .where(web_sessions.c.user_id == user_id, web_sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return int(result.rowcount)

    def prune_sessions(self, *, before: datetime, conn: Connection) -> int:
        """Forget sessions last used before ``before`` (they ended long ago)."""
        result = conn.execute(delete(web_sessions).where(web_sessions.c.last_seen_at < before))
        return int(result.rowcount)

    # ------------------------------------------------------------------ tokens and accounts
    def revoke_user_tokens(self, user_id: int, *, now: datetime, conn: Connection) -> int:
        """Revoke every working API token of an account; how many there were."""
        result = conn.execute(
            update(t.api_tokens)
            .where(t.api_tokens.c.user_id == user_id, t.api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return int(result.rowcount)

    def revoke_token(self, token_id: int, *, now: datetime, conn: Connection) -> ApiToken:
        """Revoke one API token by id (revoking a revoked token changes nothing)."""
        row = conn.execute(select(t.api_tokens).where(t.api_tokens.c.id == token_id)).first()
        if row is None:
            msg = f"No API token #{token_id}; `safeschools tokens list` shows them."
            raise NotFoundError(msg)
        if row.revoked_at is None:
            conn.execute(
                update(t.api_tokens).where(t.api_tokens.c.id == token_id).values(revoked_at=now)
            )
        return _token(conn.execute(select(t.api_tokens).where(t.api_tokens.c.id == token_id)).one())

    def set_user_active(self, user_id: int, active: bool, *, conn: Connection) -> None:
        """Switch an account on or off."""
        conn.execute(update(t.users).where(t.users.c.id == user_id).values(active=active))

    # ------------------------------------------------------------------ failed sign-ins
    def signin_failures(self, keys: list[str]) -> dict[str, SignInFailures]:
        """The failure counts kept for these keys (``account:EMAIL``, ``address:IP``)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(signin_failures).where(signin_failures.c.key.in_(keys)))
            return {r.key: _failures(r) for r in rows}

    def record_signin_failure(
        self,
        key: str,
        *,
        now: datetime,
        reset_before: datetime | None,
        lock_at: int | None,
        conn: Connection,
    ) -> SignInFailures:
        """Count one more failure for ``key`` (starting again from one when the last was before
        ``reset_before``); lock it once it reaches ``lock_at`` failures. One statement each, so
        that sign-ins failing at the same moment are all counted."""
        table = signin_failures
        inserted = False
        if conn.execute(select(table.c.key).where(table.c.key == key)).first() is None:
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(table).values(
                            key=key, failures=1, last_failure_at=now, locked_at=None
                        )
                    )
                inserted = True
            except IntegrityError:  # another failure for the same key came first: count on
                inserted = False
        if not inserted:
            forget: ColumnElement[bool] = false()
            if reset_before is not None:
                forget = and_(table.c.last_failure_at < reset_before, table.c.locked_at.is_(None))
            conn.execute(
                update(table)
                .where(table.c.key == key)
                .values(failures=case((forget, 1), else_=table.c.failures + 1), last_failure_at=now)
            )
        if lock_at is not None:
            conn.execute(
                update(table)
                .where(table.c.key == key, table.c.locked_at.is_(None), table.c.failures >= lock_at)
                .values(locked_at=now)
            )
        return _failures(conn.execute(select(table).where(table.c.key == key)).one())

    def clear_signin_failures(self, key: str, *, conn: Connection) -> SignInFailures | None:
        """Forget the failures of ``key`` (a success, or an administrator's unlock); what was
        kept before."""
        row = conn.execute(select(signin_failures).where(signin_failures.c.key == key)).first()
        if row is not None:
            conn.execute(delete(signin_failures).where(signin_failures.c.key == key))
        return None if row is None else _failures(row)


def _failures(row: Any) -> SignInFailures:
    return SignInFailures(
        key=row.key,
        failures=row.failures,
        last_failure_at=row.last_failure_at,
        locked_at=row.locked_at,
    )
