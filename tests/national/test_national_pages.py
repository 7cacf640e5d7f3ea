"""/national and /national/claim in both languages, the API and the CSV, on the real files (read
in place): every figure names its definition, every page and export shows the licenses."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from safeschools.app import create_app
from safeschools.services import national as service
from safeschools.settings import Settings
from safeschools.testing import real_data, sqlite_store

SSDB = real_data("k12-ssdb-chds", "incident.csv")
WAPO = real_data("wapo-school-shootings", "school-shootings-data.csv")
POST_LICENSE = "CC BY-NC-SA 4.0"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("national-pages")
    settings = Settings(database_url=f"sqlite:///{folder / 'n.db'}", data_dir=folder / "data")
    store = sqlite_store(folder / "n.db")
    for path in (SSDB, WAPO):
        service.ingest_school_shootings(store, path, settings=settings)
    with TestClient(create_app(settings, store=store)) as c:
        yield c
    store.dispose()


@pytest.fixture
def empty_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'e.db'}", data_dir=tmp_path / "d")
    store = sqlite_store(tmp_path / "e.db")
    with TestClient(create_app(settings, store=store)) as c:
        yield c
    store.dispose()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("School shootings nationwide", "not covered", "Approximated:", "partial")),
        ("es", ("Tiroteos escolares en todo el país", "sin cobertura", "Aproximada:", "parcial")),
    ],
)
def test_national_page_in_both_languages(
    client: TestClient, lang: str, words: tuple[str, ...]
) -> None:
    page = client.get(f"/national?lang={lang}")
    assert page.status_code == 200
    html = page.text
    for word in words:
        assert word in html
    assert '<svg id="national-chart"' in html and 'role="img"' in html
    assert 'href="/national" aria-current="page"' in html  # linked in the navigation
    assert POST_LICENSE in html and "Riedman" in html  # both licenses
    assert 'data-period="2023"' in html
    row_2023 = html.split('<tr data-period="2023">', 1)[1].split("</tr>", 1)[0]
    assert 'data-tracker="k12-ssdb">' + ("not covered" if lang == "en" else "sin cobertura") in (
        row_2023.replace('num not-recorded" ', "")
    )
    assert 'data-tracker="wapo">33 ' in row_2023
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # nothing fetched
    if lang == "es":
        assert "Cada vez que se dispara o se exhibe un arma" in html


def test_national_page_for_chicago_by_school_year_and_officers(client: TestClient) -> None:
    html = client.get("/national?place=chicago&by=school-year").text
    assert 'href="/national?by=school-year&amp;place=chicago" aria-current="true"' in html
    row = html.split('<tr data-period="2021-22">', 1)[1].split("</tr>", 1)[0]
    assert 'data-tracker="wapo">3 ' in row
    assert 'id="national-officers-table"' in html


def test_claim_page_says_no_definition_produces_it(client: TestClient) -> None:
    for lang, verdict, uncovered in (
        (
            "en",
            "no definition produces it",
            "2023: not covered (the loaded file ends Jun 20, 2022)",
        ),
        ("es", "ninguna definición lo produce", "2023: sin cobertura"),
    ):
        html = client.get(f"/national/claim?lang={lang}").text
        assert verdict in html and uncovered in html
        assert POST_LICENSE in html and "Riedman" in html
        wapo = html.split('<tr data-tracker="wapo" data-by="year">', 1)[1].split("</tr>", 1)[0]
        assert "2008: 9" in wapo and "2023: 33" in wapo
    section = client.get("/national?lang=en").text
    assert "no definition produces it on the loaded files" in section
    assert 'href="/national/claim"' in section


def test_empty_store_says_unknown_not_zero(empty_client: TestClient) -> None:
    html = empty_client.get("/national").text
    assert "unknown, not 0" in html and "Not loaded." in html
    assert empty_client.get("/national/claim").status_code == 200
    body = empty_client.get("/api/national?tracker=wapo").json()
    assert body["trackers"][0]["rows"] == [] and body["trackers"][0]["covered_to"] is None


def test_api_national_names_definition_coverage_and_license(client: TestClient) -> None:
    body = client.get("/api/national?tracker=wapo&by=year&state=IL").json()
    (wapo,) = body["trackers"]
    assert wapo["state"] == "IL" and wapo["license"].startswith(POST_LICENSE)
    assert wapo["definition"]["parameters"]["hours"] == "school-hours"
    assert wapo["definition"]["es"] and wapo["definition"]["approximated"] is None
    assert sum(r["incidents"] for r in wapo["rows"]) == 17
    every = client.get("/api/national?by=school-year").json()["trackers"]
    assert [t["tracker"] for t in every] == ["k12-ssdb", "wapo", "edweek", "everytown", "nces"]
    edweek = every[2]
    assert edweek["definition"]["approximated"]["en"].startswith("Counted on the K-12")
    assert edweek["covered_to"] == "2022-06-20"
    assert client.get("/api/national?tracker=gva").status_code == 422
    assert client.get("/api/national?state=Gondor").status_code == 400
    claim = client.get("/api/national/claim").json()
    assert claim["claim"] == [{"year": 2008, "count": 18}, {"year": 2023, "count": 82}]
    assert not any(c["produces_claim"] for c in claim["checks"])


def test_csv_export_carries_the_license_on_every_row(client: TestClient) -> None:
    got = client.get("/api/national.csv?tracker=wapo&by=year&state=IL&city=Chicago")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "national-wapo-year-IL-chicago.csv" in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert sum(int(r["incidents"]) for r in rows) == 8
    assert {r["license"] for r in rows} == {"CC BY-NC-SA 4.0 (The Washington Post)"}
    ssdb = list(csv.DictReader(io.StringIO(client.get("/api/national.csv").text)))
    assert ssdb[-1]["period"] == "2022" and ssdb[-1]["partial"] == "True"
    assert all("Riedman" in r["license"] for r in ssdb)


def test_counts_are_computed_once_per_import(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}", data_dir=tmp_path / "d")
    store = sqlite_store(tmp_path / "c.db")
    service.ingest_school_shootings(store, WAPO, settings=settings)
    first = service.national_overview(store)
    assert service.national_overview(store) is first  # no new import: the same answer
    service.ingest_school_shootings(store, SSDB, settings=settings)
    second = service.national_overview(store)
    assert second is not first and second.loaded == ["k12-ssdb", "wapo"]
    store.dispose()


def test_a_page_asked_again_comes_from_the_response_cache(client: TestClient) -> None:
    client.get("/national/claim")
    again = client.get("/national/claim")
    assert again.headers.get("x-cache") == "hit"
