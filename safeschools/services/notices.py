"""Notices to parents: draft from an incident, edit, send (once), and read what was sent.

- Drafting and editing: a school's editor or principal (or an administrator); sending: the
  school's principal or an administrator
  (:func:`~safeschools.policy.accounts.check_can_send_notice`).
- Every save and every send checks the texts
  (:func:`~safeschools.policy.notice_text.check_notice_text`) against the names and ids
  held in the store and the incident's staff note.
- Sending marks the notice sent first (a versioned write: a second send is refused), then sends
  one message per confirmed subscriber whose categories include the notice's, in their
  language, over one SMTP connection, and records each delivery (status, time, error). The
  audit records the counts, never an address.
- The public reads sent notices only, without who wrote or sent them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

from cryptography.fernet import InvalidToken

from safeschools.errors import ConflictError, DataValidationError, NotFoundError
from safeschools.mail import Outgoing, build_message, list_id, send_batch
from safeschools.model import User
from safeschools.model.notices import Delivery, Notice
from safeschools.policy.accounts import check_can_edit, check_can_send_notice
from safeschools.policy.notice_text import (
    NOTICE_TEXT_FIELDS,
    check_notice_text,
    draft_texts,
    id_candidates,
)
from safeschools.services.base import Clock, clock_of, recorded
from safeschools.services.subscriptions import subscriber_keys
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.storage.notices import notice_to_dict

__all__ = [
    "PUBLIC_FIELDS",
    "draft_notice",
    "notice_for_staff",
    "public_notice",
    "resend_notice",
    "save_notice",
    "school_notices",
    "send_notice",
]

#: What the public reads of a sent notice (never who wrote or sent it).
PUBLIC_FIELDS = (
    "id", "school_id", "category", "subject_en", "body_en", "subject_es", "body_es", "sent_at",
)  # fmt: skip
_WHAT = "notices to parents"


def public_notice(notice: Notice) -> dict[str, Any]:
    """A sent notice as the public reads it."""
    data = notice_to_dict(notice)
    return {k: data[k] for k in PUBLIC_FIELDS}


def _school_name(store: Store, school_id: str) -> str:
    schools = store.schools(school_id=school_id)
    if not schools:
        msg = f"No school with id {school_id}; search by name at /search."
        raise NotFoundError(msg)
    return schools[-1].name


def _notice(store: Store, notice_id: int) -> Notice:
    found = store.notice(notice_id)
    if found is None:
        msg = f"No notice #{notice_id}; a school's notices are at /api/schools/SCHOOL_ID/notices."
        raise NotFoundError(msg)
    return found


def _check_texts(store: Store, texts: Mapping[str, str], incident_id: int) -> None:
    """Refuse a text naming anyone or any id held in the store, or repeating a staff note of
    any incident of the school (withdrawn ones too), not only the notice's own."""
    incident = store.school_incident(incident_id)
    notes = (
        []
        if incident is None
        else [
            i.staff_note
            for i in store.school_incidents(school_id=incident.school_id, include_withdrawn=True)
        ]
    )
    whole = "\n".join(texts.get(f, "") for f in NOTICE_TEXT_FIELDS)
    check_notice_text(
        dict(texts),
        names=store.held_names(),
        ids=store.held_ids(id_candidates(whole)),
        staff_notes=notes,
    )


def school_notices(store: Store, school_id: str) -> list[dict[str, Any]]:
    """A school's sent notices, newest first, as the public reads them."""
    _school_name(store, school_id)
    return [public_notice(n) for n in store.notices(school_id=school_id, status="sent")]


def notice_for_staff(store: Store, user: User | None, notice_id: int) -> dict[str, Any]:
    """A notice for the school's staff: texts, status, version, history and deliveries
    (counts by status; never an address)."""
    notice = _notice(store, notice_id)
    check_can_edit(user, notice.school_id, what=_WHAT)
    data = notice_to_dict(notice)
    data["history"] = store.notice_history(notice_id)
    counts: dict[str, int] = {"sent": 0, "failed": 0}
    for d in store.deliveries(notice_id):
        counts[d.status] = counts.get(d.status, 0) + 1
    data["deliveries"] = counts
    data["may_send"] = user is not None and user.can_send_notice(notice.school_id)
    return data


