"""The pages of docs/web.md in a real browser: the definition form, a school from the ranked
table, Spanish, the print view, a phone-sized window, accessibility (axe-core, WCAG 2.1 AA) and
no request to any other host. Screenshots of each step go to artifacts/screenshots/."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

from browser.support import (
    PHONE,
    SCREENSHOTS,
    AxeAudit,
    LiveServer,
    OpenPage,
    RequestLog,
    Shot,
    assert_has,
    goto,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

#: Words that show a page is in Spanish (and that an English page would not use).
SPANISH = re.compile(
    r"\b(escuelas?|víctimas?|definición|definiciones|metodología|cerca|año)\b", re.I
)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _api_json(page: Page, path: str) -> Any:
    response = page.request.get(path)
    assert response.ok, f"GET {path} answered {response.status}: {response.text()[:300]}"
    return response.json()


def _figures(n: int) -> set[str]:
    """How a whole number may be written on a page (1234, 1,234, 1.234, 1 234)."""
    return {str(n), f"{n:,}", f"{n:,}".replace(",", "."), f"{n:,}".replace(",", "\u00a0")}


# ---------------------------------------------------------------------- overview and form
def test_overview_has_its_parts(open_page: OpenPage, shot: Shot) -> None:
    page = open_page("/")
    shot(page, "overview")
    assert_has(
        page,
        "form#definition",
        "form#definition select[name=preset]",
        "form#definition [name=radius]",
        "form#definition button[type=submit]",
        "svg#district-map",
        "table#school-table",
        "section#trends svg.chart",
        "section#caveats",
        "section#vintage",
        "header",
        "footer",
        "a.skip-link[href='#main']",
        "#main",
        "nav#language a[hreflang=es]",
        "nav#language a[hreflang=en]",
    )
    assert page.get_attribute("html", "lang") == "en"


def test_changing_the_definition_changes_the_numbers_and_the_url(
    open_page: OpenPage, shot: Shot
) -> None:
    page = open_page("/")
    before_table = page.inner_text("table#school-table")
    shot(page, "default-definition")

    form = page.locator("form#definition")
    preset = form.locator("select[name=preset]")
    current = preset.input_value()
    choices = [
        v
        for v in preset.locator("option").evaluate_all("os => os.map(o => o.value)")
        if v and v != current
    ]
    assert choices, "select[name=preset] offers no other preset"
    chosen = choices[0]
    preset.select_option(chosen)
    radius = form.locator("[name=radius]").first
    if radius.evaluate("e => e.tagName") == "SELECT":
        values = radius.locator("option").evaluate_all("os => os.map(o => o.value)")
        new_radius = next(v for v in reversed(values) if v and v != radius.input_value())
        radius.select_option(new_radius)
    else:
        new_radius = "0.25mi"
        radius.fill(new_radius)
    shot(page, "form-filled")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    shot(page, "after-submit")

    query = _query(page.url)
    assert query.get("preset") == [chosen], f"preset not in the URL: {page.url}"
    assert query.get("radius") == [new_radius], f"radius not in the URL: {page.url}"
    assert page.locator("select[name=preset]").input_value() == chosen, "the form forgot preset"
    assert page.locator("form#definition [name=radius]").first.input_value() == new_radius
    after_table = page.inner_text("table#school-table")
    assert after_table != before_table, "the ranked table did not change with the definition"

    # The page shows the same total the API gives for the same definition.
    api = _api_json(page, "/api/exposure?" + urlsplit(page.url).query)
    victims = int(api["victims"])
    main = page.inner_text("#main")
    assert any(f in main for f in _figures(victims)), (
        f"the API counts {victims} victims for {page.url}, the page does not show that number"
    )


def test_open_a_school_from_the_ranked_table(open_page: OpenPage, shot: Shot) -> None:
    page = open_page("/")
    link = page.locator("table#school-table a[href*='/schools/']").first
    assert link.count() == 1, "table#school-table has no link to a school page"
    name = link.inner_text().strip()
    with page.expect_navigation():
        link.click()
    shot(page, "school")
    assert re.search(r"/schools/[^/?#]+", page.url), page.url
    heading = page.inner_text("h1").strip()
    assert name and (name in heading or heading in name), f"link {name!r} led to h1 {heading!r}"
    assert_has(
        page,
        "svg#school-map circle.radius",
        "table#school-victims",
        "table#presets-side-by-side",
        "section#by-year",
        "section#by-hour",
        "section#officers",
        "section#council-votes",
        "section#funds",
        "section#safety-plan",
        "a#report-pdf",
        "header",
        "footer",
        "a.skip-link[href='#main']",
    )
    href = page.get_attribute("a#report-pdf", "href") or ""
    assert re.search(r"/schools/[^/]+/report\.pdf", href), href


def test_school_report_pdf_is_a_pdf(open_page: OpenPage, live_server: LiveServer) -> None:
    page = open_page(f"/schools/{live_server.school_id}")
    href = page.get_attribute("a#report-pdf", "href")
    assert href
    response = page.request.get(href)
    assert response.status == 200, response.text()[:300]
    assert response.headers["content-type"].startswith("application/pdf")
    body = response.body()
    assert body.startswith(b"%PDF"), body[:40]
    (SCREENSHOTS / "test_school_report_pdf_is_a_pdf--report.pdf").write_bytes(body)


# ---------------------------------------------------------------------- language
def test_switch_to_spanish_and_it_is_remembered(open_page: OpenPage, shot: Shot) -> None:
    page = open_page("/")
    assert page.get_attribute("html", "lang") == "en"
    with page.expect_navigation():
        page.locator("nav#language a[hreflang=es]").first.click()
    shot(page, "spanish-overview")
    assert page.get_attribute("html", "lang") == "es"
    text = page.inner_text("body")
    assert SPANISH.search(text), f"no Spanish words on the Spanish page: {text[:300]!r}"
    assert page.locator("nav#language a[hreflang=en]").count() >= 1

    goto(page, "/methodology")  # no lang in the URL: the cookie remembers it
    shot(page, "spanish-methodology")
    assert page.get_attribute("html", "lang") == "es"
    with page.expect_navigation():
        page.locator("nav#language a[hreflang=en]").first.click()
    assert page.get_attribute("html", "lang") == "en"


# ---------------------------------------------------------------------- print
@pytest.mark.parametrize("which", ["overview", "school"])
def test_print_view_hides_navigation_and_forms(
    open_page: OpenPage, live_server: LiveServer, shot: Shot, which: str
) -> None:
    page = open_page(live_server.pages()[which])
    page.emulate_media(media="print")
    shot(page, "print-media")
    page.pdf(path=str(SCREENSHOTS / f"test_print_view_{which}--print.pdf"), format="Letter")
    for selector in ("nav", "form"):
        shown = [
            el.evaluate("e => e.outerHTML.slice(0, 120)")
            for el in page.query_selector_all(selector)
            if el.is_visible()
        ]
        assert not shown, f"{selector} is visible in print: {shown}"
    assert page.locator("h1").first.is_visible()


def test_printable_report_page(open_page: OpenPage, live_server: LiveServer, shot: Shot) -> None:
    page = open_page(f"/schools/{live_server.school_id}/report")
    page.emulate_media(media="print")
    shot(page, "report-print")
    assert page.locator("article#report").is_visible()
    assert live_server.school_name in page.inner_text("article#report")


# ---------------------------------------------------------------------- equity
@pytest.mark.parametrize(("lang", "hidden_word"), [("en", "suppressed"), ("es", "suprimido")])
def test_equity_pages_have_their_parts(
    open_page: OpenPage, live_server: LiveServer, shot: Shot, lang: str, hidden_word: str
) -> None:
    page = open_page(f"/equity?lang={lang}")
    shot(page, "district-disparity")
    assert_has(page, "form#equity-form", "table#disparity-table", "a#equity-csv")
    assert page.get_attribute("html", "lang") == lang
    hidden = page.locator("table#disparity-table td[data-status=suppressed]")
    assert hidden.count() > 0, "the demo city's district table shows no suppressed cell"
    assert hidden.first.inner_text().strip() == hidden_word
    api = _api_json(page, "/api/equity")
    assert int(page.inner_text("#equity-flagged").split()[0]) == api["flagged"]

    page = open_page(f"{live_server.pages()['school-equity']}?lang={lang}")
    shot(page, "school-equity")
    assert_has(page, "table#equity-table", "table#outcomes-table", "svg.chart[role=img] > title")
    assert live_server.school_name in page.inner_text("h1")

    page = open_page(f"/evaluation?lang={lang}")
    shot(page, "evaluation")
    assert_has(
        page,
        "#effect",
        "svg#event-study[role=img] > title",
        "table#event-study-table",
        "table#cohorts-table",
        "#evaluation-assumptions li",
        "#evaluation-limits li",
    )
    evaluation = _api_json(page, "/api/evaluation")
    assert page.locator("table#cohorts-table tbody tr").count() == len(evaluation["cohorts"])


# ---------------------------------------------------------------------- phone
@pytest.mark.parametrize(
    "which",
    ["overview", "school", "definitions", "methodology", "equity", "school-equity", "evaluation"],
)
def test_phone_width_has_no_horizontal_scroll(
    open_page: OpenPage, live_server: LiveServer, shot: Shot, which: str
) -> None:
    page = open_page(live_server.pages()[which], viewport=PHONE, is_mobile=True, has_touch=True)
    shot(page, "375px")
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    if widths["scroll"] > widths["inner"]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => !e.closest('[style*=overflow], .table-wrap, .scroll'))
                .slice(0, 8)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                          + (e.className && typeof e.className === 'string'
                             ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                          + ' right=' + Math.round(e.getBoundingClientRect().right))"""
        )
        pytest.fail(
            f"{which} scrolls sideways at 375 px: scrollWidth {widths['scroll']} > "
            f"innerWidth {widths['inner']}; wider elements: {wide}",
            pytrace=False,
        )


