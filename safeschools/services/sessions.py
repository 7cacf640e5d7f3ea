"""Sessions and tokens that end.

- A web session is kept on the server: the browser's cookie holds a random 256-bit id, the
  store only its SHA-256, the account, when it began, when it was last used and when it was
  revoked. It ends at sign-out, after ``session_idle_timeout_s`` unused, after
  ``session_absolute_timeout_s`` in all, and when its account's password is reset, the account
  is switched off, or an administrator ends its sessions.
- An API token works until ``api_token_lifetime_days`` after it was made, unless revoked.
- A switched-off account neither signs in nor uses its tokens.

The administrator's commands (:func:`deactivate_user`, :func:`reset_password`,
:func:`revoke_token`, :func:`end_sessions`) are audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from safeschools.errors import AuthenticationError, NotFoundError
from safeschools.model import ApiToken, User
from safeschools.policy.accounts import hash_password, hash_token, new_token
from safeschools.services.base import Clock, clock_of, recorded
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "NewToken",
    "create_api_token",
    "deactivate_user",
    "end_session",
    "end_sessions",
    "issue_api_token",
    "reset_password",
    "revoke_token",
    "session_user",
    "start_session",
    "token_expiry",
    "user_for_token",
]

#: A session's "last used" is written at most this often (not at every request).
_TOUCH_EVERY_S = 60.0


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(store: Store, user: User, *, settings: Settings, now: Clock | None = None) -> str:
    """A new session for ``user``: its id, for the cookie (only its hash is kept)."""
    session_id = secrets.token_urlsafe(32)
    at = clock_of(settings, now)()
    with store.transaction() as conn:
        store.add_session(id_hash=_session_hash(session_id), user_id=user.id, now=at, conn=conn)
        store.prune_sessions(
            before=at - timedelta(seconds=settings.session_absolute_timeout_s) * 2, conn=conn
        )
    return session_id


def session_user(
    store: Store, session_id: str, *, settings: Settings, now: Clock | None = None
) -> User | None:
    """The account of a session that still runs (None: unknown, ended, idle or too old, or
    the account is switched off)."""
    id_hash = _session_hash(session_id)
    kept = store.web_session(id_hash)
    if kept is None or kept.revoked_at is not None:
        return None
    at = clock_of(settings, now)()
    idle = (at - kept.last_seen_at).total_seconds()
    if idle > settings.session_idle_timeout_s:
        return None
    if (at - kept.created_at).total_seconds() > settings.session_absolute_timeout_s:
        return None
    try:
        user = store.user_by_id(kept.user_id)
    except NotFoundError:
        return None
    if not user.active:
        return None
    if idle >= min(_TOUCH_EVERY_S, settings.session_idle_timeout_s / 10):
        store.touch_session(id_hash, now=at)
    return user


def end_session(
    store: Store, session_id: str, *, settings: Settings, now: Clock | None = None
) -> None:
    """Sign out: the session ends now (a copy of its cookie no longer works)."""
    store.revoke_session(_session_hash(session_id), now=clock_of(settings, now)())


# ---------------------------------------------------------------------- API tokens
@dataclass(frozen=True)
class NewToken:
    """A token just made: the token itself (shown once) and when it stops working."""

    id: int
    token: str
    expires_at: datetime


def token_expiry(token: ApiToken, *, settings: Settings) -> datetime:
    """When a token stops working (a token made before expiry dates: its age decides)."""
    if token.expires_at is not None:
        return token.expires_at
    return token.created_at + timedelta(days=settings.api_token_lifetime_days)


def create_api_token(
    store: Store, user: User, *, label: str, settings: Settings, now: Clock | None = None
) -> str:
    """A new API token for ``user`` (see :func:`issue_api_token`)."""
    return issue_api_token(store, user, label=label, settings=settings, now=now).token


def issue_api_token(
    store: Store, user: User, *, label: str, settings: Settings, now: Clock | None = None
) -> NewToken:
    """A new API token for ``user``, working for ``api_token_lifetime_days``; the token is
    returned once and only its hash is kept."""
    token = new_token()
    with recorded(store, user, clock=clock_of(settings, now)) as write:
        expires_at = write.now + timedelta(days=settings.api_token_lifetime_days)
        token_id = store.add_token(
            user_id=user.id,
            token_hash=hash_token(token),
            label=label,
            created_at=write.now,
            expires_at=expires_at,
            conn=write.conn,
        )
        write.record("create", "api_token", label, after={"label": label, "expires_at": expires_at})
    return NewToken(id=token_id, token=token, expires_at=expires_at)


def user_for_token(
    store: Store, token: str, *, settings: Settings | None = None, now: Clock | None = None
) -> User:
    """The account an API token belongs to (AuthenticationError when the token is unknown,
    revoked or expired, or its account is switched off). ``settings``: the tokens' lifetime
    (the default when None)."""
    settings = settings or Settings()
    kept = store.token_by_hash(hash_token(token.strip()))
    if kept is None or kept.revoked_at is not None:
        msg = "Unknown or revoked API token."
        raise AuthenticationError(msg)
    if clock_of(settings, now)() >= token_expiry(kept, settings=settings):
        msg = "This API token has expired; make a new one (safeschools tokens create)."
        raise AuthenticationError(msg)
    user = store.user_by_id(kept.user_id)
    if not user.active:
        msg = "This account is switched off; an administrator can switch it on again."
        raise AuthenticationError(msg)
    return user


# ---------------------------------------------------------------------- administration
def _account(store: Store, email: str) -> User:
    found = store.user_by_email(email)
    if found is None:
        msg = f"No account for {email.strip().lower()}; `safeschools users list` shows them."
        raise NotFoundError(msg)
    return found[0]


def revoke_token(
    store: Store, token_id: int, *, settings: Settings, now: Clock | None = None
) -> ApiToken:
    """Revoke an API token by id (an administrator; audited)."""
    with recorded(store, None, clock=clock_of(settings, now)) as write:
        token = store.revoke_token(token_id, now=write.now, conn=write.conn)
        write.record("revoke", "api_token", token.id, after={"revoked_at": token.revoked_at})
    return token


def end_sessions(store: Store, email: str, *, settings: Settings, now: Clock | None = None) -> int:
    """End every web session of an account (an administrator; audited): how many ran."""
    user = _account(store, email)
    with recorded(store, None, clock=clock_of(settings, now)) as write:
        ended = store.revoke_user_sessions(user.id, now=write.now, conn=write.conn)
        write.record("end_sessions", "user", user.email, after={"sessions_ended": ended})
    return ended


def deactivate_user(
    store: Store, email: str, *, active: bool = False, settings: Settings, now: Clock | None = None
) -> User:
    """Switch an account off (its sessions end, its tokens are revoked) or on again
    (``active=True``); an administrator, audited."""
    user = _account(store, email)
    with recorded(store, None, clock=clock_of(settings, now)) as write:
        store.set_user_active(user.id, active, conn=write.conn)
        after: dict[str, object] = {"active": active}
        if not active:
            after["sessions_ended"] = store.revoke_user_sessions(
                user.id, now=write.now, conn=write.conn
            )
            after["tokens_revoked"] = store.revoke_user_tokens(
                user.id, now=write.now, conn=write.conn
            )
        action = "activate" if active else "deactivate"
        write.record(action, "user", user.email, before={"active": user.active}, after=after)
    return store.user_by_id(user.id)


def reset_password(
    store: Store, email: str, password: str, *, settings: Settings, now: Clock | None = None
) -> dict[str, int]:
    """Give an account a new password (it meets the rules); every session ends and every
    token is revoked. An administrator, audited (never the password)."""
    user = _account(store, email)
    password_hash = hash_password(password, email=user.email)
    with recorded(store, None, clock=clock_of(settings, now)) as write:
        store.set_password_hash(user.id, password_hash, conn=write.conn)
        ended = {
            "sessions_ended": store.revoke_user_sessions(user.id, now=write.now, conn=write.conn),
            "tokens_revoked": store.revoke_user_tokens(user.id, now=write.now, conn=write.conn),
        }
        write.record("reset_password", "user", user.email, after=dict(ended))
    return ended
