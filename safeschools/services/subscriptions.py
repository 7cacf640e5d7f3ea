"""Parents subscribing to a school's notices: double opt-in, preferences, one-click leave.

- :func:`subscribe` answers the same whether the address was there or not, and sends a
  confirmation mail whose link holds a random token (only its hash is kept). Nothing is sent
  to a pending subscriber until they confirm. Attempts are limited per address and per client
  (:mod:`safeschools.policy.signin_limits`' waits, settings ``subscribe_*``).
- :func:`confirm_subscription` applies the language and categories the link carries.
- :func:`unsubscribe` (the token of every notice's ``List-Unsubscribe`` link) works without an
  account or a session: the token is the secret.
- An address is never shown, exported, logged or put in the audit record: the audit keeps its
  keyed hash (:mod:`safeschools.policy.subscriber_keys`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import quote, urlencode

from safeschools.errors import DataValidationError, NotFoundError, TooManyAttemptsError
from safeschools.mail import Outgoing, build_message, send_batch
from safeschools.model.incidents import CATEGORIES
from safeschools.model.notices import NOTICE_LANGUAGES, Subscriber
from safeschools.policy.signin_limits import wait_s
from safeschools.policy.subscriber_keys import SubscriberKeys, normalise_address, token_hash
from safeschools.services.base import Clock, clock_of, recorded
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "SUBSCRIBED",
    "confirm_subscription",
    "subscribe",
    "subscriber_counts",
    "subscriber_keys",
    "unsubscribe",
    "unsubscribe_school",
]

#: The one answer to a subscription, whether the address was there or not.
SUBSCRIBED = (
    "Thank you. If the address can receive mail, a message is on its way: follow its link "
    "to confirm."
)
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def subscriber_keys(settings: Settings) -> SubscriberKeys:
    """The keys of subscribers' addresses (made on first use, in the data folder)."""
    return SubscriberKeys.from_file(settings.notices_key_file or settings.data_dir / "notices.key")


def _categories(store: Store, categories: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(c for c in categories if c))
    known = set(CATEGORIES) | {c.code for c in store.incident_categories()}
    unknown = [c for c in chosen if c not in known]
    if unknown:
        msg = f"Unknown category {unknown[0]!r}; choose among {', '.join(sorted(known))}."
        raise DataValidationError(msg)
    return () if set(chosen) >= known else tuple(sorted(chosen))


def _language(language: str) -> str:
    if language not in NOTICE_LANGUAGES:
        msg = f"Language {language!r} is not one of {', '.join(NOTICE_LANGUAGES)}."
        raise DataValidationError(msg)
    return language


def _check_rate(store: Store, keys: list[str], *, settings: Settings, now: Clock) -> None:
    kept = store.signin_failures(keys)
    at = now()
    frees = [settings.subscribe_free_attempts, settings.subscribe_address_free_attempts]
    wait = max(
        wait_s(
            kept.get(key),
            at,
            free=free,
            delay_s=settings.signin_delay_s,
            max_delay_s=settings.signin_max_delay_s,
            window_s=settings.subscribe_window_s,
        )
        for key, free in zip(keys, frees, strict=False)
    )
    if wait > 0:
        msg = f"Too many subscriptions asked for; wait {wait} seconds and try again."
        raise TooManyAttemptsError(msg, retry_after_s=wait)
    window = timedelta(seconds=settings.subscribe_window_s)
    with store.transaction() as conn:
        for key in keys:
            store.record_signin_failure(
                key, now=at, reset_before=at - window, lock_at=None, conn=conn
            )


def _school_name(store: Store, school_id: str) -> str:
    schools = store.schools(school_id=school_id)
    if not schools:
        msg = f"No school with id {school_id}; search by name at /search."
        raise NotFoundError(msg)
    return schools[-1].name


def confirm_url(
    settings: Settings, token: str, *, language: str, categories: tuple[str, ...]
) -> str:
    """The link of a confirmation mail (it carries the choices it confirms)."""
    query = {"lang": language, "categories": ",".join(categories) or "all"}
    base = settings.public_base_url.rstrip("/")
    return f"{base}/notices/confirm/{quote(token)}?{urlencode(query)}"


