"""Exports parse as CSV and GeoJSON, hold the right rows and say what file they are."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import shape

from safeschools.proximity import PRESETS


def _csv(client: TestClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.text)))


def _geojson(client: TestClient, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    data: dict[str, Any] = response.json()
    assert data["type"] == "FeatureCollection"
    return data


@pytest.mark.parametrize(
    ("url", "filename"),
    [
        ("/api/export/schools.csv", "safeschools-schools-2024-25.csv"),
        ("/api/export/schools.geojson?school_year=all", "safeschools-schools-all-years.geojson"),
        ("/api/export/exposure.csv", "safeschools-exposure-trace-500yd-2024-25.csv"),
        (
            "/api/export/exposure.geojson?radius=0.1mi",
            "safeschools-exposure-custom-2024-25.geojson",
        ),
        ("/api/export/victimizations.csv", "safeschools-victimizations.csv"),
        (
            "/api/export/victimizations.csv?since=2024-01-01&until=2024-01-31",
            "safeschools-victimizations-2024-01-01-to-2024-01-31.csv",
        ),
        ("/api/export/imports.csv", "safeschools-imports.csv"),
        ("/api/export/boundaries.geojson", "safeschools-boundaries.geojson"),
        ("/api/export/boundaries.csv", "safeschools-boundaries.csv"),
        ("/api/export/compare.csv", "safeschools-compare-2024-25.csv"),
    ],
)
def test_every_export_is_an_attachment_with_a_file_name(
    client: TestClient, url: str, filename: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    # RFC 6266: an ASCII name, and the exact name in UTF-8 (RFC 5987)
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"{filename}\"; filename*=UTF-8''{filename}"
    )


def test_schools_csv_and_geojson(client: TestClient) -> None:
    rows = _csv(client, "/api/export/schools.csv")
    assert [r["school_id"] for r in rows] == ["1", "2", "4", "5", "6"]
    assert rows[0]["name"] == "Alpha" and rows[0]["school_year"] == "2024-25"
    older = _csv(client, "/api/export/schools.csv?school_year=2023-24")
    assert [r["school_id"] for r in older] == ["1", "2", "4"]
    features = _geojson(client, "/api/export/schools.geojson?school_year=all")["features"]
    assert len(features) == 8
    alpha = features[0]
    assert alpha["geometry"] == {"type": "Point", "coordinates": [-87.70, 41.80]}
    assert "lat" not in alpha["properties"] and alpha["properties"]["name"] == "Alpha"
    no_location = [f for f in features if f["properties"]["school_id"] == "6"]
    assert no_location[0]["geometry"] is None


def test_exposure_csv_has_every_school_considered_and_the_api_numbers(client: TestClient) -> None:
    api = client.get("/api/exposure?preset=trace-500yd").json()
    rows = _csv(client, "/api/export/exposure.csv?preset=trace-500yd")
    assert len(rows) == api["schools_considered"] == 4
    assert {r["school_id"]: int(r["victims"]) for r in rows} == {
        r["school_id"]: r["victims"] for r in api["per_school"]
    }
    assert list(rows[0])[-2:] == ["2023", "2024"]  # victims per calendar year
    delta = next(r for r in rows if r["school_id"] == "4")
    assert (delta["2023"], delta["2024"], delta["fatal"]) == ("1", "0", "1")


def test_exposure_geojson_carries_definition_vintage_and_caveats(client: TestClient) -> None:
    data = _geojson(client, "/api/export/exposure.geojson?radius=100m&school_year=2023-24")
    assert data["definition"]["radius"] == "100 m"
    assert data["definition"]["school_year"] == "2023-24"
    assert data["data_vintage"]["newest_occurred_at"].startswith("2024-02-01")
    assert any("block-level" in c for c in data["caveats"])
    assert len(data["features"]) == 3
    counts = {f["properties"]["school_id"]: f["properties"]["victims"] for f in data["features"]}
    assert counts == {"1": 3, "2": 0, "4": 1}
    assert all(f["geometry"]["type"] == "Point" for f in data["features"])


def test_victimizations_never_have_a_name_column(client: TestClient) -> None:
    response = client.get("/api/export/victimizations.csv")
    header = next(csv.reader(io.StringIO(response.text)))
    assert header and not [c for c in header if "name" in c.lower()]
    rows = _csv(client, "/api/export/victimizations.csv")
    assert [r["source_row_id"] for r in rows] == ["v4", "v1", "v1b", "v2", "v3", "v5"]
    assert rows[0]["occurred_at"] == "2023-06-15T22:00:00" and rows[0]["fatal"] == "True"
    geo = _geojson(client, "/api/export/victimizations.geojson")["features"]
    assert len(geo) == 6 and geo[-1]["geometry"] is None
    assert not [k for f in geo for k in f["properties"] if "name" in k.lower()]


def test_victimizations_between_dates_and_of_a_source(client: TestClient) -> None:
    rows = _csv(client, "/api/export/victimizations.csv?since=2024-01-31&until=2024-01-31")
    assert [r["source_row_id"] for r in rows] == ["v1", "v1b", "v2"]
    assert _csv(client, "/api/export/victimizations.csv?source=test")
    assert _csv(client, "/api/export/victimizations.csv?since=2030-01-01") == []


def test_imports_boundaries_and_compare(client: TestClient) -> None:
    imports = _csv(client, "/api/export/imports.csv")
    assert [r["kind"] for r in imports] == ["schools", "schools", "victims", "boundaries"]
    wards = _geojson(client, "/api/export/boundaries.geojson")["features"]
    assert [(f["properties"]["kind"], f["properties"]["code"]) for f in wards] == [
        ("ward", "1"),
        ("ward", "2"),
        ("ward", "3"),
    ]
    assert wards[2]["geometry"]["type"] == "MultiPolygon"
    as_csv = _csv(client, "/api/export/boundaries.csv")
    assert [r["code"] for r in as_csv] == ["1", "2", "3"]
    for row, feature in zip(as_csv, wards, strict=True):
        assert shapely.from_wkt(row["wkt"]).equals(shape(feature["geometry"]))
    compare = _csv(client, "/api/export/compare.csv")
    assert [r["preset"] for r in compare] == list(PRESETS)
    assert compare[3]["victims"] == "5"  # trace-500yd