def draft_notice(
    store: Store,
    user: User | None,
    incident_id: int,
    *,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Draft the notice of an incident from its category's template, in both languages."""
    incident = store.school_incident(incident_id)
    if incident is None or incident.withdrawn_at is not None:
        msg = f"No incident #{incident_id} (or it was withdrawn)."
        raise NotFoundError(msg)
    actor = check_can_edit(user, incident.school_id, what=_WHAT)
    texts = draft_texts(incident, school_name=_school_name(store, incident.school_id))
    notice = Notice(
        school_id=incident.school_id,
        incident_id=incident.id,
        category=incident.category,
        subject_en=texts["subject_en"],
        body_en=texts["body_en"],
        subject_es=texts["subject_es"],
        body_es=texts["body_es"],
    )
    with recorded(store, actor, clock=clock_of(settings, now), school_id=notice.school_id) as write:
        saved = store.add_notice(notice, at=write.now, by=actor.email, conn=write.conn)
        write.record("create", "notice", saved.id, after=public_notice(saved))
    return notice_to_dict(saved)


def _version(data: Mapping[str, Any]) -> int:
    raw = data.get("version")
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).isdigit():
        msg = "Give the version of the notice you read (its `version`)."
        raise DataValidationError(msg)
    return int(raw)


def save_notice(
    store: Store,
    user: User | None,
    notice_id: int,
    data: Mapping[str, Any],
    *,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Save a draft's texts (``subject_en``, ``body_en``, ``subject_es``, ``body_es``; a text
    left out stays) over ``data["version"]``, the version read."""
    current = _notice(store, notice_id)
    actor = check_can_edit(user, current.school_id, what=_WHAT)
    texts = {f: str(data.get(f, getattr(current, f))).strip() for f in NOTICE_TEXT_FIELDS}
    _check_texts(store, texts, current.incident_id)
    changed = replace(
        current,
        subject_en=texts["subject_en"],
        body_en=texts["body_en"],
        subject_es=texts["subject_es"],
        body_es=texts["body_es"],
    )
    with recorded(
        store, actor, clock=clock_of(settings, now), school_id=current.school_id
    ) as write:
        saved = store.save_notice(
            changed, read_version=_version(data), at=write.now, by=actor.email, conn=write.conn
        )
        write.record(
            "update", "notice", notice_id, before=public_notice(current), after=public_notice(saved)
        )
    return notice_to_dict(saved)


def _messages(
    store: Store,
    notice: Notice,
    *,
    settings: Settings,
    clock: Clock,
    only: set[int] | None = None,
) -> tuple[list[tuple[int, str, Outgoing]], list[tuple[int, str]]]:
    """The messages to send, and the subscribers whose address this server cannot open (its
    notices key is not the one that sealed it): they are recorded as failed, never a crash."""
    keys = subscriber_keys(settings)
    base = settings.public_base_url.rstrip("/")
    school_link = f"{base}/schools/{quote(notice.school_id, safe='')}/notices"
    when = clock()
    out = []
    unopened: list[tuple[int, str]] = []
    for subscriber in store.subscribers(school_id=notice.school_id, status="confirmed"):
        if not subscriber.wants(notice.category):
            continue
        if only is not None and subscriber.id not in only:
            continue
        language = subscriber.language
        token = keys.unsubscribe_token(subscriber.id, subscriber.unsubscribe_nonce)
        unsubscribe_url = f"{base}/unsubscribe/{token}"
        if language == "es":
            footer = (
                "Recibe este aviso porque se suscribió a los avisos de la escuela "
                f"({school_link}?lang=es). Para no recibir más avisos: {unsubscribe_url}"
            )
            words = "Darme de baja"
        else:
            footer = (
                "You receive this notice because you subscribed to the school's notices "
                f"({school_link}). To stop receiving them: {unsubscribe_url}"
            )
            words = "Unsubscribe"
        try:
            address = keys.open(subscriber.address_sealed)
        except InvalidToken:
            unopened.append((subscriber.id, language))
            continue
        message = build_message(
            to=address,
            subject=notice.subject(language),
            text=f"{notice.body(language)}\n\n{footer}",
            sender=settings.mail_from,
            language=language,
            when=when,
            list_id=list_id(settings, notice.school_id),
            unsubscribe_url=unsubscribe_url,
            link=(words, unsubscribe_url),
        )
        out.append((subscriber.id, language, Outgoing(address, message)))
    return out, unopened


#: What a delivery records when the server cannot open a subscriber's address.
UNOPENED = (
    "the address cannot be opened with this server's notices key (was the key file replaced "
    "or the store restored without it?)"
)


def _deliveries(
    notice_id: int,
    messages: list[tuple[int, str, Outgoing]],
    results: list[str | None],
    unopened: list[tuple[int, str]],
    at: datetime,
) -> list[Delivery]:
    sent = [
        Delivery(
            notice_id=notice_id,
            subscriber_id=subscriber_id,
            language=language,
            status="sent" if error is None else "failed",
            at=at,
            error=error or "",
        )
        for (subscriber_id, language, _), error in zip(messages, results, strict=True)
    ]
    return sent + [
        Delivery(notice_id, subscriber_id, language, "failed", at, UNOPENED)
        for subscriber_id, language in unopened
    ]


def send_notice(
    store: Store,
    user: User | None,
    notice_id: int,
    *,
    version: int,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Send a draft to its school's confirmed subscribers (who want its category), once.

    Returns the notice with ``sent_to`` (messages the mail server took) and ``failed``.
    ConflictError when it was sent already or changed since ``version``."""
    current = _notice(store, notice_id)
    actor = check_can_send_notice(user, current.school_id)
    texts = {f: getattr(current, f) for f in NOTICE_TEXT_FIELDS}
    _check_texts(store, texts, current.incident_id)
    clock = clock_of(settings, now)
    with recorded(store, actor, clock=clock, school_id=current.school_id) as write:
        sent = store.mark_notice_sending(
            notice_id, read_version=version, at=write.now, by=actor.email, conn=write.conn
        )
    messages, unopened = _messages(store, sent, settings=settings, clock=clock)
    results = send_batch([m for _, _, m in messages], settings=settings)
    delivered = sum(error is None for error in results)
    failed = len(results) - delivered + len(unopened)
    with recorded(store, actor, clock=clock, school_id=current.school_id) as write:
        store.add_deliveries(
            _deliveries(notice_id, messages, results, unopened, write.now), conn=write.conn
        )
        store.set_notice_recipients(notice_id, delivered, conn=write.conn)
        write.record(
            "send",
            "notice",
            notice_id,
            before={"status": "draft"},
            after={"status": "sent", "sent_to": delivered, "failed": failed},
        )
    data = notice_to_dict(_notice(store, notice_id))
    data["sent_to"] = delivered
    data["failed"] = failed
    return data


