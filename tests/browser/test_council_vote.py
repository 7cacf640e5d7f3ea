"""Sign in as a school's editor in real Chromium, seat council members and record a motion
vote on the school page (CSRF-checked forms), sign out, and see the vote with its outcome
and the rule applied on the public page."""

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

MEMBERS = [
    ("P. Okafor", "principal"),
    ("T. Alvarez", "teacher"),
    ("T. Brooks", "teacher"),
    ("A. Rivera", "parent"),
    ("B. Nguyen", "parent"),
    ("C. Walker", "parent"),
    ("D. Kowalski", "parent"),
    ("K. Johnson", "community"),
]
MOTION = "Ask the district for a restorative-justice coordinator"


@pytest.fixture(scope="module")
def council_editor(live_server: LiveServer) -> Editor:
    """An editor of a school that neither the page tests nor the plan test look at."""
    return editor_of_another_school(live_server, 1, "council")


def test_editor_records_a_vote_and_public_sees_its_outcome(
    open_page: OpenPage, council_editor: Editor, shot: Shot, axe_audit: AxeAudit
) -> None:
    school_path = f"/schools/{council_editor.school_id}"
    page = open_page(f"/signin?next={school_path}")
    sign_in(page, council_editor.email)
    page.wait_for_url(f"**{school_path}")
    page.locator("#council-member-form").wait_for()
    assert page.locator("#council-no-members").count() == 1
    shot(page, "no-members-yet")

    for name, role in MEMBERS:
        form = page.locator("#council-member-form")
        form.get_by_label("Name").fill(name)
        form.get_by_label("Seat").select_option(role)
        form.get_by_label("Term start").fill("2024-07-01")
        form.get_by_role("button", name="Add the member").click()
        page.wait_for_url(f"**{school_path}#council-votes")
    vote = page.locator("#council-motion-form")
    vote.wait_for()
    shot(page, "members-added")
    violations = axe_audit(page)
    assert not violations, "\n".join(v.describe() for v in violations)

    vote.get_by_label("Date of a new meeting").fill("2025-03-04")
    vote.get_by_label("Topic").select_option("general")
    vote.get_by_label("Motion text").fill(MOTION)
    for name, _role in MEMBERS[:7]:
        vote.get_by_label(name, exact=False).select_option("yes")
    vote.get_by_label(MEMBERS[7][0], exact=False).select_option("no")
    vote.get_by_role("button", name="Record the vote").click()
    page.wait_for_url(f"**{school_path}#council-votes")
    assert MOTION in page.locator("section#council-votes").inner_text()
    shot(page, "vote-recorded")

    goto(page, "/signout")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")

    public = open_page(school_path)  # a visitor who never signed in
    section = public.locator("section#council-votes")
    text = section.inner_text()
    assert MOTION in text and "Passed" in text and "yes 7, no 1" in text
    assert "Rule applied:" in text
    assert public.locator("#council-motion-form").count() == 0
    assert public.locator("#council-member-form").count() == 0
    section.scroll_into_view_if_needed()
    shot(public, "public-school-page")
    audit = public.locator("section#audit")
    audit.locator("summary").click()
    written = audit.inner_text()  # the public reads the writer's role, never an email
    assert council_editor.email not in written and "a school's editor" in written
    shot(public, "public-audit")
