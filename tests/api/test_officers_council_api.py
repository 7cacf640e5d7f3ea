"""The officers and council API: public reads, token-only writes, 401/403/409, outcomes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from safeschools import services
from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data

PASSWORD = "correct horse battery"
A, B = "610513", "609698"
ROLES_12 = ["principal", "teacher", "teacher"] + ["parent"] * 6 + ["staff"] + ["community"] * 2

#: Every write route, with a valid body.
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("put", f"/api/schools/{A}/officers/2024-25", {"officers": 1, "version": 0}),
    (
        "post",
        f"/api/schools/{A}/council/members",
        {"name": "Ana", "role": "parent", "term_start": "2022-07-01"},
    ),
    ("post", f"/api/schools/{A}/council/meetings", {"meeting_date": "2023-05-10"}),
    (
        "post",
        f"/api/schools/{A}/council/motions",
        {"meeting_id": 1, "topic": "general", "text": "x", "ballots": {}},
    ),
]


def _tokens(store: Store, settings: Settings) -> tuple[str, str]:
    editor_a = services.create_user(
        store, email="a@x.org", password=PASSWORD, role="editor", school_ids=[A], settings=settings
    )
    admin = services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    return (
        services.create_api_token(store, editor_a, label="a", settings=settings),
        services.create_api_token(store, admin, label="admin", settings=settings),
    )


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_every_write_refuses_without_a_token(sqlite_only_store: Store, settings: Settings) -> None:
    with TestClient(create_app(settings, store=sqlite_only_store)) as http:
        for method, url, body in WRITES:
            for sent in (body, {}):
                response = http.request(method.upper(), url, json=sent)
                assert response.status_code == 401, (url, response.text)
                assert response.json()["ok"] is False and "token" in response.json()["error"]
    assert sqlite_only_store.audit_entries() == []


def test_an_editor_of_one_school_cannot_write_another(
    sqlite_only_store: Store, settings: Settings
) -> None:
    token_a, _ = _tokens(sqlite_only_store, settings)
    with TestClient(create_app(settings, store=sqlite_only_store)) as http:
        for method, url, body in WRITES:
            other = url.replace(f"/schools/{A}/", f"/schools/{B}/")
            response = http.request(method.upper(), other, json=body, headers=_auth(token_a))
            assert response.status_code == 403, (other, response.text)
            assert response.json()["status"] == 403
    assert [e.entity for e in sqlite_only_store.audit_entries()] == ["api_token"] * 2 + ["user"] * 2


def test_officers_put_versions_and_reads(store: Store, settings: Settings) -> None:
    token_a, token_admin = _tokens(store, settings)
    with TestClient(create_app(settings, store=store)) as http:
        url = f"/api/schools/{A}/officers/2024-25"
        first = http.put(url, json={"officers": 2, "version": 0}, headers=_auth(token_a))
        assert first.status_code == 200 and first.json()["version"] == 1
        ok = http.put(url, json={"officers": 1, "version": 1}, headers=_auth(token_admin))
        assert ok.status_code == 200 and ok.json()["version"] == 2
        stale = http.put(url, json={"officers": 0, "version": 1}, headers=_auth(token_a))
        assert stale.status_code == 409
        assert "changed since you read it" in stale.json()["error"]
        bad = http.put(url, json={"officers": -1, "version": 2}, headers=_auth(token_a))
        assert bad.status_code == 422
        history = http.get(f"/api/schools/{A}/officers").json()
        assert [(a["school_year"], a["officers"]) for a in history["assignments"]] == [
            ("2024-25", 1)
        ]
        csv_text = http.get(f"/api/schools/{A}/officers.csv").text
        assert csv_text.splitlines()[1] == f"{A},2024-25,sro,1,edit,,2"
        assert http.get("/api/officers").json()["recorded"][0]["officers"] == 1
        audit = http.get("/api/audit", params={"school_id": A}).json()
        assert audit[0]["before"]["officers"] == 2 and audit[0]["after"]["officers"] == 1


def test_council_vote_through_the_api(sqlite_only_store: Store, settings: Settings) -> None:
    store = sqlite_only_store
    token_a, _ = _tokens(store, settings)
    with TestClient(create_app(settings, store=store)) as http:
        ids = []
        for i, role in enumerate(ROLES_12):
            made = http.post(
                f"/api/schools/{A}/council/members",
                json={"name": f"M{i}", "role": role, "term_start": "2022-07-01"},
                headers=_auth(token_a),
            )
            assert made.status_code == 201, made.text
            ids.append(made.json()["id"])
        meeting = http.post(
            f"/api/schools/{A}/council/meetings",
            json={"meeting_date": "2023-05-10"},
            headers=_auth(token_a),
        ).json()
        body = {
            "meeting_id": meeting["id"],
            "topic": "officers",
            "text": "Keep one officer",
            "officer_decision": 1,
            "school_kind": "elementary",
            "ballots": {str(i): "yes" for i in ids[:6]},
        }
        invalid = http.post(f"/api/schools/{A}/council/motions", json=body, headers=_auth(token_a))
        assert invalid.status_code == 201 and invalid.json()["result"] == "invalid: no quorum"
        body["ballots"] = {str(i): "yes" for i in ids[:7]}
        passed = http.post(f"/api/schools/{A}/council/motions", json=body, headers=_auth(token_a))
        assert passed.json()["result"] == "passed"
        assert passed.json()["effect"]["school_year"] == "2023-24"
        council = http.get(f"/api/schools/{A}/council").json()
        assert [m["result"] for m in council["motions"]] == ["invalid: no quorum", "passed"]
        assert len(council["members"]) == 12
        summary = http.get("/api/council/summary").json()
        assert summary[0]["choices"] == {"keep 1": 1} and summary[0]["invalid_votes"] == 1
        assert http.get(f"/api/schools/{A}/officers").json()["assignments"][0]["officers"] == 1


def test_district_series_after_import(sqlite_only_store: Store, settings: Settings) -> None:
    from safeschools.services import officers as service_officers

    for name in ("sro_decisions.csv", "sro_aggregates.csv"):
        service_officers.ingest_officers_file(
            sqlite_only_store, real_data("cps-sro-decisions", name), settings=settings
        )
    with TestClient(create_app(settings, store=sqlite_only_store)) as http:
        series = http.get("/api/officers").json()
        assert any(r["value"] == "about 70" for r in series["published"])
        assert http.get("/api/officers.csv").text.startswith("school_id,school_year,kind")
