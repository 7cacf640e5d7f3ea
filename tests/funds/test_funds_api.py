"""The funds API: reads are public, every write needs a token with the right role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from helpers.funds_city import YEAR, accounts, load_funds_city

from safeschools import services
from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store

WRITES = [
    ("post", "/api/funds/pools"),
    ("patch", "/api/funds/pools/1"),
    ("patch", "/api/funds/pools/1/schools/1"),
    ("post", "/api/funds/pools/1/adopt"),
    ("patch", "/api/funds/catalog/mentoring"),
    ("post", "/api/schools/1/spending"),
    ("patch", "/api/schools/1/spending/1"),
]


@pytest.fixture
def http(sqlite_only_store: Store, settings: Settings) -> Iterator[TestClient]:
    load_funds_city(sqlite_only_store, settings)
    with TestClient(create_app(settings, store=sqlite_only_store)) as client:
        yield client


def _tokens(store: Store, settings: Settings) -> dict[str, dict[str, str]]:
    users = accounts(store, settings)
    return {
        name: {
            "Authorization": "Bearer "
            + services.create_api_token(store, user, label="t", settings=settings)
        }
        for name, user in zip(("admin", "one", "two"), users, strict=True)
    }


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_every_write_route_needs_a_token(http: TestClient, method: str, path: str) -> None:
    response = http.request(method, path, json={"version": 1})
    assert response.status_code == 401
    body = response.json()
    assert body["ok"] is False and body["status"] == 401 and body["error"]


def test_pools_adoption_and_spending(
    http: TestClient, sqlite_only_store: Store, settings: Settings
) -> None:
    tokens = _tokens(sqlite_only_store, settings)
    new = {"school_year": YEAR, "label": "SRO contract", "amount_cents": 45_000_000,
           "source_note": "ended contract", "exposure_preset": "trace-500yd"}  # fmt: skip
    assert http.post("/api/funds/pools", json=new, headers=tokens["one"]).status_code == 403
    empty = http.get("/funds", params={"lang": "en"})
    assert empty.status_code == 200 and "No fund has been set up yet" in empty.text
    created = http.post("/api/funds/pools", json=new, headers=tokens["admin"])
    assert created.status_code == 201, created.text
    pool_id = created.json()["id"]
    assert http.get("/api/funds/pools").json()[0]["adopted_version"] is None
    view = http.get(f"/api/funds/pools/{pool_id}/whatif").json()
    assert {r["school_id"] for r in view["rows"]} == {"1", "2", "3"}
    assert view["totals"]["equal"] == 45_000_000 and "per_officer" in view["unavailable"]
    adopt = f"/api/funds/pools/{pool_id}/adopt"
    assert http.post(adopt, json={"formula": "equal"}, headers=tokens["one"]).status_code == 403
    adopted = http.post(adopt, json={"formula": "equal"}, headers=tokens["admin"])
    assert adopted.status_code == 200 and adopted.json()["version"] == 1
    # spending: editor of school 1 for school 1, not for school 2
    line = {"item": "social_worker"}
    other = http.post("/api/schools/2/spending", json=line, headers=tokens["one"])
    assert other.status_code == 403
    added = http.post("/api/schools/1/spending", json=line, headers=tokens["one"])
    assert added.status_code == 201, added.text
    over = http.post("/api/schools/1/spending", json={"item": "mentoring"}, headers=tokens["one"])
    assert over.status_code == 400 and "excess $10,000.00" in over.json()["error"]
    line_id = added.json()["id"]
    path = f"/api/schools/1/spending/{line_id}"
    changed = http.patch(path, json={"version": 1, "cost_cents": 10_000_000}, headers=tokens["one"])
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = http.patch(path, json={"version": 1, "quantity": 1}, headers=tokens["one"])
    assert stale.status_code == 409 and "version 1" in stale.json()["error"]
    plan = http.get("/api/schools/1/spending").json()["pools"][0]
    assert (plan["share_cents"], plan["spent_cents"], plan["remaining_cents"]) == (
        15_000_000, 10_000_000, 5_000_000,
    )  # fmt: skip
    rollup = http.get("/api/funds/rollup").json()
    assert rollup["by_item"] == [
        {"item": "social_worker", "label": "Social worker", "count": 1, "cents": 10_000_000}
    ]
    allocations = http.get(f"/api/funds/pools/{pool_id}/allocations.csv")
    assert allocations.headers["content-type"].startswith("text/csv")
    assert allocations.text.splitlines()[0].startswith("pool_id,version,formula")
    assert "social_worker" in http.get("/api/funds/plans.csv").text
    audit = http.get("/api/audit", params={"school_id": "1"}).json()
    assert audit[0]["entity"] == "spending_line" and audit[0]["before"]["version"] == 1
    page = http.get("/funds")
    assert page.status_code == 200 and "Social worker" in page.text
    for section in ("funds-pools", "funds-whatif", "funds-rollup"):
        assert f'id="{section}"' in page.text
    spanish = http.get("/funds", params={"lang": "es"})
    assert spanish.status_code == 200 and "Fondos" in spanish.text
    school = http.get("/schools/1", params={"lang": "en"})
    assert 'id="funds"' in school.text and "$50,000.00" in school.text  # remaining
    assert "Social worker × 1: $100,000.00" in school.text
    assert "$50.000,00" in http.get("/schools/1", params={"lang": "es"}).text
