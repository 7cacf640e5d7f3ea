"""`safeschools disparity`, `outcomes`, `evaluate` and the report's equity section on the
synthetic demo city (a SQLite file), compared with what the service returns."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from helpers.demo_city import DemoCity

from safeschools import services
from safeschools.cli import cli
from safeschools.services import equity as service_equity
from safeschools.services import evaluation as service_evaluation

SCHOOL = "900068"  # removed its officers in 2020-21; some counts are under the cell size


@pytest.fixture(scope="module")
def run(demo_city: DemoCity) -> Any:
    _, settings = demo_city
    env = {
        "SAFESCHOOLS_DATABASE_URL": settings.database_url,
        "SAFESCHOOLS_DATA_DIR": str(settings.data_dir),
        "COLUMNS": "80",
    }

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=env)

    return invoke


def _roundtrip(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def _hidden_groups(table: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in table["rows"] if r["count"]["status"] == "suppressed"]


def test_district_table_prints_suppressed_in_full(run: Any, demo_city: DemoCity) -> None:
    store, settings = demo_city
    table = service_equity.district_disparity(store, settings=settings)
    result = run("disparity")
    assert result.exit_code == 0, result.output
    assert f"{table['flagged']} flagged" in result.output
    hidden = sum(
        1 for r in table["rows"] for c in r["cells"] if c["count"]["status"] == "suppressed"
    )
    assert hidden > 0
    # every hidden cell prints the whole word (never cut to "suppres…" at 80 columns)
    assert result.output.count("suppressed") >= hidden
    assert "suppres…" not in result.output


def test_school_table_hides_small_counts(run: Any, demo_city: DemoCity) -> None:
    store, settings = demo_city
    table = service_equity.school_equity(store, SCHOOL, settings=settings)
    hidden = _hidden_groups(table)
    assert hidden
    result = run("disparity", "--school", SCHOOL)
    assert result.exit_code == 0, result.output
    pub = service_equity.publication(store, school_year=table["school_year"], settings=settings)
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines()
             if line.startswith("│")}  # fmt: skip
    for row in hidden:
        line = lines[row["group"]]
        cells = [c.strip() for c in line.split("│")[2:-1]]
        count, _enrolled, risk, ratio = cells
        assert count == risk == ratio == "suppressed"
        true = pub.value(SCHOOL, table["measure"], row["group"])
        assert true is not None and str(true) not in (count, risk, ratio)
        assert f"* {row['group']}: Hidden: computed from a suppressed count." in result.output
    shown = next(r for r in table["rows"] if r["ratio"] is not None)
    assert (
        f"{shown['ratio']:.2f} ({shown['ci_low']:.2f} to {shown['ci_high']:.2f})"
        in lines[shown["group"]]
    )


def test_disparity_json_and_csv_are_the_service(run: Any, demo_city: DemoCity) -> None:
    store, settings = demo_city
    district = run("disparity", "--dimension", "sex", "--reference", "female", "--format", "json")
    assert district.exit_code == 0, district.output
    expected = service_equity.district_disparity(
        store, settings=settings, dimension="sex", reference="female"
    )
    assert json.loads(district.output) == _roundtrip(expected)
    school = run("disparity", "--school", SCHOOL, "--year", "2022-23", "--format", "json")
    assert json.loads(school.output) == _roundtrip(
        service_equity.school_equity(store, SCHOOL, settings=settings, school_year="2022-23")
    )
    as_csv = run("disparity", "--format", "csv")
    assert as_csv.exit_code == 0
    assert as_csv.output == service_equity.disparity_csv(
        service_equity.district_disparity(store, settings=settings)
    )
    rows = list(csv.DictReader(io.StringIO(run("disparity", "--school", SCHOOL, "--format",
                                               "csv").output)))  # fmt: skip
    assert {r["school_id"] for r in rows} == {SCHOOL}
    assert rows[0]["name"] == "Synthetic Kingfisher High School"
    hidden = [r for r in rows if r["count"] == "suppressed"]
    assert hidden and all(r["risk_ratio"] == r["risk"] == "suppressed" for r in hidden)
    assert any(r["risk_ratio"] not in ("", "suppressed") for r in rows)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["disparity", "--measure", "bogus"], "Unknown measure 'bogus'"),
        (["disparity", "--measure", "oss"], "Disparities are computed for measures of students"),
        (["disparity", "--school", SCHOOL, "--measure", "bogus"], "Unknown measure 'bogus'"),
        (["disparity", "--reference", "martian"], "Unknown reference group 'martian'"),
        (["disparity", "--school", "nope"], "No school with id nope"),
        (["disparity", "--year", "1990-91"], "No students_oss figures for 1990-91"),
        (["outcomes", "--school", "nope"], "No school with id nope"),
        (["evaluate", "--outcome", "bogus"], "Unknown outcome 'bogus'"),
    ],
)
def test_bad_options_exit_2_with_one_sentence(run: Any, args: list[str], says: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert says in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_outcomes_of_a_school(run: Any, demo_city: DemoCity) -> None:
    store, settings = demo_city
    index = services.exposure_index(store, settings=settings)
    data = service_evaluation.school_outcomes(store, SCHOOL, settings=settings, index=index)
    table = run("outcomes", "--school", SCHOOL)
    assert table.exit_code == 0, table.output
    assert "officers removed in 2020-21" in table.output
    assert "2020-21 (removal)" in table.output
    hidden_rows = [
        line for line in table.output.splitlines() if line.startswith("│") and "suppressed" in line
    ]
    hidden = sum(1 for s in data["series"] for c in s["values"].values()
                 if c["status"] == "suppressed")  # fmt: skip
    assert hidden and len(hidden_rows) == hidden
    assert all(line.count("suppressed") == 2 for line in hidden_rows)  # count and rate
    as_csv = run("outcomes", "--school", SCHOOL, "--format", "csv")
    assert as_csv.output == service_equity.outcomes_csv(data)
    assert "shootings_near" in as_csv.output
    as_json = json.loads(run("outcomes", "--school", SCHOOL, "--format", "json").output)
    assert as_json == _roundtrip(data)


def test_outcomes_of_the_district(run: Any, demo_city: DemoCity) -> None:
    store, settings = demo_city
    data = service_equity.outcomes(store, settings=settings)
    as_json = json.loads(run("outcomes", "--format", "json").output)
    assert as_json == _roundtrip(data) and as_json["school_id"] is None
    table = run("outcomes")
    assert table.exit_code == 0 and "District outcomes" in table.output
    first = data["series"][0]
    assert str(first["values"]["police_notifications"]["value"]) in table.output


def test_evaluate(run: Any, demo_city: DemoCity) -> None:
    store, settings = demo_city
    data = service_evaluation.evaluation(store, settings=settings)
    result = run("evaluate")
    assert result.exit_code == 0, result.output
    out = result.output
    overall = data["overall"]
    assert overall["estimate"] < 0
    assert (
        f"Overall effect after removal: {overall['estimate']:+.2f} per 100 students enrolled "
        f"(95% interval {overall['ci_low']:+.2f} to {overall['ci_high']:+.2f})"
    ) in out
    for cohort in data["cohorts"]:
        assert cohort["cohort"] in out
    for e in data["event_study"]:
        assert f"{e['ci_low']:+.2f} to {e['ci_high']:+.2f}" in out
    assert "Assumptions" in out and "Limits" in out
    assert data["limits"][0][:40] in out.replace("\n", " ")
    as_json = json.loads(run("evaluate", "--outcome", "suspensions", "--format", "json").output)
    assert as_json["outcome"] == "suspensions"
    assert as_json["overall"]["ci_low"] < 0 < as_json["overall"]["ci_high"]


def test_report_has_the_equity_section(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    result = run("report", SCHOOL, "--html", str(path))
    assert result.exit_code == 0, result.output
    html = path.read_text(encoding="utf-8")
    assert 'id="r-equity"' in html and "Equity and outcomes" in html
    assert 'id="r-equity-table"' in html and 'id="r-outcomes-table"' in html
    assert "After removing officers, police notifications" in html
    spanish = tmp_path / "informe.html"
    assert run("report", SCHOOL, "--html", str(spanish), "--lang", "es").exit_code == 0
    assert "Equidad y resultados" in spanish.read_text(encoding="utf-8")
