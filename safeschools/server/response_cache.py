"""Public responses kept until the data change: the second visitor of a page gets its bytes.

Every public page and API answer is a function of its address, the reader's language and
encoding, the day (figures say what "today" covers) and the store's data: the newest import and
the newest recorded write (:meth:`safeschools.storage.Store.versions`). :class:`ResponseCache`
keeps the bytes of a GET answered 200 under all of these, so a page costs one small query when
it is asked again, and is computed afresh as soon as an import lands or somebody records a vote,
a plan or money.

What is never kept: a request that carries the session cookie (a signed-in person, or one who
holds a form's token: their pages can differ) or an ``Authorization`` header (an API token: an
administrator's answers hold more), a response that sets a cookie or says
``Cache-Control: no-store`` or ``private``, anything but a 200, and streams without a length.
The same page asked by many people at once is computed once, the others wait for it. The
oldest entries go when the kept bytes pass ``max_bytes``. A kept answer says
``X-Cache: hit``, one computed ``X-Cache: miss``.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date, datetime
from http.cookies import SimpleCookie
from zoneinfo import ZoneInfo

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ResponseCache"]

#: Answers are never kept for these (signing in and out, the account's own page, health).
UNCACHED_PREFIXES = ("/signin", "/signout", "/me", "/api/me", "/api/health", "/audit")


class ResponseCache:
    """ASGI middleware keeping public GET responses per address, language, encoding, day and
    data version (thread-safe; one per process)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        versions: Callable[[], Hashable],
        session_cookie: str,
        lang_cookie: str,
        timezone: str = "America/Chicago",
        max_bytes: int = 64 * 2**20,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.app = app
        self.versions = versions
        self.session_cookie = session_cookie
        self.lang_cookie = lang_cookie
        self.max_bytes = max_bytes
        zone = ZoneInfo(timezone)
        self.today = today or (lambda: datetime.now(zone).date())
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, tuple[list[Message], int]] = OrderedDict()
        self._bytes = 0
        #: Answers being computed (the event is set when done): the same page asked by many
        #: people at once is computed once.
        self._pending: dict[Hashable, asyncio.Event] = {}
        self.hits = 0
        self.misses = 0

    def _key(self, scope: Scope) -> Hashable | None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        path: str = scope["path"]
        if path.startswith(UNCACHED_PREFIXES):
            return None
        headers = Headers(scope=scope)
        if "authorization" in headers:
            return None
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # an unreadable cookie header: answer without the cache
            return None
        if self.session_cookie in cookies:
            return None
        lang = cookies[self.lang_cookie].value if self.lang_cookie in cookies else ""
        gzip = "gzip" in headers.get("accept-encoding", "")
        return (
            scope["method"],
            path,
            scope.get("query_string", b""),
            lang,
            headers.get("accept-language", ""),
            headers.get("accept", ""),
            gzip,
            scope.get("scheme"),
            headers.get("host", ""),
            self.today(),
            self.versions(),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        if await self._replay(key, send):
            return
        pending = self._pending.get(key)
        if pending is not None:  # somebody is computing this very answer: share theirs
            await pending.wait()
            if await self._replay(key, send):
                return
        event = self._pending.setdefault(key, asyncio.Event())
        try:
            await self._compute(key, scope, receive, send)
        finally:
            if self._pending.get(key) is event:
                del self._pending[key]
            event.set()

    async def _replay(self, key: Hashable, send: Send) -> bool:
        """Send the kept answer for ``key``, if there is one."""
        with self._lock:
            hit = self._kept.get(key)
            if hit is None:
                return False
            self._kept.move_to_end(key)
            self.hits += 1
        start, *rest = hit[0]
        await send({**start, "headers": [*start["headers"], (b"x-cache", b"hit")]})
        for message in rest:
            await send(message)
        return True

    async def _compute(self, key: Hashable, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer with the application, keeping the answer when it may be kept."""
        self.misses += 1
        messages: list[Message] = []
        keep = True

        async def record(message: Message) -> None:
            nonlocal keep
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                control = headers.get("cache-control", "")
                keep = (
                    message["status"] == 200
                    and "set-cookie" not in headers
                    and "no-store" not in control
                    and "private" not in control
                )
            if keep:
                messages.append(message)
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"x-cache", b"miss")],
                }
            await send(message)

        await self.app(scope, receive, record)
        if keep and messages and not messages[-1].get("more_body", False):
            self._keep(key, messages)

    def _keep(self, key: Hashable, messages: list[Message]) -> None:
        size = sum(len(m.get("body", b"")) for m in messages) + 512
        if size > self.max_bytes // 8:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:  # two visitors computed the same page at once
                self._bytes -= old[1]
            self._kept[key] = (messages, size)
            self._bytes += size
            while self._bytes > self.max_bytes and self._kept:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._bytes -= dropped
