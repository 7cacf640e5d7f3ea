"""The demo city's notices to parents and their subscribers (synthetic), written through the
store and the notice services by the demo's account, dated in the demo's story.

No mail is sent: a demo notice is marked sent (audited, "no mail: synthetic") and the demo's
subscribers are written with their state (confirmed, pending, left), their addresses hashed
and encrypted like everyone's. Loading again adds nothing: a notice tells of the school's latest
incident of its category (an incident is added only when the school has none), a notice is added
only when its incident has none, a subscriber only when missing.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from safeschools.demo._notices import DemoNotices, SubscriberSpec
from safeschools.errors import ConfigError
from safeschools.model import User
from safeschools.model.incidents import Incident
from safeschools.model.notices import Subscriber
from safeschools.policy.subscriber_keys import SubscriberKeys, token_hash
from safeschools.services import notices as service_notices
from safeschools.services.base import Clock, recorded
from safeschools.services.demo_governance import DEMO_ACCOUNT
from safeschools.services.subscriptions import subscriber_keys
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = ["load_demo_notices"]

#: When the demo's parents subscribed.
_JOINED = datetime(2025, 9, 2, 19, 0)


def _fixed(moment: datetime) -> Clock:
    return lambda: moment


def _demo_account(store: Store) -> User:
    found = store.user_by_email(DEMO_ACCOUNT)
    if found is None:
        msg = "Load the demo city's decisions first (services.load_demo_city does it in order)."
        raise ConfigError(msg)
    return found[0]


def _incident(store: Store, user: User, incident: Incident) -> int:
    with recorded(
        store, user, clock=_fixed(incident.occurred_at), school_id=incident.school_id
    ) as write:
        saved = store.add_school_incident(incident, at=write.now, by=user.email, conn=write.conn)
        write.record("create", "school_incident", saved.id, after={"category": saved.category})
    return saved.id


def _notice(store: Store, user: User, incident: Incident, incident_id: int, *, send: bool,
            settings: Settings) -> None:  # fmt: skip
    day = incident.occurred_at + timedelta(hours=3)
    notice = service_notices.draft_notice(
        store, user, incident_id, settings=settings, now=_fixed(day)
    )
    if not send:
        return
    with recorded(
        store, user, clock=_fixed(day + timedelta(hours=1)), school_id=incident.school_id
    ) as write:
        store.mark_notice_sending(
            notice["id"], read_version=notice["version"], at=write.now, by=user.email,
            conn=write.conn,
        )  # fmt: skip
        write.record(
            "send", "notice", notice["id"], before={"status": "draft"},
            after={"status": "sent", "sent_to": 0, "note": "no mail: synthetic"},
        )  # fmt: skip


def _subscriber(store: Store, keys: SubscriberKeys, spec: SubscriberSpec) -> bool:
    hashed = keys.address_hash(spec.address)
    if store.subscriber_by_address(spec.school_id, hashed) is not None:
        return False
    nonce = secrets.token_hex(16)
    candidate = Subscriber(
        spec.school_id, hashed, keys.seal(spec.address), spec.language, spec.categories,
        "pending", nonce,
    )  # fmt: skip
    with recorded(store, None, clock=_fixed(_JOINED), school_id=spec.school_id) as write:
        new = store.add_subscriber(
            candidate,
            confirm_token_hash=token_hash(secrets.token_urlsafe(32)),
            unsubscribe_token_hash=token_hash(secrets.token_hex(16)),
            at=write.now,
            conn=write.conn,
        )
        if new is None:
            return False
        unsubscribe = token_hash(keys.unsubscribe_token(new.id, nonce))
        store.set_unsubscribe_token(new.id, token_hash=unsubscribe, conn=write.conn)
        values: dict[str, object] = {"status": spec.status}
        if spec.status != "pending":
            values.update(confirmed_at=write.now, confirm_token_hash=None)
        if spec.status == "unsubscribed":
            values["unsubscribed_at"] = write.now + timedelta(days=30)
        store.update_subscriber(new.id, conn=write.conn, **values)
        write.record(
            "create", "notice_subscriber", new.id,
            after={"address_hash": hashed, "status": spec.status},
        )  # fmt: skip
    return True


def load_demo_notices(store: Store, demo: DemoNotices, *, settings: Settings) -> int:
    """Write the demo's incidents (where a school has none), notices and subscribers; how many
    records were added (0 on a second load)."""
    user = _demo_account(store)
    added = 0
    for position, wanted in enumerate(demo.incidents):
        # The demo's incidents (services.demo_incidents) come first: a notice tells of the
        # school's latest one of the category; the demo's own incident only where none is.
        same = [
            i
            for i in store.school_incidents(school_id=wanted.school_id)
            if i.category == wanted.category
        ]
        if same:
            incident, incident_id = same[-1], same[-1].id
        else:
            incident, incident_id = wanted, _incident(store, user, wanted)
            added += 1
        if store.notice_of_incident(incident_id) is not None:
            continue
        _notice(store, user, incident, incident_id, send=position in demo.sent, settings=settings)
        added += 1
    keys = subscriber_keys(settings)
    added += sum(_subscriber(store, keys, spec) for spec in demo.subscribers)
    return added
