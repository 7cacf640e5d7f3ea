"""Equity on the real files says which groups and years have data, and why the others do not.

The CPS misconduct report (2013-14 to 2021-22) gives each school's total only; the CPS 20th-day
demographics give enrollment by race for 2022-23. No school year has both counts and enrollment
by group, so no group is compared: every surface says so, and none prints "0 flagged"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from safeschools import services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.services import discipline as service_discipline
from safeschools.services import equity as service_equity
from safeschools.settings import Settings
from safeschools.testing import real_data, sqlite_store

MISSING = (
    "Counts by race and ethnicity for 2013-14 to 2021-22 are not published in the loaded files "
    "(they give each school's total only; enrollment by race and ethnicity is loaded for 2022-23 "
    "only): load the CRDC or the ISBE end-of-year file of those years."
)


@pytest.mark.slow
def test_real_equity_says_no_group_was_compared_and_why(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    settings = Settings(database_url=f"sqlite:///{db}")
    store = sqlite_store(db)
    for path in sorted(real_data("cps-school-profiles").glob("*.csv")):
        services.ingest_file(store, "schools", path, settings=settings)
    report = next(real_data("cps-discipline-misconduct").glob("*.xlsx"))
    service_discipline.ingest_discipline_file(store, "cps-misconduct", report, settings=settings)
    demographics = real_data("cps-demographics") / "demographics_racialethnic_20thday_2023.xlsx"
    service_discipline.ingest_discipline_file(
        store, "cps-demographics", demographics, settings=settings
    )

    table = service_equity.district_disparity(store, settings=settings)
    assert table["school_year"] == "2021-22" and table["compared"] is False
    assert table["flagged"] is None and table["identified"] is None and table["rows"] == []
    coverage = table["group_coverage"]
    assert coverage["enrollment_years"] == ["2022-23"]
    assert coverage["years"][0]["school_year"] == "2013-14"
    assert not any(c["compared"] for c in coverage["years"])
    assert [n["text"] for n in coverage["notes"]] == [MISSING]
    assert "Counts by race and ethnicity for 2021-22" in table["reasons"][0]
    school = service_equity.school_equity(store, "609772", settings=settings)
    assert school["compared"] is False and school["flagged"] is None
    assert school["not_compared"] == "group_counts"

    env = {"SAFESCHOOLS_DATABASE_URL": settings.database_url, "COLUMNS": "200"}
    out = CliRunner().invoke(cli, ["disparity"], env=env)
    assert out.exit_code == 0, out.output
    assert "students_oss, 2021-22: no groups compared, so nothing can be flagged." in out.output
    assert "Groups compared in: no school year" in out.output and MISSING in out.output
    assert "0 flagged" not in out.output and "ADDAMS" not in out.output
    csv_out = CliRunner().invoke(cli, ["disparity", "--format", "csv"], env=env).output
    assert csv_out.startswith("# Counts by race and ethnicity for 2021-22")
    assert len(csv_out.splitlines()) == 2  # the note, then the header: no school rows
    school_out = CliRunner().invoke(cli, ["disparity", "--school", "609772"], env=env).output
    assert "ADDAMS (609772): students_oss, 2021-22: no groups compared" in school_out

    with TestClient(create_app(settings, store=store)) as client:
        api = client.get("/api/equity").json()
        assert api["compared"] is False and api["flagged"] is None and api["rows"] == []
        assert json.loads(json.dumps(api["group_coverage"]["notes"]))[0]["text"] == MISSING
        en = client.get("/equity?lang=en").text
        assert 'id="equity-flagged"' not in en and 'id="disparity-table"' not in en
        assert "No groups were compared for 2021-22" in en
        assert "Enrollment by race and ethnicity is loaded for 2022-23." in en
        es = client.get("/equity?lang=es").text
        assert "No se compararon grupos para 2021-22" in es
        assert "Los conteos por raza y etnia de 2013-14 a 2021-22 no están publicados" in es
        page = client.get("/schools/609772?lang=en").text
        assert "group(s) above a risk ratio" not in page
        assert "Students suspended out of school in 2021-22: groups not compared." in page
        page_es = client.get("/schools/609772/equity?lang=es").text
        assert "No se compararon grupos para 2021-22" in page_es
        assert 'id="equity-table"' not in page_es
    store.dispose()
