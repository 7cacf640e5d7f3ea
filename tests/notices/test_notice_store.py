"""The store keeps notices (every version), subscribers (one per address and school) and
deliveries on SQLite and PostgreSQL; a stale save, a second notice for an incident and a second
send are refused; the names and ids a notice must not carry are found."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from safeschools.errors import ConflictError
from safeschools.model.incidents import Incident
from safeschools.model.notices import Delivery, Notice, Subscriber
from safeschools.storage import Store

AT = datetime(2026, 12, 7, 9, 30)


def _incident(store: Store) -> int:
    with store.transaction() as conn:
        return store.add_school_incident(
            Incident("609999", AT, "fight", "grounds", 2, external_id="DIST-123456"),
            at=AT, by="ed@x.org", conn=conn,
        ).id  # fmt: skip


def test_notices_versions_and_one_send(store: Store) -> None:
    incident_id = _incident(store)
    draft = Notice("609999", incident_id, "fight", "S", "B", "A", "C")
    with store.transaction() as conn:
        saved = store.add_notice(draft, at=AT, by="ed@x.org", conn=conn)
    assert saved.version == 1 and saved.status == "draft"
    with pytest.raises(ConflictError, match="has a notice already"), store.transaction() as conn:
        store.add_notice(draft, at=AT, by="ed@x.org", conn=conn)
    with store.transaction() as conn:
        changed = store.save_notice(replace(saved, body_en="B2"), read_version=1, at=AT,
                                    by="ed@x.org", conn=conn)  # fmt: skip
    assert changed.version == 2 and changed.body_en == "B2"
    with pytest.raises(ConflictError, match="changed since"), store.transaction() as conn:
        store.save_notice(replace(saved, body_en="B3"), read_version=1, at=AT, by=None, conn=conn)
    with store.transaction() as conn:
        sent = store.mark_notice_sending(saved.id, read_version=2, at=AT, by="pr@x.org", conn=conn)
        store.add_deliveries([Delivery(saved.id, 1, "en", "sent", AT)], conn=conn)
        store.set_notice_recipients(saved.id, 1, conn=conn)
    assert sent.status == "sent" and store.notice(saved.id).recipients == 1
    with pytest.raises(ConflictError, match="sent already"), store.transaction() as conn:
        store.mark_notice_sending(saved.id, read_version=3, at=AT, by="pr@x.org", conn=conn)
    assert [h["version"] for h in store.notice_history(saved.id)] == [1, 2, 3]
    assert [n.id for n in store.notices(school_id="609999", status="sent")] == [saved.id]
    assert store.held_ids({"dist-123456", "DIST-999"}) == {"dist-123456"}


def test_one_subscriber_per_address_and_school(store: Store) -> None:
    sub = Subscriber("609999", "h" * 64, "sealed", "es", ("fight",), "pending", "nonce")
    with store.transaction() as conn:
        first = store.add_subscriber(sub, confirm_token_hash="c" * 64,
                                     unsubscribe_token_hash="u" * 64, at=AT, conn=conn)  # fmt: skip
        again = store.add_subscriber(sub, confirm_token_hash="d" * 64,
                                     unsubscribe_token_hash="v" * 64, at=AT, conn=conn)  # fmt: skip
    assert first is not None and again is None
    assert store.subscriber_by_token("confirm", "c" * 64).id == first.id
    with store.transaction() as conn:
        store.update_subscriber(first.id, status="confirmed", categories=(), conn=conn)
    assert store.subscriber_counts("609999") == {"confirmed": 1}
    assert store.subscriber(first.id).wants("weapon")