# ---------------------------------------------------------------------- accessibility
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(
    "which",
    ["overview", "school", "definitions", "methodology", "equity", "school-equity", "evaluation"],
)
def test_no_serious_accessibility_violations(
    open_page: OpenPage,
    live_server: LiveServer,
    axe_audit: AxeAudit,
    shot: Shot,
    which: str,
    lang: str,
) -> None:
    page = open_page(f"{live_server.pages()[which]}?lang={lang}")
    shot(page, "audited")
    assert page.get_attribute("html", "lang") == lang
    violations = axe_audit(page)
    bad = [v for v in violations if v.impact in ("serious", "critical")]
    minor = [v for v in violations if v not in bad]
    if minor:
        print(f"axe: {len(minor)} minor/moderate finding(s) on {page.url}:")
        for v in minor:
            print(v.describe())
    assert not bad, (
        f"axe-core (WCAG 2.1 AA) found {len(bad)} serious or critical violation(s) on "
        f"{page.url}:\n" + "\n".join(v.describe() for v in bad)
    )


# ---------------------------------------------------------------------- no other host
def test_pages_ask_no_other_host(
    open_page: OpenPage, live_server: LiveServer, request_log: RequestLog
) -> None:
    page = open_page()
    for path in [*live_server.pages().values(), "/search?q=a", "/?lang=es"]:
        goto(page, path)
        page.wait_for_load_state("networkidle")
    assert request_log.urls, "no request was recorded"
    assert all(u.startswith(live_server.url) or u.startswith("data:") for u in request_log.urls)
    assert not request_log.foreign(), request_log.foreign()
