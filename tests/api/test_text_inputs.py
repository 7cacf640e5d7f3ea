"""Text that cannot break a page: the edge refuses characters no page or store can carry and
text past its limit, naming the field; text already stored (old data) is shown, never a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from api_city import load_city
from fastapi.testclient import TestClient
from sqlalchemy import update

from safeschools import services
from safeschools.app import create_app
from safeschools.errors import DataValidationError
from safeschools.model.text import LONG_TEXT_MAX, bad_character, check_text, mend
from safeschools.services import council as service_council
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.storage import tables as t
from safeschools.storage import tables_plans as tp

PASSWORD = "correct horse battery"
PLAN = {
    "status": "draft",
    "pillars": {"physical_safety": [{"text": "Safe arrival", "actions": []}]},
    "committee": [{"name": "A. Rivera", "role": "parent"}],
    "baseline": {"notes": "Two lines:\n\tfine.", "metrics": {}},
}


@pytest.fixture
def app_client(store: Store, settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The application on the hand-built city, on each backend, with an admin's token."""
    load_city(store, settings)
    admin = services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    token = services.create_api_token(store, admin, label="t", settings=settings)
    app = create_app(settings, store=store)
    with TestClient(app, raise_server_exceptions=False) as http:
        yield http, {"Authorization": f"Bearer {token}"}


def _put_plan(http: TestClient, auth: dict[str, str], body: str) -> object:
    return http.put(
        "/api/schools/1/safety-plans/2024-25",
        content=body.encode("utf-8"),
        headers={**auth, "content-type": "application/json"},
    )


@pytest.mark.parametrize(
    ("escaped", "named"),
    [("\\ud800", "lone surrogate (U+D800)"), ("\\u0000", "NUL (U+0000)")],
)
def test_a_plan_with_a_character_no_page_can_show_is_refused_naming_the_field(
    app_client: tuple[TestClient, dict[str, str]], escaped: str, named: str
) -> None:
    http, auth = app_client
    body = json.dumps(PLAN).replace("Safe arrival", f"Safe{escaped}arrival")
    answer = _put_plan(http, auth, body)
    assert answer.status_code == 400, answer.text
    assert "'pillars.physical_safety[0].text'" in answer.json()["error"]
    assert named in answer.json()["error"]
    # nothing was kept: no plan, no audit entry, and every page still answers
    assert http.get("/api/schools/1/safety-plans/2024-25").status_code == 404
    assert [e for e in http.get("/api/audit").json() if e["entity"] == "safety_plan"] == []
    # the same plan without it is kept, with its tab and line break
    kept = _put_plan(http, auth, json.dumps(PLAN))
    assert kept.status_code == 200, kept.text
    assert kept.json()["baseline"]["notes"] == "Two lines:\n\tfine."


def test_text_past_its_limit_is_refused_with_the_limit(
    app_client: tuple[TestClient, dict[str, str]],
) -> None:
    http, auth = app_client
    long_goal = json.loads(json.dumps(PLAN))
    long_goal["pillars"]["physical_safety"][0]["text"] = "x" * (LONG_TEXT_MAX + 1)
    answer = _put_plan(http, auth, json.dumps(long_goal))
    assert answer.status_code == 422  # like any value past its length
    assert "10,000" in answer.json()["error"]
    assert answer.json()["errors"][0]["loc"] == ["body", "pillars", "physical_safety", 0, "text"]
    long_name = json.loads(json.dumps(PLAN))
    long_name["committee"][0]["name"] = "N" * 201
    answer = _put_plan(http, auth, json.dumps(long_name))
    assert answer.status_code == 400
    assert "committee[0].name" in answer.json()["error"] and "200" in answer.json()["error"]
    member = {"name": "M" * 201, "role": "parent", "term_start": "2024-07-01"}
    answer = http.post("/api/schools/1/council/members", json=member, headers=auth)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "name"]
    assert "at most 200 characters" in answer.json()["errors"][0]["msg"]


