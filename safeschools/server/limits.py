"""What one request may ask of the server: caps on its size, and limits on expensive kinds.

Two ASGI middlewares, both answering before the application computes anything:

- :class:`RequestCaps` (outermost) refuses a query string longer than ``max_query_bytes``
  (400), a ``limit=`` above ``max_page_size`` (400) and a body larger than ``max_body_bytes``
  (413: from ``Content-Length`` at once, or while the body streams in). Each message names the
  limit.
- :class:`KindLimits` (inside the response cache, so a kept page is never counted) sorts each
  request into an expensive kind (:data:`KINDS`: a definition not computed yet, a sensitivity
  grid, a PDF report, a large export, an equity view) or none. Per kind, at most
  ``limit_concurrency`` requests compute at once in a worker process and ``limit_queue`` more
  wait (at most ``limit_wait_s``) for a slot, on the event loop, holding no thread; one client
  address may have at most ``limit_per_client`` of one kind running or waiting. Anything beyond
  is answered 429 with ``Retry-After``, after ``limit_refusal_delay_s`` (a client retrying at
  once then costs the server little). Cheap requests never wait behind an expensive kind: the
  kinds together hold at most ``len(KINDS) x limit_concurrency`` of the server's threads.

The client address is the one uvicorn reports (behind a proxy, run uvicorn with
``--forwarded-allow-ips`` so that it is the visitor's). Limits are per worker process.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.datastructures import Headers, QueryParams
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from safeschools.proximity import Definition
from safeschools.proximity.params import PARAMS, definition_from_params
from safeschools.settings import Settings

__all__ = ["KINDS", "KindLimits", "Limiter", "Refusal", "RequestCaps", "Respond", "kind_of"]

#: The expensive kinds, with the words a refusal uses for them.
KINDS: dict[str, str] = {
    "definition": "new definitions",
    "sensitivity": "sensitivity grids",
    "pdf": "PDF reports",
    "export": "exports",
    "equity": "equity and evaluation views",
}

#: Builds the answer to a refused request: ``respond(scope, status, message, headers)``.
Respond = Callable[[Scope, int, str, dict[str, str]], Response]

_PDF = re.compile(r"^/schools/[^/]+/report\.pdf$")
_EQUITY = re.compile(
    r"^/(equity|evaluation|schools/[^/]+/equity)$"
    r"|^/api/(equity|equity\.csv|evaluation|outcomes|outcomes\.csv)$"
    r"|^/api/schools/[^/]+/(equity|outcomes|outcomes\.csv)$"
)
#: The routes that compute under the definition of their query string.
_DEFINED = re.compile(r"^/$|^/(api/)?schools/[^/]+$|^/schools/[^/]+/report$|^/api/exposure$")
_DEFINITION_QUERY = frozenset(p.query for p in PARAMS if p.query is not None)


def kind_of(method: str, path: str) -> str | None:
    """The expensive kind of a request by its address (``definition`` is decided later, from
    the query string), or None."""
    if method not in ("GET", "HEAD"):
        return None
    if path == "/api/sensitivity":
        return "sensitivity"
    if _PDF.match(path):
        return "pdf"
    if _EQUITY.match(path):
        return "equity"
    if path.startswith("/api/export/") or path.endswith(".csv"):
        return "export"
    if _DEFINED.match(path):
        return "definition"
    return None


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused, in one sentence."""

    message: str


@dataclass
class _Kind:
    running: int = 0
    waiting: deque[asyncio.Future[None]] = field(default_factory=deque)
    clients: dict[str, int] = field(default_factory=dict)


