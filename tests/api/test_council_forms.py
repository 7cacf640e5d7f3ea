"""The school page's council forms (seat a member, record a motion vote), the audit list and
the site navigation: CSRF, who may post, and what the public then sees."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from helpers.forms import csrf, sign_in, two_schools_with_editors

from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store

PASSWORD = "correct horse battery"


@pytest.fixture
def app_store(sqlite_only_store: Store, settings: Settings) -> Store:
    two_schools_with_editors(sqlite_only_store, settings, PASSWORD)
    return sqlite_only_store


@pytest.fixture
def http(app_store: Store, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=app_store)) as client:
        yield client


MEMBERS = [
    ("P. Principal", "principal"),
    ("T. One", "teacher"),
    ("T. Two", "teacher"),
    ("A. Parent", "parent"),
    ("B. Parent", "parent"),
    ("C. Parent", "parent"),
    ("D. Parent", "parent"),
    ("E. Parent", "parent"),
    ("F. Parent", "parent"),
    ("S. Staff", "staff"),
    ("K. Community", "community"),
    ("L. Community", "community"),
    ("Y. Student", "student"),
]


def test_nav_links_and_public_cannot_post(http: TestClient) -> None:
    page = http.get("/schools/1")
    assert 'href="/officers"' in page.text and 'href="/funds"' in page.text
    es = http.get("/schools/1?lang=es").text
    assert 'href="/officers"' in es and "Fondos para alternativas" in es
    assert 'id="council-member-form"' not in page.text and 'id="audit"' in page.text
    token = csrf(http.get("/signin").text)
    data = {"name": "X", "role": "parent", "term_start": "2024-07-01", "csrf_token": token}
    refused = http.post("/schools/1/council/members", data=data, follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/signin?next=")
    vote = {"meeting_date": "2025-03-04", "topic": "general", "text": "x", "csrf_token": token}
    refused = http.post("/schools/1/council/motions", data=vote, follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/signin?next=")


def test_editor_adds_members_and_records_votes(app_store: Store, http: TestClient) -> None:
    token = sign_in(http, "ed1@x.org", PASSWORD, then="/schools/1")
    page = http.get("/schools/1").text
    assert 'id="council-no-members"' in page and 'id="council-motion-form"' not in page
    # no members yet: one sentence, nothing recorded
    vote = {"meeting_date": "2025-03-04", "topic": "general", "text": "Adopt the budget"}
    none_yet = http.post("/schools/1/council/motions", data={**vote, "csrf_token": token})
    assert none_yet.status_code == 400 and "no members yet" in none_yet.text
    member = {"name": "P. Principal", "role": "principal", "term_start": "2024-07-01"}
    assert http.post("/schools/1/council/members", data=member).status_code == 403
    assert (
        http.post("/schools/1/council/members", data={**member, "csrf_token": "x"}).status_code
        == 403
    )
    other = http.post(
        "/schools/2/council/members", data={**member, "csrf_token": token}, follow_redirects=False
    )
    assert other.status_code == 403
    assert app_store.council_members("1") == [] and app_store.council_members("2") == []
    for name, role in MEMBERS:
        done = http.post(
            "/schools/1/council/members",
            data={"name": name, "role": role, "term_start": "2024-07-01", "csrf_token": token},
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"].endswith("#council-votes")
    ids = [m.id for m in app_store.council_members("1")]
    page = http.get("/schools/1").text
    assert 'id="council-motion-form"' in page and f'name="ballot_{ids[0]}"' in page
    # 10 of 13 vote yes: passed
    ballots = {f"ballot_{i}": "yes" for i in ids[:10]} | {f"ballot_{i}": "absent" for i in ids[10:]}
    passed = http.post(
        "/schools/1/council/motions",
        data={**vote, **ballots, "csrf_token": token},
        follow_redirects=False,
    )
    assert passed.status_code == 303
    # 3 present: no quorum, recorded and shown as invalid
    few = {f"ballot_{i}": "yes" for i in ids[:3]} | {f"ballot_{i}": "absent" for i in ids[3:]}
    meeting = app_store.council_meetings("1")[0].id
    invalid = http.post(
        "/schools/1/council/motions",
        data={"meeting_id": str(meeting), "topic": "safety_plan", "text": "Approve the plan",
              **few, "csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert invalid.status_code == 303
    bad = http.post(
        "/schools/1/council/motions",
        data={**vote, "topic": "officers", **ballots, "csrf_token": token},
    )
    assert bad.status_code == 400 and "officer" in bad.text
    assert http.post("/signout", data={"csrf_token": token}).status_code == 200
    public = http.get("/schools/1").text
    assert 'id="council-motion-form"' not in public
    section = public.split('id="council-votes"')[1].split("</section>")[0]
    assert "Adopt the budget" in section and "Passed" in section
    assert "Approve the plan" in section and "Invalid: no quorum" in section
    assert "Rule applied:" in section
    audit = public.split('id="audit"')[1]
    assert "recorded: a council vote" in audit
    assert "@x.org" not in audit and "school&#39;s editor" in audit  # a role, never an email
