"""Passwords, API tokens and who may write what.

- Passwords are hashed with Argon2id (argon2-cffi's defaults, the OWASP recommendation); a hash
  made with older parameters is replaced at the next sign-in. A new password meets the rules of
  :mod:`safeschools.policy.passwords`. An email without an account is checked against a dummy
  hash, so that it takes as long as a wrong password.
- An API token is 32 random bytes (URL-safe text) shown once; only its SHA-256 is stored.
- Administrators write everything; an editor writes only the records of their schools; the public
  reads and never writes.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from safeschools.errors import DataValidationError, PermissionDeniedError
from safeschools.model import ROLES, User
from safeschools.policy.passwords import MIN_PASSWORD_LENGTH, check_new_password

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "check_can_edit",
    "check_can_send_notice",
    "dummy_hash",
    "hash_password",
    "hash_token",
    "needs_rehash",
    "new_token",
    "rehash_password",
    "verify_password",
]

_HASHER = PasswordHasher()


def hash_password(password: str, *, email: str | None = None) -> str:
    """An Argon2id hash of a new password (which must meet the rules of
    :func:`~safeschools.policy.passwords.check_new_password`)."""
    return _HASHER.hash(check_new_password(password, email=email))


def rehash_password(password: str) -> str:
    """An Argon2id hash, with today's parameters, of a password that has just signed in."""
    return _HASHER.hash(password)


@cache
def dummy_hash() -> str:
    """A hash of a random password, made once: what an unknown email is checked against."""
    return _HASHER.hash(secrets.token_urlsafe(32))


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)


def new_token() -> str:
    """A new API token (shown once to its owner)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What the store keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_role(role: str) -> str:
    """A known role, or an error naming the roles."""
    if role not in ROLES:
        msg = f"Unknown role {role!r}; use one of {', '.join(ROLES)}."
        raise DataValidationError(msg)
    return role


def check_can_edit(user: User | None, school_id: str | None, *, what: str) -> User:
    """The user, if they may write ``what`` for ``school_id`` (None: a district record)."""
    if user is None:
        msg = f"Sign in (or send an API token) to change {what}."
        raise PermissionDeniedError(msg)
    if not user.can_edit(school_id):
        where = f"school {school_id}" if school_id else "the district"
        msg = f"{user.email} ({user.role}) may not change {what} for {where}."
        raise PermissionDeniedError(msg)
    return user


def check_can_send_notice(user: User | None, school_id: str) -> User:
    """The user, if they may send a notice to the parents of ``school_id`` (the school's
    principal, or an administrator; an editor may draft one but not send it)."""
    if user is None:
        msg = "Sign in (or send an API token) to send a notice."
        raise PermissionDeniedError(msg)
    if not user.can_send_notice(school_id):
        msg = (
            f"{user.email} ({user.role}) may not send notices for school {school_id}: the "
            "school's principal or an administrator sends them (an editor may draft)."
        )
        raise PermissionDeniedError(msg)
    return user
