"""Passwords, API tokens and who may write what.

- Passwords are hashed with Argon2id (argon2-cffi's defaults, the OWASP recommendation); a hash
  made with older parameters is replaced at the next sign-in.
- An API token is 32 random bytes (URL-safe text) shown once; only its SHA-256 is stored.
- Administrators write everything; an editor writes only the records of their schools; the public
  reads and never writes.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from safeschools.errors import DataValidationError, PermissionDeniedError
from safeschools.model import ROLES, User

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "check_can_edit",
    "hash_password",
    "hash_token",
    "needs_rehash",
    "new_token",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 12
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of a password of at least 12 characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        msg = f"A password needs at least {MIN_PASSWORD_LENGTH} characters."
        raise DataValidationError(msg)
    return _HASHER.hash(password)


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
