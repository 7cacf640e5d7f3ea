"""Street maps and search in a real browser, at 1280 and 375 px, in English and Spanish, on the
demo city and on a store built from the real files: streets drawn and named, no two labels
overlapping (the boxes Chromium draws), every label box at least as wide as its text, a tap
within 11 px of a mark going to the nearest mark, the search by corner, ZIP code and area;
axe-core clean. Screenshots of each step go to artifacts/screenshots/."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from helpers.real_city import build_real_city
from helpers.serving import serving
from shapely.geometry import Polygon

from browser.support import (
    DESKTOP,
    LOCAL_HOST,
    PHONE,
    AxeAudit,
    LiveServer,
    OpenPage,
    Shot,
    goto,
)
from safeschools import services
from safeschools.render.labels import text_width
from safeschools.testing import real_data

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

MELODY = "610293"  # the school nearest Pulaski & Madison
VIEWPORTS = {"1280": DESKTOP, "375": PHONE}
#: Every label drawn on a map, halos aside.
LABELS = "text:not(.halo)"


# ---------------------------------------------------------------------- the real-files server
@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The application on the 2024-25 schools, community areas, streets and the 2024 victims."""
    from safeschools.app import create_app

    store, settings = build_real_city(tmp_path_factory.mktemp("browser-real"))
    victims = real_data(
        "chicago-victims-homicides-nonfatal-shootings-2024-2026",
        "chicago_shootings_enriched_2024.csv",
    )
    services.ingest_file(store, "victims", victims, settings=settings)
    store.dispose()
    with serving(create_app(settings), host=LOCAL_HOST) as url:
        yield url


def _open(open_page: OpenPage, path: str, width: str, base_url: str | None = None) -> Page:
    options: dict[str, Any] = {"viewport": VIEWPORTS[width]}
    if width == "375":
        options.update(is_mobile=True, has_touch=True)
    if base_url is not None:
        options["base_url"] = base_url
    page = open_page(**options)
    goto(page, path)
    page.locator("svg.map, form#search").first.wait_for()
    return page


# ---------------------------------------------------------------------- checks in the page
def _label_boxes(page: Page, svg: str) -> list[dict[str, Any]]:
    """Every label's box as Chromium draws it: corners on the screen, text, width in units."""
    result: list[dict[str, Any]] = page.evaluate(
        """([svg, labels]) => [...document.querySelectorAll(svg + ' ' + labels)].map(t => {
            const b = t.getBBox(), m = t.getScreenCTM();
            const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height],
                             [b.x, b.y + b.height]]
                .map(([x, y]) => { const p = new DOMPoint(x, y).matrixTransform(m);
                                   return [p.x, p.y]; });
            return {text: t.textContent, css: t.getAttribute('class') || '', corners,
                    width: b.width, size: parseFloat(t.getAttribute('font-size') || '0')};
        })""",
        [svg, LABELS],
    )
    return result


def _check_labels(page: Page, svg: str) -> list[dict[str, Any]]:
    boxes = _label_boxes(page, svg)
    for box in boxes:
        if box["css"] in ("street-label", "area-label", "mark-label", "map-note"):
            # the server's estimate of the text's width is never smaller than the text
            assert box["width"] <= text_width(box["text"], box["size"]) + 0.01, box
    polygons = [(b["css"], b["text"], Polygon(b["corners"])) for b in boxes]
    for i, (c1, t1, p1) in enumerate(polygons):
        for c2, t2, p2 in polygons[i + 1 :]:
            overlap = p1.intersection(p2).area
            assert overlap < 0.5, f"{c1} {t1!r} overlaps {c2} {t2!r} by {overlap:.1f} px²"
    return boxes


