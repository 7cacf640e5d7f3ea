"""Accounts and the audit log (signing in: :mod:`.signin`; sessions and tokens:
:mod:`.sessions`).

The audit log is public, with the role of whoever wrote (never their email); an administrator
reads it with the emails. Entries about accounts themselves show the public only what was done,
not to whom."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from safeschools.errors import DataValidationError
from safeschools.model import AuditEntry, User
from safeschools.policy.accounts import check_role, hash_password
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
    if role in ("editor", "principal") and not school_ids:
        msg = f"{'An' if role == 'editor' else 'A'} {role} needs at least one school (--school ID)."
        raise DataValidationError(msg)
    with recorded(store, None, clock=clock_of(settings, now)) as write:
        user = store.add_user(
            email=email,
            display_name=display_name or email,
            role=role,
            password_hash=hash_password(password, email=email),
            school_ids=tuple(sorted(set(school_ids))),
            created_at=write.now,
            conn=write.conn,
        )
        after = {"email": email, "role": role, "school_ids": list(user.school_ids)}
        write.record("create", "user", email, after=after)
    return user


#: Audit entries about accounts: their key and their record name a person.
_ACCOUNT_ENTITIES = ("user", "api_token")
#: Audit entries the public never reads, not even that they exist: one incident recorded by a
#: school, or the case opened from it, is below any small-count rule (the public reads counts,
#: on the incident pages); a notice is public once sent (its feed), not while it is a draft; a
#: subscription's entries would say whether an address was already subscribed.
STAFF_ONLY_ENTITIES: tuple[str, ...] = (
    "school_incident",
    "incident_import",
    "restorative_case",
    "notice",
    "notice_subscriber",
)


def _without_writers(record: Any) -> Any:
    """A record before or after a write without the writer's email that it keeps
    (``created_by``, ``updated_by``, ...): the public reads the role beside it."""
    if isinstance(record, dict):
        return {
            k: _without_writers(v)
            for k, v in record.items()
            if not (k.endswith("_by") and isinstance(v, str) and "@" in v)
        }
    if isinstance(record, list):
        return [_without_writers(v) for v in record]
    return record


def _public_entry(entry: AuditEntry) -> dict[str, Any]:
    """An audit entry as the public reads it: the writer's role, never an email (neither the
    entry's nor one its records keep)."""
    data = asdict(entry)
    del data["user_email"]
    if entry.entity in _ACCOUNT_ENTITIES:
        data.update(entity_key="", before=None, after=None)
    data["before"], data["after"] = (
        _without_writers(data["before"]),
        _without_writers(data["after"]),
    )
    return data


def audit_log(
    store: Store,
    *,
    school_id: str | None = None,
    limit: int = 200,
    reader: User | None = None,
) -> list[dict[str, Any]]:
    """Every recorded write (of one school), newest first: with emails for an administrator
    (``reader``), with the writer's role only for everyone else."""
    if reader is not None and reader.active and reader.role == "admin":
        return [asdict(e) for e in store.audit_entries(school_id=school_id, limit=limit)]
    entries = store.audit_entries(school_id=school_id, limit=limit, without=STAFF_ONLY_ENTITIES)
    return [_public_entry(e) for e in entries]


def full_audit_log(
    store: Store, *, school_id: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Every recorded write with the emails (the command line: an administrator's tool)."""
    return [asdict(e) for e in store.audit_entries(school_id=school_id, limit=limit)]


_SECRET_KEY = "session_secret"


def session_secret(store: Store) -> str:
    """The key that signs web sessions: made once at random, then kept in the store (so every
    worker and every restart shares it; nothing is hard-coded)."""
    return store.state_once(_SECRET_KEY, secrets.token_hex(32))
