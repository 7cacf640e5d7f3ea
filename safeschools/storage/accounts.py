"""Reads and writes of accounts, API tokens and the audit log (mixed into :class:`Store`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from safeschools.errors import DataValidationError, NotFoundError
from safeschools.model import ApiToken, AuditEntry, User
from safeschools.storage import _json
from safeschools.storage import tables as t

__all__ = ["AccountStore"]


class AccountStore:
    """Account and audit methods of the store."""

    engine: Engine

    def _user(self, row: Any, *, conn: Connection) -> User:
        schools = conn.execute(
            select(t.user_schools.c.school_id)
            .where(t.user_schools.c.user_id == row.id)
            .order_by(t.user_schools.c.school_id)
        ).scalars()
        return User(
            id=row.id,
            email=row.email,
            role=row.role,
            display_name=row.display_name,
            school_ids=tuple(schools),
            active=bool(row.active),
        )

    def add_user(
        self,
        *,
        email: str,
        display_name: str,
        role: str,
        password_hash: str,
        school_ids: tuple[str, ...],
        created_at: datetime,
        conn: Connection,
    ) -> User:
        """Create an account (the email must be new)."""
        try:
            result = conn.execute(
                insert(t.users).values(
                    email=email,
                    display_name=display_name,
                    role=role,
                    password_hash=password_hash,
                    active=True,
                    created_at=created_at,
                )
            )
        except IntegrityError as exc:
            msg = f"An account for {email} exists already; use another email."
            raise DataValidationError(msg) from exc
        key = result.inserted_primary_key
        assert key is not None
        user_id = int(key[0])
        if school_ids:
            conn.execute(
                insert(t.user_schools), [{"user_id": user_id, "school_id": s} for s in school_ids]
            )
        row = conn.execute(select(t.users).where(t.users.c.id == user_id)).one()
        return self._user(row, conn=conn)

    def user_by_email(self, email: str) -> tuple[User, str] | None:
        """An account and its password hash, by email (any case)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.users).where(t.users.c.email == email.strip().lower())
            ).first()
            return None if row is None else (self._user(row, conn=conn), row.password_hash)

    def user_by_id(self, user_id: int) -> User:
        """An account by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.id == user_id)).first()
            if row is None:
                msg = f"No account #{user_id}."
                raise NotFoundError(msg)
            return self._user(row, conn=conn)

    def users(self) -> list[User]:
        """Every account, by email."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.users).order_by(t.users.c.email)).all()
            return [self._user(r, conn=conn) for r in rows]

    def set_password_hash(self, user_id: int, password_hash: str, *, conn: Connection) -> None:
        """Replace an account's password hash (after a rehash or a change)."""
        conn.execute(
            update(t.users).where(t.users.c.id == user_id).values(password_hash=password_hash)
        )

    def add_token(
        self,
        *,
        user_id: int,
        token_hash: str,
        label: str,
        created_at: datetime,
        expires_at: datetime | None = None,
        conn: Connection,
    ) -> int:
        """Store an API token's hash (the token itself is never stored)."""
        result = conn.execute(
            insert(t.api_tokens).values(
                user_id=user_id,
                token_hash=token_hash,
                label=label,
                created_at=created_at,
                expires_at=expires_at,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def token_by_hash(self, token_hash: str) -> ApiToken | None:
        """The token with this hash (revoked or expired ones too: the caller decides)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash)
            ).first()
        return None if row is None else _token(row)

    def api_tokens(self, *, user_id: int | None = None) -> list[ApiToken]:
        """Every API token (of one account), newest first."""
        query = select(t.api_tokens).order_by(t.api_tokens.c.id.desc())
        if user_id is not None:
            query = query.where(t.api_tokens.c.user_id == user_id)
        with self.engine.connect() as conn:
            return [_token(r) for r in conn.execute(query).all()]

    def add_audit(
        self,
        *,
        at: datetime,
        user: User | None,
        action: str,
        entity: str,
        entity_key: str,
        school_id: str | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        conn: Connection,
    ) -> None:
        """Record one write in the caller's transaction: it lands with the write or not at all."""
        conn.execute(
            insert(t.audit_log).values(
                at=at,
                user_id=None if user is None else user.id,
                user_email=None if user is None else user.email,
                action=action,
                entity=entity,
                entity_key=entity_key,
                school_id=school_id,
                before=None if before is None else _json.dumps(before, default=str, sort_keys=True),
                after=None if after is None else _json.dumps(after, default=str, sort_keys=True),
            )
        )

    def audit_entries(
        self,
        *,
        school_id: str | None = None,
        entity: str | None = None,
        limit: int = 200,
        without: Collection[str] = (),
    ) -> list[AuditEntry]:
        """The newest audit entries first (of one school, or one kind of record; none of the
        kinds of record ``without`` names)."""
        query = (
            select(t.audit_log, t.users.c.role.label("user_role"))
            .outerjoin(t.users, t.users.c.id == t.audit_log.c.user_id)
            .order_by(t.audit_log.c.id.desc())
            .limit(limit)
        )
        if school_id is not None:
            query = query.where(t.audit_log.c.school_id == school_id)
        if entity is not None:
            query = query.where(t.audit_log.c.entity == entity)
        if without:
            query = query.where(t.audit_log.c.entity.not_in(list(without)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            AuditEntry(
                id=r.id,
                at=r.at,
                user_id=r.user_id,
                user_email=r.user_email,
                user_role=r.user_role,
                action=r.action,
                entity=r.entity,
                entity_key=r.entity_key,
                school_id=r.school_id,
                before=None if r.before is None else _json.loads(r.before),
                after=None if r.after is None else _json.loads(r.after),
            )
            for r in rows
        ]


def _token(row: Any) -> ApiToken:
    return ApiToken(
        id=row.id,
        user_id=row.user_id,
        label=row.label,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )
