"""The evaluation (issue 6) offers the incidents recorded by the school and the police-reported
incidents at school as outcomes, with their caveats, in the service, the API, the page and the
CLI; a hidden count stops the estimate instead of being used.

Four schools had two officers each from 2019-20; 800001 and 800002 removed them in 2022-23,
800003 and 800004 in 2024-25. Every school records incidents every month from July 2020 to
June 2026: 12 a month before removal and 6 after (so each school year's total is 144 or 72).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.model import School
from safeschools.model.incidents import Incident
from safeschools.model.officers import SroAssignment
from safeschools.services import evaluation as service_evaluation
from safeschools.services.evaluation_incidents import incident_counts
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, sqlite_store

AT = datetime(2026, 7, 1, 9)
REMOVED = {"800001": 2022, "800002": 2022, "800003": 2024, "800004": 2024}


def _city(tmp_path: Path, min_cell: int) -> tuple[Store, Settings]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'eval.db'}",
        data_dir=tmp_path / "data",
        min_cell_size=min_cell,
    )
    store = sqlite_store(tmp_path / "eval.db")
    load_records(
        store,
        settings,
        schools=[School(s, "2025-26", f"School {s}", lat=41.8, lon=-87.7) for s in REMOVED],
    )
    with store.engine.begin() as conn:
        for school, removed in REMOVED.items():
            for start in range(2019, 2026):
                store.put_sro_assignment(
                    SroAssignment(
                        school,
                        f"{start}-{(start + 1) % 100:02d}",
                        "sro",
                        2 if start < removed else 0,
                        "edit",
                    ),
                    read_version=None,
                    at=AT,
                    conn=conn,
                )
            for k in range(72):  # July 2020 to June 2026
                year, month = 2020 + (6 + k) // 12, (6 + k) % 12 + 1
                school_year_start = year if month >= 7 else year - 1
                n = 12 if school_year_start < removed else 6
                for _ in range(n):
                    store.add_school_incident(
                        Incident(school, datetime(year, month, 10, 11), "fight", "inside", 2),
                        at=AT,
                        by=None,
                        conn=conn,
                    )
    return store, settings


def test_incident_outcomes_are_offered_with_their_caveats(tmp_path: Path) -> None:
    store, settings = _city(tmp_path, 1)
    assert {"incidents_recorded", "police_at_school"} <= set(service_evaluation.EVALUATION_OUTCOMES)
    counts, hidden = incident_counts(store, settings, "incidents_recorded", set(REMOVED))
    assert hidden == 0
    assert counts[("800001", "2021-22")] == 144 and counts[("800001", "2023-24")] == 72
    data = service_evaluation.evaluation(
        store, settings=settings, outcome="incidents_recorded", bootstrap_iterations=99
    )
    assert data["unit"] == "incidents at the school"
    assert "incidents_recorded" in data["outcomes"] and "police_at_school" in data["outcomes"]
    assert any("better recording" in limit for limit in data["limits"])
    assert data["schools"] == 4 and data["overall"] is not None
    assert data["overall"]["estimate"] == pytest.approx(-72.0)
    police = service_evaluation.evaluation(
        store, settings=settings, outcome="police_at_school", bootstrap_iterations=99
    )
    assert any("reasons other than behaviour" in limit for limit in police["limits"])
    assert police["overall"] is None and police["not_estimated"]  # no crimes loaded
    store.dispose()


def test_a_hidden_count_stops_the_estimate(tmp_path: Path) -> None:
    store, settings = _city(tmp_path, 100)  # every school year's 72 is under 100
    data = service_evaluation.evaluation(
        store, settings=settings, outcome="incidents_recorded", bootstrap_iterations=99
    )
    assert data["overall"] is None
    assert data["not_estimated"][0]["code"] == "suppressed"
    store.dispose()


def test_page_api_and_cli_offer_the_incident_outcomes(tmp_path: Path) -> None:
    store, settings = _city(tmp_path, 1)
    with TestClient(create_app(settings, store=store)) as client:
        for lang, label, caveat in (
            ("en", "incidents recorded by the school", "a rise can mean better recording"),
            ("es", "incidentes registrados por la escuela", "un mejor registro"),
        ):
            html = client.get(f"/evaluation?outcome=incidents_recorded&lang={lang}").text
            assert '<option value="incidents_recorded" selected>' in html
            assert 'value="police_at_school"' in html
            assert label in html.lower() and caveat in html
        body = client.get("/api/evaluation?outcome=police_at_school").json()
        assert body["outcome"] == "police_at_school"
    runner = CliRunner(env={"SAFESCHOOLS_MIN_CELL_SIZE": "1"})
    result = runner.invoke(
        cli,
        [
            "--database-url",
            settings.database_url,
            "evaluate",
            "--outcome",
            "incidents_recorded",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["unit"] == "incidents at the school"
    store.dispose()


def test_outcomes_over_time_gain_the_incident_outcomes(tmp_path: Path) -> None:
    store, settings = _city(tmp_path, 1)
    with TestClient(create_app(settings, store=store)) as client:
        response = client.get("/api/schools/800001/outcomes")
        assert response.status_code == 200, response.text
        body = response.json()
        assert "incidents_recorded" in body["measures"]
        by_year = {s["school_year"]: s["values"] for s in body["series"]}
        assert by_year["2021-22"]["incidents_recorded"] == {
            "value": 144,
            "status": "shown",
            "per_100": None,
        }
        assert by_year["2023-24"]["incidents_recorded"]["value"] == 72
        assert "incidents_recorded" not in by_year.get("2019-20", {})  # not recording: unknown
        csv_text = client.get("/api/schools/800001/outcomes.csv").text
        assert "800001,2021-22,incidents_recorded,144," in csv_text
        district = client.get("/api/outcomes").json()
        totals = {
            s["school_year"]: s["values"].get("incidents_recorded") for s in district["series"]
        }
        assert totals["2021-22"]["value"] == 4 * 144
    store.dispose()
    small, small_settings = _city(tmp_path / "small", 100)
    from safeschools.services.evaluation_incidents import outcome_cells

    cells = outcome_cells(small, small_settings, "800001")
    assert cells["2023-24"]["incidents_recorded"] == {
        "value": None,
        "status": "suppressed",
        "per_100": None,
    }
    small.dispose()
