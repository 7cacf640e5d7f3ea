"""Notices on the API and the pages: permissions, the one-click leave without a session, the
Atom feed (valid, sent notices only, both languages), no address on any answer, and THE LEAK
SCAN: every name and id held anywhere in the store is looked for in every message that reached
the SMTP server and in every feed entry and notice page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from helpers.forms import csrf
from helpers.notice_city import (
    PASSWORD,
    add_incident,
    school_with_staff,
    settings_for,
    subscribe_and_confirm,
)
from helpers.smtp_server import Mailbox, smtp_server
from sqlalchemy import select

from safeschools import services
from safeschools.app import create_app
from safeschools.services import notices as service_notices
from safeschools.services import sessions as service_sessions
from safeschools.storage import tables as t
from safeschools.storage import tables_incidents as ti
from safeschools.storage import tables_notices as tn

ATOM = "{http://www.w3.org/2005/Atom}"
ADDRESSES = ("ana@example.org", "ben@example.org")


@pytest.fixture
def box() -> Iterator[Mailbox]:
    with smtp_server() as mailbox:
        yield mailbox


def _token(http: TestClient, email: str) -> str:
    store = http.app.state.store
    user = store.user_by_email(email)[0]
    settings = http.app.state.settings
    return service_sessions.create_api_token(store, user, label="t", settings=settings)


def held_names_and_ids(store) -> set[str]:  # type: ignore[no-untyped-def]
    """Every name and id the store holds: accounts (names, emails), council and committee
    members, staff notes, the district's incident ids, police case numbers, subscribers'
    addresses (opened with the key) and their hashes."""
    found = set(store.held_names())
    with store.engine.connect() as conn:
        for row in conn.execute(select(ti.school_incidents)):
            found |= {row.staff_note, row.external_id or ""}
            found |= set(re.findall(r"[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)+", row.staff_note))
        for row in conn.execute(select(t.victimizations.c.case_number)):
            found.add(row.case_number or "")
        for row in conn.execute(select(tn.notice_subscribers)):
            found |= {row.address_hash, row.address_sealed}
    return {f for f in found if f and len(f) >= 4}


def test_api_pages_feed_and_the_leak_scan(tmp_path: Path, box: Mailbox) -> None:
    settings = settings_for(tmp_path, box)
    store = services.open_store_from_settings(settings)
    school_with_staff(store, settings)
    for address, language in zip(ADDRESSES, ("es", "en"), strict=True):
        subscribe_and_confirm(store, settings, box, address, language)
    fight = add_incident(
        store, note="Kids named in the nurse's log; Quentin Oyelaran-Smith.", ext="INC-77"
    )
    other = add_incident(store, category="threat")
    http = TestClient(create_app(settings, store=store))
    # the public cannot draft; an editor drafts and edits; an editor cannot send
    assert http.post(f"/api/incidents/{fight}/notice").status_code == 401
    editor = {"Authorization": f"Bearer {_token(http, 'ed@x.org')}"}
    principal = {"Authorization": f"Bearer {_token(http, 'pr@x.org')}"}
    drafted = http.post(f"/api/incidents/{fight}/notice", headers=editor)
    assert drafted.status_code == 201, drafted.text
    notice_id = drafted.json()["id"]
    bad = http.put(
        f"/api/notices/{notice_id}", headers=editor,
        json={"version": 1, "body_en": "Quentin Oyelaran-Smith was involved."},
    )  # fmt: skip
    assert bad.status_code == 400 and "Quentin" in bad.json()["error"]
    ok = http.put(
        f"/api/notices/{notice_id}",
        headers=editor,
        json={"version": 1, "subject_en": "A fight at Alpha"},
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert (
        http.post(f"/api/notices/{notice_id}/send", headers=editor, json={"version": 2}).status_code
        == 403
    )
    draft2 = http.post(f"/api/incidents/{other}/notice", headers=principal).json()
    # a draft is not public, anywhere
    assert http.get("/api/schools/1/notices").json() == []
    sent = http.post(f"/api/notices/{notice_id}/send", headers=principal, json={"version": 2})
    assert sent.status_code == 200 and sent.json()["sent_to"] == 2
    again = http.post(f"/api/notices/{notice_id}/send", headers=principal, json={"version": 3})
    assert again.status_code == 409
    public = http.get("/api/schools/1/notices").json()
    assert [n["id"] for n in public] == [notice_id] and "sent_by" not in public[0]
    # the feed: valid Atom, sent notices only, in the language asked
    for lang, word in (("en", "fight"), ("es", "pelea")):
        answer = http.get(f"/schools/1/notices.atom?lang={lang}")
        assert answer.headers["content-type"].startswith("application/atom+xml")
        root = ET.fromstring(answer.content)
        assert root.tag == f"{ATOM}feed"
        for tag in ("id", "title", "updated", "link"):
            assert root.find(f"{ATOM}{tag}") is not None
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == 1
        for tag in ("id", "title", "updated", "content"):
            assert entries[0].find(f"{ATOM}{tag}") is not None
        assert word in entries[0].findtext(f"{ATOM}content", "").lower()
        assert draft2["subject_en"] not in answer.text
    school_page = http.get("/schools/1?lang=es").text
    assert '<link rel="alternate" type="application/atom+xml"' in school_page
    assert 'href="/schools/1/notices"' in school_page
    page = http.get("/schools/1/notices?lang=es")
    assert (
        page.status_code == 200
        and "pelea" in page.text
        and 'href="/schools/1/notices.atom?lang=es"' in page.text
    )
    # subscribe through the page: the same answer for a new and a known address
    form = http.get("/schools/1/notices/subscribe")
    token = csrf(form.text)
    answers = [
        http.post(
            "/schools/1/notices/subscribe", data={"csrf_token": token, "email": a, "language": "en"}
        ).text
        for a in ("new@example.org", "ana@example.org")
    ]
    assert answers[0] == answers[1]
    api_answer = http.post("/api/schools/1/subscriptions", json={"email": "ben@example.org"})
    assert api_answer.status_code == 202
    # one-click leave: a POST without any session or form token
    message = box.to("ben@example.org")[-2].message  # the notice (the last is a confirmation)
    url = re.search(r"<(https://[^>]+/unsubscribe/[\w-]+)>", message["List-Unsubscribe"]).group(1)
    path = url.removeprefix("https://schools.example.org")
    fresh = TestClient(http.app)
    assert fresh.get(path).status_code == 200
    left = fresh.post(path, data={"List-Unsubscribe": "One-Click"})
    assert left.status_code == 200
    assert store.subscriber_counts("1")["unsubscribed"] == 1
    # no page or API answer shows an address: the staff's notice, the audit, the pages
    staff = http.get(f"/api/notices/{notice_id}", headers=principal).text
    audit = http.get("/api/audit", headers=principal).text
    for text in (staff, audit, page.text, http.get("/api/schools/1/notices").text):
        for address in (*ADDRESSES, "new@example.org"):
            assert address not in text
    # THE LEAK SCAN: every message that reached the server and every feed entry and page
    held = held_names_and_ids(store)
    assert {"Quentin Oyelaran-Smith", "INC-77", "Priya Vandermeer", "pr@x.org"} <= held
    notices_sent = [a for a in box.arrived if "pelea" in a.text() or "fight" in a.text().lower()]
    assert notices_sent
    surfaces = [a.text() for a in notices_sent]
    surfaces += [http.get(f"/schools/1/notices.atom?lang={lang}").text for lang in ("en", "es")]
    surfaces += [http.get(f"/schools/1/notices?lang={lang}").text for lang in ("en", "es")]
    for surface in surfaces:
        leaks = [h for h in held if h in surface]
        # the envelope's own address is in the To header of its message, and only there
        leaks = [
            h
            for h in leaks
            if not (h in ADDRESSES and f"To: {h}" in surface and surface.count(h) == 1)
        ]
        assert leaks == [], leaks
    # a planted leak is caught by the same scan
    planted = "Priya Vandermeer says hello"
    assert [h for h in held if h in planted] == ["Priya Vandermeer"]
    store.dispose()


def test_the_staff_page_drafts_saves_and_sends(tmp_path: Path, box: Mailbox) -> None:
    settings = settings_for(tmp_path, box)
    store = services.open_store_from_settings(settings)
    school_with_staff(store, settings)
    subscribe_and_confirm(store, settings, box, "ana@example.org", "es")
    incident = add_incident(store)
    http = TestClient(create_app(settings, store=store))
    path = f"/schools/1/incidents/{incident}/notice"
    assert http.get(path, follow_redirects=False).status_code == 303  # the public signs in
    from helpers.forms import sign_in

    token = sign_in(http, "pr@x.org", PASSWORD, then=path)
    page = http.get(path)
    assert 'value="send"' in page.text
    notice = store.notice_of_incident(incident)
    data = {"csrf_token": token, "version": str(notice.version), "action": "send",
            "subject_en": notice.subject_en, "body_en": notice.body_en,
            "subject_es": notice.subject_es, "body_es": "Hubo una pelea en el patio."}  # fmt: skip
    done = http.post(path, data=data)
    assert done.status_code == 200 and "1" in done.text
    assert "Hubo una pelea en el patio." in box.to("ana@example.org")[-1].text()
    assert service_notices.school_notices(store, "1")[0]["body_es"] == "Hubo una pelea en el patio."
    store.dispose()
