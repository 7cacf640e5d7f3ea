"""The JSON API on the hand-built city (see api_city.py): each route returns the service's dicts."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from api_city import NORTH_100, load_city
from fastapi.testclient import TestClient

from safeschools import __version__, services
from safeschools.app import create_app
from safeschools.proximity import PRESETS
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, victim


def _service_exposure(store: Store, settings: Settings, params: dict[str, str]) -> object:
    d = services.definition_from_params(params, settings=settings)
    return json.loads(json.dumps(services.exposure.exposure(store, d, settings=settings).to_dict()))


def test_health_gives_the_version_and_counts(client: TestClient) -> None:
    assert client.get("/api/health").json() == {
        "ok": True,
        "version": __version__,
        "schools": 8,
        "victimizations": 6,
        "imports": 4,
    }


def test_presets_are_every_named_definition(client: TestClient) -> None:
    presets = client.get("/api/presets").json()
    assert [p["preset"] for p in presets] == list(PRESETS)
    abc7 = presets[0]
    assert abc7["radius"].startswith("0.1 mi") and abc7["hours"] == "07:00-17:00"
    assert abc7["source_note"].startswith("ABC7")


def test_exposure_defaults_to_trace_500yd_with_numbers_checked_by_hand(client: TestClient) -> None:
    data = client.get("/api/exposure").json()
    assert data["definition"]["name"] == "trace-500yd"
    assert (data["victims"], data["fatal"], data["incidents"], data["schools"]) == (5, 2, 4, 4)
    assert data["school_year"] == "2024-25" and data["schools_considered"] == 4
    assert {r["school_id"]: r["victims"] for r in data["per_school"]} == {
        "1": 4,
        "2": 4,
        "5": 4,
        "4": 1,
    }
    assert [
        {k: r[k] for k in ("year", "victims", "fatal", "partial", "covered_from", "covered_to")}
        for r in data["trends"]["by_year"]
    ] == [
        # the data covers 15 Jun 2023 to 1 Feb 2024: both years are partial
        {"year": 2023, "victims": 1, "fatal": 1, "partial": True}
        | {"covered_from": "2023-06-15", "covered_to": "2023-12-31"},
        {"year": 2024, "victims": 4, "fatal": 1, "partial": True}
        | {"covered_from": "2024-01-01", "covered_to": "2024-02-01"},
    ]
    assert any("block-level" in c for c in data["caveats"])
    assert data["data_vintage"]["newest_occurred_at"].startswith("2024-02-01")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"preset": "abc7-2024"},
        {"radius": "100m", "hours": "07:00-17:00", "days": "weekdays"},
        {"radius": "0.25mi", "type": "fatal", "school_year": "2023-24"},
        {"preset": "trace-500yd", "hours": "all", "years": "1"},
        {"radius": "150m", "since": "2024-01-31", "until": "2024-01-31", "governance": "district"},
        {"radius": "500yd", "school_year": "incident", "grade": "HS"},
    ],
)
def test_exposure_is_the_service_result(
    client: TestClient, city_store: Store, settings: Settings, params: dict[str, str]
) -> None:
    assert client.get("/api/exposure", params=params).json() == _service_exposure(
        city_store, settings, params
    )


def test_exposure_by_hand_under_a_custom_definition(client: TestClient) -> None:
    # 100 m around Alpha counts its northern neighbours (exactly 100 m: a distance equal to the
    # radius counts), from 07:00 (included) to 17:00 (excluded); the homicide 125 m away does not.
    data = client.get(
        "/api/exposure", params={"radius": "100m", "hours": "07:00-17:00", "days": "weekdays"}
    ).json()
    assert (data["victims"], data["fatal"], data["incidents"]) == (3, 0, 2)
    assert {r["school_id"] for r in data["per_school"]} == {"1", "5"}
    assert data["definition"]["hours"] == "07:00-17:00"


def test_repeated_and_comma_separated_parameters_mean_the_same(client: TestClient) -> None:
    repeated = client.get("/api/exposure?age=0-19&age=20-29&governance=district&governance=charter")
    commas = client.get("/api/exposure?age=0-19,20-29&governance=district,charter")
    assert repeated.status_code == 200
    assert repeated.json() == commas.json()
    assert repeated.json()["definition"]["ages"] == ["0-19", "20-29"]


def test_split_date_counts_before_and_after(client: TestClient) -> None:
    data = client.get("/api/exposure?split_date=2024-01-01").json()
    assert data["before_after"]["before"]["victims"] == 1
    assert data["before_after"]["after"]["victims"] == 4


def test_compare_lists_every_preset_on_the_same_data(
    client: TestClient, city_store: Store, settings: Settings
) -> None:
    data = client.get("/api/compare").json()
    assert [r["preset"] for r in data["definitions"]] == list(PRESETS)
    expected = services.compare_definitions(city_store, settings=settings)
    assert data == json.loads(json.dumps(expected))
    older = client.get("/api/compare?school_year=2023-24").json()
    assert older["definitions"][0]["schools_considered"] == 3


def test_sensitivity_defaults_like_the_cli_and_takes_grids(client: TestClient) -> None:
    data = client.get("/api/sensitivity").json()
    assert [r["radius"] for r in data["radius_by_hours"]] == [
        "100 m",
        "0.1 mi (160.9 m)",
        "150 m",
        "0.25 mi (402.3 m)",
        "500 yd (457.2 m)",
        "0.5 mi (804.7 m)",
    ]
    assert data["hours"] == ["all", "07:00-17:00", "14:00-16:50"]
    grid = client.get("/api/sensitivity?radii=100m,0.25mi&hours_grid=all,07:00-12:00").json()
    assert grid["hours"] == ["all", "07:00-12:00"]
    assert [(r["all"], r["07:00-12:00"]) for r in grid["radius_by_hours"]] == [(4, 2), (5, 2)]
    assert grid["years"] == ["2023", "2024"]


def test_schools_of_the_latest_year_by_default(client: TestClient) -> None:
    data = client.get("/api/schools").json()
    assert data["school_year"] == "2024-25" and data["count"] == 5
    assert [s["school_id"] for s in data["schools"]] == ["1", "2", "4", "5", "6"]
    assert client.get("/api/schools?school_year=2023-24").json()["count"] == 3
    assert client.get("/api/schools?school_year=all").json()["count"] == 8


def test_schools_search_by_name_id_or_address(client: TestClient) -> None:
    assert [s["name"] for s in client.get("/api/schools?q=ALP").json()["schools"]] == ["Alpha"]
    assert [s["name"] for s in client.get("/api/schools?q=4").json()["schools"]] == ["Delta"]
    assert [s["name"] for s in client.get("/api/schools?q=bravo st").json()["schools"]] == ["Bravo"]
    assert client.get("/api/schools?q=nothing like it").json()["count"] == 0


def test_one_school_under_the_definition_in_the_query(
    client: TestClient, city_store: Store, settings: Settings
) -> None:
    data = client.get("/api/schools/1?radius=100m&hours=07:00-17:00").json()
    assert data["school"]["name"] == "Alpha" and data["school"]["school_year"] == "2024-25"
    assert [h["school_year"] for h in data["history"]] == ["2023-24", "2024-25"]
    assert data["exposure"]["victims"] == 3
    assert [v["distance_m"] for v in data["exposure"]["victimizations"]] == [100.0] * 3
    assert not any("name" in key for v in data["exposure"]["victimizations"] for key in v)
    assert [p["preset"] for p in data["presets"]] == list(PRESETS)
    assert data["rank"] == 1 and data["definition"]["radius"] == "100 m"
    d = services.definition_from_params(
        {"radius": "100m", "hours": "07:00-17:00"}, settings=settings
    )
    index = services.exposure_index(city_store, settings=settings)
    expected = services.school_profile(city_store, "1", d, settings=settings, index=index)
    assert data == json.loads(json.dumps(expected))


def test_imports_lists_every_import(client: TestClient) -> None:
    data = client.get("/api/imports").json()
    assert data["count"] == 4
    assert [i["kind"] for i in data["imports"]] == ["schools", "schools", "victims", "boundaries"]
    assert data["imports"][2]["accepted"] == 6


def test_openapi_lists_every_route_with_descriptions(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    routes = {
        "/api/health",
        "/api/exposure",
        "/api/compare",
        "/api/presets",
        "/api/sensitivity",
        "/api/schools",
        "/api/schools/{school_id}",
        "/api/imports",
        "/api/export/{table}.{fmt}",
    }
    assert routes <= set(schema["paths"])
    for path in routes:
        operation = schema["paths"][path]["get"]
        assert operation["summary"] and len(operation["description"]) > 40, path
    exposure = {p["name"]: p for p in schema["paths"]["/api/exposure"]["get"]["parameters"]}
    for name in ("preset", "radius", "hours", "days", "since", "until", "age", "type", "source"):
        assert exposure[name]["description"], name
    assert "victimizations" in schema["paths"]["/api/export/{table}.{fmt}"]["get"]["description"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_a_new_import_is_seen_without_a_restart(
    client: TestClient, city_store: Store, settings: Settings
) -> None:
    before = client.get("/api/exposure").json()["victims"]
    late = victim("late", *NORTH_100, datetime(2024, 3, 1, 9))
    load_records(city_store, settings, victims=[late], source="late")
    after = client.get("/api/exposure").json()
    assert after["victims"] == before + 1


class TestOnEveryBackend:
    """The API on the `store` fixture: SQLite and PostgreSQL."""

    @pytest.fixture
    def backend_client(self, store: Store, settings: Settings) -> TestClient:
        load_city(store, settings)
        return TestClient(create_app(settings, store=store))

    def test_exposure_and_health(self, backend_client: TestClient) -> None:
        data = backend_client.get("/api/exposure").json()
        assert (data["victims"], data["fatal"], data["incidents"], data["schools"]) == (5, 2, 4, 4)
        assert backend_client.get("/api/health").json()["victimizations"] == 6

    def test_school_page_data_and_search(self, backend_client: TestClient) -> None:
        school = backend_client.get("/api/schools/5?preset=trace-500yd").json()
        assert school["exposure"]["victims"] == 4
        assert school["presets"][0]["preset"] == "abc7-2024"
        assert backend_client.get("/api/schools?q=echo").json()["schools"][0]["school_id"] == "5"

    def test_exports_and_errors(self, backend_client: TestClient) -> None:
        csv_text = backend_client.get("/api/export/victimizations.csv").text
        assert len(csv_text.strip().splitlines()) == 1 + 6
        missing = backend_client.get("/api/schools/404")
        assert missing.status_code == 404 and missing.json()["status"] == 404
