"""/national and /national/claim in a real browser, over the two trackers' real files (read in
place): both languages, a phone-sized window, accessibility (axe-core, WCAG 2.1 AA) and no
request to any other host."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.serving import serving

from browser.support import PHONE, AxeAudit, LiveServer, OpenPage, RequestLog, Shot, goto
from safeschools import services
from safeschools.app import create_app
from safeschools.services import national as service_national
from safeschools.settings import Settings
from safeschools.testing import real_data

pytestmark = pytest.mark.browser

LOCAL_HOST = "127.0.0.1"
PAGES = ("/national", "/national/claim", "/national?place=chicago&by=school-year")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The application over the K-12 School Shooting Database and the Post's file only."""
    folder = tmp_path_factory.mktemp("browser-national")
    settings = Settings(database_url=f"sqlite:///{folder / 'n.db'}", data_dir=folder / "data")
    store = services.open_store_from_settings(settings)
    try:
        for path in (
            real_data("k12-ssdb-chds", "incident.csv"),
            real_data("wapo-school-shootings", "school-shootings-data.csv"),
        ):
            service_national.ingest_school_shootings(store, path, settings=settings)
    finally:
        store.dispose()
    with serving(create_app(settings), host=LOCAL_HOST) as url:
        yield LiveServer(url=url, settings=settings, school_id="", school_name="")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("path", PAGES)
def test_national_pages_fit_a_phone_and_pass_axe(
    open_page: OpenPage, axe_audit: AxeAudit, shot: Shot, path: str, lang: str
) -> None:
    sep = "&" if "?" in path else "?"
    page = open_page(f"{path}{sep}lang={lang}", viewport=PHONE, is_mobile=True, has_touch=True)
    shot(page, f"375px-{lang}")
    assert page.get_attribute("html", "lang") == lang
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"{path} scrolls sideways at 375 px: {widths}"
    bad = [v for v in axe_audit(page) if v.impact in ("serious", "critical")]
    assert not bad, "\n".join(v.describe() for v in bad)


def test_chart_and_table_agree_and_no_other_host(
    open_page: OpenPage, live_server: LiveServer, request_log: RequestLog
) -> None:
    page = open_page("/national?lang=en")
    assert page.locator("svg#national-chart").is_visible()
    assert (
        page.locator("svg#national-chart title", has_text="The Washington Post, 2023: 33").count()
        == 1
    )
    cell = page.locator('#national-table tr[data-period="2023"] td[data-tracker="k12-ssdb"]')
    assert cell.inner_text().strip() == "not covered"
    page.get_by_role("link", name="The claim beside each tracker").click()
    page.wait_for_url("**/national/claim")
    assert "no definition produces it" in page.locator("#claim-verdict").inner_text()
    for path in PAGES:
        goto(page, path)
        page.wait_for_load_state("networkidle")
    assert all(u.startswith(live_server.url) or u.startswith("data:") for u in request_log.urls)
