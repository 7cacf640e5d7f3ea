"""Incidents recorded by schools through the API: a round trip (record, read the log, change,
conflict, withdraw, CSV), the public refused (401) and another school's editor refused (403),
categories read by anyone in both languages and added by an administrator only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers.forms import two_schools_with_editors

from safeschools import services
from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store

PASSWORD = "correct horse battery"
FIGHT: dict[str, Any] = {
    "occurred_at": "2026-11-03T12:15",
    "category": "fight",
    "place": "grounds",
    "students_involved": 3,
    "injuries": 1,
    "police_called": True,
    "police_reason": "serious_injury",
    "responses": ["restorative_conference", "parent_meeting"],
    "staff_note": "Lunch line.",
}


@pytest.fixture
def api(store: Store, settings: Settings) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    two_schools_with_editors(store, settings, PASSWORD)
    admin = services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    headers = {}
    for name, email in (("ed1", "ed1@x.org"), ("ed2", "ed2@x.org")):
        user = services.authenticate(store, email, PASSWORD, settings=settings)
        token = services.create_api_token(store, user, label="t", settings=settings)
        headers[name] = {"Authorization": f"Bearer {token}"}
    token = services.create_api_token(store, admin, label="t", settings=settings)
    headers["admin"] = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, store=store)) as http:
        yield http, headers


def test_round_trip(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    http, h = api
    made = http.post("/api/schools/1/incidents", json=FIGHT, headers=h["ed1"])
    assert made.status_code == 201, made.text
    incident = made.json()
    assert incident["source"] == "api" and incident["version"] == 1
    log = http.get("/api/schools/1/incident-log", headers=h["ed1"]).json()
    assert [(i["id"], i["staff_note"], i["withdrawn"]) for i in log] == [
        (incident["id"], "Lunch line.", False)
    ]
    url = f"/api/incidents/{incident['id']}"
    changed = http.put(url, json={**FIGHT, "injuries": 2, "version": 1}, headers=h["admin"])
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = http.put(url, json={**FIGHT, "version": 1}, headers=h["ed1"])
    assert stale.status_code == 409 and stale.json()["ok"] is False
    bad = http.put(url, json={**FIGHT, "injuries": 9, "version": 2}, headers=h["ed1"])
    assert bad.status_code == 400
    assert bad.json()["error"] == "The number of students hurt is 9; it must be from 0 to 3."
    assert http.get(url, headers=h["ed1"]).json()["history"][1]["injuries"] == 2
    withdrawn = http.post(f"{url}/withdraw", json={"version": 2}, headers=h["ed1"])
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn"] is True
    again = http.post(f"{url}/withdraw", json={"version": 3}, headers=h["ed1"])
    assert again.status_code == 400 and "withdrawn already" in again.json()["error"]
    as_csv = http.get("/api/schools/1/incident-log.csv", headers=h["ed1"])
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [(r["incident_id"], r["injuries"], r["police_called"]) for r in rows] == [
        (str(incident["id"]), "2", "Y")
    ]
    assert rows[0]["withdrawn_at"] != "" and rows[0]["responses"] == (
        "restorative_conference;parent_meeting"
    )


def test_the_public_and_other_schools_are_refused(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    http, h = api
    incident = http.post("/api/schools/1/incidents", json=FIGHT, headers=h["ed1"]).json()
    url = f"/api/incidents/{incident['id']}"
    for method, path, body in (
        ("GET", "/api/schools/1/incident-log", None),
        ("GET", "/api/schools/1/incident-log.csv", None),
        ("POST", "/api/schools/1/incidents", FIGHT),
        ("GET", url, None),
        ("PUT", url, {**FIGHT, "version": 1}),
        ("POST", f"{url}/withdraw", {"version": 1}),
    ):
        public = http.request(method, path, json=body)
        assert public.status_code == 401, (method, path, public.text)
        other = http.request(method, path, json=body, headers=h["ed2"])
        assert other.status_code == 403, (method, path, other.text)
        assert "Lunch line" not in public.text + other.text
    # nothing changed
    log = http.get("/api/schools/1/incident-log", headers=h["admin"]).json()
    assert [(i["version"], i["withdrawn"]) for i in log] == [(1, False)]
    # and the public audit never shows the incident
    audit = http.get("/api/audit?school_id=1").json()
    assert all(e["entity"] != "school_incident" for e in audit)


def test_categories(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    http, h = api
    listed = http.get("/api/incident-categories")
    assert listed.status_code == 200
    fight = listed.json()[0]
    assert fight == {"code": "fight", "built_in": True, "label_en": "Fight", "label_es": "Pelea"}
    body = {"code": "vaping", "label_en": "Vaping", "label_es": "Vapeo"}
    assert http.post("/api/incident-categories", json=body).status_code == 401
    assert http.post("/api/incident-categories", json=body, headers=h["ed1"]).status_code == 403
    added = http.post("/api/incident-categories", json=body, headers=h["admin"])
    assert added.status_code == 201
    taken = http.post("/api/incident-categories", json=body, headers=h["admin"])
    assert taken.status_code == 409
    assert http.get("/api/incident-categories").json()[-1] == {**body, "built_in": False}
    vaping = http.post(
        "/api/schools/2/incidents", json={**FIGHT, "category": "vaping"}, headers=h["ed2"]
    )
    assert vaping.status_code == 201 and vaping.json()["category"] == "vaping"
