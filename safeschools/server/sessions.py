"""Web sessions for people (the API also takes tokens) and CSRF protection of every form.

- The session is a signed cookie (Starlette's :class:`SessionMiddleware`, itsdangerous) holding
  the account id and a CSRF token; the signing key is made once at random and kept in the
  store (:func:`safeschools.services.accounts.session_secret`), never written in the code.
- The cookie is HttpOnly and SameSite=Lax, and Secure whenever the request came over https.
- Every form POST carries the session's CSRF token in a hidden field ``csrf_token``; a POST
  without it, or with another, is refused (403). A script that writes through the API with a
  session (not a token) sends the token in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from safeschools.errors import PermissionDeniedError

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE_S",
    "Sessions",
    "check_csrf",
    "csrf_token",
    "session_user_id",
    "sign_in",
    "sign_out",
]

SESSION_COOKIE = "safeschools_session"
SESSION_MAX_AGE_S = 12 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class Sessions:
    """Session middleware whose cookie is Secure exactly when the request is https."""

    def __init__(self, app: ASGIApp, *, secret_key: str) -> None:
        def make(https_only: bool) -> SessionMiddleware:
            return SessionMiddleware(
                app,
                secret_key=secret_key,
                session_cookie=SESSION_COOKIE,
                max_age=SESSION_MAX_AGE_S,
                same_site="lax",
                https_only=https_only,
            )

        self._plain = make(False)
        self._secure = make(True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        secure = scope.get("scheme") in ("https", "wss")
        await (self._secure if secure else self._plain)(scope, receive, send)


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse (403) a POST whose token is missing or is not the session's."""
    expected = request.session.get(CSRF_FIELD) if "session" in request.scope else None
    if (
        not isinstance(expected, str)
        or not submitted
        or not hmac.compare_digest(expected.encode(), submitted.encode())
    ):
        msg = (
            "This form has expired or did not come from this site; "
            "reload the page and send it again."
        )
        raise PermissionDeniedError(msg)


def session_user_id(request: Request) -> int | None:
    """The account id of the signed-in person (None for the public)."""
    if "session" not in request.scope:
        return None
    value = request.session.get("user_id")
    return value if isinstance(value, int) else None


def sign_in(request: Request, user_id: int) -> None:
    """Start a fresh session for an account (a new CSRF token: nothing carries over)."""
    request.session.clear()
    request.session["user_id"] = user_id
    csrf_token(request)


def sign_out(request: Request) -> None:
    """End the session."""
    request.session.clear()
