"""Notices to parents through a real SMTP server on 127.0.0.1: double opt-in, languages and
categories per subscriber, one-click leave, a refused recipient recorded, never sent twice,
permissions, and no address in clear anywhere but the message's envelope."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers.notice_city import (
    AT,
    add_incident,
    clock,
    confirm_link,
    school_with_staff,
    settings_for,
    subscribe_and_confirm,
)
from helpers.smtp_server import Mailbox, smtp_server

from safeschools import services
from safeschools.errors import (
    ConflictError,
    DataValidationError,
    NotFoundError,
    PermissionDeniedError,
    TooManyAttemptsError,
)
from safeschools.mail import build_message
from safeschools.services import notices as service_notices
from safeschools.services import subscriptions as service_subs
from safeschools.services.accounts import full_audit_log
from safeschools.settings import Settings


@pytest.fixture
def box() -> Mailbox:
    with smtp_server() as mailbox:
        yield mailbox


def test_double_opt_in_languages_categories_and_one_click_leave(
    tmp_path: Path, box: Mailbox
) -> None:
    settings = settings_for(tmp_path, box)
    store = services.open_store_from_settings(settings)
    users = school_with_staff(store, settings)
    subscribe_and_confirm(store, settings, box, "ana@example.org", "es")
    subscribe_and_confirm(store, settings, box, "ben@example.org", "en")
    subscribe_and_confirm(store, settings, box, "cy@example.org", "en", categories=["weapon"])
    subscribe_and_confirm(store, settings, box, "gone@example.org", "en")
    service_subs.subscribe(
        store, school_id="1", address="pending@example.org", language="en", settings=settings,
        now=clock,
    )  # fmt: skip
    subscribe_and_confirm(store, settings, box, "refuse-me@example.org", "en")
    box.refuse.add("refuse-me@example.org")  # the mailbox is gone since
    assert len(box.to("pending@example.org")) == 1  # the confirmation only
    # the one-click leave of a notice sent earlier: take it from a sent notice below
    incident_id = add_incident(store)
    draft = service_notices.draft_notice(
        store, users["editor"], incident_id, settings=settings, now=clock
    )
    assert "3 students" in draft["body_en"] and "3 estudiantes" in draft["body_es"]
    with pytest.raises(PermissionDeniedError, match="principal"):
        service_notices.send_notice(
            store, users["editor"], draft["id"], version=1, settings=settings, now=clock
        )
    with pytest.raises(PermissionDeniedError):
        service_notices.send_notice(
            store, users["other"], draft["id"], version=1, settings=settings, now=clock
        )
    before = len(box.arrived)
    result = service_notices.send_notice(
        store, users["principal"], draft["id"], version=1, settings=settings, now=clock
    )
    assert result["status"] == "sent" and result["sent_to"] == 3 and result["failed"] == 1
    new = box.arrived[before:]
    assert sorted(r for a in new for r in a.rcpt_tos) == [
        "ana@example.org", "ben@example.org", "gone@example.org"
    ]  # fmt: skip
    spanish = box.to("ana@example.org")[-1].message
    assert "pelea" in spanish["Subject"] and spanish["Content-Language"] == "es"
    english = box.to("ben@example.org")[-1].message
    assert "fight" in english["Subject"]
    for msg in (spanish, english):
        assert (
            msg["Message-ID"]
            and msg["Date"]
            and msg["List-Id"] == "<notices.1.schools.example.org>"
        )
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert re.match(
            r"<https://schools\.example\.org/unsubscribe/[\w-]+>, "
            r"<mailto:notices@schools\.example\.org\?subject=unsubscribe%20[\w-]+>",
            msg["List-Unsubscribe"],
        )
        assert msg.is_multipart() and {p.get_content_type() for p in msg.walk()} >= {
            "text/plain", "text/html"
        }  # fmt: skip
    deliveries = store.deliveries(draft["id"])
    failed = [d for d in deliveries if d.status == "failed"]
    assert len(failed) == 1 and "550" in failed[0].error
    # never twice
    with pytest.raises(ConflictError, match="sent already"):
        service_notices.send_notice(
            store, users["principal"], draft["id"], version=2, settings=settings, now=clock
        )
    # one-click leave with the link of the message; then the next notice does not reach them
    gone = box.to("gone@example.org")[-1].message
    token = re.search(r"/unsubscribe/([\w-]+)>", gone["List-Unsubscribe"]).group(1)
    assert service_subs.unsubscribe_school(store, token) == "1"
    assert service_subs.unsubscribe(store, token, settings=settings, now=clock) == "1"
    assert service_subs.unsubscribe(store, token, settings=settings, now=clock) == "1"
    weapon = add_incident(store, category="weapon")
    second = service_notices.draft_notice(
        store, users["principal"], weapon, settings=settings, now=clock
    )
    before = len(box.arrived)
    service_notices.send_notice(
        store, users["principal"], second["id"], version=1, settings=settings, now=clock
    )
    got = sorted(r for a in box.arrived[before:] for r in a.rcpt_tos)
    assert got == ["ana@example.org", "ben@example.org", "cy@example.org"]
    assert service_subs.subscriber_counts(store, "1") == {
        "pending": 1, "confirmed": 4, "unsubscribed": 1
    }  # fmt: skip
    # no address in clear in the audit log, nor anywhere in the database file
    entries = full_audit_log(store, limit=1000)
    assert any(e["entity"] == "notice_subscriber" for e in entries)
    raw = (tmp_path / "store.db").read_bytes()
    for address in (
        "ana@example.org",
        "ben@example.org",
        "gone@example.org",
        "pending@example.org",
    ):
        assert address.encode() not in raw
        assert all(address not in repr(e) for e in entries)
    store.dispose()


def test_resubscribing_answers_the_same_and_adds_no_row(tmp_path: Path, box: Mailbox) -> None:
    settings = settings_for(tmp_path, box)
    store = services.open_store_from_settings(settings)
    school_with_staff(store, settings)
    first = service_subs.subscribe(
        store, school_id="1", address="Ana@Example.org", language="en", settings=settings, now=clock
    )
    again = service_subs.subscribe(
        store,
        school_id="1",
        address="ana@example.org ",
        language="es",
        settings=settings,
        now=clock,
    )
    assert first == again == service_subs.SUBSCRIBED
    assert len(store.subscribers(school_id="1")) == 1
    # a confirmed parent's choices change only when the new link is followed
    subscribe_and_confirm(store, settings, box, "cy@example.org", "en", categories=["weapon"])
    service_subs.subscribe(
        store, school_id="1", address="cy@example.org", language="es", settings=settings,
        now=clock,
    )  # fmt: skip
    (cy,) = [s for s in store.subscribers(school_id="1") if s.status == "confirmed"]
    assert (cy.language, cy.categories) == ("en", ("weapon",))
    token, query = confirm_link(box, "cy@example.org")
    assert query["categories"] == ["all"]
    service_subs.confirm_subscription(
        store, token, language=query["lang"][0], categories=query["categories"][0].split(","),
        settings=settings, now=clock,
    )  # fmt: skip
    cy = store.subscriber(cy.id)
    assert (cy.language, cy.categories, cy.status) == ("es", (), "confirmed")
    with pytest.raises(DataValidationError, match="not an email"):
        service_subs.subscribe(
            store, school_id="1", address="nobody", language="en", settings=settings, now=clock
        )
    with pytest.raises(NotFoundError, match="expired"):
        service_subs.confirm_subscription(store, "forged", settings=settings, now=clock)
    store.dispose()


def test_subscribing_is_rate_limited(tmp_path: Path, box: Mailbox) -> None:
    settings = settings_for(tmp_path, box, subscribe_free_attempts=2)
    store = services.open_store_from_settings(settings)
    school_with_staff(store, settings)
    for _ in range(3):
        service_subs.subscribe(
            store, school_id="1", address="a@example.org", language="en", settings=settings,
            now=clock,
        )  # fmt: skip
    with pytest.raises(TooManyAttemptsError, match="wait"):
        service_subs.subscribe(
            store, school_id="1", address="a@example.org", language="en", settings=settings,
            now=clock,
        )  # fmt: skip
    assert len(box.to("a@example.org")) == 3
    store.dispose()


def test_texts_with_names_ids_or_the_staff_note_are_refused(tmp_path: Path, box: Mailbox) -> None:
    settings = settings_for(tmp_path, box)
    store = services.open_store_from_settings(settings)
    users = school_with_staff(store, settings)
    incident_id = add_incident(store, note="Lunch line scuffle near the gym doors.", ext="INC-0042")
    add_incident(store, note="Bus stop argument after the late bell.", ext="INC-0043")
    draft = service_notices.draft_notice(
        store, users["editor"], incident_id, settings=settings, now=clock
    )
    assert "Lunch line" not in draft["body_en"] and "INC-0042" not in draft["body_en"]
    for text, problem in (
        ("Priya Vandermeer met the family.", "name kept in the store"),
        ("See incident INC-0042.", "id kept in the store"),
        ("It was a lunch line scuffle near the gym doors.", "staff note"),
        ("It began as a bus stop argument after the late bell.", "staff note"),  # another's
        ("Student 1234567 was sent home.", "student id"),
        ("Write to parent@example.org.", "email address"),
    ):
        with pytest.raises(DataValidationError, match=problem):
            service_notices.save_notice(
                store, users["editor"], draft["id"], {"body_en": text, "version": 1},
                settings=settings, now=clock,
            )  # fmt: skip
    # a subject is one line: a line break would start a header of its own in every message
    with pytest.raises(DataValidationError, match="subject en contains a line break"):
        service_notices.save_notice(
            store, users["editor"], draft["id"],
            {"subject_en": "A fight\nBcc: everyone@example.org", "version": 1},
            settings=settings, now=clock,
        )  # fmt: skip
    with pytest.raises(ValueError, match="line break"):
        build_message(
            to="a@example.org", subject="x\r\nBcc: b@example.org", text="t",
            sender="n@example.org", language="en", when=AT,
        )  # fmt: skip
    saved = service_notices.save_notice(
        store, users["editor"], draft["id"],
        {"body_en": "A fight on the grounds; call 773-555-0100.", "version": 1},
        settings=settings, now=clock,
    )  # fmt: skip
    assert saved["version"] == 2
    with pytest.raises(ConflictError):
        service_notices.save_notice(
            store, users["editor"], draft["id"], {"body_en": "Again.", "version": 1},
            settings=settings, now=clock,
        )  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        service_notices.draft_notice(store, None, incident_id, settings=settings, now=clock)
    store.dispose()


def test_starttls_with_a_self_signed_certificate(tmp_path: Path) -> None:
    with smtp_server(tmp_path, tls=True) as tls_box:
        settings = settings_for(
            tmp_path, tls_box, smtp_tls="starttls", smtp_ca_file=tls_box.ca_file
        )
        store = services.open_store_from_settings(settings)
        school_with_staff(store, settings)
        service_subs.subscribe(
            store, school_id="1", address="t@example.org", language="en", settings=settings,
            now=clock,
        )  # fmt: skip
        assert len(tls_box.to("t@example.org")) == 1
        store.dispose()


def test_a_long_text_arrives_whole_and_a_dead_server_fails_each_message(box: Mailbox) -> None:
    """Lines end in CRLF and stay short (quoted-printable), so a long paragraph with accents
    arrives as written; a server that cannot be reached fails every message with its error."""
    from email.header import decode_header, make_header

    from safeschools.mail import Outgoing, build_message, send_batch

    paragraph = "La escuela se reunió con las familias. " * 80
    raw = build_message(
        to="ana@example.org", subject="Aviso: reunión", text=paragraph, sender="n@example.org",
        language="es", when=AT, unsubscribe_url="https://x.example.org/unsubscribe/" + "t" * 43,
    )  # fmt: skip
    settings = Settings(smtp_host=box.host, smtp_port=box.port, smtp_tls="none")
    assert send_batch([Outgoing("ana@example.org", raw)], settings=settings) == [None]
    message = box.to("ana@example.org")[-1].message
    assert str(make_header(decode_header(message["Subject"]))) == "Aviso: reunión"
    body = message.get_payload()[0].get_payload(decode=True).decode("utf-8")
    assert body.strip() == paragraph.strip()
    dead = Settings(smtp_host="127.0.0.1", smtp_port=1, smtp_tls="none", smtp_timeout_s=2)
    errors = send_batch([Outgoing("a@example.org", raw)] * 3, settings=dead)
    assert len(errors) == 3 and all(e and "Connection" in e for e in errors)
