"""Sign in as a school's editor in real Chromium, record the safety plan's status on the
school page (a CSRF-checked form), sign out, and see the new status on the public page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from browser.support import AxeAudit, LiveServer, OpenPage, Shot, goto
from safeschools import service

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PASSWORD = "a long browser password"
APPROVED_BY = "council vote of 2025-03-04: 8 yes, 2 no"


@dataclass(frozen=True)
class Editor:
    """An editor account in the live application's store, and the school it may edit."""

    email: str
    school_id: str


@pytest.fixture(scope="module")
def editor(live_server: LiveServer) -> Iterator[Editor]:
    """An editor of a school other than the one the page tests look at (they share the app)."""
    store = service.open_store_from_settings(live_server.settings)
    try:
        schools = service.list_schools(store)
        latest = max(s.school_year for s in schools)
        school = next(
            s for s in schools if s.school_year == latest and s.school_id != live_server.school_id
        )
        email = f"editor-{school.school_id}@example.org"
        if store.user_by_email(email) is None:
            service.create_user(
                store,
                email=email,
                password=PASSWORD,
                role="editor",
                school_ids=[school.school_id],
                settings=live_server.settings,
            )
    finally:
        store.dispose()
    yield Editor(email=email, school_id=school.school_id)


def _sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_editor_signs_in_records_plan_status_and_public_sees_it(
    open_page: OpenPage, editor: Editor, shot: Shot, axe_audit: AxeAudit
) -> None:
    school_path = f"/schools/{editor.school_id}"
    page = open_page(f"/signin?next={school_path}")
    shot(page, "signin-form")
    _sign_in(page, editor.email, "not the password at all")
    assert page.locator("#signin-error").inner_text() == "Wrong email or password."
    assert page.locator("#safety-plan-form").count() == 0
    shot(page, "wrong-password")

    _sign_in(page, editor.email, PASSWORD)
    page.wait_for_url(f"**{school_path}")
    form = page.locator("#safety-plan-form")
    form.wait_for()
    shot(page, "signed-in-school-page")
    violations = axe_audit(page)
    assert not violations, "\n".join(v.describe() for v in violations)

    page.get_by_label("Status").select_option("approved")
    page.get_by_label("Approved on").fill("2025-03-04")
    page.get_by_label("Approved by (council vote)").fill(APPROVED_BY)
    page.get_by_role("button", name="Record the plan status").click()
    page.wait_for_url(f"**{school_path}#safety-plan")
    status = page.locator("#safety-plan-status")
    assert "Approved" in status.inner_text() and APPROVED_BY in status.inner_text()
    shot(page, "status-recorded")

    goto(page, "/signout")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    shot(page, "signed-out")

    goto(page, school_path)
    assert page.locator("#safety-plan-form").count() == 0
    public = open_page(school_path)  # a visitor who never signed in
    text = public.locator("section#safety-plan").inner_text()
    assert "Approved" in text and APPROVED_BY in text
    assert public.locator("#safety-plan-form").count() == 0
    shot(public, "public-school-page")
