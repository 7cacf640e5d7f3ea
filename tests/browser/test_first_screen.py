"""What a person sees first, in real Chromium at 1280 and 375 px, in English and Spanish, on the
demo city and on a store built from the real files: a school's page opens with its summary card
(visible without scrolling), the overview with its headline and the definition form; axe-core
finds nothing serious; /docs and /redoc render offline (every request goes to 127.0.0.1).
Screenshots of each first screen go to artifacts/screenshots/."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from browser.support import (
    DESKTOP,
    PHONE,
    AxeAudit,
    LiveServer,
    OpenPage,
    RequestLog,
    Shot,
    goto,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

VIEWPORTS = {"1280": DESKTOP, "375": PHONE}
#: The card's heading in each language.
AT_A_GLANCE = {"en": "This school at a glance", "es": "Esta escuela de un vistazo"}


def _open(open_page: OpenPage, server: LiveServer, path: str, width: str, lang: str) -> Page:
    options = {"viewport": VIEWPORTS[width], "base_url": server.url}
    if width == "375":
        options.update(is_mobile=True, has_touch=True)
    page = open_page(**options)
    goto(page, f"{path}{'&' if '?' in path else '?'}lang={lang}")
    return page


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not laid out on {page.url}"
    return box


def _no_serious_violations(page: Page, axe_audit: AxeAudit) -> None:
    bad = [v for v in axe_audit(page) if v.impact in ("serious", "critical")]
    assert not bad, f"axe-core on {page.url}:\n" + "\n".join(v.describe() for v in bad)


def _check_school_first_screen(page: Page, width: str, lang: str) -> None:
    card = page.locator("section#summary")
    card.wait_for(state="visible")
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("section#summary h2").inner_text().strip() == AT_A_GLANCE[lang]
    height = VIEWPORTS[width]["height"]
    first = page.evaluate("() => document.querySelector('main section').id")
    assert first == "summary", "the card is the first section of the page"
    top = _box(page, "section#summary")["y"]
    victims = _box(page, "#summary-victims")
    assert top < (height / 2 if width == "1280" else height * 0.6), (
        f"the card starts at {top:.0f} px on a {height} px screen"
    )
    assert victims["y"] + 60 < height, "the victims near the school are on the first screen"
    if width == "1280":
        bottom = top + _box(page, "section#summary")["height"]
        assert bottom <= height, f"the whole card is on the first screen (ends at {bottom:.0f})"
    no_scroll = page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert no_scroll, "the page scrolls sideways"


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("width", ["1280", "375"])
def test_school_page_opens_with_its_card(
    open_page: OpenPage,
    live_server: LiveServer,
    axe_audit: AxeAudit,
    shot: Shot,
    width: str,
    lang: str,
) -> None:
    page = _open(open_page, live_server, f"/schools/{live_server.school_id}", width, lang)
    _check_school_first_screen(page, width, lang)
    shot(page, f"first-screen-{width}-{lang}", full_page=False)
    _no_serious_violations(page, axe_audit)
    timeline = page.locator("section#timeline")
    timeline.scroll_into_view_if_needed()
    assert timeline.is_visible()


def _check_overview_top(page: Page, width: str) -> None:
    form = page.locator("form#definition")
    form.wait_for(state="visible")
    height = VIEWPORTS[width]["height"]
    headline = _box(page, "p.lede")["y"]
    form_top = _box(page, "form#definition")["y"]
    assert headline + 60 < (height / 2 if width == "1280" else height), (
        f"the headline starts at {headline:.0f} px"
    )
    limit = height if width == "1280" else 2 * height
    assert form_top < limit, f"the form starts at {form_top:.0f} px (limit {limit})"
    assert form_top < _box(page, "svg#district-map")["y"], "the form comes before the map"


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("width", ["1280", "375"])
def test_overview_opens_with_the_headline_and_the_form(
    open_page: OpenPage,
    live_server: LiveServer,
    axe_audit: AxeAudit,
    shot: Shot,
    width: str,
    lang: str,
) -> None:
    page = _open(open_page, live_server, "/", width, lang)
    _check_overview_top(page, width)
    shot(page, f"overview-first-screen-{width}-{lang}", full_page=False)
    _no_serious_violations(page, axe_audit)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("width", ["1280", "375"])
def test_real_data_school_and_overview(
    open_page: OpenPage,
    real_live_server: LiveServer,
    axe_audit: AxeAudit,
    shot: Shot,
    width: str,
    lang: str,
) -> None:
    server = real_live_server
    page = _open(open_page, server, f"/schools/{server.school_id}", width, lang)
    _check_school_first_screen(page, width, lang)
    assert page.locator("#summary-decisions").get_attribute("data-recorded") == "true", (
        "the school's council decisions on officers (cps-sro-decisions) are in its card"
    )
    assert server.school_name in page.inner_text("h1")
    shot(page, f"real-school-{width}-{lang}", full_page=False)
    _no_serious_violations(page, axe_audit)
    page = _open(open_page, server, "/", width, lang)
    _check_overview_top(page, width)
    shot(page, f"real-overview-{width}-{lang}", full_page=False)
    _no_serious_violations(page, axe_audit)


def test_sign_in_link_in_the_header(
    open_page: OpenPage, live_server: LiveServer, shot: Shot
) -> None:
    page = open_page(f"/schools/{live_server.school_id}")
    link = page.locator("nav#account a#signin-link")
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/signin?next=%2Fschools%2F{live_server.school_id}"), page.url
    assert page.locator("form#signin").is_visible()
    shot(page, "signin-from-header")


#: Each docs page and an element that exists only once its script has drawn the API.
DOCS = [("/docs", ".swagger-ui .info .title"), ("/redoc", ".api-content h1")]


@pytest.mark.parametrize(("path", "ready"), DOCS)
def test_api_docs_render_offline(
    open_page: OpenPage,
    live_server: LiveServer,
    request_log: RequestLog,
    shot: Shot,
    path: str,
    ready: str,
) -> None:
    page = open_page(path)
    page.locator(ready).first.wait_for(state="visible")
    assert "safeschools" in page.inner_text("body")
    shot(page, "rendered", full_page=False)
    assert request_log.urls, "no request recorded"
    assert not request_log.foreign(), request_log.foreign()
