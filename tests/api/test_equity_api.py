"""The equity API and CSV exports on the synthetic demo city."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from helpers.demo_city import DemoCity

from safeschools.app import create_app
from safeschools.services import equity as service_equity


@pytest.fixture(scope="module")
def client(demo_city: DemoCity) -> Iterator[TestClient]:
    store, settings = demo_city
    with TestClient(create_app(settings, store=store)) as c:
        yield c


def test_school_equity(client: TestClient, demo_city: DemoCity) -> None:
    store, settings = demo_city
    body = client.get("/api/schools/900068/equity?measure=students_oss&year=2022-23").json()
    assert body == service_equity.school_equity(
        store, "900068", settings=settings, measure="students_oss", school_year="2022-23"
    )
    assert body["reference"] == "all other students" and body["min_cell"] == 10
    statuses = {r["count"]["status"] for r in body["rows"]}
    assert "shown" in statuses
    for row in body["rows"]:
        assert set(row["count"]) == {"value", "status"}
        if row["count"]["status"] == "suppressed":
            assert row["count"]["value"] is None and row["ratio"] is None and row["risk"] is None
    white = client.get("/api/schools/900068/equity?reference=white").json()
    assert white["reference"] == "white students"


def test_school_outcomes(client: TestClient) -> None:
    body = client.get("/api/schools/900068/outcomes").json()
    assert body["removal_year"] == "2020-21"
    assert body["series"][0]["school_year"] == "2016-17"
    cells = [c for s in body["series"] for c in s["values"].values()]
    assert {"shown", "suppressed"} <= {c["status"] for c in cells}
    for c in cells:
        if c["status"] == "suppressed":
            assert c["value"] is None and c["per_100"] is None
    assert any(s["shootings_near"] is not None for s in body["series"])


def test_outcomes_csv(client: TestClient) -> None:
    r = client.get("/api/schools/900068/outcomes.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0]) == [
        *("school_id", "school_year", "measure", "count", "per_100", "enrolled", "status")
    ]
    hidden = [row for row in rows if row["count"] == "suppressed"]
    assert hidden and all(row["per_100"] == "suppressed" for row in hidden)
    body = client.get("/api/schools/900068/outcomes").json()
    first = body["series"][0]
    shown = next(m for m, c in first["values"].items() if c["status"] == "shown")
    row = next(
        r for r in rows if r["school_year"] == first["school_year"] and r["measure"] == shown
    )
    assert int(row["count"]) == first["values"][shown]["value"]


def test_district_equity_and_csv(client: TestClient, demo_city: DemoCity) -> None:
    store, settings = demo_city
    body = client.get("/api/equity?dimension=sex").json()
    assert body == service_equity.district_disparity(store, settings=settings, dimension="sex")
    assert body["groups"] == ["female", "male"]
    r = client.get("/api/equity.csv")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0])[:6] == ["school_id", "name", "school_year", "measure", "group", "count"]
    hidden = [row for row in rows if row["count"] == "suppressed"]
    assert hidden
    for row in hidden:
        assert row["risk"] == row["risk_ratio"] == row["ci_low"] == "suppressed"
    assert any(row["school_id"] == "district" for row in rows)


def test_evaluation(client: TestClient) -> None:
    body = client.get("/api/evaluation").json()
    assert body["outcome"] == "police_notifications"
    overall = body["overall"]
    assert overall["estimate"] < 0 and overall["ci_high"] < 0
    assert [c["cohort"] for c in body["cohorts"]] == ["2020-21", "2021-22", "2023-24"]
    assert body["event_study"] and body["assumptions"] and body["limits"]
    suspensions = client.get("/api/evaluation?outcome=suspensions").json()["overall"]
    assert suspensions["ci_low"] < 0 < suspensions["ci_high"]
    shootings = client.get("/api/evaluation?outcome=shootings_near").json()
    assert shootings["unit"] == "victims near the school"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/equity?measure=bogus", 400),
        ("/api/equity.csv?measure=bogus", 400),
        ("/api/equity?dimension=bogus", 400),
        ("/api/equity?reference=martian", 400),
        ("/api/schools/900068/equity?measure=bogus", 400),
        ("/api/evaluation?outcome=bogus", 400),
        ("/api/equity?year=1990-91", 404),
        ("/api/schools/nope/equity", 404),
        ("/api/schools/nope/outcomes", 404),
        ("/api/schools/nope/outcomes.csv", 404),
    ],
)
def test_errors(client: TestClient, url: str, status: int) -> None:
    r = client.get(url)
    assert r.status_code == status
    body = r.json()
    assert body["ok"] is False and body["status"] == status and body["error"]


def test_district_outcomes(client: TestClient, demo_city: DemoCity) -> None:
    store, settings = demo_city
    body = client.get("/api/outcomes").json()
    assert body["school_id"] is None and body["removal_year"] is None
    years = [s["school_year"] for s in body["series"]]
    # the demo's officers are recorded to 2024-25 and its schools' incidents to 2025-26, years
    # no discipline file publishes; in 2025-26 the victims file says nothing either
    assert years[0] == "2016-17" and years[-1] == "2025-26"
    assert body["series"][-1]["discipline"] == "not_loaded"
    assert body["series"][-1]["shootings"] == "not_covered"
    assert body["data_years"]["discipline_missing"] == ["2024-25", "2025-26"]
    pub = service_equity.publication(store, school_year="2022-23", settings=settings)
    row = next(s for s in body["series"] if s["school_year"] == "2022-23")
    # the district's suspensions are the sum of its schools' (none is under 10 here)
    assert row["values"]["suspensions"] == {
        "value": pub.value(service_equity.DISTRICT, "suspensions", "all"),
        "status": "shown",
        "per_100": row["values"]["suspensions"]["per_100"],
    }
    assert row["values"]["suspensions"]["value"] == sum(
        pub.value(s, "suspensions", "all") or 0 for s in pub.schools
    )
    # victims near any school, each counted once, under the outcome preset
    near = {s["school_year"]: s["shootings_near"] for s in body["series"]}
    assert near["2022-23"] > 0 and near["2016-17"] is None  # the demo's victims start in 2019
    assert [o["schools_with_officers"] for o in body["officers"]][:5] == [17, 17, 17, 17, 12]
    text = client.get("/api/outcomes.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["measure"] for r in rows} >= {"suspensions", "police_notifications"}
