"""The incidents recorded by schools through the API (JSON and CSV, the district's exports) and
the CLI: aggregates only, small counts hidden the same way everywhere, the clock pinned."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from helpers.incident_rates_city import load

from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import sqlite_store

NOW = datetime(2026, 11, 15, 12, 0)


def _city(tmp_path: Path, min_cell: int) -> tuple[Store, Settings]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'rates.db'}",
        data_dir=tmp_path / "data",
        min_cell_size=min_cell,
    )
    store = sqlite_store(tmp_path / "rates.db")
    load(store, settings)
    return store, settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store, settings = _city(tmp_path, 1)
    with TestClient(create_app(settings, store=store, clock=lambda: NOW)) as c:
        yield c
    store.dispose()


def test_monthly_api_for_a_school_and_the_district(client: TestClient) -> None:
    alder = client.get("/api/incidents/monthly?school_id=700001").json()
    assert [r["period"] for r in alder["series"]] == ["2026-09", "2026-10", "2026-11"]
    assert alder["series"][-1]["partial_reason"] == "in_progress"
    assert alder["series"][0]["counts"]["fight"] == {"count": 6, "status": "shown"}
    years = client.get("/api/incidents/monthly?by=school-year").json()
    assert [r["period"] for r in years["series"]] == ["2026-27"]
    assert years["series"][0]["counts"]["total"]["count"] == 26
    cedar = client.get("/api/incidents/monthly?school_id=700003").json()
    assert cedar["status"] == "nothing_recorded" and cedar["series"] == []
    assert client.get("/api/incidents/monthly?by=week").status_code == 422
    missing = client.get("/api/incidents/monthly?school_id=999999")
    assert missing.status_code == 404 and missing.json()["ok"] is False


def test_school_summary_beside_the_police_reports_and_officers(client: TestClient) -> None:
    body = client.get("/api/schools/700001/incidents/summary").json()
    assert body["recorded"]["status"] == "recording"
    assert [r["period"] for r in body["school_years"]] == ["2026-27"]
    assert body["police"]["rows"] == [] and body["officers"] == []
    assert any("officers leave" in c for c in body["caveats"])
    assert any("better recording" in c for c in body["caveats"])


def test_nothing_per_incident_leaves_the_api(client: TestClient) -> None:
    for url in (
        "/api/incidents/monthly?school_id=700001",
        "/api/incidents/monthly",
        "/api/incidents/monthly.csv?school_id=700001",
        "/api/schools/700001/incidents/summary",
        "/api/export/incidents-monthly.csv",
        "/api/export/incidents-school-years.json",
    ):
        text = client.get(url).text
        assert "STAFF-ONLY-NOTE" not in text and "AGREEMENT-TEXT" not in text, url
        assert "occurred_at" not in text and "staff_note" not in text, url


def test_csv_and_exports(client: TestClient) -> None:
    response = client.get("/api/incidents/monthly.csv?school_id=700001&by=month")
    assert response.status_code == 200
    assert "incidents-700001-month.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["period"] for r in rows] == ["2026-09", "2026-10", "2026-11"]
    assert rows[0]["fight"] == "6" and rows[0]["restorative_share"] == "0.6667"
    assert rows[1]["restorative_share"] == "" and rows[1]["restorative_share status"] == (
        "no_denominator"
    )
    assert rows[2]["partial"] == "in_progress"
    export = list(csv.DictReader(io.StringIO(client.get("/api/export/incidents-monthly.csv").text)))
    assert [r["school_id"] for r in export] == ["district"] * len(export)
    sidecar = client.get("/api/export/incidents-monthly.json").json()
    assert "restorative_share" in sidecar["definitions"] and "better recording" in sidecar["caveat"]


def test_small_counts_are_hidden_in_the_api_too(tmp_path: Path) -> None:
    store, settings = _city(tmp_path, 5)
    with TestClient(create_app(settings, store=store, clock=lambda: NOW)) as client:
        body = client.get("/api/incidents/monthly?school_id=700001").json()
        rows = list(
            csv.DictReader(
                io.StringIO(client.get("/api/incidents/monthly.csv?school_id=700001").text)
            )
        )
    store.dispose()
    november = body["series"][-1]
    assert november["counts"]["threat"] == {"count": None, "status": "suppressed"}
    assert rows[-1]["threat"] == "" and rows[-1]["threat status"] == "suppressed"
    for r in body["series"]:  # never a count from 1 to 4 anywhere
        for cell in r["counts"].values():
            assert cell["count"] is None or not 0 < cell["count"] < 5


def test_cli_monthly(tmp_path: Path) -> None:
    _store, settings = _city(tmp_path, 1)
    runner = CliRunner(env={"SAFESCHOOLS_MIN_CELL_SIZE": "1"})
    base = ["--database-url", settings.database_url, "incidents", "monthly"]
    table = runner.invoke(cli, [*base, "--school", "700001"])
    assert table.exit_code == 0, table.output
    assert "Alder High School" in table.output and "2026-09" in table.output
    as_json = json.loads(
        runner.invoke(cli, [*base, "--school", "700001", "--format", "json"]).output
    )
    assert as_json["series"][0]["counts"]["fight"]["count"] == 6
    as_csv = runner.invoke(cli, [*base, "--by", "school-year", "--format", "csv"]).output
    assert as_csv.splitlines()[1].startswith("district,2026-27,")
    nothing = runner.invoke(cli, [*base, "--school", "700003"])
    assert nothing.exit_code == 0 and "not 0" in nothing.output
    unknown = runner.invoke(cli, [*base, "--school", "999999"])
    assert unknown.exit_code != 0 and "Unknown school" in unknown.output
    hidden = CliRunner(env={"SAFESCHOOLS_MIN_CELL_SIZE": "5"}).invoke(
        cli, [*base, "--school", "700001", "--format", "csv"]
    )
    assert hidden.exit_code == 0 and ",suppressed," in hidden.output
