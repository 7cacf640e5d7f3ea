"""The whole of issue 14 in real Chromium, against a real SMTP server on 127.0.0.1: two parents
subscribe to a school's notices (in Spanish), each confirms through the link the mail brought;
one then leaves with the one-click link. The school's principal signs in, records a fight from
the school page, opens a restorative case for it, drafts the notice to parents, reads the Spanish
text and sends it. The parent who confirmed receives the Spanish notice; the one who left
receives nothing. The public page then shows the month's count of fights hidden (one is under the
minimum cell size), in numbers and in words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.header import decode_header, make_header
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from helpers.serving import serving
from helpers.smtp_server import Mailbox, smtp_server

from browser.support import LOCAL_HOST, LiveServer, OpenPage, Shot, goto, sign_in
from safeschools import services
from safeschools.app import create_app
from safeschools.model import School
from safeschools.services.subscriptions import subscriber_keys
from safeschools.settings import Settings
from safeschools.testing import load_records

pytestmark = pytest.mark.browser

PASSWORD = "a long browser password"
STAYS = "synthetic-stays@example.org"
LEAVES = "synthetic-leaves@example.org"
PRINCIPAL = "principal-e2e@example.org"


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture(scope="module")
def school_server(
    tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox
) -> Iterator[LiveServer]:
    """Two schools, a principal of the first, mail through the SMTP server on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("incident-to-notice")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'app.db'}",
        data_dir=folder / "data",
        smtp_host=mailbox.host,
        smtp_port=mailbox.port,
        smtp_tls="none",
        mail_from="notices@schools.example.org",
        public_base_url="https://schools.example.org",
    )
    store = services.open_store_from_settings(settings)
    try:
        load_records(
            store,
            settings,
            schools=[
                School("610001", "2026-27", "Alpha Elementary", lat=41.88, lon=-87.63),
                School("610002", "2026-27", "Bravo High", lat=41.89, lon=-87.62),
            ],
        )
        services.create_user(
            store, email=PRINCIPAL, password=PASSWORD, role="principal",
            school_ids=["610001"], settings=settings,
        )  # fmt: skip
    finally:
        store.dispose()
    with serving(create_app(settings), host=LOCAL_HOST) as url:
        yield LiveServer(url=url, settings=settings, school_id="610001", school_name="Alpha")


def _link(box: Mailbox, address: str, pattern: str) -> str:
    """The path (and query) of the link to ``pattern`` in the last mail to ``address``."""
    text = box.to(address)[-1].text()
    found = re.search(rf"https://schools\.example\.org({pattern}[^\s\"<>]*)", text)
    assert found, text
    return found.group(1).replace("&amp;", "&")


def _subscribe(open_page: OpenPage, server: LiveServer, box: Mailbox, address: str) -> None:
    page = open_page(base_url=server.url)
    goto(page, f"/schools/{server.school_id}/notices/subscribe?lang=es")
    page.locator('input[type="email"]').fill(address)
    page.locator('select[name="language"]').select_option("es")
    with page.expect_navigation():
        page.locator('form[method="post"] button[type="submit"]').click()
    confirm = _link(box, address, "/notices/confirm/")
    goto(page, confirm)
    with page.expect_navigation():
        page.locator('form[method="post"] button').click()
    page.close()


def test_a_fight_becomes_a_case_and_a_spanish_notice(
    open_page: OpenPage, school_server: LiveServer, mailbox: Mailbox, shot: Shot
) -> None:
    server = school_server
    _subscribe(open_page, server, mailbox, STAYS)
    _subscribe(open_page, server, mailbox, LEAVES)
    store = services.open_store_from_settings(server.settings)
    try:
        subs = store.subscribers(school_id=server.school_id, status="confirmed")
        assert len(subs) == 2
        keys = subscriber_keys(server.settings)
        leaving = next(s for s in subs if keys.open(s.address_sealed) == LEAVES)
        token = keys.unsubscribe_token(leaving.id, leaving.unsubscribe_nonce)
    finally:
        store.dispose()
    page = open_page(base_url=server.url)
    goto(page, f"/unsubscribe/{token}?lang=es")
    with page.expect_navigation():
        page.locator('form[method="post"] button').click()
    before = len(mailbox.arrived)

    school = f"/schools/{server.school_id}"
    page = open_page(f"/signin?next={school}", base_url=server.url)
    sign_in(page, PRINCIPAL, PASSWORD)
    page.wait_for_url(f"**{school}")
    page.locator("#incident-links").get_by_role("link", name="Record an incident").click()
    # two hours ago, on the server's wall clock (the form refuses a time to come)
    when = datetime.now(ZoneInfo(server.settings.timezone)) - timedelta(hours=2)
    page.get_by_label("Date").fill(f"{when:%Y-%m-%d}")
    page.get_by_label("Time").fill(f"{when:%H:%M}")
    page.get_by_label("Category").select_option("fight")
    page.get_by_label("Where").select_option("grounds")
    page.get_by_label("Students involved (how many)").fill("2")
    page.get_by_label("Students hurt (how many)").fill("0")
    page.get_by_label("Restorative conference").check()
    page.get_by_role("button", name="Record the incident").click()
    page.wait_for_url(f"**{school}/incidents/log")
    row = page.locator("#incident-log tbody tr").first
    assert "Fight" in row.inner_text()

    row.get_by_role("link", name="Restorative case").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Open the case").click()
    page.get_by_label("the students involved").check()
    page.get_by_label("a counsellor").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the case").click()
    assert page.get_by_label("a counsellor").is_checked()
    shot(page, "case-opened")

    path = urlsplit(page.url).path.replace("/case", "/notice")
    goto(page, path)
    spanish = page.locator('textarea[name="body_es"]').input_value()
    assert "pelea" in spanish.lower()
    page.locator('textarea[name="subject_es"]').fill("Aviso: una pelea en la escuela")
    shot(page, "notice-draft")
    with page.expect_navigation():
        page.locator('button[name="action"][value="send"]').click()
    shot(page, "notice-sent")

    arrived = mailbox.arrived[before:]
    assert [a.rcpt_tos for a in arrived] == [[STAYS]]
    message = arrived[0].message
    subject = str(make_header(decode_header(str(message["Subject"]))))
    assert subject == "Aviso: una pelea en la escuela"
    assert message["List-Unsubscribe"] and message["List-Unsubscribe-Post"]
    assert not mailbox.to(LEAVES)[1:], "the parent who left received the notice"

    # The public reads the month's counts: one fight is under the minimum cell size, so the
    # month's fights and its total are said as hidden, never as a number, in both languages.
    for lang in ("en", "es"):
        public = open_page(base_url=server.url)
        goto(public, f"{school}?lang={lang}")
        month = public.locator(f'#incidents-months tr[data-period="{when:%Y-%m}"]')
        assert month.count() == 1
        cells = month.locator("td")
        statuses = [cells.nth(i).get_attribute("data-status") for i in range(cells.count())]
        assert statuses[0] == "suppressed" and statuses[-1] == "suppressed", statuses
        texts = [cells.nth(i).inner_text() for i in range(cells.count())]
        assert "1" not in "".join(texts), texts
        section = public.locator("section#incidents")
        assert "Lunch" not in section.inner_text()
        shot(public, f"public-month-{lang}")
        public.close()
