"""Outputs for analysts: Parquet beside every CSV (same rows, same columns, the definition and
coverage as key-value metadata), and the victim export of a definition, which lists exactly
the victims the definition counts with their distances to the schools they are near.

On the hand-built city of api_city.py under trace-500yd (500 yd, 457.2 m) and the 2024-25
schools: v1, v1b and v2 are 100 m north of Alpha, so 0 m from Echo, 100 m from Alpha and about
269 m from Bravo; v3 is 125 m east of Alpha, 125 m from Bravo and 160 m from Echo; v4 is 50 m
from Delta; v5 has no location and is near nothing. Five victims, one row each.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from safeschools.api.exports import EXPORTS
from safeschools.tables import _cell


def _csv_rows(client: TestClient, url: str) -> tuple[list[str], list[dict[str, str]]]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    reader = csv.DictReader(io.StringIO(response.text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _parquet(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    assert response.content[:4] == b"PAR1"
    return pq.read_table(io.BytesIO(response.content))


def _as_csv_cell(value: Any) -> str:
    return str(_cell(value))


CSV_EXPORTS = [name for name, e in EXPORTS.items() if "csv" in e.formats]


def test_every_export_with_a_csv_has_a_parquet_file() -> None:
    assert [name for name, e in EXPORTS.items() if "parquet" in e.formats] == CSV_EXPORTS
    assert "exposure-victims" in CSV_EXPORTS


@pytest.mark.parametrize("table", CSV_EXPORTS)
@pytest.mark.parametrize("query", ["", "?preset=abc7-2024", "?radius=100m&school_year=2023-24"])
def test_parquet_holds_the_csv_rows_and_columns(client: TestClient, table: str, query: str) -> None:
    columns, rows = _csv_rows(client, f"/api/export/{table}.csv{query}")
    parquet = _parquet(client, f"/api/export/{table}.parquet{query}")
    assert parquet.column_names == columns
    assert [{c: _as_csv_cell(v) for c, v in r.items()} for r in parquet.to_pylist()] == rows
    response = client.get(f"/api/export/{table}.parquet{query}")
    name = response.headers["content-disposition"].split('filename="')[1].split('"')[0]
    csv_name = client.get(f"/api/export/{table}.csv{query}").headers["content-disposition"]
    assert name.endswith(".parquet") and name[: -len(".parquet")] + ".csv" in csv_name


@pytest.mark.parametrize("table", ["exposure", "exposure-victims"])
def test_parquet_carries_the_definition_and_coverage(client: TestClient, table: str) -> None:
    parquet = _parquet(client, f"/api/export/{table}.parquet?preset=trace-500yd")
    meta = {k.decode(): json.loads(v) for k, v in parquet.schema.metadata.items()}
    sidecar = client.get(f"/api/export/{table}.json?preset=trace-500yd").json()
    for key in ("definition", "answerable", "reasons", "coverage", "data_vintage", "caveats"):
        assert meta[key] == sidecar[key], key
    assert meta["definition"]["name"] == "trace-500yd"
    assert meta["answerable"] is True
    assert meta["coverage"]["data"]["first_day"] == "2023-06-15"


def test_victim_export_lists_exactly_the_victims_counted(client: TestClient) -> None:
    api = client.get("/api/exposure?preset=trace-500yd").json()
    columns, rows = _csv_rows(client, "/api/export/exposure-victims.csv?preset=trace-500yd")
    assert len(rows) == api["victims"] == 5
    assert [r["source_row_id"] for r in rows] == ["v4", "v1", "v1b", "v2", "v3"]
    assert not [c for c in columns if "name" in c.lower()]  # never a victim's name
    by_id = {r["source_row_id"]: r for r in rows}
    v1 = by_id["v1"]
    assert (v1["schools_near"], v1["nearest_school_id"], v1["school_ids"]) == ("3", "5", "5;1;2")
    distances = [float(x) for x in v1["distances_m"].split(";")]
    assert distances[:2] == [0.0, 100.0] and 268 < distances[2] < 271
    v3 = by_id["v3"]
    assert v3["school_ids"] == "1;2;5" and v3["nearest_distance_m"] == "125.0"
    assert by_id["v4"]["school_ids"] == "4" and by_id["v4"]["fatal"] == "True"
    # per school, the lists add up to the school's count
    near: dict[str, int] = {}
    for row in rows:
        for school in row["school_ids"].split(";"):
            near[school] = near.get(school, 0) + 1
    assert near == {r["school_id"]: r["victims"] for r in api["per_school"]}


def test_victim_export_follows_every_part_of_the_definition(client: TestClient) -> None:
    # 100 m, 2023-24 schools: v1, v1b, v2 (100 m from Alpha) and v4 (50 m from Delta)
    _, rows = _csv_rows(client, "/api/export/exposure-victims.csv?radius=100m&school_year=2023-24")
    assert sorted(r["source_row_id"] for r in rows) == ["v1", "v1b", "v2", "v4"]
    # 07:00-17:00 on weekdays: not v4 (22:00)
    _, rows = _csv_rows(
        client, "/api/export/exposure-victims.csv?radius=100m&hours=07:00-17:00&days=weekdays"
    )
    assert sorted(r["source_row_id"] for r in rows) == ["v1", "v1b", "v2"]
    # the stored victimizations between the same dates are more: they ignore the rest
    _, everything = _csv_rows(client, "/api/export/victimizations.csv")
    assert len(everything) == 6


def test_victim_geojson_places_the_victim_and_keeps_the_lists(client: TestClient) -> None:
    response = client.get("/api/export/exposure-victims.geojson?preset=trace-500yd")
    data = response.json()
    assert data["definition"]["name"] == "trace-500yd" and data["answerable"] is True
    v1 = next(f for f in data["features"] if f["properties"]["source_row_id"] == "v1")
    assert v1["properties"]["school_ids"] == ["5", "1", "2"]
    assert v1["geometry"]["type"] == "Point"
    assert "lat" not in v1["properties"]


def test_victim_export_of_an_unanswerable_definition_has_no_rows_and_says_why(
    client: TestClient,
) -> None:
    query = "?radius=100m&since=2030-01-01&until=2030-12-31"
    _, rows = _csv_rows(client, f"/api/export/exposure-victims.csv{query}")
    assert rows == []
    sidecar = client.get(f"/api/export/exposure-victims.json{query}").json()
    assert sidecar["answerable"] is False and sidecar["reasons"]
    parquet = _parquet(client, f"/api/export/exposure-victims.parquet{query}")
    assert parquet.num_rows == 0
    assert json.loads(parquet.schema.metadata[b"answerable"]) is False


@pytest.mark.parametrize(
    ("url", "status", "match"),
    [
        ("/api/export/imports.geojson", 404, "no places to map"),
        ("/api/export/schools.json", 404, "no sidecar"),
        ("/api/export/schools.xlsx", 404, ".parquet"),
    ],
)
def test_formats_an_export_lacks_are_404_with_a_hint(
    client: TestClient, url: str, status: int, match: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert match in response.json()["error"]
