"""The incidents recorded by schools on the pages: a school's section and /incidents, in English
and Spanish, with both caveats; small counts hidden in numbers and in words (table cells, the
chart's titles and description, every attribute); nothing per incident; "nothing recorded" said
as unknown, never as 0."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers.incident_rates_city import load

from safeschools.app import create_app
from safeschools.services import incident_rates as service
from safeschools.settings import Settings
from safeschools.testing import sqlite_store

NOW = datetime(2026, 11, 15, 12, 0)
CELL = re.compile(r'<td class="num" data-status="(\w+)">(.*?)</td>', re.S)
CAVEATS = {
    "en": ("a rise can mean better recording", "for reasons other than behaviour"),
    "es": ("un mejor registro", "razones distintas de la conducta"),
}


def _client(tmp_path: Path, min_cell: int) -> Iterator[tuple[TestClient, Settings]]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'pages.db'}",
        data_dir=tmp_path / "data",
        min_cell_size=min_cell,
    )
    store = sqlite_store(tmp_path / "pages.db")
    load(store, settings)
    with TestClient(create_app(settings, store=store, clock=lambda: NOW)) as client:
        yield client, settings
    store.dispose()


@pytest.fixture
def open_city(tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    yield from _client(tmp_path, 1)


@pytest.fixture
def small_city(tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    yield from _client(tmp_path, 5)


def _section(html: str) -> str:
    start = html.index('<section id="incidents"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_school_section_in_both_languages(
    open_city: tuple[TestClient, Settings], lang: str
) -> None:
    client, _ = open_city
    html = client.get(f"/schools/700001?lang={lang}").text
    section = _section(html)
    for caveat in CAVEATS[lang]:
        assert caveat in section
    heading = (
        "Incidentes registrados por la escuela"
        if lang == "es"
        else "Incidents recorded by the school"
    )
    assert heading in section
    assert 'id="incidents-chart"' in section and 'id="incidents-months"' in section
    table = section[section.index('id="incidents-months"') :].split("</table>")[0]
    months = re.findall(r'<tr data-period="([\d-]+)">', table)
    assert months == ["2026-09", "2026-10", "2026-11"]
    assert ("parcial" if lang == "es" else "partial") in section  # November is under way
    # September: 6 fights, 5 bullying, 11 in all; the shares of the school year
    september = section[section.index('data-period="2026-09"') :].split("</tr>")[0]
    assert [body for _, body in CELL.findall(september)][:1] == ["6"]
    assert "67 %" in section  # 4 of 6 fights restorative
    assert "STAFF-ONLY-NOTE" not in html and "AGREEMENT-TEXT" not in html


@pytest.mark.parametrize("lang", ["en", "es"])
def test_district_page_in_both_languages(open_city: tuple[TestClient, Settings], lang: str) -> None:
    client, _ = open_city
    response = client.get(f"/incidents?lang={lang}")
    assert response.status_code == 200
    html = response.text
    assert '<a href="/incidents" aria-current="page">' in html  # in the site's navigation
    for caveat in CAVEATS[lang]:
        assert caveat in html
    assert 'id="district-incidents-chart"' in html and 'id="district-incidents-rates"' in html
    schools = re.findall(r'<tr data-school="(\d+)">', html)
    assert schools == ["700001", "700002"]  # Cedar records nothing: not a row of zeros
    assert "STAFF-ONLY-NOTE" not in html and "AGREEMENT-TEXT" not in html


def test_nothing_recorded_is_unknown_not_zero(open_city: tuple[TestClient, Settings]) -> None:
    client, _ = open_city
    section = _section(client.get("/schools/700003").text)
    assert 'id="incidents-nothing"' in section and "unknown, not 0" in section
    assert 'id="incidents-months"' not in section and not CELL.findall(section.split("<h3")[0])
    es = _section(client.get("/schools/700003?lang=es").text)
    assert "desconocidas, no 0" in es


class _Words(HTMLParser):
    """Every text and attribute value of a page, with the element it belongs to."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend(v for _, v in attrs if v)

    def handle_data(self, data: str) -> None:
        self.found.append(data)


def test_small_counts_are_hidden_in_numbers_and_words(
    small_city: tuple[TestClient, Settings],
) -> None:
    client, settings = small_city
    data = service.monthly(
        client.app.state.store,
        settings=settings,
        school_id="700001",  # type: ignore[attr-defined]
        today=NOW.date(),
    )
    hidden_months = [
        r["period"] for r in data["series"] if r["counts"]["total"]["status"] == "suppressed"
    ]
    assert hidden_months == ["2026-09", "2026-11"]
    for lang, word, months in (
        ("en", "suppressed", ("Sep 2026", "Nov 2026")),
        ("es", "suprimido", ("sept 2026", "nov 2026")),
    ):
        html = client.get(f"/schools/700001?lang={lang}").text
        section = _section(html)
        statuses = [status for status, _ in CELL.findall(section)]
        assert "suppressed" in statuses
        for status, body in CELL.findall(section):
            if status == "suppressed":
                assert word in body and not re.search(r"\d", body), body
            if status == "shown" and "%" not in body:
                assert not 0 < int(body.replace(",", "")) < 5, body
        parser = _Words()
        parser.feed(section)
        for text in parser.found:  # titles, descriptions, aria-labels, captions: no hidden count
            for month in months:
                if month in text and ":" in text:
                    assert not re.search(r":\s*\d", text), text
        # the chart has no bar for a hidden month, and its description says why
        chart = section[section.index('<svg id="incidents-chart"') : section.index("</svg>")]
        assert chart.count('<rect class="bar') == 0  # Oct is 0, Sep and Nov hidden
        assert word in chart


def test_the_page_is_kept_until_the_data_change(open_city: tuple[TestClient, Settings]) -> None:
    client, _ = open_city
    first = client.get("/incidents").text
    assert client.get("/incidents").text == first


def test_every_category_has_words_in_both_languages() -> None:
    from safeschools.model.incidents import CATEGORIES
    from safeschools.proximity.at_school import CATEGORIES as POLICE_CATEGORIES
    from safeschools.render.i18n import language
    from safeschools.render.words import word

    for kind, codes in (
        ("incident_category", CATEGORIES),
        ("police_at_school_category", POLICE_CATEGORIES),
    ):
        for code in codes:
            en, es = word(language("en"), kind, code), word(language("es"), kind, code)
            assert en != code.replace("_", " ") or kind == "police_at_school_category", code
            assert es not in (en, code), (kind, code)
