"""Sending one notice to 10,000 confirmed subscribers through an SMTP server on 127.0.0.1
(aiosmtpd, in this process's own thread), side by side with plain smtplib loops sending the
same 10,000 messages.

- safeschools: :func:`safeschools.services.notices.send_notice`: marks the notice sent, opens
  the 10,000 encrypted addresses, builds each message in its reader's language (text + HTML,
  List-Unsubscribe), sends them over ONE connection and records 10,000 deliveries.
- "smtplib, a connection per message": what a script usually does, ``with smtplib.SMTP(...)``
  inside the loop.
- "smtplib, one connection": the same loop with one connection (the best a script does), and
  no store, no encryption, no deliveries recorded.

Messages per second in the note; the ratio is theirs / ours (above 1: safeschools is faster).
"""

from __future__ import annotations

import asyncio
import smtplib
import socket
import tempfile
import time
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from benchmarks._harness import Row
from safeschools import services
from safeschools.model import School
from safeschools.model.incidents import Incident
from safeschools.model.notices import Subscriber
from safeschools.policy.subscriber_keys import token_hash
from safeschools.services import notices as service_notices
from safeschools.services.subscriptions import subscriber_keys
from safeschools.settings import Settings
from safeschools.testing import load_records

SUBSCRIBERS = 10_000
AT = datetime(2026, 11, 4, 9, 0)


class _Count:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += len(envelope.rcpt_tos)
        await asyncio.sleep(0)
        return "250 OK"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup(folder: Path, port: int) -> tuple[Any, Settings, Any, int]:
    settings = Settings(
        database_url=f"sqlite:///{folder / 'bench.db'}",
        data_dir=folder / "data",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        public_base_url="https://schools.example.org",
        mail_from="notices@schools.example.org",
    )
    store = services.open_store_from_settings(settings)
    load_records(
        store, settings, schools=[School("1", "2024-25", "Alpha High", lat=41.88, lon=-87.63)]
    )
    principal = services.create_user(
        store, email="pr@x.org", password="a long enough passphrase 42", role="principal",
        school_ids=["1"], settings=settings,
    )  # fmt: skip
    keys = subscriber_keys(settings)
    with store.transaction() as conn:
        for i in range(SUBSCRIBERS):
            address = f"parent{i}@example.org"
            added = store.add_subscriber(
                Subscriber(
                    "1",
                    keys.address_hash(address),
                    keys.seal(address),
                    "es" if i % 3 == 0 else "en",
                    (),
                    "confirmed",
                    f"n{i}",
                ),
                confirm_token_hash=token_hash(f"c{i}"),
                unsubscribe_token_hash=token_hash(f"u{i}"),
                at=AT,
                conn=conn,
            )
            assert added is not None
        incident = store.add_school_incident(
            Incident("1", AT, "fight", "grounds", 3, responses=("mediation",)),
            at=AT,
            by="pr@x.org",
            conn=conn,
        )
    notice = service_notices.draft_notice(store, principal, incident.id, settings=settings)
    return store, settings, principal, notice["id"]


def _message(address: str, i: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "notices@schools.example.org"
    message["To"] = address
    message["Subject"] = "Alpha High: A fight at school"
    message.set_content("On November 3, 2026, 3 students took part in a fight.\n" * 3 + str(i))
    message.add_alternative(
        "<p>On November 3, 2026, 3 students took part in a fight.</p>", subtype="html"
    )
    return message


def run() -> list[Row]:
    handler = _Count()
    port = _port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store, settings, principal, notice_id = _setup(Path(tmp), port)
            start = time.perf_counter()
            result = service_notices.send_notice(
                store, principal, notice_id, version=1, settings=settings
            )
            ours = time.perf_counter() - start
            assert result["sent_to"] == SUBSCRIBERS, result
            addresses = [f"parent{i}@example.org" for i in range(SUBSCRIBERS)]
            start = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port) as server:
                for i, address in enumerate(addresses):
                    server.send_message(_message(address, i))
            one = time.perf_counter() - start
            start = time.perf_counter()
            for i, address in enumerate(addresses):
                with smtplib.SMTP("127.0.0.1", port) as server:
                    server.send_message(_message(address, i))
            each = time.perf_counter() - start
            store.dispose()
    finally:
        controller.stop()
    assert handler.received == 3 * SUBSCRIBERS
    rate = f"{SUBSCRIBERS / ours:,.0f} msg/s"
    rows.append(
        Row(
            "send a notice to 10,000 subscribers",
            "send_notice",
            "smtplib, a connection per message",
            ours,
            each,
            f"{rate} vs {SUBSCRIBERS / each:,.0f} msg/s",
        )
    )
    rows.append(
        Row(
            "send a notice to 10,000 subscribers",
            "send_notice",
            "smtplib, one connection",
            ours,
            one,
            f"{rate} vs {SUBSCRIBERS / one:,.0f} msg/s (no store, no encryption)",
        )
    )
    return rows