def _check_taps(page: Page, svg: str, *, most: int = 60) -> None:
    """A tap 11 px from a mark (inside the 24 px tap area) goes to that mark or to one at
    least as near: tried in 8 directions around up to ``most`` marks."""
    marks: list[dict[str, Any]] = page.evaluate(
        """(svg) => [...document.querySelectorAll(svg + ' g.marks > a')].map(a => {
            const r = a.firstElementChild.getBoundingClientRect();
            return {href: a.getAttribute('href'), x: r.x + r.width / 2 + window.scrollX,
                    y: r.y + r.height / 2 + window.scrollY};
        })""",
        svg,
    )
    assert marks, f"{svg} has no linked marks"
    for mark in marks[:: max(1, len(marks) // most)]:
        probes: list[dict[str, Any]] = page.evaluate(
            """([svg, x, y]) => {
                window.scrollTo(0, y - window.innerHeight / 2);
                const top = window.scrollY, left = window.scrollX;
                return [0, 1, 2, 3, 4, 5, 6, 7].map(k => {
                    const px = x + 11 * Math.cos(k * Math.PI / 4);
                    const py = y + 11 * Math.sin(k * Math.PI / 4);
                    const hit = document.elementFromPoint(px - left, py - top);
                    const a = hit && hit.closest(svg + ' a');
                    return {px, py, href: a ? a.getAttribute('href') : null};
                });
            }""",
            [svg, mark["x"], mark["y"]],
        )
        for probe in probes:
            assert probe["href"] is not None, f"a tap 11 px from {mark['href']} hits no mark"
            near = min(math.hypot(m["x"] - probe["px"], m["y"] - probe["py"]) for m in marks)
            taken = min(
                math.hypot(m["x"] - probe["px"], m["y"] - probe["py"])
                for m in marks
                if m["href"] == probe["href"]
            )
            assert taken <= near + 2.0, f"a tap near {mark['href']} went to {probe['href']}"


def _check_axe(page: Page, axe_audit: AxeAudit) -> None:
    violations = axe_audit(page)
    assert not violations, "axe-core found:\n" + "\n".join(v.describe() for v in violations)


# ---------------------------------------------------------------------- the demo city
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("width", ["1280", "375"])
def test_a_schools_map_shows_named_streets_and_marks_to_tap(
    open_page: OpenPage, live_server: LiveServer, axe_audit: AxeAudit, shot: Shot,
    width: str, lang: str,
) -> None:  # fmt: skip
    page = _open(open_page, f"/schools/{live_server.school_id}?radius=0.5mi&lang={lang}", width)
    page.locator("svg#school-map").scroll_into_view_if_needed()
    shot(page, f"school-map-{width}-{lang}", full_page=False)
    assert page.locator("svg#school-map g.streets path").count() >= 1
    names = [b["text"] for b in _check_labels(page, "svg#school-map") if b["css"] == "street-label"]
    assert names and all(n.startswith("Demo ") for n in names), names
    if page.locator("svg#school-map g.marks > a").count():
        _check_taps(page, "svg#school-map")
    legend = page.inner_text("ul.legend")
    assert any(ch.isdigit() for ch in legend), legend  # the legend gives the numbers
    _check_axe(page, axe_audit)


@pytest.mark.parametrize("width", ["1280", "375"])
def test_the_city_map_has_major_streets_and_a_tap_area_for_every_school(
    open_page: OpenPage, axe_audit: AxeAudit, shot: Shot, width: str
) -> None:
    page = _open(open_page, "/", width)
    page.locator("svg#district-map").scroll_into_view_if_needed()
    shot(page, f"city-map-{width}", full_page=False)
    assert page.locator("svg#district-map g.streets path.major").count() == 1
    _check_labels(page, "svg#district-map")
    if width == "375":
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('svg#district-map g.hits circle')]
                .map(c => c.getBoundingClientRect().width)"""
        )
        assert sizes and min(sizes) >= 23.5, min(sizes)  # 24 px across on a phone
        _check_taps(page, "svg#district-map")
    _check_axe(page, axe_audit)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("width", ["1280", "375"])
def test_search_by_corner_area_and_what_to_try(
    open_page: OpenPage, axe_audit: AxeAudit, shot: Shot, width: str, lang: str
) -> None:
    page = _open(open_page, f"/search?lang={lang}", width)
    page.locator("input#q").fill("Demo 5th St & Demo 3rd Ave")
    with page.expect_navigation():
        page.locator("form#search button[type=submit]").click()
    page.locator("ul#search-results li").first.wait_for()
    shot(page, f"search-corner-{width}-{lang}")
    assert page.locator("ul#search-results li").count() == 10
    first = page.inner_text("ul#search-results li .match")
    assert ("from Demo 5th St" if lang == "en" else "de Demo 5th St") in first
    _check_axe(page, axe_audit)
    goto(page, f"/search?q={quote('nothing like this')}&lang={lang}")
    help_box = page.locator("div#search-help")
    help_box.wait_for()
    shot(page, f"search-nothing-{width}-{lang}")
    with page.expect_navigation():
        help_box.locator("a").last.click()  # the example intersection
    page.locator("ul#search-results li").first.wait_for()
    _check_axe(page, axe_audit)


# ---------------------------------------------------------------------- the real files
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("width", ["1280", "375"])
def test_real_files_school_map_and_search(
    open_page: OpenPage, real_server: str, axe_audit: AxeAudit, shot: Shot,
    width: str, lang: str,
) -> None:  # fmt: skip
    page = _open(open_page, f"/schools/{MELODY}?radius=0.25mi&lang={lang}", width, real_server)
    page.locator("svg#school-map").scroll_into_view_if_needed()
    shot(page, f"real-school-map-{width}-{lang}", full_page=False)
    names = [b["text"] for b in _check_labels(page, "svg#school-map") if b["css"] == "street-label"]
    assert "Pulaski Rd" in names or "Madison St" in names, names
    if page.locator("svg#school-map g.marks > a").count():
        _check_taps(page, "svg#school-map")
    _check_axe(page, axe_audit)
    for query, expected in (("Pulaski & Madison", 10), ("60624", 20), ("Austin", 26)):
        goto(page, f"/search?q={quote(query)}&lang={lang}")
        page.locator("ul#search-results li").first.wait_for()
        assert page.locator("ul#search-results li").count() == expected, query
    shot(page, f"real-search-austin-{width}-{lang}")
    _check_axe(page, axe_audit)
    goto(page, f"/?lang={lang}")
    page.locator("svg#district-map").wait_for()
    _check_labels(page, "svg#district-map")
    if width == "375":
        _check_taps(page, "svg#district-map", most=40)
    shot(page, f"real-city-map-{width}-{lang}", full_page=False)
