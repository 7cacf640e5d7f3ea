"""Notices to parents, the parents who subscribe to them, and each delivery.

A notice is drafted from one incident, in English and Spanish (one notice holds both texts),
edited by the school's staff, and sent once by the school's principal or an administrator. It
never names or describes a student: the draft says only how many students, the category, the
place, the day and what the school did, and a save or a send refuses any text that holds a name
or an id kept in the store (:func:`safeschools.policy.notice_text.check_notice_text`).

A subscriber is a parent's email for one school, kept encrypted, found by a keyed hash, never
shown: ``pending`` until they follow the link of the confirmation mail, then ``confirmed``;
``unsubscribed`` after the one-click leave. Each sent notice records one delivery per
confirmed subscriber whose categories include the notice's (status, time, error).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "DELIVERY_STATUSES",
    "NOTICE_LANGUAGES",
    "NOTICE_STATUSES",
    "SUBSCRIBER_STATUSES",
    "Delivery",
    "Notice",
    "Subscriber",
]

#: A notice is a draft until it is sent; a sent notice never changes and is never sent again.
NOTICE_STATUSES = ("draft", "sent")
#: The languages of a notice: each notice holds both texts, each subscriber reads one.
NOTICE_LANGUAGES = ("en", "es")
#: A subscriber waits for their confirmation, then gets notices until they leave.
SUBSCRIBER_STATUSES = ("pending", "confirmed", "unsubscribed")
#: What happened to one message: handed to the mail server, or refused (with its error).
DELIVERY_STATUSES = ("sent", "failed")


@dataclass(frozen=True)
class Notice:
    """A notice to parents drafted from one incident (``id`` 0 before it is stored)."""

    school_id: str
    incident_id: int
    category: str
    subject_en: str
    body_en: str
    subject_es: str
    body_es: str
    status: str = "draft"
    sent_at: datetime | None = None
    sent_by: str | None = None
    recipients: int = 0
    id: int = 0
    version: int = 0
    created_at: datetime | None = None
    created_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None

    def subject(self, language: str) -> str:
        return self.subject_es if language == "es" else self.subject_en

    def body(self, language: str) -> str:
        return self.body_es if language == "es" else self.body_en


@dataclass(frozen=True)
class Subscriber:
    """A parent's subscription to one school's notices. ``address_hash`` is the keyed hash of
    the email (how it is found); ``address_sealed`` the email encrypted (only the mail sender
    opens it). ``categories`` empty: every category."""

    school_id: str
    address_hash: str
    address_sealed: str
    language: str
    categories: tuple[str, ...]
    status: str
    unsubscribe_nonce: str
    id: int = 0
    created_at: datetime | None = None
    confirmed_at: datetime | None = None
    unsubscribed_at: datetime | None = None

    def wants(self, category: str) -> bool:
        """True when this subscriber asked for notices of ``category``."""
        return not self.categories or category in self.categories


@dataclass(frozen=True)
class Delivery:
    """One message of one notice to one subscriber."""

    notice_id: int
    subscriber_id: int
    language: str
    status: str
    at: datetime
    error: str = ""
