"""Sign in as a school's editor in real Chromium, record the safety plan's status on the
school page (a CSRF-checked form), sign out, and see the new status on the public page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from browser.support import (
    AxeAudit,
    Editor,
    LiveServer,
    OpenPage,
    Shot,
    editor_of_another_school,
    goto,
    sign_in,
)

if TYPE_CHECKING:
    pass

pytestmark = pytest.mark.browser

APPROVED_BY = "council vote of 2025-03-04: 8 yes, 2 no"


@pytest.fixture(scope="module")
def editor(live_server: LiveServer) -> Editor:
    """An editor of a school other than the one the page tests look at (they share the app)."""
    return editor_of_another_school(live_server, 0, "editor")


def test_editor_signs_in_records_plan_status_and_public_sees_it(
    open_page: OpenPage, editor: Editor, shot: Shot, axe_audit: AxeAudit
) -> None:
    school_path = f"/schools/{editor.school_id}"
    page = open_page(f"/signin?next={school_path}")
    shot(page, "signin-form")
    sign_in(page, editor.email, "not the password at all")
    assert page.locator("#signin-error").inner_text() == "Wrong email or password."
    assert page.locator("#safety-plan-form").count() == 0
    shot(page, "wrong-password")

    sign_in(page, editor.email)
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