def resend_notice(
    store: Store,
    user: User | None,
    notice_id: int,
    *,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Send a sent notice again to the confirmed subscribers it did not reach: those whose
    message failed, and those a stopped send never recorded (who still want its category; one
    who left since gets nothing). Never twice to one who received it.

    Returns the notice with ``sent_to`` (messages the mail server took this time), ``failed``
    and ``recipients`` (every subscriber it has reached)."""
    current = _notice(store, notice_id)
    actor = check_can_send_notice(user, current.school_id)
    if current.status != "sent":
        msg = f"Notice #{notice_id} is a draft: send it first."
        raise ConflictError(msg)
    clock = clock_of(settings, now)
    reached = {d.subscriber_id for d in store.deliveries(notice_id) if d.status == "sent"}
    confirmed = {s.id for s in store.subscribers(school_id=current.school_id, status="confirmed")}
    messages, unopened = _messages(
        store, current, settings=settings, clock=clock, only=confirmed - reached
    )
    results = send_batch([m for _, _, m in messages], settings=settings)
    delivered = sum(error is None for error in results)
    failed = len(results) - delivered + len(unopened)
    with recorded(store, actor, clock=clock, school_id=current.school_id) as write:
        store.redo_deliveries(
            _deliveries(notice_id, messages, results, unopened, write.now), conn=write.conn
        )
        store.set_notice_recipients(notice_id, len(reached) + delivered, conn=write.conn)
        write.record(
            "send",
            "notice",
            notice_id,
            before={"status": "sent", "recipients": len(reached)},
            after={
                "status": "sent",
                "sent_again_to": delivered,
                "failed": failed,
            },
        )
    data = notice_to_dict(_notice(store, notice_id))
    data["sent_to"] = delivered
    data["failed"] = failed
    return data