def subscribe(
    store: Store,
    *,
    school_id: str,
    address: str,
    language: str,
    categories: Iterable[str] = (),
    settings: Settings,
    client: str | None = None,
    now: Clock | None = None,
) -> str:
    """Ask for a school's notices at ``address``; always the same answer (:data:`SUBSCRIBED`).

    A new address is kept pending; an address already there (pending, confirmed or gone) gets
    a new confirmation link and nothing else changes until it is followed. Raises
    TooManyAttemptsError past the limits, DataValidationError for an address that cannot be
    one."""
    clock = clock_of(settings, now)
    address = normalise_address(address)
    if len(address) > 254 or not _ADDRESS.match(address):
        msg = "That is not an email address; write it like name@example.org."
        raise DataValidationError(msg)
    language = _language(language)
    chosen = _categories(store, categories)
    school_name = _school_name(store, school_id)
    keys = subscriber_keys(settings)
    hashed = keys.address_hash(address)
    limit_keys = [f"subscribe:email:{hashed[:40]}"] + (
        [f"subscribe:address:{client[:200]}"] if client else []
    )
    _check_rate(store, limit_keys, settings=settings, now=clock)
    token = secrets.token_urlsafe(32)
    with recorded(store, None, clock=clock, school_id=school_id) as write:
        found = store.subscriber_by_address(school_id, hashed, conn=write.conn)
        if found is None:
            nonce = secrets.token_hex(16)
            candidate = Subscriber(
                school_id=school_id,
                address_hash=hashed,
                address_sealed=keys.seal(address),
                language=language,
                categories=chosen,
                status="pending",
                unsubscribe_nonce=nonce,
            )
            added = store.add_subscriber(
                candidate,
                confirm_token_hash=token_hash(token),
                unsubscribe_token_hash=token_hash(secrets.token_hex(16)),
                at=write.now,
                conn=write.conn,
            )
            if added is not None:
                store.set_unsubscribe_token(
                    added.id,
                    token_hash=token_hash(keys.unsubscribe_token(added.id, nonce)),
                    conn=write.conn,
                )
                write.record(
                    "create",
                    "notice_subscriber",
                    added.id,
                    after={"address_hash": hashed, "status": "pending", "language": language},
                )
        else:
            store.update_subscriber(
                found.id,
                confirm_token_hash=token_hash(token),
                updated_at=write.now,
                conn=write.conn,
            )
            write.record(
                "update",
                "notice_subscriber",
                found.id,
                after={"address_hash": hashed, "confirmation": "sent again"},
            )
    _send_confirmation(
        address, token, school_name=school_name, language=language, categories=chosen,
        settings=settings, clock=clock,
    )  # fmt: skip
    return SUBSCRIBED


_CONFIRM_TEXT = {
    "en": (
        "Confirm your subscription to the notices of {school}",
        "Someone (we hope you) asked to receive the notices of {school} at this address. "
        "If it was you, follow the link below and press the button to confirm. If it was "
        "not you, do nothing: you will get no more mail from us.",
        "Confirm my subscription",
    ),
    "es": (
        "Confirme su suscripción a los avisos de {school}",
        "Alguien (esperamos que usted) pidió recibir los avisos de {school} en esta "
        "dirección. Si fue usted, abra el enlace de abajo y presione el botón para "
        "confirmar. Si no fue usted, no haga nada: no recibirá más correos nuestros.",
        "Confirmar mi suscripción",
    ),
}


def _send_confirmation(
    address: str,
    token: str,
    *,
    school_name: str,
    language: str,
    categories: tuple[str, ...],
    settings: Settings,
    clock: Clock,
) -> None:
    subject, text, words = _CONFIRM_TEXT[language]
    message = build_message(
        to=address,
        subject=subject.format(school=school_name),
        text=text.format(school=school_name),
        sender=settings.mail_from,
        language=language,
        when=clock(),
        link=(words, confirm_url(settings, token, language=language, categories=categories)),
    )
    # a mail server that refuses is not told to the visitor: the answer is always the same
    send_batch([Outgoing(address, message)], settings=settings)


def _by_token(store: Store, kind: str, token: str) -> Subscriber:
    found = store.subscriber_by_token(kind, token_hash(token)) if token else None
    if found is None:
        msg = (
            "This link has expired or was already used; subscribe again from the school's "
            "notices page."
        )
        raise NotFoundError(msg)
    return found


def confirm_subscription(
    store: Store,
    token: str,
    *,
    language: str | None = None,
    categories: Iterable[str] | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> str:
    """Confirm the subscription of a confirmation link (with the choices it carries); the
    school's id. NotFoundError for an unknown or used link."""
    found = _by_token(store, "confirm", token)
    values: dict[str, object] = {"status": "confirmed", "confirm_token_hash": None}
    if language:
        values["language"] = _language(language)
    if categories is not None:  # "all" (or nothing): every category
        values["categories"] = _categories(store, [c for c in categories if c != "all"])
    with recorded(store, None, clock=clock_of(settings, now), school_id=found.school_id) as write:
        values["confirmed_at"] = write.now
        values["updated_at"] = write.now
        values["unsubscribed_at"] = None
        store.update_subscriber(found.id, conn=write.conn, **values)
        write.record(
            "confirm",
            "notice_subscriber",
            found.id,
            before={"address_hash": found.address_hash, "status": found.status},
            after={"address_hash": found.address_hash, "status": "confirmed"},
        )
    return found.school_id


def unsubscribe_school(store: Store, token: str) -> str:
    """The school of an unsubscribe link (what its page says), NotFoundError if unknown."""
    return _by_token(store, "unsubscribe", token).school_id


def unsubscribe(store: Store, token: str, *, settings: Settings, now: Clock | None = None) -> str:
    """Leave a school's notices (the one-click link); the school's id. Leaving twice is fine."""
    found = _by_token(store, "unsubscribe", token)
    if found.status == "unsubscribed":
        return found.school_id
    with recorded(store, None, clock=clock_of(settings, now), school_id=found.school_id) as write:
        store.update_subscriber(
            found.id,
            status="unsubscribed",
            unsubscribed_at=write.now,
            updated_at=write.now,
            confirm_token_hash=None,
            conn=write.conn,
        )
        write.record(
            "unsubscribe",
            "notice_subscriber",
            found.id,
            before={"address_hash": found.address_hash, "status": found.status},
            after={"address_hash": found.address_hash, "status": "unsubscribed"},
        )
    return found.school_id


def subscriber_counts(store: Store, school_id: str) -> dict[str, int]:
    """How many subscribers a school has, by status (counts only, never an address)."""
    _school_name(store, school_id)
    counts = store.subscriber_counts(school_id)
    return {status: counts.get(status, 0) for status in ("pending", "confirmed", "unsubscribed")}
