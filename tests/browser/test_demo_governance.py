"""The demo city shows everything in a real browser: a school's council votes (one meeting
without quorum), its trade-in share and spending plan, its safety plan, the officers decided
by the council; the funds and officers pages; at 1280 and 375 px, in English and Spanish,
axe-core clean. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import pytest

from browser.support import (
    DESKTOP,
    PHONE,
    AxeAudit,
    LiveServer,
    OpenPage,
    Shot,
    assert_has,
)

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"no_quorum": "Invalid: no quorum", "passed": "Passed", "failed": "Failed",
           "in_progress": "In progress", "approved": "Approved", "pool": "$1,440,000.00",
           "by_vote": "a council vote recorded here"},
    "es": {"no_quorum": "No válida: sin quórum", "passed": "Aprobada", "failed": "Rechazada",
           "in_progress": "En curso", "approved": "Aprobado", "pool": "$1.440.000,00",
           "by_vote": "una votación del consejo registrada aquí"},
}  # fmt: skip
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(scope="module")
def decided(live_server: LiveServer) -> dict[str, str]:
    """The demo's schools whose councils voted: removed officers in 2023-24 after a meeting
    without quorum, and kept them (then approved its safety plan)."""
    from safeschools import services
    from safeschools.demo._governance import make_governance

    store = services.open_store_from_settings(live_server.settings)
    try:
        plan = make_governance(2024, store.schools(), store.sro_assignments())
    finally:
        store.dispose()
    return {"removed": plan.councils[1].school_id, "kept": plan.councils[2].school_id}


def _clean(axe_audit: AxeAudit, page) -> None:  # type: ignore[no-untyped-def]
    violations = axe_audit(page)
    assert not violations, "\n".join(v.describe() for v in violations)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_school_shows_its_council_funds_and_plan(
    open_page: OpenPage,
    decided: dict[str, str],
    shot: Shot,
    axe_audit: AxeAudit,
    lang: str,
    size: str,
) -> None:
    words = WORDS[lang]
    page = open_page(f"/schools/{decided['removed']}?lang={lang}", viewport=VIEWPORTS[size])
    assert_has(
        page,
        "section#council-votes .vote-result.invalid",
        "section#council-votes #council-decisions",
        "section#funds .funds-pool",
        "section#safety-plan",
        "section#officers",
    )
    votes = page.locator("section#council-votes")
    votes.scroll_into_view_if_needed()
    text = votes.inner_text()
    assert words["no_quorum"] in text and words["passed"] in text
    assert "Keep no school resource officers in 2023-24 (synthetic)" in text
    shot(page, "council-votes", full_page=False)
    funds = page.locator("section#funds")
    assert "Trade-in funds 2023-24 (synthetic)" in funds.inner_text()
    plan = page.locator("section#safety-plan")
    plan.scroll_into_view_if_needed()
    assert words["in_progress"] in plan.inner_text()
    shot(page, "funds-and-plan", full_page=False)
    assert words["by_vote"] in page.locator("section#officers").inner_text()
    _clean(axe_audit, page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[size]["width"], f"the page is {width} px wide"

    kept = open_page(f"/schools/{decided['kept']}?lang={lang}", viewport=VIEWPORTS[size])
    kept_votes = kept.locator("section#council-votes").inner_text()
    assert words["failed"] in kept_votes and words["passed"] in kept_votes
    assert words["approved"] in kept.locator("section#safety-plan").inner_text()
    kept.locator("section#council-votes").scroll_into_view_if_needed()
    shot(kept, "kept-council", full_page=False)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_funds_and_officers_pages_show_the_demo(
    open_page: OpenPage, shot: Shot, axe_audit: AxeAudit, lang: str, size: str
) -> None:
    words = WORDS[lang]
    funds = open_page(f"/funds?lang={lang}", viewport=VIEWPORTS[size])
    assert_has(funds, "section#funds-pools", "section#funds-whatif")
    pools = funds.locator("section#funds-pools").inner_text()
    assert "Trade-in funds 2023-24 (synthetic)" in pools and words["pool"] in pools
    shot(funds, "funds")
    _clean(axe_audit, funds)
    officers = open_page(f"/officers?lang={lang}", viewport=VIEWPORTS[size])
    assert_has(officers, "table#officers-recorded-table", "table#officers-published-table")
    published = officers.locator("table#officers-published-table").inner_text()
    assert "Demo City (synthetic)" in published
    shot(officers, "officers")
    _clean(axe_audit, officers)
