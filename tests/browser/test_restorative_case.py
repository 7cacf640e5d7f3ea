"""A school's editor, in real Chromium, opens the restorative case of one of the demo school's
incidents, records who took part by role, the agreement and a follow-up, closes it with an
outcome, reads it in Spanish; the page passes the accessibility audit and the public never sees
it."""

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

AGREEMENT = "Both students repair the noticeboard together."


@pytest.fixture(scope="module")
def editor(live_server: LiveServer) -> Editor:
    """An editor of a school no other browser test writes to."""
    return editor_of_another_school(live_server, 5, "cases")


def _incident_without_case(live_server: LiveServer, school_id: str) -> int:
    from safeschools import services

    store = services.open_store_from_settings(live_server.settings)
    try:
        opened = {c.incident_id for c in store.restorative_cases(school_id=school_id)}
        free = [i for i in store.school_incidents(school_id=school_id) if i.id not in opened]
        fights = [i for i in free if i.is_fight]
        return (fights or free)[-1].id
    finally:
        store.dispose()


def test_editor_opens_and_closes_a_case(
    open_page: OpenPage,
    live_server: LiveServer,
    editor: Editor,
    shot: Shot,
    axe_audit: AxeAudit,
) -> None:
    incident = _incident_without_case(live_server, editor.school_id)
    path = f"/schools/{editor.school_id}/incidents/{incident}/case"
    public = open_page(path)  # the public is sent to sign in
    assert "/signin" in public.url
    page = open_page(f"/signin?next={path}")
    sign_in(page, editor.email)
    page.wait_for_url(f"**{path}")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(f"**{path}#case")
    page.get_by_label("the students involved").check()
    page.get_by_label("a teacher").check()
    page.get_by_label("Agreement (staff only)").fill(AGREEMENT)
    page.get_by_role("button", name="Save the case").click()
    page.wait_for_url(f"**{path}#case")
    assert page.get_by_label("a teacher").is_checked()
    page.get_by_label("Due").fill("2026-07-15")
    page.get_by_label("Note").fill("Check the noticeboard")
    page.get_by_role("button", name="Add a follow-up").click()
    page.wait_for_url(f"**{path}#case")
    page.get_by_label("Outcome", exact=True).select_option("repaired")
    page.get_by_role("button", name="Close the case").click()
    page.wait_for_url(f"**{path}#case")
    assert "repaired" in page.locator("#case-status").inner_text()
    shot(page, "case-closed")
    violations = axe_audit(page)
    assert not violations, "\n".join(v.describe() for v in violations)
    goto(page, f"{path}?lang=es")
    assert "Caso restaurativo" in page.locator("h1").inner_text()
    assert "reparado" in page.locator("#case-status").inner_text()
    shot(page, "case-spanish")
    goto(page, f"/schools/{editor.school_id}")
    assert AGREEMENT not in open_page(f"/schools/{editor.school_id}").content()
