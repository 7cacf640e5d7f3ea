"""The rules a new password meets, wherever one is set (an account made, a password reset).

- At least :data:`MIN_PASSWORD_LENGTH` characters once the spaces at either end are left out,
  and never only spaces: twelve spaces is not a password.
- At least five different characters (``aaaaaaaaaaaa``, ``abababababab`` are refused).
- Not a common password (the list in ``common_passwords.txt``, shipped with the package), nor
  one of them with digits and symbols before or after (``Password2024!``), nor the account's
  own email or its name part.

The rules are only checked when a password is set: a password set before a rule existed still
signs in (and is rehashed with today's parameters).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from safeschools.errors import DataValidationError

__all__ = ["MIN_PASSWORD_LENGTH", "check_new_password", "common_passwords"]

MIN_PASSWORD_LENGTH = 12
_MIN_DISTINCT = 5
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords shipped with the package (lower case)."""
    text = files("safeschools.policy").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _common(password: str, email: str | None) -> bool:
    squeezed = "".join(password.lower().split())
    core = _EDGES.sub("", squeezed)
    own: set[str] = set()
    if email:
        own = {email.lower(), email.lower().partition("@")[0]}
    for candidate in (squeezed, core):
        if candidate in common_passwords() or candidate in own:
            return True
        # the same word twice or more (passwordpassword)
        for size in range(1, len(candidate) // 2 + 1):
            unit = candidate[:size]
            if len(candidate) % size == 0 and unit * (len(candidate) // size) == candidate:
                if unit in common_passwords() or unit in own or len(unit) < _MIN_DISTINCT:
                    return True
                break
    return not core and bool(squeezed)  # digits and symbols only


def check_new_password(password: str, *, email: str | None = None) -> str:
    """``password`` if it may be set; DataValidationError saying what to choose otherwise."""
    if not password.strip():
        msg = "A password cannot be blank or only spaces; choose a phrase of your own words."
        raise DataValidationError(msg)
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        msg = (
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters (not counting spaces "
            "at either end); a phrase of a few words of your own is easy to remember."
        )
        raise DataValidationError(msg)
    if len(set(password.lower())) < _MIN_DISTINCT:
        msg = "This password repeats a few characters; choose a phrase of your own words."
        raise DataValidationError(msg)
    if _common(password, email):
        msg = (
            "This password is on the lists attackers try first (a common word, name or "
            "keyboard pattern, or the email); choose a phrase of your own words."
        )
        raise DataValidationError(msg)
    return password
