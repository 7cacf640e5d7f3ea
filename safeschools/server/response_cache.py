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

The language in the key is the one the page is written in (``?lang=``, the cookie, then
Accept-Language, as ``language`` decides), not the raw headers, so every reader of a language
shares one copy. With ``shared`` (:class:`~safeschools.server.shared_pages.SharedPages`) a
process's miss first looks in the file every worker shares, and what it computes goes there
too: a page is computed once for all workers, and a restart on the same data starts warm.
``activity`` counts the requests being answered (the idle-time warmer waits for none).
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date, datetime
from http.cookies import SimpleCookie
from zoneinfo import ZoneInfo

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from safeschools.server.shared_pages import SharedPages, digest

__all__ = ["Activity", "ResponseCache"]

#: Answers are never kept for these (signing in and out, the account's own page, health).
UNCACHED_PREFIXES = ("/signin", "/signout", "/me", "/api/me", "/api/health", "/audit")


class Activity:
    """How many visitors' requests are being answered now (the warmer's own are not counted)."""

    def __init__(self) -> None:
        self.in_flight = 0

    @property
    def idle(self) -> bool:
        return self.in_flight == 0


#: A request made by the warmer carries this key in its scope.
WARMING = "safeschools.warming"


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
        language: Callable[[str | None, str | None, str | None], str] | None = None,
        shared: SharedPages | None = None,
        identity: Callable[[], str] | None = None,
        activity: Activity | None = None,
    ) -> None:
        self.app = app
        self.versions = versions
        self.session_cookie = session_cookie
        self.lang_cookie = lang_cookie
        self.max_bytes = max_bytes
        zone = ZoneInfo(timezone)
        self.today = today or (lambda: datetime.now(zone).date())
        self.language = language
        self.shared = shared
        self.identity = identity or (lambda: "")
        self.activity = activity or Activity()
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
        if any(path == p or path.startswith(p + "/") for p in UNCACHED_PREFIXES):
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
        cookie = cookies[self.lang_cookie].value if self.lang_cookie in cookies else None
        query: bytes = scope.get("query_string", b"")
        lang: tuple[str, ...]
        if self.language is None:
            lang = (cookie or "", headers.get("accept-language", ""))
        else:
            asked = QueryParams(query.decode("latin-1")).get("lang")
            lang = (self.language(asked, cookie, headers.get("accept-language")),)
        gzip = "gzip" in headers.get("accept-encoding", "")
        return (
            scope["method"],
            path,
            query,
            lang,
            gzip,
            scope.get("scheme"),
            self.today(),
            self.identity(),
            self.versions(),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get(WARMING):
            await self._answer(scope, receive, send)
            return
        self.activity.in_flight += 1
        try:
            await self._answer(scope, receive, send)
        finally:
            self.activity.in_flight -= 1

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        if await self._replay(key, send):
            return
        if self._adopt_shared(key) and await self._replay(key, send):
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

    def _adopt_shared(self, key: Hashable) -> bool:
        """Take the answer another worker (or an earlier run) kept for ``key``, if any."""
        if self.shared is None:
            return False
        found = self.shared.get(digest(key))
        if found is None:
            return False
        status, headers, body = found
        start: Message = {"type": "http.response.start", "status": status, "headers": headers}
        self._keep(key, [start, {"type": "http.response.body", "body": body}], share=False)
        return True

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

    def _keep(self, key: Hashable, messages: list[Message], *, share: bool = True) -> None:
        size = sum(len(m.get("body", b"")) for m in messages) + 512
        if size > self.max_bytes // 8:
            return
        if share and self.shared is not None:
            start = messages[0]
            body = b"".join(m.get("body", b"") for m in messages[1:])
            version = repr(key[-2:]) if isinstance(key, tuple) else ""  # identity, data version
            self.shared.put(digest(key), version, (start["status"], start["headers"], body))
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:  # two visitors computed the same page at once
                self._bytes -= old[1]
            self._kept[key] = (messages, size)
            self._bytes += size
            while self._bytes > self.max_bytes and self._kept:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._bytes -= dropped
