"""Browser tests: the real application, served by uvicorn on 127.0.0.1, driven by Playwright in
Debian's headless Chromium.

- ``live_server`` (session): a store in a temporary SQLite file with the synthetic demo city and
  the CPS school calendars, behind ``safeschools.app.create_app`` on a free port, in a thread.
- ``real_live_server`` (session): the same on a store built from the real files (2024-25
  school profiles, the victims extract, the officer decisions); open its pages with
  ``open_page(path, base_url=real_live_server.url)``.
- ``browser`` (module): Chromium from ``SAFESCHOOLS_BROWSER`` (default ``/usr/bin/chromium``),
  started with the flags this machine's closed network needs.
- ``open_page``: a new page (own context: cookies, viewport, locale) whose every request is
  recorded; after the test, any request to a host other than 127.0.0.1 is an error.
- ``shot``: saves a screenshot of a step as ``artifacts/screenshots/<test>--NN-<step>.png``.
- ``axe_audit``: runs axe-core (from ``node_modules``, installed by ``make install``) with the
  WCAG 2.1 A/AA rules.

Locally a missing Chromium or axe-core skips these tests with the reason; in CI (``CI=true``)
it is an error, never a skip.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from helpers.serving import serving

from browser.support import (
    AXE_JS,
    BROWSER_PATH,
    CHROMIUM_ARGS,
    DESKTOP,
    LOCAL_HOST,
    SCREENSHOTS,
    WCAG_TAGS,
    AxeAudit,
    AxeViolation,
    LiveServer,
    OpenPage,
    RequestLog,
    Shot,
    goto,
    missing,
)
from safeschools import services
from safeschools.app import create_app
from safeschools.services import officers as service_officers
from safeschools.settings import Settings
from safeschools.testing import real_data

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page


# ---------------------------------------------------------------------- the application
@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real application over the demo city and the calendars, on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("browser-app")
    settings = Settings(database_url=f"sqlite:///{folder / 'app.db'}", data_dir=folder / "data")
    store = services.open_store_from_settings(settings)
    try:
        services.load_demo_city(store, settings=settings)
        services.ingest_file(
            store, "calendars", real_data("cps-calendars", "calendars.csv"), settings=settings
        )
        schools = services.list_schools(store)
        latest = max(s.school_year for s in schools)
        school = next(s for s in schools if s.school_year == latest)
    finally:
        store.dispose()

    with serving(create_app(settings), host=LOCAL_HOST) as url:
        _first_visit(url, ["/", f"/schools/{school.school_id}"])
        yield LiveServer(
            url=url, settings=settings, school_id=school.school_id, school_name=school.name
        )


#: The real files the real-data server is built from (read in place, never copied).
REAL_PROFILES = (
    "cps-school-profiles",
    "Chicago_Public_Schools_-_School_Profile_Information_SY2425.csv",
)
REAL_VICTIMS = "chicago-victims-homicides-nonfatal-shootings-2024-2026"
REAL_DECISIONS = ("cps-sro-decisions", "sro_decisions.csv")


@pytest.fixture(scope="session")
def real_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The application over a store built from the real files: the CPS 2024-25 school
    profiles, the 2024-26 victims extract and the officer decisions (cps-sro-decisions). Its
    school is the first one, by id, whose council decisions on officers are recorded."""
    folder = tmp_path_factory.mktemp("browser-real")
    settings = Settings(database_url=f"sqlite:///{folder / 'real.db'}", data_dir=folder / "data")
    store = services.open_store_from_settings(settings)
    try:
        services.ingest_file(store, "schools", real_data(*REAL_PROFILES), settings=settings)
        for path in sorted(real_data(REAL_VICTIMS).glob("*.csv")):
            services.ingest_file(store, "victims", path, settings=settings)
        service_officers.ingest_officers_file(store, real_data(*REAL_DECISIONS), settings=settings)
        names = {s.school_id: s.name for s in services.list_schools(store)}
        decided = sorted({d.school_id for d in store.sro_decisions() if d.school_id in names})
        school_id = decided[0]
    finally:
        store.dispose()
    with serving(create_app(settings), host=LOCAL_HOST) as url:
        _first_visit(url, ["/", f"/schools/{school_id}"])
        yield LiveServer(
            url=url, settings=settings, school_id=school_id, school_name=names[school_id]
        )


