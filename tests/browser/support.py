"""What the browser tests share besides fixtures: where things are, the Chromium flags, the
running application, the request log, axe-core findings and ``goto``."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urlsplit

import pytest

from safeschools.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

ROOT = Path(__file__).resolve().parents[2]
#: The Chromium binary; Debian's package by default.
BROWSER_PATH = Path(os.environ.get("SAFESCHOOLS_BROWSER", "/usr/bin/chromium"))
#: axe-core, installed from package-lock.json by `make install` (npm ci).
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: Screenshots (and PDFs) of every step, kept by CI as artefacts.
SCREENSHOTS = Path(os.environ.get("SAFESCHOOLS_SCREENSHOTS", ROOT / "artifacts" / "screenshots"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
LOCAL_HOST = "127.0.0.1"

#: Flags for Chromium on this machine: headless as root, no GPU, and no background traffic
#: (updates, sync, QUIC) that a closed network would refuse. Playwright adds --headless and an
#: empty --user-data-dir.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: axe-core tags of WCAG 2.1 levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

#: ``open_page(path=None, **context_options)`` (the fixture).
OpenPage = Callable[..., "Page"]
#: ``shot(page, step, full_page=True)`` (the fixture).
Shot = Callable[..., Path]


def missing(reason: str) -> NoReturn:
    """Skip locally; in CI a missing browser part is an error, never a skip."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must run the browser tests)", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class LiveServer:
    """The running application, and one school of the latest school year."""

    url: str
    settings: Settings
    school_id: str
    school_name: str

    def pages(self) -> dict[str, str]:
        """The main pages by short name."""
        return {
            "overview": "/",
            "school": f"/schools/{self.school_id}",
            "definitions": "/definitions",
            "methodology": "/methodology",
            "equity": "/equity",
            "school-equity": f"/schools/{self.school_id}/equity",
            "evaluation": "/evaluation",
        }


@dataclass
class RequestLog:
    """Every URL the pages of one test asked for."""

    urls: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        """Requests to any host other than 127.0.0.1 (data:, blob: and about: are not sent)."""
        out = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname != LOCAL_HOST:
                out.append(url)
        return out


@dataclass(frozen=True)
class AxeViolation:
    """One failed axe-core rule, with the elements it failed on."""

    rule: str
    impact: str
    help: str
    help_url: str
    targets: list[str]
    summaries: list[str]

    def describe(self) -> str:
        """The rule, then each element (its CSS selector) and what to fix there."""
        lines = [f"[{self.impact}] {self.rule}: {self.help} ({self.help_url})"]
        for target, summary in zip(self.targets, self.summaries, strict=True):
            lines.append(f"    at {target}")
            lines.extend(f"        {line.strip()}" for line in summary.splitlines() if line.strip())
        return "\n".join(lines)


AxeAudit = Callable[["Page"], list[AxeViolation]]


def goto(page: Page, path: str, *, status: int = 200) -> Response:
    """Open ``path`` and check the answer's status (showing the page's first lines if wrong)."""
    response = page.goto(path)
    assert response is not None, f"No answer for {path}"
    if response.status != status:
        body = page.inner_text("body")[:500] if page.query_selector("body") else ""
        pytest.fail(
            f"GET {path} answered {response.status}, expected {status} "
            f"(the pages of docs/web.md). Body:\n{body}",
            pytrace=False,
        )
    return response


def assert_has(page: Page, *selectors: str) -> None:
    """Every selector matches at least one element of the page (all missing ones are listed)."""
    absent = [s for s in selectors if page.locator(s).count() == 0]
    assert not absent, f"{page.url} has no {', '.join(absent)} (docs/web.md)"


#: The password of the editor accounts the browser tests create.
PASSWORD = "a long browser password"


@dataclass(frozen=True)
class Editor:
    """An editor account in the live application's store, and the school it may edit."""

    email: str
    school_id: str


def editor_of_another_school(live_server: LiveServer, nth: int, prefix: str) -> Editor:
    """An editor (created once) of the ``nth`` school of the newest year other than the one
    the page tests look at, so tests that write never touch what another test reads."""
    from safeschools import services

    store = services.open_store_from_settings(live_server.settings)
    try:
        schools = services.list_schools(store)
        latest = max(s.school_year for s in schools)
        school = [
            s for s in schools if s.school_year == latest and s.school_id != live_server.school_id
        ][nth]
        email = f"{prefix}-{school.school_id}@example.org"
        if store.user_by_email(email) is None:
            services.create_user(
                store,
                email=email,
                password=PASSWORD,
                role="editor",
                school_ids=[school.school_id],
                settings=live_server.settings,
            )
    finally:
        store.dispose()
    return Editor(email=email, school_id=school.school_id)


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill and send the sign-in form of the page."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
