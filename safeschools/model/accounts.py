"""Accounts, roles and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["ROLES", "ApiToken", "AuditEntry", "SignInFailures", "User", "WebSession"]

#: ``admin``: the district's staff, every school; ``editor``: a school's council or staff, only
#: their schools; ``principal``: edits their schools like an editor and also sends notices to
#: parents (an editor may draft a notice, never send it). The public reads without an account
#: and never writes.
ROLES = ("admin", "editor", "principal")


@dataclass(frozen=True)
class User:
    """An account that may write."""

    id: int
    email: str
    role: str
    display_name: str
    school_ids: tuple[str, ...] = ()
    active: bool = True

    def can_edit(self, school_id: str | None) -> bool:
        """Administrators edit everything; editors only their schools (never district records)."""
        if not self.active:
            return False
        if self.role == "admin":
            return True
        return school_id is not None and school_id in self.school_ids

    def can_send_notice(self, school_id: str) -> bool:
        """Administrators send every school's notices; a principal only their schools'."""
        if not self.active:
            return False
        if self.role == "admin":
            return True
        return self.role == "principal" and school_id in self.school_ids


@dataclass(frozen=True)
class AuditEntry:
    """One write: who, when, what, and the record before and after."""

    id: int
    at: datetime
    user_id: int | None
    user_email: str | None
    user_role: str | None
    action: str  # create, update, delete, adopt, import
    entity: str
    entity_key: str
    school_id: str | None
    before: dict[str, Any] | None = field(default=None)
    after: dict[str, Any] | None = field(default=None)


@dataclass(frozen=True)
class ApiToken:
    """An API token as the store keeps it (never the token: only its hash)."""

    id: int
    user_id: int
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class WebSession:
    """A web session kept on the server (the browser holds only its random id)."""

    user_id: int
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class SignInFailures:
    """Failed sign-ins in a row for one account or one address."""

    key: str
    failures: int
    last_failure_at: datetime
    locked_at: datetime | None
