"""The whole exception tree of safeschools.

::

    SafeSchoolsError
      ├ SourceError            a file or a publisher could not be read
      │   └ SourceSchemaError  columns or format are not what the publisher writes
      ├ DataValidationError    a record failed model checks
      ├ NotFoundError          unknown school_id, import or source
      ├ ConfigError            bad or missing settings
      ├ AuthenticationError    no account, or a wrong password or token
      │   └ TooManyAttemptsError too many failed sign-ins: wait, or an administrator unlocks
      ├ PermissionDeniedError  the account's role does not allow this write
      └ ConflictError          someone else changed the record first (version numbers)

Every message says what to do next. Interfaces translate these once, at the edge: the CLI
into exit code 2 with a one-line message, the API into one JSON error body.
"""

from __future__ import annotations

__all__ = [
    "AuthenticationError",
    "ConfigError",
    "ConflictError",
    "DataValidationError",
    "NotFoundError",
    "PermissionDeniedError",
    "SafeSchoolsError",
    "SourceError",
    "SourceSchemaError",
    "TooManyAttemptsError",
]


class SafeSchoolsError(Exception):
    """Base of every error safeschools raises on purpose."""


class SourceError(SafeSchoolsError):
    """A file or a publisher could not be read at all."""


class SourceSchemaError(SourceError):
    """A file's columns or format are not what its publisher writes."""


class DataValidationError(SafeSchoolsError):
    """A record failed the model's checks."""


class NotFoundError(SafeSchoolsError):
    """An unknown school_id, import id or source name."""


class ConfigError(SafeSchoolsError):
    """A bad or missing setting."""


class AuthenticationError(SafeSchoolsError):
    """No account, or a wrong password or token."""


class TooManyAttemptsError(AuthenticationError):
    """Too many failed sign-ins for an account or from an address: try again after
    ``retry_after_s`` seconds, or (``retry_after_s`` None) the account is locked until an
    administrator unlocks it."""

    def __init__(self, message: str, *, retry_after_s: int | None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class PermissionDeniedError(SafeSchoolsError):
    """The account's role (or its schools) does not allow this."""


class ConflictError(SafeSchoolsError):
    """The record changed since it was read: reload it and apply the change again."""
