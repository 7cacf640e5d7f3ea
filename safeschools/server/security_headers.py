"""The headers that tell a browser what a page may do, on every answer (kept ones too).

- ``Content-Security-Policy``: scripts, styles, images, fonts and requests from this site
  only; no inline script and no plug-ins; the page may not be framed (``frame-ancestors
  'none'``), forms post only here. A route that needs more (the printed report's page-rules
  stylesheet, the API documentation pages) sets its own policy, which is kept.
- ``X-Frame-Options: DENY`` (for browsers without ``frame-ancestors``),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: strict-origin-when-cross-origin``.
- ``Strict-Transport-Security`` only on an https request: the scheme the server saw, or
  ``X-Forwarded-Proto: https`` when ``settings.trust_forwarded_proto`` says a proxy sets it.

Added outermost in :func:`safeschools.app.create_app`, so the answers
:class:`~safeschools.server.response_cache.ResponseCache` replays carry them as well.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityHeaders", "content_security_policy", "origin_of"]


def content_security_policy(
    *,
    inline_styles: bool = False,
    inline_scripts: bool = False,
    image_origins: tuple[str, ...] = (),
    workers: bool = False,
) -> str:
    """The policy of a page: this site only, unless a flag allows more.

    Examples
    --------
    >>> "script-src 'self';" in content_security_policy()
    True
    """
    style = "'self' 'unsafe-inline'" if inline_styles else "'self'"
    script = "'self' 'unsafe-inline'" if inline_scripts else "'self'"
    images = " ".join(("'self'", "data:", *image_origins))
    parts = [
        "default-src 'self'",
        f"script-src {script}" + (" blob:" if workers else ""),
        f"style-src {style}",
        f"img-src {images}" + (" blob:" if workers else ""),
        "font-src 'self' data:",
        "connect-src 'self'",
        *(["worker-src 'self' blob:"] if workers else []),
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(parts)


def origin_of(url: str | None) -> tuple[str, ...]:
    """The scheme and host of ``url`` (a tile server's template), for a policy."""
    if not url:
        return ()
    parts = urlsplit(url.replace("{", "").replace("}", ""))
    return (f"{parts.scheme}://{parts.netloc}",) if parts.scheme and parts.netloc else ()


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP answer (a header the route set
    itself is kept)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        trust_forwarded_proto: bool = False,
        hsts_max_age: int = 31_536_000,
        tile_url: str | None = None,
    ) -> None:
        self.app = app
        self.trust_forwarded_proto = trust_forwarded_proto
        csp = content_security_policy(image_origins=origin_of(tile_url))
        self.headers: list[tuple[bytes, bytes]] = [
            (b"content-security-policy", csp.encode("latin-1")),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]
        self.hsts = (b"strict-transport-security", f"max-age={hsts_max_age}".encode())

    def _https(self, scope: Scope) -> bool:
        if scope.get("scheme") == "https":
            return True
        if not self.trust_forwarded_proto:
            return False
        forwarded = Headers(scope=scope).get("x-forwarded-proto", "")
        return forwarded.split(",")[0].strip().lower() == "https"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [*self.headers, *([self.hsts] if self._https(scope) else [])]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                present = {name.lower() for name, _ in raw}
                raw += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, with_headers)
