"""The search page and the API's search, in English and Spanish, on a store built from the
real files: ZIP codes, corners with distances in words, community areas, and what to try when
nothing is found."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from helpers.real_city import build_real_city
from web_city import Pages, parse, select

from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Pages, TestClient]]:
    store, settings = build_real_city(tmp_path_factory.mktemp("real-pages"))
    application = create_app(settings, store=store)
    with TestClient(application) as client:
        yield Pages(application), client
    store.dispose()


def _page(pages: Pages, query: str, lang: str = "en") -> str:
    response = pages.get(f"/search?q={quote(query)}&lang={lang}")
    assert response.status_code == 200
    return response.text


def _results(html: str) -> list[tuple[str, str]]:
    """(school page, how it was found) of every result."""
    root = parse(html)
    out = []
    for li in select(root, "ul#search-results li"):
        link = next(n for n in li.walk() if n.tag == "a")
        match = [n.all_text().strip() for n in li.walk() if "match" in n.attrs.get("class", "")]
        out.append((link.attrs["href"], match[0] if match else ""))
    return out


def test_a_zip_code_lists_its_schools(app: tuple[Pages, TestClient]) -> None:
    pages, _ = app
    html = _page(pages, "60624")
    results = _results(html)
    assert len(results) == 20
    assert all(how == "in ZIP code 60624" for _href, how in results)
    assert "ZIP code 60624: 20 schools, nearest its middle first." in html
    spanish = _page(pages, "60624", "es")
    assert "Código postal 60624: 20 escuelas, primero las más cercanas a su centro." in spanish
    assert "en el código postal 60624" in spanish


@pytest.mark.parametrize(
    ("lang", "reading", "first"),
    [
        ("en", "The corner of Pulaski Rd &amp; Madison St (ZIP code 60624): the 10 nearest schools",
         "0.14 mi (230 m) from Pulaski Rd & Madison St"),
        ("es", "La esquina de Pulaski Rd &amp; Madison St (código postal 60624): las 10 escuelas",
         "a 0,14 millas (230 m) de Pulaski Rd & Madison St"),
    ],
)  # fmt: skip
def test_a_corner_lists_the_nearest_schools_with_distances_in_words(
    app: tuple[Pages, TestClient], lang: str, reading: str, first: str
) -> None:
    pages, _ = app
    html = _page(pages, "Pulaski & Madison", lang)
    assert reading in html
    results = _results(html)
    assert len(results) == 10 and results[0] == ("/schools/610293", first)  # Melody


def test_a_community_area_and_a_name_in_one_query(app: tuple[Pages, TestClient]) -> None:
    pages, _ = app
    html = _page(pages, "Austin")
    assert "The community area Austin:" in html
    assert "A name, id or address with “Austin”: 4 schools." in html
    hows = [how for _href, how in _results(html)]
    assert "in Austin" in hows and "" in hows  # area and name matches
    assert "El área comunitaria Austin:" in _page(pages, "Austin", "es")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_nothing_found_says_so_and_suggests_what_works(
    app: tuple[Pages, TestClient], lang: str
) -> None:
    pages, _ = app
    html = _page(pages, "zzzz qqqq", lang)
    root = parse(html)
    assert select(root, "ul#search-results li") == []
    (help_box,) = select(root, "div#search-help")
    text = help_box.all_text()
    assert ("No school matches" if lang == "en" else "Ninguna escuela coincide") in text
    links = [a.attrs["href"] for a in select(root, "div#search-help a")]
    assert len(links) == 4  # a name, a ZIP code, a community area, an intersection
    for href in links:
        assert _results(pages.get(href).text), href


def test_the_api_reads_the_query_the_same_way(app: tuple[Pages, TestClient]) -> None:
    _, client = app
    data = client.get("/api/schools", params={"q": "Pulaski & Madison"}).json()
    assert data["count"] == 10 and data["read_as"][0]["kind"] == "intersection"
    assert data["read_as"][0]["place"]["zip_code"] == "60624"
    first = data["schools"][0]
    assert first["name"] == "MELODY" and first["matched_by"] == "near"
    assert first["distance_m"] == pytest.approx(230.3, abs=0.5)
    zip_code = client.get("/api/schools", params={"q": "60624"}).json()
    assert zip_code["count"] == 20 and {s["zip_code"] for s in zip_code["schools"]} == {"60624"}
    nothing = client.get("/api/schools", params={"q": "zzzz"}).json()
    assert nothing["count"] == 0 and nothing["read_as"] == []
    assert set(nothing["examples"]) == {"name", "zip", "community_area", "intersection"}


def test_an_empty_store_answers_the_search_page(sqlite_only_store: Store) -> None:
    pages = Pages(create_app(Settings(database_url="sqlite://"), store=sqlite_only_store))
    response = pages.get("/search?q=60624")
    assert response.status_code == 200
    assert "0 schools found" in response.text
    assert select(parse(response.text), "ul#search-results li") == []
