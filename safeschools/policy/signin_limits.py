"""How long a sign-in must wait after failures, per account and per address.

After ``free`` failures in a row each further attempt waits ``delay_s`` seconds after the last
failure, doubling with every failure up to ``max_delay_s``; an account that reaches the lockout
stays locked until an administrator unlocks it. A wait is answered before any password is
checked, and the same for an email with or without an account.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from safeschools.model import SignInFailures

__all__ = ["account_key", "address_key", "wait_s"]


def account_key(email: str) -> str:
    """The key of an email's failures (with or without an account)."""
    return "account:" + email.strip().lower()[:280]


def address_key(address: str) -> str:
    """The key of a client address's failures."""
    return "address:" + address[:280]


def wait_s(
    kept: SignInFailures | None,
    now: datetime,
    *,
    free: int,
    delay_s: float,
    max_delay_s: float,
    window_s: float | None = None,
) -> int:
    """Whole seconds to wait before the next attempt (0: go ahead).

    ``window_s``: failures older than this are forgotten (addresses); None keeps them until a
    success or an unlock (accounts).

    Examples
    --------
    >>> t = datetime(2026, 1, 1, 12)
    >>> kept = SignInFailures("account:a@x.org", 5, t, None)
    >>> wait_s(kept, t, free=3, delay_s=1, max_delay_s=300)
    2
    >>> wait_s(kept, t + timedelta(seconds=3), free=3, delay_s=1, max_delay_s=300)
    0
    """
    if kept is None or kept.failures <= free:
        return 0
    if window_s is not None and now - kept.last_failure_at > timedelta(seconds=window_s):
        return 0
    delay = min(delay_s * 2.0 ** min(kept.failures - free - 1, 60), max_delay_s)
    left = (kept.last_failure_at + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(left))
