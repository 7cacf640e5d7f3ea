"""Issue 11, items 1-3, on the real files: what the data covers is recorded at import and carried
by every exposure result; a question the data cannot answer has no count (null, never 0) and
says why, in English and Spanish, on the CLI, the API, the CSV exports, the pages and the PDF; a
window half inside the data and the years the data covers only in part are marked partial.

The real victims extract covers 1 Sep 2024 to 3 Aug 2026 and has no age in any row; ABC7's
window is Feb 2019 to Jan 2024 and counts ages 0-19 only."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from pypdf import PdfReader

from safeschools import services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.model import Victimization
from safeschools.model.coverage import VictimCoverage
from safeschools.proximity.coverage import coverage_block, month_coverage, period_coverage
from safeschools.proximity.presets import PRESETS
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data, sqlite_store

PROFILES = "Chicago_Public_Schools_-_School_Profile_Information_SY2425.csv"
VICTIMS = "chicago-victims-homicides-nonfatal-shootings-2024-2026"
#: A window half inside the data: 2 years from 3 Aug 2025, of which the data has the first.
HALF = ("2025-08-04", "2027-08-03")


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Settings]]:
    """The 2024-25 school profiles and the 2024-26 victims extract, read in place."""
    folder = tmp_path_factory.mktemp("real-coverage")
    settings = Settings(database_url=f"sqlite:///{folder / 'store.db'}", data_dir=folder / "d")
    store = sqlite_store(folder / "store.db")
    services.ingest_file(
        store, "schools", real_data("cps-school-profiles", PROFILES), settings=settings
    )
    for path in sorted(real_data(VICTIMS).glob("*.csv")):
        services.ingest_file(store, "victims", path, settings=settings)
    yield store, settings
    store.dispose()


@pytest.fixture(scope="module")
def client(real: tuple[Store, Settings]) -> Iterator[TestClient]:
    store, settings = real
    with TestClient(create_app(settings, store=store)) as c:
        yield c


def _cli(real: tuple[Store, Settings], *args: str) -> str:
    store, _ = real
    url = store.engine.url.render_as_string(hide_password=False)
    run = CliRunner().invoke(cli, ["--database-url", url, *args])
    assert run.exit_code == 0, run.output
    return run.output


# ---------------------------------------------------------------------- 1. recorded at import
def test_each_import_records_its_coverage_and_the_store_unions_them(
    real: tuple[Store, Settings],
) -> None:
    store, _ = real
    coverage = store.victim_coverage()
    assert (coverage.first_day, coverage.last_day) == (date(2024, 9, 1), date(2026, 8, 3))
    assert coverage.rows == 3184
    data = coverage.to_dict()
    assert data["fields"]["age_band"] == 0.0  # the re-publication blanked every age
    assert data["fields"]["location"] == 1.0 and data["fields"]["fatal"] == 1.0
    assert 0.98 < data["fields"]["time_of_day"] < 1.0
    assert data["days_without_rows"] == len(coverage.empty_days) > 0
    assert all(d not in coverage.days_with_rows for d in coverage.empty_days)
    # one file alone: the 2024 file covers Sep-Dec 2024
    assert services.data_coverage(store)["first_day"] == "2024-09-01"
    abc7 = services.data_coverage(store, PRESETS["abc7-2024"])
    assert abc7["answerable"] is False


def test_coverage_union_and_shares_by_hand() -> None:
    def victim(at: datetime, age: str | None) -> Victimization:
        return Victimization(
            source="s", source_row_id=str(at), case_number=None, occurred_at=at,
            lat=41.8, lon=-87.6, location_precision="block", age_band=age,
        )  # fmt: skip

    a = VictimCoverage.from_records(
        [victim(datetime(2024, 1, 1, 10), "0-19"), victim(datetime(2024, 1, 3), None)]
    )
    b = VictimCoverage.from_records([victim(datetime(2024, 1, 10, 9), "UNKNOWN")])
    both = VictimCoverage.union([a, b])
    assert (both.first_day, both.last_day, both.rows) == (date(2024, 1, 1), date(2024, 1, 10), 3)
    # 1 Jan, 3 Jan and 10 Jan have rows: 7 of the 10 days have none
    assert len(both.empty_days) == 7
    assert both.share("age_band") == pytest.approx(1 / 3)
    assert both.share("time_of_day") == pytest.approx(2 / 3)  # 3 Jan 00:00:00 has no time


def test_coverage_block_by_hand() -> None:
    days = frozenset(
        date(2024, 9, 1).fromordinal(date(2024, 9, 1).toordinal() + i) for i in range(122)
    )
    cov = VictimCoverage(
        sources=("s",), first_day=date(2024, 9, 1), last_day=date(2024, 12, 31), rows=10,
        days_with_rows=days, with_field={"age_band": 0, "time_of_day": 10, "fatal": 10,
                                         "location": 10},
    )  # fmt: skip
    whole_year = PRESETS["trace-500yd"].with_changes(
        since=date(2024, 1, 1), until=date(2024, 12, 31)
    )
    block = coverage_block(whole_year, cov, cov.last_day)
    assert block["answerable"] is True and block["partial"] is True
    assert block["covered"]["days"] == 122 and block["covered"]["text"] == "4 of 12 months"
    assert block["covered"]["share"] == round(122 / 366, 4)
    ages = whole_year.with_changes(ages=("0-19",))
    block = coverage_block(ages, cov, cov.last_day)
    assert block["answerable"] is False and block["partial"] is False
    assert block["missing_fields"] == [{"field": "age_band", "share": 0.0, "needed_by": "ages"}]
    assert block["needs"] == "Needs victims data, with age bands."
    before = whole_year.with_changes(since=date(2020, 1, 1), until=date(2020, 12, 31))
    assert coverage_block(before, cov, cov.last_day)["covered"] is None
    span = (date(2024, 9, 1), date(2025, 1, 5))
    assert period_coverage(date(2024, 1, 1), date(2024, 12, 31), span)["covered_from"] == (
        "2024-09-01"
    )
    assert month_coverage(1, (date(2024, 9, 1), date(2025, 1, 5))) == {
        "covered_days": 5, "months": 1, "partial": True,
    }  # fmt: skip


# ---------------------------------------------------------------------- 2. not answerable
def test_abc7_on_the_real_store_is_not_answerable_not_zero(real: tuple[Store, Settings]) -> None:
    data = json.loads(_cli(real, "exposure", "--preset", "abc7-2024", "--format", "json"))
    assert data["answerable"] is False
    assert data["victims"] is None and data["fatal"] is None
    assert data["incidents"] is None and data["schools"] is None
    assert data["per_school"] == []
    reasons = " ".join(data["reasons"])
    assert "2024-09-01" in reasons and "2026-08-03" in reasons  # the covered dates
    assert "2019-02-01" in reasons and "2024-01-31" in reasons  # the window asked
    assert "age band" in reasons and "0-19" in reasons  # the missing ages
    assert data["coverage"]["missing_fields"][0] == {
        "field": "age_band", "share": 0.0, "needed_by": "ages",
    }  # fmt: skip
    table = _cli(real, "exposure", "--preset", "abc7-2024")
    assert "cannot answer" in table and "0 victims" not in table
    assert "safeschools fetch chicago --dataset victims --since 2019-02-01" in table
    assert "Coverage: the data covers 2024-09-01 to 2026-08-03" in table


def test_a_window_half_inside_the_data_is_partial(real: tuple[Store, Settings]) -> None:
    since, until = HALF
    data = json.loads(
        _cli(real, "exposure", "--preset", "trace-500yd", "--since", since, "--until", until,
             "--format", "json")
    )  # fmt: skip
    assert data["answerable"] is True and data["coverage"]["partial"] is True
    covered = data["coverage"]["covered"]
    assert (covered["since"], covered["until"]) == ("2025-08-04", "2026-08-03")
    assert covered["share"] == pytest.approx(0.5, abs=0.01)
    assert covered["text"] == "12 of 24 months"
    assert data["victims"] > 0
    assert any("Partial" in r for r in data["reasons"])
    table = _cli(real, "exposure", "--preset", "trace-500yd", "--since", since, "--until", until)
    assert "PARTIAL: 2025-08-04 to 2026-08-03, 12 of 24 months" in table


def test_compare_and_sensitivity_carry_answerable(real: tuple[Store, Settings]) -> None:
    report = json.loads(_cli(real, "compare-definitions", "--format", "json"))
    rows = {r["preset"]: r for r in report["definitions"]}
    assert rows["abc7-2024"]["answerable"] is False and rows["abc7-2024"]["victims"] is None
    assert rows["trace-500yd"]["answerable"] is True and rows["trace-500yd"]["victims"] > 0
    flat = list(csv.DictReader(io.StringIO(_cli(real, "compare-definitions", "--format", "csv"))))
    abc7 = next(r for r in flat if r["preset"] == "abc7-2024")
    assert abc7["answerable"] == "False" and abc7["victims"] == "" and "age band" in abc7["reasons"]
    sens = json.loads(_cli(real, "sensitivity", "--preset", "abc7-2024", "--format", "json"))
    assert sens["answerable"] is False
    assert all(row[h] is None for row in sens["radius_by_hours"] for h in sens["hours"])
    sens = json.loads(_cli(real, "sensitivity", "--preset", "trace-500yd", "--format", "json"))
    assert sens["year_coverage"]["2024"]["partial"] is True
    assert sens["year_coverage"]["2025"]["partial"] is False


# ---------------------------------------------------------------------- 3. partial periods
def test_partial_years_and_months_on_the_real_extract(real: tuple[Store, Settings]) -> None:
    data = json.loads(_cli(real, "exposure", "--preset", "trace-500yd", "--format", "json"))
    years = {r["year"]: r for r in data["trends"]["by_year"]}
    assert years[2024]["partial"] is True
    assert (years[2024]["covered_from"], years[2024]["covered_to"]) == ("2024-09-01", "2024-12-31")
    assert years[2025]["partial"] is False and years[2025]["covered_days"] == 365
    assert years[2026]["partial"] is True and years[2026]["covered_to"] == "2026-08-03"
    for row in years.values():  # rates per covered day make the years comparable
        assert row["victims_per_covered_day"] == round(row["victims"] / row["covered_days"], 4)
    months = {r["month"]: r for r in data["trends"]["by_month"]}
    assert months[8]["partial"] is True  # Aug 2026 ends on the 3rd
    assert months[10]["partial"] is False and months[10]["months"] == 2
    split = json.loads(
        _cli(real, "exposure", "--preset", "trace-500yd", "--split-date", "2025-09-01",
             "--format", "json")
    )["before_after"]  # fmt: skip
    assert (split["before"]["covered_from"], split["before"]["covered_to"]) == (
        "2024-09-01", "2025-08-31",
    )  # fmt: skip
    assert (split["after"]["covered_from"], split["after"]["covered_to"]) == (
        "2025-09-01", "2026-08-03",
    )  # fmt: skip


# ---------------------------------------------------------------------- surfaces
def test_api_and_csv_exports(client: TestClient) -> None:
    data = client.get("/api/exposure", params={"preset": "abc7-2024"}).json()
    assert data["answerable"] is False and data["victims"] is None
    assert "2024-09-01" in " ".join(data["reasons"])
    half = client.get(
        "/api/exposure", params={"preset": "trace-500yd", "since": HALF[0], "until": HALF[1]}
    ).json()
    assert half["coverage"]["partial"] is True
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/api/export/exposure.csv", params={"preset": "abc7-2024"}).text)))  # fmt: skip
    assert len(rows) == 652 and all(r["victims"] == "" and r["fatal"] == "" for r in rows)
    sidecar = client.get("/api/export/exposure.json", params={"preset": "abc7-2024"})
    assert sidecar.status_code == 200
    body = sidecar.json()
    assert body["describes"].endswith(".csv") and body["answerable"] is False
    assert body["definition"]["name"] == "abc7-2024" and body["coverage"]["covered"] is None
    compare = client.get("/api/export/compare.json").json()
    assert {d["preset"]: d["answerable"] for d in compare["definitions"]}["abc7-2024"] is False


@pytest.mark.parametrize(
    ("lang", "cannot", "covers", "ages", "partial"),
    [
        ("en", "Cannot be answered with this data.", "The data covers", "victims aged 0-19",
         "Partial: the data covers"),
        ("es", "No se puede responder con estos datos.", "Los datos cubren",
         "víctimas de 0-19 años", "Parcial: los datos cubren"),
    ],
)  # fmt: skip
def test_pages_say_it_cannot_be_answered_next_to_the_headline(
    client: TestClient, lang: str, cannot: str, covers: str, ages: str, partial: str
) -> None:
    overview = client.get("/", params={"preset": "abc7-2024", "lang": lang}).text
    assert cannot in overview and covers in overview and ages in overview
    # next to the headline: before the map
    assert overview.index(cannot) < overview.index('id="map-h"')
    assert 'data-answerable="false"' in overview
    definitions = client.get("/definitions", params={"lang": lang}).text
    assert cannot in definitions and ages in definitions
    school = client.get("/schools/610293", params={"preset": "abc7-2024", "lang": lang}).text
    assert cannot in school and school.index(cannot) < school.index('id="victims-h"')
    report = client.get("/schools/610293/report", params={"preset": "abc7-2024", "lang": lang})
    assert cannot in report.text
    half = client.get(
        "/", params={"preset": "trace-500yd", "since": HALF[0], "until": HALF[1], "lang": lang}
    ).text
    assert partial in half and 'data-partial="true"' in half
    trace = client.get("/", params={"preset": "trace-500yd", "lang": lang}).text
    assert 'class="bar partial"' in trace  # 2024 and 2026 drawn pale


def test_the_pdf_report_says_it_cannot_be_answered(client: TestClient) -> None:
    pdf = client.get("/schools/610293/report.pdf", params={"preset": "abc7-2024", "lang": "en"})
    assert pdf.status_code == 200
    text = " ".join(
        (p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf.content)).pages
    ).replace("\n", " ")
    assert "Cannot be answered with this data." in text
    assert "2024" in text


def test_csv_sidecar_from_the_cli(real: tuple[Store, Settings], tmp_path: Path) -> None:
    sidecar = tmp_path / "abc7.json"
    out = _cli(real, "exposure", "--preset", "abc7-2024", "--format", "csv", "--sidecar",
               str(sidecar))  # fmt: skip
    assert out.startswith("rank,school_id")
    assert json.loads(sidecar.read_text())["answerable"] is False
