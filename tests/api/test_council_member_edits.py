"""Correcting a council member and ending a term, through the API (token, 401/403/404/409, one
error shape) and through the school page's forms (CSRF, 303 back, 409 when stale)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers.forms import csrf, sign_in

from safeschools import services
from safeschools.app import create_app
from safeschools.model import School
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records

PASSWORD = "correct horse battery"
ERROR_KEYS = {"ok", "error", "errors", "status"}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _error(response: Any, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS and body["ok"] is False and body["status"] == status
    assert words in body["error"], body["error"]


def _tokens(store: Store, settings: Settings) -> dict[str, str]:
    users = {
        "admin": services.create_user(
            store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
        ),
        "ed1": services.create_user(
            store,
            email="ed1@x.org",
            password=PASSWORD,
            role="editor",
            school_ids=["1"],
            settings=settings,
        ),
        "ed2": services.create_user(
            store,
            email="ed2@x.org",
            password=PASSWORD,
            role="editor",
            school_ids=["2"],
            settings=settings,
        ),
    }
    return {
        k: services.create_api_token(store, u, label=k, settings=settings) for k, u in users.items()
    }


@pytest.fixture
def app_store(sqlite_only_store: Store, settings: Settings) -> Store:
    schools = [
        School("1", "2024-25", "Alpha", lat=41.88, lon=-87.63, governance="district"),
        School("2", "2024-25", "Bravo", lat=41.89, lon=-87.62, governance="district"),
    ]
    load_records(sqlite_only_store, settings, schools=schools)
    return sqlite_only_store


@pytest.fixture
def tokens(app_store: Store, settings: Settings) -> dict[str, str]:
    return _tokens(app_store, settings)


@pytest.fixture
def http(app_store: Store, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=app_store)) as client:
        yield client


def _seat(http: TestClient, token: str, school: str, name: str, **extra: str) -> dict[str, Any]:
    made = http.post(
        f"/api/schools/{school}/council/members",
        json={"name": name, "role": "parent", "term_start": "2024-07-01", **extra},
        headers=_auth(token),
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


# ---------------------------------------------------------------------- API
def test_api_edit_and_end_a_term(
    app_store: Store, http: TestClient, tokens: dict[str, str]
) -> None:
    member = _seat(http, tokens["ed1"], "1", "Ana Ruiz", term_end="2026-06-30")
    url = f"/api/schools/1/council/members/{member['id']}"
    edited = http.patch(
        url, json={"name": "Ana Ruiz-Soto", "role": "community", "version": 1},
        headers=_auth(tokens["ed1"]),
    )  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.json() == {**member, "name": "Ana Ruiz-Soto", "role": "community", "version": 2}
    _error(
        http.patch(url, json={"name": "Late", "version": 1}, headers=_auth(tokens["admin"])),
        409,
        "changed since you read it",
    )
    cleared = http.patch(url, json={"term_end": None, "version": 2}, headers=_auth(tokens["ed1"]))
    assert cleared.json()["term_end"] is None and cleared.json()["version"] == 3
    _error(
        http.patch(
            url, json={"term_end": "2020-01-01", "version": 3}, headers=_auth(tokens["ed1"])
        ),
        400,
        "before it starts",
    )
    ended = http.post(
        f"{url}/end", json={"end_date": "2025-01-31", "reason": "resigned", "version": 3},
        headers=_auth(tokens["admin"]),
    )  # fmt: skip
    assert ended.status_code == 200, ended.text
    assert ended.json()["term_end"] == "2025-01-31" and ended.json()["version"] == 4
    _error(
        http.post(
            f"{url}/end",
            json={"end_date": "2025-01-20", "reason": "x", "version": 3},
            headers=_auth(tokens["ed1"]),
        ),
        409,
        "reload and apply again",
    )
    # still listed, with its end date: nothing deleted
    council = http.get("/api/schools/1/council").json()
    (row,) = council["members"]
    assert row["term_end"] == "2025-01-31" and row["serving"] is False and row["version"] == 4
    audit = http.get("/api/audit", params={"school_id": "1"}).json()
    kinds = [(e["action"], e["entity"]) for e in audit if e["entity"] == "council_member"]
    assert kinds == [("end_term", "council_member")] + [("update", "council_member")] * 2 + [
        ("create", "council_member")
    ]
    assert audit[0]["after"]["reason"] == "resigned" and audit[0]["before"]["term_end"] is None
    assert audit[0]["user_role"] == "admin" and "user_email" not in audit[0]  # public: no email


def test_api_writes_refuse_without_the_right_token(
    app_store: Store, http: TestClient, tokens: dict[str, str]
) -> None:
    mine = _seat(http, tokens["ed1"], "1", "Ana Ruiz")
    theirs = _seat(http, tokens["ed2"], "2", "Bea Soto")
    writes = [
        ("PATCH", "", {"name": "X", "version": 1}),
        ("POST", "/end", {"end_date": "2025-01-31", "reason": "resigned", "version": 1}),
    ]
    for method, tail, body in writes:
        url = f"/api/schools/2/council/members/{theirs['id']}{tail}"
        for sent in (body, {}):
            _error(http.request(method, url, json=sent), 401, "token")
        _error(http.request(method, url, json=body, headers=_auth("not-a-token")), 401, "token")
        _error(http.request(method, url, json=body, headers=_auth(tokens["ed1"])), 403, "2")
        # a member of school 1 is not found under school 2's council
        wrong = f"/api/schools/2/council/members/{mine['id']}{tail}"
        _error(
            http.request(method, wrong, json=body, headers=_auth(tokens["ed2"])),
            404,
            "does not sit on the council of school 2",
        )
        missing = f"/api/schools/1/council/members/999{tail}"
        _error(http.request(method, missing, json=body, headers=_auth(tokens["ed1"])), 404, "#999")
    assert [m.version for m in app_store.council_members("1") + app_store.council_members("2")] == [
        1,
        1,
    ]
    assert {e.action for e in app_store.audit_entries(entity="council_member")} == {"create"}


# ---------------------------------------------------------------------- forms
def test_forms_edit_and_end_a_term(
    app_store: Store, http: TestClient, tokens: dict[str, str]
) -> None:
    staying = _seat(http, tokens["ed1"], "1", "Ana Ruiz")
    leaving = _seat(http, tokens["ed1"], "1", "Carla Díaz", term_end="2098-06-30")
    other = _seat(http, tokens["ed2"], "2", "Bea Soto")
    edit_url = f"/schools/1/council/members/{staying['id']}"
    end_url = f"/schools/1/council/members/{leaving['id']}/end"
    edit = {"version": "1", "name": "Ana Ruiz-Soto", "role": "teacher", "term_start": "2024-08-01",
            "term_end": "2099-06-30"}  # fmt: skip
    end = {"version": "1", "end_date": "2025-01-31", "reason": "moved away"}
    # the public: no forms, and a post goes to the sign-in page
    public = http.get("/schools/1").text
    assert 'id="council-members"' not in public and "council-member-edit-" not in public
    anon = csrf(http.get("/signin").text)
    for url, data in ((edit_url, edit), (end_url, end)):
        refused = http.post(url, data={**data, "csrf_token": anon}, follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/signin?")
    token = sign_in(http, "ed1@x.org", PASSWORD, then="/schools/1")
    page = http.get("/schools/1").text
    for mb in (staying, leaving):
        assert f'id="council-member-edit-{mb["id"]}"' in page
        assert f'id="council-member-end-{mb["id"]}"' in page
        assert f'name="ballot_{mb["id"]}"' in page
    end_field = f'id="edit-end-{leaving["id"]}" name="term_end" type="date" value="2098-06-30"'
    assert end_field in page
    es = http.get("/schools/1?lang=es").text
    assert "Terminar el mandato" in es and "Miembros en funciones" in es
    # CSRF: without the token or with a wrong one, refused and nothing written
    for url, data in ((edit_url, edit), (end_url, end)):
        assert http.post(url, data=data).status_code == 403
        assert http.post(url, data={**data, "csrf_token": "x"}).status_code == 403
    # an editor of school 1 cannot touch school 2's member
    foreign = http.post(
        f"/schools/2/council/members/{other['id']}/end",
        data={**end, "csrf_token": token},
        follow_redirects=False,
    )
    assert foreign.status_code == 403
    assert [m.version for m in app_store.council_members("1")] == [1, 1]
    assert app_store.council_members("2")[0].term_end is None
    # the edit and the end of a term land, then back to the council section
    done = http.post(edit_url, data={**edit, "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/schools/1#council-votes"
    done = http.post(end_url, data={**end, "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/schools/1#council-votes"
    by_id = {m.id: m for m in app_store.council_members("1")}
    changed, ended = by_id[staying["id"]], by_id[leaving["id"]]
    assert (changed.name, changed.role, changed.version) == ("Ana Ruiz-Soto", "teacher", 2)
    assert (changed.term_start.isoformat(), str(changed.term_end)) == ("2024-08-01", "2099-06-30")
    assert (str(ended.term_end), ended.version) == ("2025-01-31", 2)
    # the ended member is no longer serving: no ballot, no forms; the other is at version 2
    page = http.get("/schools/1").text
    assert f'name="ballot_{leaving["id"]}"' not in page
    assert f'id="council-member-end-{leaving["id"]}"' not in page
    assert f'name="ballot_{staying["id"]}"' in page
    # a form read before the change is stale: 409, nothing written
    stale = http.post(edit_url, data={**edit, "name": "Late", "csrf_token": token})
    assert stale.status_code == 409 and "changed since you read it" in stale.text
    # an empty term end removes it; a bad date is one sentence
    cleared = {**edit, "version": "2", "term_end": "", "csrf_token": token}
    assert http.post(edit_url, data=cleared, follow_redirects=False).status_code == 303
    by_id = {m.id: m for m in app_store.council_members("1")}
    assert by_id[staying["id"]].term_end is None and by_id[staying["id"]].version == 3
    bad = http.post(edit_url, data={**cleared, "version": "3", "term_start": "someday"})
    assert bad.status_code == 400 and "write it as YYYY-MM-DD" in bad.text
    audit = http.get("/schools/1").text.split('id="audit"')[1]
    assert "terminó el mandato: un miembro del consejo" in audit  # the page is in Spanish
    assert "cambió: un miembro del consejo" in audit
