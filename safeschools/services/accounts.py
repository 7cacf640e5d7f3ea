"""Accounts, API tokens and the audit log."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from safeschools.errors import (
    AuthenticationError,
    DataValidationError,
)
from safeschools.model import (
    User,
)
from safeschools.policy.accounts import (
    check_role,
    hash_password,
    hash_token,
    needs_rehash,
    new_token,
    verify_password,
)
from safeschools.services.base import Clock, clock_of, recorded
from safeschools.settings import Settings
from safeschools.storage import Store


def create_user(
    store: Store,
    *,
    email: str,
    password: str,
    role: str,
    display_name: str | None = None,
    school_ids: Sequence[str] = (),
    settings: Settings,
    now: Clock | None = None,
) -> User:
    """Create an account; editors name the schools they may edit."""
    email = email.strip().lower()
    if "@" not in email:
        msg = f"{email!r} is not an email address."
        raise DataValidationError(msg)
    check_role(role)
    if role == "editor" and not school_ids:
        msg = "An editor needs at least one school (--school ID)."
        raise DataValidationError(msg)
    with recorded(store, None, clock=clock_of(settings, now)) as write:
        user = store.add_user(
            email=email,
            display_name=display_name or email,
            role=role,
            password_hash=hash_password(password),
            school_ids=tuple(sorted(set(school_ids))),
            created_at=write.now,
            conn=write.conn,
        )
        after = {"email": email, "role": role, "school_ids": list(user.school_ids)}
        write.record("create", "user", email, after=after)
    return user


def authenticate(store: Store, email: str, password: str) -> User:
    """The account for an email and password, or AuthenticationError (the same for both
    mistakes, so an attacker learns nothing)."""
    found = store.user_by_email(email)
    if found is None or not found[0].active or not verify_password(found[1], password):
        msg = "Wrong email or password."
        raise AuthenticationError(msg)
    user, password_hash = found
    if needs_rehash(password_hash):
        with store.transaction() as conn:
            store.set_password_hash(user.id, hash_password(password), conn=conn)
    return user


def create_api_token(
    store: Store, user: User, *, label: str, settings: Settings, now: Clock | None = None
) -> str:
    """A new API token for ``user``; the token is returned once and only its hash is kept."""
    token = new_token()
    with recorded(store, user, clock=clock_of(settings, now)) as write:
        store.add_token(
            user_id=user.id,
            token_hash=hash_token(token),
            label=label,
            created_at=write.now,
            conn=write.conn,
        )
        write.record("create", "api_token", label, after={"label": label})
    return token


def user_for_token(store: Store, token: str) -> User:
    """The account an API token belongs to."""
    user = store.user_by_token_hash(hash_token(token.strip()))
    if user is None or not user.active:
        msg = "Unknown or revoked API token."
        raise AuthenticationError(msg)
    return user


def audit_log(
    store: Store, *, school_id: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Every recorded write (of one school), newest first."""
    return [asdict(e) for e in store.audit_entries(school_id=school_id, limit=limit)]


_SECRET_KEY = "session_secret"


def session_secret(store: Store) -> str:
    """The key that signs web sessions: made once at random, then kept in the store (so every
    worker and every restart shares it; nothing is hard-coded)."""
    return store.state_once(_SECRET_KEY, secrets.token_hex(32))
