"""Signing in with an email and a password, so that it cannot be hammered.

- Failed sign-ins are counted per email (with or without an account) and per client address;
  past a few, each attempt must wait longer (:mod:`safeschools.policy.signin_limits`), answered
  before any password is checked. An account that reaches ``signin_lockout_failures`` is locked
  until an administrator unlocks it (:func:`unlock_account`, audited).
- An email without an account is checked against a dummy Argon2 hash, and counted the same: the
  reply and its time are those of a wrong password.
- A switched-off account cannot sign in (the same reply again).
"""

from __future__ import annotations

from datetime import timedelta

from safeschools.errors import AuthenticationError, NotFoundError, TooManyAttemptsError
from safeschools.model import User
from safeschools.policy.accounts import dummy_hash, needs_rehash, rehash_password, verify_password
from safeschools.policy.signin_limits import account_key, address_key, wait_s
from safeschools.services.base import Clock, clock_of, recorded
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = ["WRONG", "authenticate", "unlock_account"]

#: The one reply to a wrong email, a wrong password and a switched-off account.
WRONG = "Wrong email or password."
LOCKED = (
    "This account is locked after too many failed sign-ins; an administrator can unlock it "
    "(safeschools users unlock EMAIL)."
)


def _check_limits(store: Store, keys: list[str], *, settings: Settings, now: Clock) -> None:
    """TooManyAttemptsError when the account is locked or an attempt must wait."""
    kept = store.signin_failures(keys)
    at = now()
    account = kept.get(keys[0])
    if account is not None and account.locked_at is not None:
        raise TooManyAttemptsError(LOCKED, retry_after_s=None)
    waits = [
        wait_s(
            account,
            at,
            free=settings.signin_free_failures,
            delay_s=settings.signin_delay_s,
            max_delay_s=settings.signin_max_delay_s,
        )
    ]
    if len(keys) > 1:
        waits.append(
            wait_s(
                kept.get(keys[1]),
                at,
                free=settings.signin_address_free_failures,
                delay_s=settings.signin_delay_s,
                max_delay_s=settings.signin_max_delay_s,
                window_s=settings.signin_address_window_s,
            )
        )
    wait = max(waits)
    if wait > 0:
        msg = f"Too many failed sign-ins; wait {wait} seconds and try again."
        raise TooManyAttemptsError(msg, retry_after_s=wait)


def authenticate(
    store: Store,
    email: str,
    password: str,
    *,
    settings: Settings | None = None,
    address: str | None = None,
    now: Clock | None = None,
) -> User:
    """The account for an email and password, or AuthenticationError (the same for every
    mistake), or TooManyAttemptsError (wait ``retry_after_s``, or locked).

    ``address``: the client's address, counted too (the web form gives it; the command line
    does not). ``settings``: the limits (the defaults when None)."""
    settings = settings or Settings()
    clock = clock_of(settings, now)
    keys = [account_key(email)] + ([address_key(address)] if address else [])
    _check_limits(store, keys, settings=settings, now=clock)
    found = store.user_by_email(email)
    password_hash = dummy_hash() if found is None else found[1]
    matches = verify_password(password_hash, password)
    if found is None or not found[0].active or not matches:
        at = clock()
        lock_at = settings.signin_lockout_failures or None
        window = timedelta(seconds=settings.signin_address_window_s)
        with store.transaction() as conn:
            store.record_signin_failure(
                keys[0], now=at, reset_before=None, lock_at=lock_at, conn=conn
            )
            if len(keys) > 1:
                store.record_signin_failure(
                    keys[1], now=at, reset_before=at - window, lock_at=None, conn=conn
                )
        raise AuthenticationError(WRONG)
    user, password_hash = found
    with store.transaction() as conn:
        store.clear_signin_failures(keys[0], conn=conn)
        if needs_rehash(password_hash):
            store.set_password_hash(user.id, rehash_password(password), conn=conn)
    return user


def unlock_account(
    store: Store, email: str, *, settings: Settings, now: Clock | None = None
) -> int:
    """Lift an account's lockout and forget its failed sign-ins (an administrator, from the
    command line; audited). How many failures were forgotten."""
    found = store.user_by_email(email)
    if found is None:
        msg = f"No account for {email.strip().lower()}; `safeschools users list` shows them."
        raise NotFoundError(msg)
    user = found[0]
    with recorded(store, None, clock=clock_of(settings, now)) as write:
        kept = store.clear_signin_failures(account_key(user.email), conn=write.conn)
        before = None
        if kept is not None:
            before = {"failures": kept.failures, "locked": kept.locked_at is not None}
        write.record("unlock", "user", user.email, before=before, after={"failures": 0})
    return 0 if kept is None else kept.failures
