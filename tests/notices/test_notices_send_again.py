"""A notice is sent again only to those it did not reach: a subscriber whose mailbox refused it
(now accepting), and one a stopped send never recorded; never twice to one who received it,
never to one who left since; a draft cannot be sent again, an editor may not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.notice_city import (
    PASSWORD,
    add_incident,
    clock,
    school_with_staff,
    settings_for,
    subscribe_and_confirm,
)
from helpers.smtp_server import Mailbox, smtp_server

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import ConflictError, PermissionDeniedError
from safeschools.services import notices as service_notices
from safeschools.services import subscriptions as service_subs


@pytest.fixture
def box() -> Iterator[Mailbox]:
    with smtp_server() as mailbox:
        yield mailbox


def test_send_again_reaches_only_those_it_did_not(tmp_path: Path, box: Mailbox) -> None:
    settings = settings_for(tmp_path, box)
    store = services.open_store_from_settings(settings)
    users = school_with_staff(store, settings)
    for address in ("got@example.org", "bounced@example.org", "leaves@example.org"):
        subscribe_and_confirm(store, settings, box, address, "en")
    box.refuse.update({"bounced@example.org", "leaves@example.org"})
    incident_id = add_incident(store)
    draft = service_notices.draft_notice(store, users["principal"], incident_id, settings=settings)
    with pytest.raises(ConflictError, match="draft"):
        service_notices.resend_notice(store, users["principal"], draft["id"], settings=settings)
    sent = service_notices.send_notice(
        store, users["principal"], draft["id"], version=draft["version"], settings=settings
    )
    assert (sent["sent_to"], sent["failed"]) == (1, 2)
    # a subscriber confirmed after the send was never recorded: a stopped send looks the same
    subscribe_and_confirm(store, settings, box, "late@example.org", "es")
    leaving = next(
        s
        for s in store.subscribers(school_id="1", status="confirmed")
        if service_subs.subscriber_keys(settings).open(s.address_sealed) == "leaves@example.org"
    )
    token = service_subs.subscriber_keys(settings).unsubscribe_token(
        leaving.id, leaving.unsubscribe_nonce
    )
    service_subs.unsubscribe(store, token, settings=settings, now=clock)
    box.refuse.clear()
    with pytest.raises(PermissionDeniedError):
        service_notices.resend_notice(store, users["editor"], draft["id"], settings=settings)
    before = {a: len(box.to(a)) for a in ("got@example.org", "leaves@example.org")}

    result = CliRunner().invoke(
        cli,
        ["--database-url", settings.database_url, "notices", "send-again", str(draft["id"]),
         "--as", "pr@x.org", "--password-stdin"],
        input=PASSWORD + "\n",
        env={"SAFESCHOOLS_DATA_DIR": str(settings.data_dir), "SAFESCHOOLS_SMTP_HOST": box.host,
             "SAFESCHOOLS_SMTP_PORT": str(box.port), "SAFESCHOOLS_SMTP_TLS": "none",
             "SAFESCHOOLS_PUBLIC_BASE_URL": settings.public_base_url,
             "SAFESCHOOLS_MAIL_FROM": settings.mail_from},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "sent again to 2 subscribers" in result.output
    assert len(box.to("bounced@example.org")) == 2  # confirmation, then the notice
    assert len(box.to("late@example.org")) == 2
    assert {a: len(box.to(a)) for a in before} == before  # never twice, not after leaving
    deliveries = {d.subscriber_id: d.status for d in store.deliveries(draft["id"])}
    assert sorted(deliveries.values()) == ["failed", "sent", "sent", "sent"]
    assert store.notice(draft["id"]).recipients == 3  # type: ignore[union-attr]
    again = service_notices.resend_notice(store, users["principal"], draft["id"], settings=settings)
    assert (again["sent_to"], again["failed"]) == (0, 0)
    store.dispose()


def test_an_address_this_server_cannot_open_is_a_failed_delivery(
    tmp_path: Path, box: Mailbox
) -> None:
    """A server whose notices key is not the one that sealed the addresses (a key file lost or
    replaced) records each such message as failed, with the reason; it never crashes."""
    settings = settings_for(tmp_path, box)
    store = services.open_store_from_settings(settings)
    users = school_with_staff(store, settings)
    subscribe_and_confirm(store, settings, box, "sealed@example.org", "en")
    other_key = settings.model_copy(update={"notices_key_file": tmp_path / "another.key"})
    incident_id = add_incident(store)
    draft = service_notices.draft_notice(store, users["principal"], incident_id, settings=other_key)
    sent = service_notices.send_notice(
        store, users["principal"], draft["id"], version=draft["version"], settings=other_key
    )
    assert (sent["sent_to"], sent["failed"]) == (0, 1)
    [delivery] = store.deliveries(draft["id"])
    assert delivery.status == "failed" and delivery.error == service_notices.UNOPENED
    again = service_notices.resend_notice(store, users["principal"], draft["id"], settings=settings)
    assert (again["sent_to"], again["failed"]) == (1, 0)
    assert len(box.to("sealed@example.org")) == 2
    store.dispose()
