"""The equity pages (/schools/{id}/equity, /equity, /evaluation) on the synthetic demo city,
whose discipline figures carry a known effect of removing officers on police notifications."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from helpers.demo_city import DemoCity

from safeschools.app import create_app
from safeschools.metrics.did import ASSUMPTIONS
from safeschools.render.i18n import language
from safeschools.services import equity as service_equity
from safeschools.services.evaluation import LIMITS
from safeschools.settings import Settings
from safeschools.storage import Store

CELL = re.compile(r'<td[^>]*data-cell="([^"]+)" data-status="([^"]+)"[^>]*>(.*?)</td>', re.S)


@pytest.fixture(scope="module")
def client(demo_city: DemoCity) -> Iterator[TestClient]:
    store, settings = demo_city
    with TestClient(create_app(settings, store=store)) as c:
        yield c


def _school_with_hidden_cell(store: Store, settings: Settings) -> str:
    table = service_equity.district_disparity(store, settings=settings)
    for row in table["rows"]:
        if row["school_id"] and any(c["count"]["status"] == "suppressed" for c in row["cells"]):
            return str(row["school_id"])
    raise AssertionError("the demo city has no suppressed cell")


def _count_cells(html: str) -> dict[str, tuple[str, str]]:
    """The first cell of each key: the count (the risk and ratio cells follow it)."""
    cells: dict[str, tuple[str, str]] = {}
    for key, status, body in CELL.findall(html):
        cells.setdefault(key, (status, body))
    return cells


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_school_equity_page_matches_the_service(
    client: TestClient, demo_city: DemoCity, lang: str
) -> None:
    store, settings = demo_city
    school = _school_with_hidden_cell(store, settings)
    data = service_equity.school_equity(store, school, settings=settings)
    r = client.get(f"/schools/{school}/equity?lang={lang}")
    assert r.status_code == 200
    html = r.text
    markers = (
        'id="equity-table"',
        'id="outcomes-table"',
        'id="equity-reference"',
        'id="outcomes-csv"',
        'id="equity-csv"',
        'svg id="outcome-police-notifications"',
    )
    for marker in markers:
        assert marker in html
    cells = _count_cells(html)
    L = language(lang)
    for row in data["rows"]:
        key = f"{school}|{data['school_year']}|students_oss|{row['group']}"
        status, body = cells[key]
        assert status == row["count"]["status"]
        if status == "shown":
            assert L.num(row["count"]["value"]) in body
        elif status == "suppressed":
            word = "suprimido" if lang == "es" else "suppressed"
            assert word in body
            assert not re.search(r"\d", body)
    reference = "todos los demás estudiantes" if lang == "es" else "all other students"
    assert reference in _text(html)
    assert f"{L.num(settings.min_cell_size)}" in _text(html)


def test_hidden_cells_never_show_a_number(client: TestClient) -> None:
    for url in ("/equity", "/equity?dimension=sex", "/schools/900068/equity"):
        html = client.get(url).text
        statuses = [status for _, status, _ in CELL.findall(html)]
        assert "suppressed" in statuses
        for _key, status, body in CELL.findall(html):
            if status != "shown":
                assert not re.search(r"\d", _text(body)), (url, _key, body)


def test_outcomes_mark_the_removal_year(client: TestClient, demo_city: DemoCity) -> None:
    store, _settings = demo_city
    removal = service_equity.removal_years(store)
    school = next(s for s, y in sorted(removal.items()) if y == "2021-22")
    html = client.get(f"/schools/{school}/equity?lang=en").text
    assert "The school removed its officer in 2021-22" in html
    assert 'class="removal"' in html and 'class="shaded"' in html
    assert html.count("<svg") >= 5


@pytest.mark.parametrize("lang", ["en", "es"])
def test_district_table(client: TestClient, demo_city: DemoCity, lang: str) -> None:
    store, settings = demo_city
    table = service_equity.district_disparity(store, settings=settings)
    r = client.get(f"/equity?lang={lang}")
    assert r.status_code == 200
    html = r.text
    assert 'id="disparity-table"' in html and 'id="equity-csv"' in html
    L = language(lang)
    assert f'id="equity-flagged">{L.num(table["flagged"])}<' in html
    assert f'id="equity-identified">{L.num(table["identified"])}<' in html
    assert html.count('<tr class="flagged"') + html.count('<tr class="identified"') == sum(
        1 for row in table["rows"] if row["flagged"] or row["identified"]
    )
    district = next(r for r in table["rows"] if r["school_id"] is None)
    black = next(c for c in district["cells"] if c["group"] == "black")
    cells = _count_cells(html)
    status, body = cells[f"district|{table['school_year']}|students_oss|black"]
    assert status == "shown" and L.num(black["count"]["value"]) in body
    # the district over time: sums of the schools, one chart per outcome
    assert 'id="district-outcomes-table"' in html and 'id="district-outcomes-csv"' in html
    title = "The district over time" if lang == "en" else "El distrito a lo largo del tiempo"
    assert title in html
    pub = service_equity.publication(store, school_year="2021-22", settings=settings)
    police = pub.value(service_equity.DISTRICT, "police_notifications", "all")
    status, body = cells["district|2021-22|police_notifications|all"]
    assert police is not None and status == "shown" and L.num(police) in body


def test_evaluation_shows_the_known_effect(client: TestClient) -> None:
    html = client.get("/evaluation?lang=en").text
    effect = re.search(
        r'id="effect"[^>]*data-estimate="([^"]+)" data-ci-low="([^"]+)" data-ci-high="([^"]+)"',
        html,
    )
    assert effect is not None
    estimate, low, high = (float(x) for x in effect.groups())
    assert estimate < 0 and low < high < 0
    assert "After removing officers, police notifications changed by −" in html
    assert "per 100 students enrolled (95% confidence interval" in html
    assert 'svg id="event-study"' in html and 'class="placebo"' in html
    assert 'id="group-time-table"' in html
    for sentence in (*ASSUMPTIONS, *LIMITS):
        assert sentence.replace("'", "&#39;") in html


def test_evaluation_of_suspensions_covers_zero_and_is_translated(client: TestClient) -> None:
    html = client.get("/evaluation?outcome=suspensions&lang=es").text
    effect = re.search(r'data-ci-low="([^"]+)" data-ci-high="([^"]+)"', html)
    assert effect is not None
    low, high = (float(x) for x in effect.groups())
    assert low < 0 < high
    assert "Tras retirar a los policías escolares, suspensiones cambiaron en" in html
    assert "El intervalo incluye el cero" in html
    L = language("es")
    for sentence in (*ASSUMPTIONS, *LIMITS):
        assert L.text(sentence) != sentence
        assert L.text(sentence).replace("'", "&#39;") in html


def test_school_page_has_the_equity_section(client: TestClient) -> None:
    html = client.get("/schools/900068?lang=es").text
    assert 'id="equity"' in html and 'id="equity-summary"' in html
    assert 'href="/schools/900068/equity"' in html
    nav = client.get("/").text
    assert 'href="/equity"' in nav and 'href="/evaluation"' in nav


def test_report_has_the_equity_section(client: TestClient) -> None:
    for lang, heading, effect in (
        ("en", "Equity and outcomes", "After removing officers, police notifications"),
        ("es", "Equidad y resultados", "Tras retirar a los policías escolares, notificaciones a"),
    ):
        html = client.get(f"/schools/900068/report?lang={lang}").text
        assert 'id="r-equity"' in html and heading in html
        assert 'id="r-equity-table"' in html and 'id="r-outcomes-table"' in html
        assert effect in html
        assert 'id="r-evaluation-limits"' in html
    pdf = client.get("/schools/900068/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_page_errors(client: TestClient) -> None:
    assert client.get("/equity?measure=bogus").status_code == 400
    assert client.get("/equity?dimension=bogus").status_code == 400
    assert client.get("/equity?reference=martian").status_code == 400
    assert client.get("/evaluation?outcome=bogus").status_code == 400
    assert client.get("/schools/nope/equity").status_code == 404
    assert client.get("/equity?year=1990-91").status_code == 404


def test_pages_are_cached(client: TestClient) -> None:
    first = client.get("/equity?lang=en")
    cache = client.app.state.index_cache  # type: ignore[attr-defined]
    keys = [k for k in cache._memo if isinstance(k, tuple) and k[:2] == ("page", "/equity")]
    assert keys
    assert client.get("/equity?lang=en").text == first.text


def test_report_equity_and_evaluation_are_computed_once(client: TestClient) -> None:
    cache = client.app.state.index_cache  # type: ignore[attr-defined]
    first = client.get("/schools/900068/report?lang=en").text
    keys = [k for k in cache._memo if isinstance(k, tuple) and k[:2] == ("report/equity", "900068")]
    assert len(keys) == 1
    kept = cache._memo[keys[0]][1]
    assert kept["evaluation"]["outcome"] == "police_notifications"
    assert client.get("/schools/900068/report?lang=en").text == first
    assert cache._memo[keys[0]][1] is kept  # served from memory, not computed again
    body = client.get("/api/evaluation?outcome=suspensions").content
    assert any(
        isinstance(k, tuple) and k[:2] == ("api/evaluation", "suspensions") for k in cache._memo
    )
    assert client.get("/api/evaluation?outcome=suspensions").content == body


@pytest.mark.parametrize(
    ("lang", "checked", "years", "choice"),
    [
        (
            "en",
            "Checked in the data: no school got an officer back",
            "School years with and without data",
            "Leave them out of the comparison",
        ),
        (
            "es",
            "Comprobado en los datos: ninguna escuela recuperó",
            "Años escolares con y sin datos",
            "Dejarlas fuera de la comparación",
        ),
    ],
)
def test_evaluation_states_its_data_and_the_returning_officers_rule(
    client: TestClient, lang: str, checked: str, years: str, choice: str
) -> None:
    html = client.get(f"/evaluation?lang={lang}").text
    assert checked in html and years in html and choice in html
    assert 'id="evaluation-years-table"' in html and 'name="reversals"' in html
    assert 'data-year-status="used"' in html
    # shootings near: the demo's victims start in 2019, the years before are not loaded
    near = client.get(f"/evaluation?outcome=shootings_near&reversals=first_removal&lang={lang}")
    assert near.status_code == 200
    assert 'data-year-status="not_loaded"' in near.text or 'data-year-status="used"' in near.text
    assert 'value="first_removal" selected' in near.text
