"""The report for a meeting, read back from the PDF: US Letter by default and A4 on request,
2 to 4 pages for one school (on the demo city and on a store built from the real files, in
English and Spanish), no text past the right margin, no heading left alone at the bottom of a
page, the demo banner on every page of a demo report and on none of a real one, and the summary
first: its parts on page 1."""

from __future__ import annotations

import io
import sqlite3
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from helpers.demo_city import DemoCity
from helpers.meeting_school import record_meeting_school
from helpers.pdf_text import MM, text_runs
from pypdf import PdfReader

from safeschools import exposure, reports, services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.errors import ConfigError
from safeschools.proximity.params import DEFAULT_PRESET
from safeschools.proximity.presets import PRESETS
from safeschools.render.i18n import language
from safeschools.reports.school import MARGINS_MM
from safeschools.services import evaluation as service_evaluation
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_real_files, sqlite_store

pytestmark = pytest.mark.slow

DEMO_SCHOOL = "900068"  # the demo high school with officers, discipline and an evaluation
REAL_SCHOOL = "609713"  # Hyde Park Academy: officer decisions of 2020 to 2024
LETTER = (612.0, 792.0)
A4 = (595.28, 841.89)
BANNER = {"en": "Demo data: every school and every victim", "es": "Datos de demostración:"}
H2_PT = 10.5  # report.css: the size of a section heading in print


# ---------------------------------------------------------------------- the stores
@pytest.fixture(scope="module")
def demo_full(demo_city: DemoCity, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The demo city with one school's council votes, fund share and safety plan added."""
    folder = tmp_path_factory.mktemp("meeting-demo")
    source = demo_city.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(source) as src, sqlite3.connect(folder / "demo.db") as dst:
        src.backup(dst)
    store = sqlite_store(folder / "demo.db")
    record_meeting_school(store, demo_city.settings, DEMO_SCHOOL, school_year="2024-25")
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def real_full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Settings]]:
    """The real files read in place: school profiles, the 2024-26 victims, community areas,
    the compiled officer decisions, the misconduct report and the 2022-23 demographics; and one
    school's council votes, fund share and safety plan recorded as the site would."""
    folder = tmp_path_factory.mktemp("meeting-real")
    settings = Settings(database_url=f"sqlite:///{folder / 'real.db'}", data_dir=folder / "d")
    store = sqlite_store(folder / "real.db")
    load_real_files(store, settings)
    record_meeting_school(store, settings, REAL_SCHOOL, school_year="2024-25")
    yield store, settings
    store.dispose()


def _profile(store: Store, settings: Settings, school_id: str, preset: str) -> dict[str, Any]:
    index = services.exposure_index(store, settings=settings)
    return services.school_profile(
        store, school_id, PRESETS[preset], settings=settings, index=index
    )


def _pdf(
    store: Store,
    settings: Settings,
    school_id: str,
    lang: str,
    *,
    paper: str | None = None,
    preset: str = DEFAULT_PRESET,
) -> bytes:
    """The report as the site makes it: profile, map layers and the equity section."""
    index = services.exposure_index(store, settings=settings)
    equity = service_evaluation.school_equity_report(
        store, school_id, settings=settings, index=index
    )
    options = {} if paper is None else {"paper": paper}
    return reports.school_report_pdf(
        _profile(store, settings, school_id, preset),
        lang=lang,
        layers=services.map_layers(store),
        equity=equity,
        **options,
    )


@pytest.fixture(scope="module")
def pdfs(
    demo_full: Store, demo_city: DemoCity, real_full: tuple[Store, Settings]
) -> dict[tuple[str, str], bytes]:
    """Every report the tests read, made once: the demo school, the real school with its
    votes, and the real school with the most victims near it, in both languages."""
    real, settings = real_full
    index = services.exposure_index(real, settings=settings)
    top = index.query(PRESETS[DEFAULT_PRESET]).per_school[0]["school_id"]
    made = {}
    for lang in ("en", "es"):
        made["demo", lang] = _pdf(demo_full, demo_city.settings, DEMO_SCHOOL, lang)
        made["real", lang] = _pdf(real, settings, REAL_SCHOOL, lang)
        made["real-top", lang] = _pdf(real, settings, top, lang)
    return made


def _pages(pdf: bytes) -> list[Any]:
    assert pdf.startswith(b"%PDF")
    return list(PdfReader(io.BytesIO(pdf)).pages)


def _text(page: Any) -> str:
    return " ".join((page.extract_text() or "").split())


def _size(page: Any) -> tuple[float, float]:
    return round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)


