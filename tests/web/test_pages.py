"""The pages of docs/web.md, in process: the contract's element ids, English and Spanish, the
empty store, no victim's name, nothing from another host."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from web_city import VICTIMS, Pages, missing, parse, select

from safeschools import services
from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store

EVERY_PAGE = ("a.skip-link[href=#main]", "#main", "header", "footer",
              "nav#language a[hreflang=es]", "nav#language a[hreflang=en]")  # fmt: skip
CONTRACT = {
    "/": (
        "form#definition",
        "form#definition select[name=preset]",
        "form#definition input[name=radius]",
        "form#definition button[type=submit]",
        "svg#district-map",
        "table#school-table",
        "section#trends svg.chart",
        "section#caveats",
        "section#vintage",
    ),
    "/schools/1": (
        "h1",
        "svg#school-map circle.radius",
        "table#school-victims",
        "table#presets-side-by-side",
        "section#by-year",
        "section#by-hour",
        "section#officers",
        "section#council-votes",
        "section#funds",
        "section#safety-plan",
        "a#report-pdf[href=/schools/1/report.pdf]",
    ),
    "/schools/1/report": (
        "article#report",
        "section#r-summary",
        "div#r-summary-victims",
        "svg#school-map circle.radius",
        "a#report-pdf[href=/schools/1/report.pdf?paper=letter]",
    ),
    "/definitions": ("table#definitions",),
    "/methodology": ("article#methodology",),
    "/search?q=alpha": ("form#search", "ul#search-results"),
}
#: Words a Spanish page has and an English one has not.
SPANISH = ("Escuelas", "víctimas", "Buscar una escuela", "Cómo contamos")


def _ok(pages: Pages, url: str) -> str:
    response = pages.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code} {response.text[:400]}"
    assert response.headers["content-type"].startswith("text/html")
    return response.text


# ---------------------------------------------------------------------- the contract
def test_every_page_has_the_contract_ids(city: Store, settings: Settings) -> None:
    pages = Pages(create_app(settings, store=city))
    for url, selectors in CONTRACT.items():
        html = _ok(pages, url)
        assert missing(html, *selectors, *EVERY_PAGE) == [], url
        assert re.search(r'<html lang="en">', html), url
    school = parse(_ok(pages, "/schools/1"))
    assert select(school, "h1")[0].all_text().strip() == "Alpha Elementary"


@pytest.mark.parametrize("url", [u for u in CONTRACT if not u.startswith("/schools")])
def test_pages_render_on_an_empty_store(empty_pages: Pages, url: str) -> None:
    html = _ok(empty_pages, url)
    assert missing(html, *CONTRACT[url], *EVERY_PAGE) == []
    if url == "/":
        assert "District staff load the school list" in html
        assert "synthetic-banner" not in html


def test_an_unknown_school_is_a_404_page(pages: Pages) -> None:
    response = pages.get("/schools/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No school with id nope" in response.text
    assert missing(response.text, *EVERY_PAGE) == []


def test_the_overview_shows_the_counts_and_the_ranked_schools(pages: Pages) -> None:
    html = _ok(pages, "/")
    assert f"{VICTIMS:,}" in html
    root = parse(html)
    rows = select(root, "table#school-table tbody tr")
    names = [r.all_text() for r in rows]
    assert "Alpha Elementary" in names[0] and "Bravo High School" in names[1]
    assert len(rows) == 2  # Ñandú has no victim near it; "No location" is not on the map
    links = select(root, "table#school-table a")
    assert links[0].attrs["href"] == "/schools/1"
    marks = select(root, "svg#district-map a")
    assert {m.attrs["href"] for m in marks} == {"/schools/1", "/schools/2", "/schools/3"}
    assert len(select(root, "section#trends svg.chart")) == 3
    assert select(root, "svg#district-map g.areas path"), "the community area is drawn"


def test_the_definition_form_keeps_what_was_asked(pages: Pages) -> None:
    html = _ok(pages, "/?preset=abc7-2024&radius=0.25mi&age=0-19&governance=charter")
    root = parse(html)
    chosen = select(root, "select[name=preset] option[selected]")
    assert [o.attrs["value"] for o in chosen] == ["abc7-2024"]
    assert select(root, "input[name=radius]")[0].attrs["value"] == "0.25mi"
    checked = {(i.attrs["name"], i.attrs["value"]) for i in select(root, "input[checked]")}
    assert checked == {("age", "0-19"), ("governance", "charter")}
    # Only Bravo is a charter school; links from the table keep the definition.
    assert (
        select(root, "table#school-table a")[0]
        .attrs["href"]
        .startswith("/schools/2?preset=abc7-2024&radius=0.25mi")
    )
    for name in ("preset", "radius", "hours", "days", "season", "since", "until", "years",
                 "age", "type", "gunshot_only", "school_year", "governance", "grade"):  # fmt: skip
        assert select(root, f"form#definition [name={name}]"), name


def test_a_definition_that_cannot_be_used_says_why(pages: Pages) -> None:
    response = pages.get("/?radius=ten%20miles")
    assert response.status_code == 200
    assert "This definition cannot be used" in response.text
    assert "is not a length" in response.text


def test_every_form_control_has_a_label(pages: Pages) -> None:
    root = parse(_ok(pages, "/"))
    labelled = {n.attrs.get("for") for n in select(root, "label")}
    for control in select(root, "form#definition select") + select(root, "form#definition input"):
        kind = control.attrs.get("type")
        if kind in ("hidden",):
            continue
        inside_label = any(a.tag == "label" for a in _ancestors(control))
        assert control.attrs.get("id") in labelled or inside_label, control.attrs


def _ancestors(node: object) -> list[object]:
    out = []
    up = getattr(node, "parent", None)
    while up is not None:
        out.append(up)
        up = up.parent
    return out


def test_tables_have_captions_and_header_scopes(pages: Pages) -> None:
    for url in ("/", "/schools/1", "/definitions", "/methodology", "/schools/1/report"):
        root = parse(_ok(pages, url))
        for table in select(root, "table"):
            assert [c for c in table.children if c.tag == "caption"], (url, table.attrs)
            headers = [n for n in table.walk() if n.tag == "th"]
            assert headers and all(th.attrs.get("scope") in ("col", "row") for th in headers), url


def test_headings_go_down_one_level_at_a_time(pages: Pages) -> None:
    for url in ("/", "/schools/1", "/definitions", "/methodology", "/search", "/schools/1/report"):
        levels = [int(n.tag[1]) for n in parse(_ok(pages, url)).walk()
                  if re.fullmatch(r"h[1-6]", n.tag)]  # fmt: skip
        assert levels[0] == 1 and levels.count(1) == 1, url
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (url, levels)


# ---------------------------------------------------------------------- one school
def test_the_school_page_lists_the_victims_and_the_presets(pages: Pages) -> None:
    root = parse(_ok(pages, "/schools/1"))
    rows = select(root, "table#school-victims tbody tr")
    assert len(rows) == 300  # the nearest 300; the count says 1,234
    assert "1,234" in root.all_text()
    presets = select(root, "table#presets-side-by-side tbody tr")
    assert len(presets) == 6
    for sid in ("officers", "council-votes", "funds", "safety-plan"):
        assert "Not recorded yet." in select(root, f"section#{sid}")[0].all_text()
    fatal = select(root, "svg#school-map polygon")
    assert fatal, "fatal victims are drawn as triangles"


def test_a_school_without_coordinates_still_has_its_page(pages: Pages) -> None:
    html = _ok(pages, "/schools/4")
    assert missing(html, *CONTRACT["/schools/1"][1:-1]) == []


def test_search_finds_schools_by_name_id_and_address(pages: Pages) -> None:
    for q, expected in (("alph", "/schools/1"), ("2", "/schools/2"), ("far ave", "/schools/3")):
        root = parse(_ok(pages, f"/search?q={q}"))
        hrefs = [a.attrs["href"] for a in select(root, "ul#search-results a")]
        assert expected in hrefs, (q, hrefs)
    root = parse(_ok(pages, "/search?q=zzz"))
    assert select(root, "ul#search-results li") == []
    assert "0 schools found" in root.all_text()


# ---------------------------------------------------------------------- Spanish
def test_spanish_pages_are_in_spanish(pages: Pages) -> None:
    for url in CONTRACT:
        sep = "&" if "?" in url else "?"
        html = _ok(pages, f"{url}{sep}lang=es")
        assert '<html lang="es">' in html, url
        assert any(word in html for word in SPANISH), url
    overview = _ok(pages, "/?lang=es")
    assert "1.234" in overview and "1,234" not in overview
    assert "Violencia cerca de las escuelas" in overview
    assert "a menos de 500 yardas (457,2 m)" in overview  # the definition, rebuilt in Spanish
    assert "Los lugares son a nivel de cuadra" in overview  # a caveat, translated
    school = _ok(pages, "/schools/1?lang=es")
    assert "Todavía no registrado." in school
    assert re.search(r"\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic) \d{4}", school)


def test_the_language_comes_from_the_query_then_the_cookie_then_the_browser(
    pages: Pages,
) -> None:
    assert '<html lang="es">' in pages.get("/", headers={"Accept-Language": "es-MX,es"}).text
    assert '<html lang="en">' in pages.get("/").text
    response = pages.get("/?lang=es")
    assert response.cookies.get("lang") == "es"
    assert '<html lang="es">' in pages.get("/methodology").text  # remembered
    assert '<html lang="en">' in pages.get("/methodology?lang=en").text
    assert '<html lang="en">' in pages.get("/search").text


def test_the_language_switch_keeps_the_question(pages: Pages) -> None:
    root = parse(_ok(pages, "/schools/1?preset=abc7-2024&age=0-19&age=20-29"))
    es = select(root, "nav#language a[hreflang=es]")[0].attrs["href"]
    assert es == "/schools/1?preset=abc7-2024&age=0-19&age=20-29&lang=es"


def test_caveats_with_numbers_are_translated(pages: Pages) -> None:
    html = _ok(pages, "/?lang=es&age=0-19")
    assert "13 de 1.234 víctimas registradas no tienen grupo de edad" in html


# ---------------------------------------------------------------------- what must never show
def test_no_page_shows_a_victims_name(
    sqlite_only_store: Store, settings: Settings, tmp_path: Path
) -> None:
    from web_city import city_schools

    header = (
        "CASE_NUMBER,DATE,BLOCK,VICTIMIZATION_PRIMARY,INCIDENT_PRIMARY,GUNSHOT_INJURY_I,UNIQUE_ID,"
        "ZIP_CODE,WARD,COMMUNITY_AREA,AGE,SEX,RACE,HOUR,LATITUDE,LONGITUDE,"
        "HOMICIDE_VICTIM_FIRST_NAME,HOMICIDE_VICTIM_MI,HOMICIDE_VICTIM_LAST_NAME"
    )
    rows = [
        "JZ100001,01/31/2024 02:05:00 PM,0 W ALPHA ST,HOMICIDE,HOMICIDE,YES,HOM-JZ100001-#1,"
        "60609,3,TESTVILLE,0-19,M,BLK,14,41.8005,-87.7001,ZEPHYRINA,Q,QUILLBOTTOM",
        "JZ100002,02/01/2024 09:15:00 AM,0 W ALPHA ST,BATTERY,BATTERY,YES,SHOOT-JZ100002-#1,"
        "60609,3,TESTVILLE,20-29,F,WHI,9,41.8003,-87.7002,,,",
    ]
    csv = tmp_path / "victims.csv"
    csv.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    from safeschools.testing import load_records

    load_records(sqlite_only_store, settings, schools=city_schools())
    report = services.ingest_file(sqlite_only_store, "victims", csv, settings=settings)
    assert report.record is not None and report.record.accepted == 2
    pages = Pages(create_app(settings, store=sqlite_only_store))
    for url in (*CONTRACT, "/?lang=es", "/schools/1?lang=es", "/schools/1/report?preset=abc7-2024"):
        html = _ok(pages, url)
        assert "ZEPHYRINA" not in html.upper() and "QUILLBOTTOM" not in html.upper(), url
    assert "2 victims within" in _ok(pages, "/schools/1?lang=en")  # the summary card


def test_no_page_loads_anything_from_another_host(pages: Pages) -> None:
    for url in CONTRACT:
        root = parse(_ok(pages, url))
        for node in root.walk():
            for attr in ("src", "href", "action", "xlink:href", "data"):
                value = node.attrs.get(attr, "")
                assert not re.match(r"^(https?:)?//", value), (url, node.tag, attr, value)
        html = _ok(pages, url)
        assert "@import" not in html and "url(http" not in html


def test_the_stylesheet_loads_nothing_from_elsewhere(pages: Pages) -> None:
    response = pages.get("/static/site.css")
    assert response.status_code == 200
    assert "http" not in response.text and "@import" not in response.text
    assert "@media print" in response.text and "@page" in response.text


# ---------------------------------------------------------------------- methodology
def test_the_methodology_page_is_the_methodology_document(pages: Pages) -> None:
    from safeschools.render.methodology import CONTENT

    docs = Path(__file__).resolve().parents[2] / "docs" / "methodology" / "exposure.md"
    packaged = CONTENT / "methodology.en.md"

    def headings(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith("#")]

    # The page is the reference's text for people: the same sections, without the command
    # line's flags and settings (docs/methodology/exposure.md keeps those for analysts).
    assert headings(packaged.read_text(encoding="utf-8")) == headings(
        docs.read_text(encoding="utf-8")
    ), "update safeschools/render/content/methodology.en.md (and .es.md) with the docs"
    spanish = (CONTENT / "methodology.es.md").read_text(encoding="utf-8")
    english = packaged.read_text(encoding="utf-8")
    assert spanish.count("\n#") == english.count("\n#")  # the same sections
    root = parse(_ok(pages, "/methodology?lang=es"))
    article = select(root, "article#methodology")[0]
    assert article.attrs["lang"] == "es"
    assert "Metodología: violencia cerca de las escuelas" in article.all_text()
    assert len(select(root, "article#methodology table caption")) == 2
