"""Web sessions for people (the API also takes tokens) and CSRF protection of every form.

- The session is kept on the server (:mod:`safeschools.services.sessions`): the cookie holds
  only the session's random id and the CSRF token of its forms, never the account, so a copy
  of the cookie stops working at sign-out, at a password reset, when the account is switched
  off, when it is left idle or grows too old, or when an administrator ends it.
- The cookie is signed (Starlette's :class:`SessionMiddleware`, itsdangerous); the signing key
  is made once at random and kept in the store
  (:func:`safeschools.services.accounts.session_secret`), never written in the code.
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
from safeschools.model import User
from safeschools.services import sessions as service_sessions

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE_S",
    "Sessions",
    "check_csrf",
    "clear_session",
    "csrf_token",
    "session_id",
    "session_user",
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

    def __init__(
        self, app: ASGIApp, *, secret_key: str, max_age_s: int = SESSION_MAX_AGE_S
    ) -> None:
        def make(https_only: bool) -> SessionMiddleware:
            return SessionMiddleware(
                app,
                secret_key=secret_key,
                session_cookie=SESSION_COOKIE,
                max_age=max_age_s,
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


_SESSION_ID = "sid"
_UNSET = object()


def _session_id(request: Request) -> str | None:
    if "session" not in request.scope:
        return None
    value = request.session.get(_SESSION_ID)
    return value if isinstance(value, str) and value else None


def session_user(request: Request) -> User | None:
    """The signed-in person of a session that still runs on the server (None for the public);
    looked up once per request."""
    found = getattr(request.state, "session_user", _UNSET)
    if found is not _UNSET:
        return found  # type: ignore[return-value]
    session_id = _session_id(request)
    user = None
    if session_id is not None:
        app = request.app
        user = service_sessions.session_user(
            app.state.store, session_id, settings=app.state.settings, now=app.state.clock
        )
    request.state.session_user = user
    return user


def session_user_id(request: Request) -> int | None:
    """The account id of the signed-in person (None for the public)."""
    user = session_user(request)
    return None if user is None else user.id


def sign_in(request: Request, session_id: str) -> None:
    """Carry a session just started on the server (a new CSRF token: nothing carries over)."""
    request.session.clear()
    request.session[_SESSION_ID] = session_id
    request.state.session_user = _UNSET
    csrf_token(request)


def session_id(request: Request) -> str | None:
    """The id of the request's session (None: not signed in, or no session at all)."""
    return _session_id(request)


def clear_session(request: Request) -> None:
    """Forget the session in this browser (the server's record is :func:`sign_out`'s job)."""
    if "session" in request.scope:
        request.session.clear()
    request.state.session_user = None


def sign_out(request: Request) -> None:
    """End the session, on the server too (a copy of the cookie no longer signs in)."""
    found = _session_id(request)
    if found is not None:
        app = request.app
        service_sessions.end_session(
            app.state.store, found, settings=app.state.settings, now=app.state.clock
        )
    clear_session(request)