class Limiter:
    """Slots per kind and per client (one per worker process; used on its event loop only)."""

    def __init__(
        self, *, concurrency: int, queue: int, per_client: int, wait_s: float, retry_after_s: int
    ) -> None:
        self.concurrency = concurrency
        self.queue = queue
        self.per_client = per_client
        self.wait_s = wait_s
        self.retry_after_s = retry_after_s
        self._kinds: dict[str, _Kind] = {}
        self.refused = 0
        #: The most requests of each kind running or waiting at once, and the most of one
        #: client's at once (what the limits promise, for tests and for the operator)
        self.peak: dict[str, int] = {}
        self.peak_per_client: dict[str, int] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Limiter:
        """The limits the settings ask for."""
        return cls(
            concurrency=settings.limit_concurrency,
            queue=settings.limit_queue,
            per_client=settings.limit_per_client,
            wait_s=settings.limit_wait_s,
            retry_after_s=settings.limit_retry_after_s,
        )

    @property
    def enabled(self) -> bool:
        """False when ``limit_concurrency`` is 0."""
        return self.concurrency > 0

    def in_flight(self, kind: str) -> int:
        """Requests of ``kind`` running or waiting."""
        k = self._kinds.get(kind)
        return 0 if k is None else k.running + len(k.waiting)

    async def acquire(self, kind: str, client: str) -> Refusal | None:
        """Take a slot of ``kind`` for ``client`` (waiting for one if the queue has room), or
        say why not. Every acquire that returns None is followed by one :meth:`release`."""
        k = self._kinds.setdefault(kind, _Kind())
        words = KINDS.get(kind, kind)
        mine = k.clients.get(client, 0)
        if mine >= self.per_client:
            self.refused += 1
            return Refusal(
                f"Too many {words} asked from your address at once: at most "
                f"{self.per_client} (limit_per_client); try again in {self.retry_after_s} s."
            )
        if k.running < self.concurrency:
            k.running += 1
            k.clients[client] = mine + 1
            self._note_peak(kind, k, mine + 1)
            return None
        if len(k.waiting) >= self.queue:
            self.refused += 1
            return Refusal(
                f"The server is computing {self.concurrency} {words} with {len(k.waiting)} "
                f"waiting, its limit (limit_concurrency, limit_queue); try again in "
                f"{self.retry_after_s} s."
            )
        slot: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        k.waiting.append(slot)
        k.clients[client] = mine + 1
        self._note_peak(kind, k, mine + 1)
        try:
            await asyncio.wait_for(asyncio.shield(slot), self.wait_s)
        except (TimeoutError, asyncio.CancelledError) as exc:
            if slot.done() and not slot.cancelled():  # the slot came as we gave up: pass it on
                self._hand_over(k)
            else:
                slot.cancel()
                k.waiting.remove(slot)
            self._leave(k, client)
            if isinstance(exc, asyncio.CancelledError):
                raise
            self.refused += 1
            return Refusal(
                f"No slot for one of the {words} within {self.wait_s:g} s (limit_wait_s); "
                f"try again in {self.retry_after_s} s."
            )
        return None

    def _note_peak(self, kind: str, k: _Kind, mine: int) -> None:
        self.peak[kind] = max(self.peak.get(kind, 0), k.running + len(k.waiting))
        self.peak_per_client[kind] = max(self.peak_per_client.get(kind, 0), mine)

    def release(self, kind: str, client: str) -> None:
        """Give back the slot taken by :meth:`acquire`."""
        k = self._kinds[kind]
        self._leave(k, client)
        self._hand_over(k)

    def _hand_over(self, k: _Kind) -> None:
        """The slot goes to the first request still waiting, or back to the pool."""
        while k.waiting:
            slot = k.waiting.popleft()
            if not slot.done():
                slot.set_result(None)
                return
        k.running -= 1

    @staticmethod
    def _leave(k: _Kind, client: str) -> None:
        left = k.clients.get(client, 0) - 1
        if left > 0:
            k.clients[client] = left
        else:
            k.clients.pop(client, None)


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


class RequestCaps:
    """ASGI middleware: query strings, ``limit=`` and bodies within the settings' caps."""

    def __init__(self, app: ASGIApp, *, settings: Settings, respond: Respond) -> None:
        self.app = app
        self.max_query = settings.max_query_bytes
        self.max_body = settings.max_body_bytes
        self.max_page = settings.max_page_size
        self.respond = respond

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        query: bytes = scope.get("query_string", b"")
        if len(query) > self.max_query:
            return 400, (
                f"The query string is {len(query):,} bytes long; at most {self.max_query:,} "
                "(max_query_bytes) are read: ask for less at once."
            )
        if b"limit=" in query:
            limit = QueryParams(query.decode("latin-1")).get("limit", "")
            if limit.strip().isdigit() and int(limit) > self.max_page:
                return 400, (
                    f"limit={int(limit)} asks for more than a page holds: at most "
                    f"{self.max_page} (max_page_size); ask for the next rows separately."
                )
        length = Headers(scope=scope).get("content-length", "")
        if length.strip().isdigit() and int(length) > self.max_body:
            return 413, self._too_large()
        return None

    def _too_large(self) -> str:
        return (
            f"The request body is larger than {self.max_body:,} bytes (max_body_bytes); "
            "send less at once."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            status, message = refusal
            await self.respond(scope, status, message, {"Connection": "close"})(
                scope, receive, send
            )
            return
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise HTTPException(413, self._too_large())
            return message

        await self.app(scope, bounded, send)


class KindLimits:
    """ASGI middleware: the expensive kinds of request within the :class:`Limiter`'s slots."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        holds: Callable[[Definition], bool],
        respond: Respond,
        limiter: Limiter | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.holds = holds
        self.respond = respond
        self.limiter = limiter or Limiter.from_settings(settings)
        self.refusal_delay_s = settings.limit_refusal_delay_s

    def kind(self, scope: Scope) -> str | None:
        """The expensive kind of the request, or None (a definition already computed, or one
        the query string cannot express, is not expensive)."""
        kind = kind_of(scope["method"], scope["path"])
        if kind != "definition":
            return kind
        query = QueryParams(scope.get("query_string", b"").decode("latin-1"))
        if not _DEFINITION_QUERY.intersection(query.keys()):
            return None  # the default definition, computed at start-up
        params = {k: ",".join(v for v in query.getlist(k) if v) for k in query}
        try:
            definition = definition_from_params(params, settings=self.settings)
        except Exception:  # the route answers a bad definition with its own 400
            return None
        return None if self.holds(definition) else kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limiter.enabled:
            await self.app(scope, receive, send)
            return
        kind = self.kind(scope)
        if kind is None:
            await self.app(scope, receive, send)
            return
        client = _client(scope)
        refusal = await self.limiter.acquire(kind, client)
        if refusal is not None:
            await asyncio.sleep(self.refusal_delay_s)
            headers = {"Retry-After": str(self.limiter.retry_after_s)}
            await self.respond(scope, 429, refusal.message, headers)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.limiter.release(kind, client)
