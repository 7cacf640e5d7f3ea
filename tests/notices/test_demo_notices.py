"""The demo city has notices (sent and a draft) and subscribers in every state, marked
synthetic, at example.org; loading again adds nothing; its feed and pages show the sent
notices, never an address."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from fastapi.testclient import TestClient
from helpers.demo_city import DemoCity

from safeschools.app import create_app
from safeschools.demo._notices import make_notices
from safeschools.demo.city import build_demo_city
from safeschools.services.demo_notices import load_demo_notices
from safeschools.services.subscriptions import subscriber_keys


def test_the_demo_city_has_notices_and_subscribers(demo_city: DemoCity) -> None:
    store, settings = demo_city
    notices = store.notices()
    assert sorted(n.status for n in notices) == ["draft", "sent", "sent", "sent"]
    schools = sorted({n.school_id for n in notices})
    keys = subscriber_keys(settings)
    for school_id in schools:
        subs = store.subscribers(school_id=school_id)
        assert {s.status for s in subs} == {"confirmed", "pending", "unsubscribed"}
        assert {s.language for s in subs} == {"en", "es"}
        assert all(
            keys.open(s.address_sealed).startswith("synthetic-")
            and keys.open(s.address_sealed).endswith("@example.org")
            for s in subs
        )
    for incident in store.school_incidents(include_withdrawn=True):
        if incident.school_id in schools:
            assert "synthetic" in incident.staff_note.lower()
    # loading again adds nothing (a copy of the demo's plan, as the loader would make it)
    city = build_demo_city(bbox=settings.area_bbox)
    assert load_demo_notices(store, make_notices(city.schools), settings=settings) == 0
    http = TestClient(create_app(settings, store=store))
    sent = [n for n in notices if n.status == "sent" and n.school_id == schools[0]]
    feed = ET.fromstring(http.get(f"/schools/{schools[0]}/notices.atom?lang=es").content)
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == len(sent)
    page = http.get(f"/schools/{schools[0]}/notices").text
    assert sent[0].subject_en in page and "@example.org" not in page
