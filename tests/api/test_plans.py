"""Whole School Safety plans (library, API, CSV, CLI) and the web sign-in with CSRF checks."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from helpers.forms import csrf

from safeschools import services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.errors import ConflictError, DataValidationError, PermissionDeniedError
from safeschools.model import School
from safeschools.services import plans as service_plans
from safeschools.services.accounts import full_audit_log
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records

PASSWORD = "correct horse battery"
NOW = datetime(2025, 3, 5, 9, 30)  # a fixed clock: the audit times are compared


def _schools() -> list[School]:
    return [
        School("1", "2024-25", "Alpha", lat=41.88, lon=-87.63, governance="district"),
        School("2", "2024-25", "Bravo", lat=41.89, lon=-87.62, governance="district"),
    ]


PLAN = {
    "status": "approved",
    "pillars": {
        "physical_safety": [
            {
                "text": "Safe arrival and dismissal",
                "actions": [
                    {"text": "Two Safe Passage posts", "owner": "AP", "due": "2025-10-01"},
                ],
            }
        ],
        "relational_trust": [{"text": "Restorative circles in every advisory"}],
    },
    "committee": [
        {"name": "A. Rivera", "role": "parent"},
        {"name": "J. Chen", "role": "student"},
    ],
    "baseline": {
        "notes": "Suspensions fell since 2022.",
        "metrics": {"out_of_school_suspensions": 41, "police_notifications": None},
    },
    "approval": {
        "approved_on": "2025-03-04",
        "approved_by": "council vote of 2025-03-04: 8 yes, 2 no",
    },
}


@pytest.fixture
def plan_store(store: Store, settings: Settings) -> Store:
    load_records(store, settings, schools=_schools())
    return store


def _users(store: Store, settings: Settings) -> tuple[object, ...]:
    editor = services.create_user(
        store, email="ed1@x.org", password=PASSWORD, role="editor", school_ids=["1"],
        settings=settings,
    )  # fmt: skip
    other = services.create_user(
        store, email="ed2@x.org", password=PASSWORD, role="editor", school_ids=["2"],
        settings=settings,
    )  # fmt: skip
    admin = services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    return editor, other, admin


def test_plan_versions_conflicts_permissions_and_audit(
    plan_store: Store, settings: Settings
) -> None:
    editor, other, admin = _users(plan_store, settings)
    saved = service_plans.save_safety_plan(
        plan_store, editor, school_id="1", school_year="2025-26", data=PLAN,  # type: ignore[arg-type]
        settings=settings, now=lambda: NOW,
    )  # fmt: skip
    assert saved["version"] == 1 and saved["status"] == "approved"
    assert saved["approval"]["approved_on"] == "2025-03-04"
    assert saved["baseline"]["metrics"] == {
        "out_of_school_suspensions": 41,
        "police_notifications": None,
    }
    assert saved["pillars"]["physical_safety"][0]["actions"][0]["status"] == "planned"
    # a second writer who read version 1 after the first saved again gets a 409, not a loss
    changed = {**PLAN, "status": "in_progress", "version": 1}
    second = service_plans.save_safety_plan(
        plan_store, admin, school_id="1", school_year="2025-26", data=changed,  # type: ignore[arg-type]
        settings=settings, now=lambda: NOW,
    )  # fmt: skip
    assert second["version"] == 2
    with pytest.raises(ConflictError, match=r"changed since you read it \(version 1"):
        service_plans.save_safety_plan(
            plan_store, editor, school_id="1", school_year="2025-26",  # type: ignore[arg-type]
            data={**PLAN, "version": 1}, settings=settings,
        )  # fmt: skip
    with pytest.raises(ConflictError, match="written by someone else"):
        service_plans.save_safety_plan(
            plan_store, editor, school_id="1", school_year="2025-26",  # type: ignore[arg-type]
            data={**PLAN, "version": 0}, settings=settings,
        )  # fmt: skip
    with pytest.raises(PermissionDeniedError, match="may not change the safety plan"):
        service_plans.save_safety_plan(
            plan_store, other, school_id="1", school_year="2025-26",  # type: ignore[arg-type]
            data={**PLAN, "version": 2}, settings=settings,
        )  # fmt: skip
    with pytest.raises(DataValidationError, match="needs its approval"):
        service_plans.save_safety_plan(
            plan_store, admin, school_id="1", school_year="2025-26",  # type: ignore[arg-type]
            data={"status": "approved", "version": 2}, settings=settings,
        )  # fmt: skip
    with pytest.raises(DataValidationError, match="Unknown committee"):
        service_plans.save_safety_plan(
            plan_store, admin, school_id="1", school_year="2025-26",  # type: ignore[arg-type]
            data={"committee": [{"name": "X", "role": "mayor"}], "version": 2},
            settings=settings,
        )  # fmt: skip
    history = plan_store.safety_plan_history("1", "2025-26")
    assert [h["version"] for h in history] == [1, 2]
    entries = [e for e in full_audit_log(plan_store) if e["entity"] == "safety_plan"]
    assert [(e["action"], e["user_email"]) for e in entries] == [
        ("update", "admin@x.org"),
        ("create", "ed1@x.org"),
    ]
    assert entries[1]["before"] is None and entries[1]["after"]["version"] == 1
    assert entries[0]["before"]["status"] == "approved"
    assert entries[0]["after"]["status"] == "in_progress"
    assert entries[0]["at"] == NOW and entries[0]["school_id"] == "1"
    rows = list(csv.DictReader(io.StringIO(service_plans.safety_plans_csv(plan_store).decode())))
    assert len(rows) == 1 and rows[0]["status"] == "in_progress"
    assert rows[0]["baseline_out_of_school_suspensions"] == "41"
    assert rows[0]["baseline_police_notifications"] == ""
    assert rows[0]["physical_safety_goals"] == "1" and rows[0]["committee_members"] == "2"


@pytest.fixture
def app_store(sqlite_only_store: Store, settings: Settings) -> Store:
    load_records(sqlite_only_store, settings, schools=_schools())
    return sqlite_only_store


@pytest.fixture
def http(app_store: Store, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=app_store)) as client:
        yield client


def test_plan_api(app_store: Store, settings: Settings, http: TestClient) -> None:
    editor, _other, _admin = _users(app_store, settings)
    other_token = services.create_api_token(app_store, _other, label="t", settings=settings)  # type: ignore[arg-type]
    token = services.create_api_token(app_store, editor, label="t", settings=settings)  # type: ignore[arg-type]
    url = "/api/schools/1/safety-plans/2025-26"
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        refused = http.put(url, json=PLAN, headers=headers)
        assert refused.status_code == 401 and refused.json()["ok"] is False
    assert (
        http.put(url, json=PLAN, headers={"Authorization": f"Bearer {other_token}"}).status_code
        == 403
    )
    ok = http.put(url, json=PLAN, headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["version"] == 1
    stale = http.put(url, json=PLAN, headers={"Authorization": f"Bearer {token}"})
    assert stale.status_code == 409 and "reload" in stale.json()["error"]
    bad = http.put(
        url,
        json={**PLAN, "status": "done", "version": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert bad.status_code == 400 and "Unknown status" in bad.json()["error"]
    assert http.put("/api/schools/999/safety-plans/2025-26", json=PLAN,
                    headers={"Authorization": f"Bearer {token}"}).status_code == 403  # fmt: skip
    one = http.get(url).json()
    assert one["version"] == 1 and [h["version"] for h in one["history"]] == [1]
    assert http.get("/api/schools/1/safety-plans/2030-31").status_code == 404
    plans = http.get("/api/schools/1/safety-plans").json()
    assert [p["school_year"] for p in plans] == ["2025-26"]
    assert http.get("/api/schools/999/safety-plans").status_code == 404
    exported = http.get("/api/safety-plans.csv?school_id=1")
    assert exported.status_code == 200 and exported.text.startswith("school_id,school_year")
    assert "council vote of 2025-03-04" in exported.text
    page = http.get("/schools/1")
    assert 'id="safety-plan-status"' in page.text and "Relational trust" in page.text
    assert 'id="safety-plan-form"' not in page.text  # the public sees no form
    report = http.get("/schools/1/report")
    assert report.status_code == 200 and "Relational trust" in report.text
    es = http.get("/schools/1?lang=es").text
    assert "Confianza en las relaciones" in es and "Aprobado" in es


def test_signin_csrf_and_editor_form(
    app_store: Store, settings: Settings, http: TestClient
) -> None:
    _users(app_store, settings)
    form = http.get("/signin")
    assert form.status_code == 200
    token = csrf(form.text)
    # wrong password: one sentence, no session
    wrong = http.post(
        "/signin", data={"email": "ed1@x.org", "password": "not the password", "csrf_token": token}
    )
    assert wrong.status_code == 401
    assert wrong.text.count('id="signin-error"') == 1 and "Wrong email or password." in wrong.text
    assert http.get("/api/me").status_code == 401
    # no token, a wrong token: refused before the password is even looked at
    token = csrf(wrong.text)
    for data in ({}, {"csrf_token": "forged"}):
        refused = http.post("/signin", data={"email": "ed1@x.org", "password": PASSWORD, **data})
        assert refused.status_code == 403
    assert http.get("/api/me").status_code == 401
    signed = http.post(
        "/signin",
        data={
            "email": "ed1@x.org",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/schools/1",
        },
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/schools/1"
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith("safeschools_session=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain http here; https gets Secure (below)
    assert http.get("/api/me").json()["email"] == "ed1@x.org"  # the session is a user
    page = http.get("/schools/1")
    assert 'id="safety-plan-form"' in page.text
    assert 'id="safety-plan-form"' not in http.get("/schools/2").text  # not their school
    token = csrf(page.text)  # a new session: a new token
    data = {"school_year": "2025-26", "status": "draft", "version": "0"}
    assert http.post("/schools/1/safety-plan", data=data).status_code == 403
    assert http.post("/schools/1/safety-plan", data={**data, "csrf_token": "x"}).status_code == 403
    assert app_store.safety_plans() == []
    done = http.post(
        "/schools/1/safety-plan", data={**data, "csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    assert app_store.safety_plans()[0].status == "draft"
    entry = full_audit_log(app_store, school_id="1")[0]
    assert entry["entity"] == "safety_plan" and entry["user_email"] == "ed1@x.org"
    # an API write with the session (not a token) needs the CSRF token in a header
    put = "/api/schools/1/safety-plans/2025-26"
    assert http.put(put, json={**PLAN, "version": 1}).status_code == 403
    ok = http.put(put, json={**PLAN, "version": 1}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    # another school's form: 403, nothing written
    other = http.post(
        "/schools/2/safety-plan", data={**data, "csrf_token": token}, follow_redirects=False
    )
    assert other.status_code == 403
    assert (
        http.post("/signout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    )
    assert http.get("/api/me").status_code == 401
    public = http.get("/schools/1").text
    assert 'id="safety-plan-form"' not in public and "Approved" in public


def test_session_cookie_is_secure_over_https(app_store: Store, settings: Settings) -> None:
    with TestClient(create_app(settings, store=app_store), base_url="https://testserver") as http:
        cookie = http.get("/signin").headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_session_secret_is_made_once_and_kept(app_store: Store) -> None:
    first = services.session_secret(app_store)
    assert len(first) == 64 and services.session_secret(app_store) == first


def test_cli_safety_plans(tmp_path, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'p.db'}"
    store = services.open_store_from_settings(Settings(database_url=url))
    try:
        load_records(store, settings, schools=_schools())
        admin = services.create_user(
            store, email="a@x.org", password=PASSWORD, role="admin", settings=settings
        )
        service_plans.save_safety_plan(
            store, admin, school_id="1", school_year="2025-26", data=PLAN, settings=settings
        )
    finally:
        store.dispose()
    runner = CliRunner()
    shown = runner.invoke(cli, ["--database-url", url, "safety-plans", "show", "1"])
    assert shown.exit_code == 0, shown.output
    assert "2025-26" in shown.output and "approved" in shown.output
    as_json = runner.invoke(cli, ["--database-url", url, "safety-plans", "show", "1", "--json"])
    assert as_json.exit_code == 0 and '"relational_trust"' in as_json.output
    missing = runner.invoke(cli, ["--database-url", url, "safety-plans", "show", "999"])
    assert missing.exit_code == 2 and "No school with id 999" in missing.output


def test_concurrent_writers_of_one_plan_lose_nothing(plan_store: Store, settings: Settings) -> None:
    """Eight writers who all read version 1 save at once: exactly one wins, seven get a 409."""
    editor, _other, admin = _users(plan_store, settings)
    service_plans.save_safety_plan(
        plan_store, admin, school_id="1", school_year="2025-26", data=PLAN,  # type: ignore[arg-type]
        settings=settings,
    )  # fmt: skip
    barrier = threading.Barrier(8)

    def write(i: int) -> str:
        barrier.wait()
        try:
            service_plans.save_safety_plan(
                plan_store, editor, school_id="1", school_year="2025-26",  # type: ignore[arg-type]
                data={**PLAN, "version": 1, "baseline": {"notes": f"writer {i}"}},
                settings=settings,
            )  # fmt: skip
        except ConflictError:
            return "conflict"
        return "saved"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(write, range(8)))
    assert sorted(outcomes) == ["conflict"] * 7 + ["saved"]
    history = plan_store.safety_plan_history("1", "2025-26")
    assert [h["version"] for h in history] == [1, 2]
    updates = [e for e in services.audit_log(plan_store) if e["entity"] == "safety_plan"]
    assert len(updates) == 2  # one audit entry per write that landed, none for the refused
