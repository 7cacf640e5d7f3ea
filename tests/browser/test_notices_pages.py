"""The notices pages of the demo city in real Chromium at 375 px, in English and Spanish: the
school's sent notices with the subscribe and feed links, the subscribe form and the leave page
fit the phone's width, pass axe-core's WCAG 2.1 A/AA rules without a serious finding, and load
nothing from the internet (the ``open_page`` fixture fails the test on any foreign request)."""

from __future__ import annotations

import pytest

from browser.support import PHONE, AxeAudit, LiveServer, OpenPage, goto
from safeschools import services
from safeschools.services.subscriptions import subscriber_keys

pytestmark = pytest.mark.browser


def _paths(server: LiveServer) -> dict[str, str]:
    store = services.open_store_from_settings(server.settings)
    try:
        school_id = store.notices(status="sent")[0].school_id
        sub = store.subscribers(school_id=school_id, status="confirmed")[0]
        token = subscriber_keys(server.settings).unsubscribe_token(sub.id, sub.unsubscribe_nonce)
    finally:
        store.dispose()
    return {
        "notices": f"/schools/{school_id}/notices",
        "subscribe": f"/schools/{school_id}/notices/subscribe",
        "leave": f"/unsubscribe/{token}",
    }


@pytest.mark.parametrize("lang", ["en", "es"])
def test_notices_pages_at_375_px(
    open_page: OpenPage, live_server: LiveServer, axe_audit: AxeAudit, lang: str
) -> None:
    for name, path in _paths(live_server).items():
        page = open_page(viewport=PHONE, is_mobile=True, has_touch=True, base_url=live_server.url)
        goto(page, f"{path}?lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        fits = page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name} scrolls sideways at 375 px"
        if name == "notices":
            assert page.locator("article.notice").count() >= 1
            assert page.locator('a[href$="notices/subscribe"]').count() == 1
        if name == "subscribe":
            assert page.locator('input[type="email"]').count() == 1
        if name == "leave":
            assert page.locator('form[method="post"] button').count() == 1
        bad = [v for v in axe_audit(page) if v.impact in ("serious", "critical")]
        assert not bad, f"axe-core on {page.url}:\n" + "\n".join(v.describe() for v in bad)
        page.close()
