"""A school's editor records a fight in real Chromium from the school page's link, sees it in
the staff's incident log (with its case and notice links), in Spanish too, withdraws it; the
pages pass axe's WCAG 2.1 A/AA rules, and a visitor who never signed in is sent to sign in."""

from __future__ import annotations

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

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def editor(live_server: LiveServer) -> Editor:
    """An editor of a school no other browser test writes to."""
    return editor_of_another_school(live_server, 2, "incidents")


def test_editor_records_a_fight_and_sees_it_in_the_log(
    open_page: OpenPage, editor: Editor, shot: Shot, axe_audit: AxeAudit
) -> None:
    school_path = f"/schools/{editor.school_id}"
    log_path = f"{school_path}/incidents/log"
    visitor = open_page(log_path)
    assert "/signin" in visitor.url and visitor.locator("#incident-log").count() == 0

    page = open_page(f"/signin?next={school_path}")
    sign_in(page, editor.email)
    page.wait_for_url(f"**{school_path}")
    page.locator("#incident-links").get_by_role("link", name="Record an incident").click()
    page.wait_for_url(f"**{school_path}/incidents/new")
    shot(page, "incident-form")
    violations = axe_audit(page)
    assert not violations, "\n".join(v.describe() for v in violations)

    page.get_by_label("Date").fill("2026-11-03")
    page.get_by_label("Time").fill("12:15")
    page.get_by_label("Category").select_option("fight")
    page.get_by_label("Where").select_option("grounds")
    page.get_by_label("Students involved (how many)").fill("3")
    page.get_by_label("Students hurt (how many)").fill("5")  # more hurt than involved
    page.get_by_label("Restorative conference").check()
    page.get_by_label("Staff note").fill("Lunch line.")
    page.get_by_role("button", name="Record the incident").click()
    problem = page.locator("#incident-problem")
    assert "number of students involved" in problem.inner_text()
    shot(page, "incident-problem")
    page.get_by_label("Students hurt (how many)").fill("1")
    page.get_by_role("button", name="Record the incident").click()
    page.wait_for_url(f"**{log_path}")
    row = page.locator("#incident-log tbody tr").first
    assert "Fight" in row.inner_text() and "Lunch line." in row.inner_text()
    assert row.get_by_role("link", name="Restorative case").count() == 1
    assert row.get_by_role("link", name="Notice to parents").count() == 1
    shot(page, "incident-log")
    violations = axe_audit(page)
    assert not violations, "\n".join(v.describe() for v in violations)

    goto(page, f"{log_path}?lang=es")
    assert "Pelea" in page.locator("#incident-log").inner_text()
    goto(page, f"{log_path}?lang=en")
    page.locator("#incident-log").get_by_role("link", name="Change or withdraw").first.click()
    page.get_by_role("button", name="Withdraw this incident").click()
    page.wait_for_url(f"**{log_path}")
    assert page.locator("#incident-log tr.withdrawn").count() >= 1
    shot(page, "incident-withdrawn")