CASES = [(city, lang) for city in ("demo", "real", "real-top") for lang in ("en", "es")]


# ---------------------------------------------------------------------- pages and margins
def _check_layout(pages: list[Any], size: tuple[float, float]) -> None:
    top, right, bottom, left = (m * MM for m in MARGINS_MM)
    width, height = size
    for number, page in enumerate(pages, start=1):
        assert _size(page) == size, number
        runs = [r for r in text_runs(page) if r.glyphs]
        assert runs, f"page {number} has no text"
        past = [r for r in runs if r.x1 > width - right + 0.5 or r.x0 < left - 0.5]
        assert not past, f"page {number}: text past the margins at x={[round(r.x1) for r in past]}"
        # a section heading has text of its section under it on the same page
        body = [r for r in runs if bottom + 1 < r.y < height - top - 1]
        for heading in (r for r in body if abs(r.size - H2_PT) < 0.05):
            below = [r for r in body if r.y < heading.y - 1]
            assert below, f"page {number}: a heading is the last thing on the page"


@pytest.mark.parametrize(("city", "lang"), CASES)
def test_letter_2_to_4_pages_nothing_past_the_margin(
    pdfs: dict[tuple[str, str], bytes], city: str, lang: str
) -> None:
    pages = _pages(pdfs[city, lang])
    assert 2 <= len(pages) <= 4, len(pages)
    _check_layout(pages, LETTER)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a4_on_request(demo_full: Store, demo_city: DemoCity, lang: str) -> None:
    pages = _pages(_pdf(demo_full, demo_city.settings, DEMO_SCHOOL, lang, paper="a4"))
    assert 2 <= len(pages) <= 4, len(pages)
    _check_layout(pages, A4)


def test_a_paper_size_not_known_is_refused(demo_full: Store, demo_city: DemoCity) -> None:
    with pytest.raises(ConfigError, match="use letter or a4"):
        _pdf(demo_full, demo_city.settings, DEMO_SCHOOL, "en", paper="legal")


def test_the_layout_check_sees_a_table_past_the_margin(
    demo_full: Store, demo_city: DemoCity
) -> None:
    """The margin check above fails on a report whose table is wider than the page."""
    html = reports.school_report_html(
        _profile(demo_full, demo_city.settings, DEMO_SCHOOL, DEFAULT_PRESET),
        lang="es",
        static=reports.school.STATIC.as_uri() + "/",
    )
    wide = html.replace("</style>", "#report table { width: 160%; table-layout: auto; }</style>")
    with pytest.raises(AssertionError, match="past the margins"):
        _check_layout(_pages(reports.pdf_from_html(wide)), LETTER)


# ---------------------------------------------------------------------- the demo banner
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_demo_banner_is_on_every_page_of_a_demo_report_only(
    pdfs: dict[tuple[str, str], bytes], lang: str
) -> None:
    demo = _pages(pdfs["demo", lang])
    assert all(BANNER[lang] in _text(page) for page in demo)
    for city in ("real", "real-top"):
        for page in _pages(pdfs[city, lang]):
            assert not any(b in _text(page) for b in BANNER.values())
            assert "Do not quote" not in _text(page) and "No cite" not in _text(page)


