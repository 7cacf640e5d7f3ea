"""Password checks off the event loop, in a small pool of their own.

Argon2 is made to be slow (a few hundred milliseconds of CPU and tens of megabytes per check).
Run on the event loop it would stall every other request; run in the server's shared thread
pool, a crowd of sign-ins would take every thread the pages need. So sign-ins run here: a few
threads (``signin_workers``), a bounded line of waiting sign-ins (``signin_queue``), and beyond
it a 429 with ``Retry-After`` at once, never a pile-up.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from safeschools.errors import TooManyAttemptsError

__all__ = ["PasswordChecks"]

T = TypeVar("T")

BUSY = "The server is busy checking other sign-ins; try again in a moment."


class PasswordChecks:
    """A bounded pool for sign-ins; used from the event loop only (its count needs no lock)."""

    def __init__(self, *, workers: int, queue: int) -> None:
        self.workers = workers
        self.limit = workers + queue
        self.waiting = 0
        self._executor: ThreadPoolExecutor | None = None

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in the pool; TooManyAttemptsError when the line is full."""
        if self.waiting >= self.limit:
            raise TooManyAttemptsError(BUSY, retry_after_s=1)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="signin")
        self.waiting += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._executor, functools.partial(fn, *args, **kwargs)
            )
        finally:
            self.waiting -= 1

    def close(self) -> None:
        """Let the threads go (the server stops)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None