def _first_visit(url: str, paths: list[str]) -> None:
    """Ask for each page once before the tests do: the first school page after start computes
    the discipline publications behind its equity section (issue 12, item 8, makes that fast
    at start-up); the tests check what a visitor sees once the server is ready."""
    import httpx

    with httpx.Client(base_url=url, timeout=300) as client:
        for path in paths:
            assert client.get(path).status_code == 200, path


# ---------------------------------------------------------------------- screenshots
def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Shot:
    """``shot(page, step, full_page=True)``: a screenshot of this step of this test."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = _slug(request.node.name)
    for old in SCREENSHOTS.glob(f"{name}--*.png"):
        old.unlink()
    counter = iter(range(1, 1000))

    def take(page: Page, step: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}--{next(counter):02d}-{_slug(step)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


# ---------------------------------------------------------------------- the browser
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright.

    Module-scoped on purpose: Playwright's sync API keeps an asyncio loop running in the main
    thread while it is started, which breaks ``asyncio.run`` in any other test that the same
    xdist worker runs in between; pytest stops it before moving to another module.
    """
    if not BROWSER_PATH.is_file():
        missing(
            f"No Chromium at {BROWSER_PATH}: apt-get install -y chromium "
            "(or set SAFESCHOOLS_BROWSER to a Chromium binary)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed: make install")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(BROWSER_PATH), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def request_log() -> RequestLog:
    """The URLs every page of this test asked for."""
    return RequestLog()


@pytest.fixture
def open_page(
    browser: Browser,
    live_server: LiveServer,
    request_log: RequestLog,
    shot: Shot,
    request: pytest.FixtureRequest,
) -> Iterator[OpenPage]:
    """``open_page(path=None, **context_options)``: a new page in a context of its own.

    Context options are Playwright's (``viewport``, ``locale``, ...); the default is a desktop
    window in US English, Chicago time. With ``path``, the page opens it and the answer must be
    200. When the test fails, the state of every page is kept as a screenshot; after any test, a
    request to any host other than 127.0.0.1 is an error.
    """
    contexts: list[BrowserContext] = []
    pages: list[Page] = []

    def make(path: str | None = None, **options: Any) -> Page:
        context = browser.new_context(
            **{
                "base_url": live_server.url,
                "viewport": DESKTOP,
                "locale": "en-US",
                "timezone_id": "America/Chicago",
                **options,
            }
        )
        context.set_default_timeout(15_000)
        context.on("request", lambda r: request_log.urls.append(r.url))
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        if path is not None:
            goto(page, path)
        return page

    yield make
    report = request.node.stash.get(CALL_REPORT, None)
    if report is None or report.failed:
        for page in pages:
            if not page.is_closed() and page.url.startswith("http"):
                shot(page, "at-failure")
    for context in contexts:
        context.close()
    foreign = request_log.foreign()
    assert not foreign, "The pages asked other hosts than 127.0.0.1:\n  " + "\n  ".join(foreign)


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """A desktop page in US English."""
    return open_page()


# ---------------------------------------------------------------------- accessibility
@pytest.fixture(scope="session")
def axe_source() -> str:
    """The text of axe.min.js."""
    if not AXE_JS.is_file():
        missing(f"axe-core is not installed ({AXE_JS} is missing): make install (runs npm ci)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def axe_audit(axe_source: str) -> AxeAudit:
    """``axe_audit(page)``: the WCAG 2.1 A/AA violations axe-core finds on the open page."""

    def audit(page: Page) -> list[AxeViolation]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, so a strict Content-Security-Policy on
            # the page (script-src 'self') does not block it.
            page.evaluate(axe_source + "\n;undefined")
        found = page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                   resultTypes: ['violations']});
                return r.violations.map(v => ({
                    rule: v.id, impact: v.impact || 'unknown', help: v.help,
                    help_url: v.helpUrl,
                    targets: v.nodes.map(n => n.target.join(' ')),
                    summaries: v.nodes.map(n => n.failureSummary || ''),
                }));
            }""",
            WCAG_TAGS,
        )
        return [AxeViolation(**v) for v in found]

    return audit


# ---------------------------------------------------------------------- failure screenshots
CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep the report of the test's call, so fixtures can tell whether it failed."""
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    return report
