"""Incidents recorded by schools in real Chromium: a school's section and /incidents at 375 px
(nothing wider than the phone) and at 1280 px, in English and Spanish, axe-core clean, every
request to 127.0.0.1. The server runs on a store of its own (the hand-made set of
tests/helpers/incident_rates_city.py), with the minimum cell size 5 so that some counts are
hidden."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.incident_rates_city import load
from helpers.serving import serving

from browser.support import DESKTOP, PHONE, AxeAudit, OpenPage
from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.testing import sqlite_store

pytestmark = pytest.mark.browser

LOCAL_HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def incident_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("incident-pages")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'app.db'}", data_dir=folder / "data", min_cell_size=5
    )
    store = sqlite_store(folder / "app.db")
    load(store, settings)
    store.dispose()
    with serving(create_app(settings), host=LOCAL_HOST) as url:
        yield url


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("path", ["/schools/700001", "/incidents"])
def test_incident_pages_fit_and_are_accessible(
    open_page: OpenPage,
    incident_server: str,
    axe_audit: AxeAudit,
    path: str,
    lang: str,
    size: str,
) -> None:
    viewport = PHONE if size == "phone" else DESKTOP
    page = open_page(viewport=viewport)
    response = page.goto(f"{incident_server}{path}?lang={lang}")
    assert response is not None and response.status == 200
    chart = "#incidents-chart" if path.startswith("/schools") else "#district-incidents-chart"
    page.locator(chart).scroll_into_view_if_needed()
    assert page.locator(chart).is_visible()
    # nothing wider than the window: wide tables scroll inside their own box
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], width
    text = page.locator("main").inner_text()
    assert ("suprimido" if lang == "es" else "suppressed") in text
    violations = axe_audit(page)
    assert not violations, "\n".join(v.describe() for v in violations)