# ---------------------------------------------------------------------- the summary first
def _district_median(store: Store, settings: Settings) -> float:
    """The median of victims per school over every school of the list (0 for a school without
    victims), from the exposure result's ranking."""
    result = exposure(store, DEFAULT_PRESET, settings=settings)
    counts = [row["victims"] for row in result.per_school]
    counts += [0] * (result.schools_considered - len(counts))
    return float(statistics.median(counts))


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Summary", "Period the data covers", "Victims near the school",
                "School resource officers", "Decisions on officers and votes",
                "Funds for alternatives", "Safety plan", "2023-24: 1 officer",
                "2022-23: 1 officer", "2021-22: 2 officers", "Keep one officer: Passed",
                "Keep one officer: Invalid: no quorum", "share $500,000.00",
                "Social worker × 1", "Mentoring × 2", "School year 2024-25: Approved"]),
        ("es", ["Resumen", "Periodo que cubren los datos", "Víctimas cerca de la escuela",
                "Policías escolares (SRO)", "Decisiones sobre los policías escolares y votaciones",
                "Fondos para alternativas", "Plan de seguridad", "2023-24: 1 policía escolar",
                "2021-22: 2 policías escolares", "Keep one officer: Aprobada",
                "Keep one officer: No válida: sin quórum", "parte $500.000,00",
                "Trabajador(a) social × 1", "Mentoría × 2", "Año escolar 2024-25: Aprobado"]),
    ],
)  # fmt: skip
def test_the_summary_is_on_page_1(
    pdfs: dict[tuple[str, str], bytes],
    demo_full: Store,
    demo_city: DemoCity,
    lang: str,
    words: list[str],
) -> None:
    settings = demo_city.settings
    profile = _profile(demo_full, settings, DEMO_SCHOOL, DEFAULT_PRESET)
    L = language(lang)
    first = _text(_pages(pdfs["demo", lang])[0])
    for piece in words:
        assert piece in first, piece
    data = profile["exposure"]["coverage"]["data"]
    assert L.date(data["first_day"]) in first and L.date(data["last_day"]) in first
    victims = profile["exposure"]["victims"]
    assert victims and f"{L.num(victims)} {'victims' if lang == 'en' else 'víctimas'}" in first
    rank = {"en": "Rank %s of the %s schools", "es": "Puesto %s de las %s escuelas"}[lang]
    assert rank % (L.num(profile["rank"]), L.num(profile["schools_ranked"])) in first
    median = _district_median(demo_full, settings)
    assert profile["district_median"] == median
    shown = L.num(median) if median.is_integer() else L.num(median, 1)
    sentence = {"en": "Median of the district's schools: %s.",
                "es": "Mediana de las escuelas del distrito: %s."}[lang]  # fmt: skip
    assert sentence % shown in first


def test_what_the_data_cannot_answer_is_said_not_0(real_full: tuple[Store, Settings]) -> None:
    """ABC7's definition counts victims aged 0-19; the real extract has no ages."""
    store, settings = real_full
    pages = _pages(_pdf(store, settings, REAL_SCHOOL, "en", preset="abc7-2024"))
    assert 2 <= len(pages) <= 4
    first = _text(pages[0])
    assert "Cannot be answered with this data." in first
    assert "victims within" not in first and "Rank " not in first and "Median" not in first


# ---------------------------------------------------------------------- CLI, site, setting
def test_the_command_line_prints_on_a4_when_asked(demo_city: DemoCity, tmp_path: Path) -> None:
    url = demo_city.settings.database_url
    out = tmp_path / "r.pdf"
    args = ["--database-url", url, "report", DEMO_SCHOOL, "--pdf", str(out)]
    letter = CliRunner().invoke(cli, args)
    assert letter.exit_code == 0, letter.output
    assert "US Letter" in letter.output and _size(_pages(out.read_bytes())[0]) == LETTER
    a4 = CliRunner().invoke(cli, [*args, "--paper", "A4"])
    assert a4.exit_code == 0, a4.output
    assert _size(_pages(out.read_bytes())[0]) == A4
    by_setting = CliRunner().invoke(cli, args, env={"SAFESCHOOLS_REPORT_PAPER": "a4"})
    assert by_setting.exit_code == 0, by_setting.output
    assert _size(_pages(out.read_bytes())[0]) == A4
    wrong = CliRunner().invoke(cli, [*args, "--paper", "legal"])
    assert wrong.exit_code == 2 and "letter" in wrong.output


def test_the_site_serves_letter_a4_and_the_setting(demo_city: DemoCity) -> None:
    store, settings = demo_city
    with TestClient(create_app(settings, store=store)) as client:
        url = f"/schools/{DEMO_SCHOOL}/report.pdf"
        letter = client.get(url)
        assert letter.status_code == 200 and _size(_pages(letter.content)[0]) == LETTER
        assert client.get(url).content == letter.content  # made once, then served again
        cache = client.app.state.index_cache  # type: ignore[attr-defined]
        assert any(isinstance(k, tuple) and k[0] == "report.pdf" for k in cache._memo)
        a4 = client.get(url, params={"paper": "a4", "lang": "es"})
        assert a4.status_code == 200 and _size(_pages(a4.content)[0]) == A4
        wrong = client.get(url, params={"paper": "legal"})
        assert wrong.status_code == 400 and "use letter or a4" in wrong.text
        page = client.get(f"/schools/{DEMO_SCHOOL}/report", params={"paper": "a4"}).text
        assert "size: A4" in page and 'report.pdf?paper=a4"' in page
    a4_site = Settings(database_url=settings.database_url, report_paper="a4")
    with TestClient(create_app(a4_site, store=store)) as client:
        served = client.get(f"/schools/{DEMO_SCHOOL}/report.pdf")
        assert _size(_pages(served.content)[0]) == A4