def test_names_are_one_line_and_control_characters_are_refused_everywhere(
    app_client: tuple[TestClient, dict[str, str]],
) -> None:
    http, auth = app_client
    member = {"name": "Ana\nRivera", "role": "parent", "term_start": "2024-07-01"}
    answer = http.post("/api/schools/1/council/members", json=member, headers=auth)
    assert answer.status_code == 422
    assert "one line" in answer.json()["errors"][0]["msg"]
    for bad in ("Ana\x07", "Ana\x00", "Ana\ud800"):
        body = json.dumps({**member, "name": bad})  # escaped: the body itself is valid UTF-8
        answer = http.post(
            "/api/schools/1/council/members",
            content=body,
            headers={**auth, "content-type": "application/json"},
        )
        assert answer.status_code == 400, (bad, answer.text)
        assert "'name'" in answer.json()["error"]
    # a key of a JSON object, a query parameter and a path segment are text too
    ballots = {"meeting_id": 1, "topic": "general", "text": "x", "ballots": {"1\x00": "yes"}}
    answer = http.post("/api/schools/1/council/motions", json=ballots, headers=auth)
    assert answer.status_code == 400 and "A key of 'ballots'" in answer.json()["error"]
    assert http.get("/api/schools", params={"q": "a\x00"}).status_code == 400
    answer = http.get("/api/schools/%00/officers")
    assert answer.status_code == 400 and "school_id" in answer.json()["error"]
    # an HTML form: a page that says why, before any other check
    page = http.post("/schools/1/safety-plan", data={"status": "draft\x00"})
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert "&#39;status&#39;" in page.text or "'status'" in page.text


def test_text_stored_before_the_checks_is_shown_on_every_page(
    app_client: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    """Old data (written before the edge refused it) holds a lone surrogate and NUL: the school
    page, its report, the school's API, the plan APIs and the audit log still answer 200."""
    http, auth = app_client
    assert _put_plan(http, auth, json.dumps(PLAN)).status_code == 200

    def poisoned(text: str) -> str:  # what json.dumps kept of "Safe\ud800arrival\x00"
        return text.replace("Safe arrival", "Safe\\ud800arrival\\u0000")

    with store.transaction() as conn:
        for table in (tp.safety_plans,):
            for row in conn.execute(table.select()):
                conn.execute(
                    update(table)
                    .where(table.c.school_id == row.school_id)
                    .values(content=poisoned(row.content))
                )
        for row in conn.execute(tp.safety_plan_versions.select()):
            conn.execute(
                update(tp.safety_plan_versions)
                .where(tp.safety_plan_versions.c.version == row.version)
                .values(snapshot=poisoned(row.snapshot))
            )
        for row in conn.execute(t.audit_log.select()):
            if row.after is not None:
                conn.execute(
                    update(t.audit_log)
                    .where(t.audit_log.c.id == row.id)
                    .values(after=poisoned(row.after))
                )
        if store.engine.dialect.name == "sqlite":  # PostgreSQL text cannot hold NUL at all
            conn.execute(
                update(t.schools).where(t.schools.c.school_id == "1").values(name="Alpha\x00")
            )
    for path in (
        "/schools/1",
        "/schools/1/report",
        "/schools/1/report.pdf",
        "/api/schools/1",
        "/api/schools/1/safety-plans",
        "/api/schools/1/safety-plans/2024-25",
        "/api/audit",
        "/api/safety-plans.csv",
    ):
        answer = http.get(path)
        assert answer.status_code == 200, (path, answer.text[:300])
    plan = http.get("/api/schools/1/safety-plans/2024-25").json()
    assert plan["pillars"]["physical_safety"][0]["text"] == "Safe\ufffdarrival\x00"
    assert plan["history"][0]["pillars"]["physical_safety"][0]["text"].startswith("Safe\ufffd")


def test_the_text_helpers() -> None:
    assert bad_character("ok\ttab\r\n") is None
    assert bad_character("a\x85") == "a control character (U+0085)"
    assert bad_character("a\tb", multiline=False) == "a line break or tab (U+0009)"
    assert check_text("fine", "name") == "fine"
    assert mend(["\udc80", {"k\ud800": 1}]) == ["\ufffd", {"k\ufffd": 1}]


def test_a_council_form_and_the_service_cap_names_and_motions(
    sqlite_only_store: Store, settings: Settings
) -> None:
    """The same limits whoever writes: the web forms and the command line call the service."""
    load_city(sqlite_only_store, settings)
    admin = services.create_user(
        sqlite_only_store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    with pytest.raises(DataValidationError, match="limit is 200"):
        service_council.add_council_member(
            sqlite_only_store, admin, school_id="1", name="N" * 201, role="parent",
            term_start=date(2024, 7, 1), term_end=None, settings=settings,
        )  # fmt: skip
    with pytest.raises(DataValidationError, match="line break"):
        service_council.add_council_member(
            sqlite_only_store, admin, school_id="1", name="Ana\nRivera", role="parent",
            term_start=date(2024, 7, 1), term_end=None, settings=settings,
        )  # fmt: skip
    with pytest.raises(DataValidationError, match="limit is 10,000"):
        service_council.add_council_meeting(
            sqlite_only_store, admin, school_id="1", meeting_date=date(2024, 9, 1),
            note="x" * 10_001, settings=settings,
        )  # fmt: skip
