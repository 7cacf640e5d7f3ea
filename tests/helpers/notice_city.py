"""A school with an editor, a principal and another school's principal, incidents, and
subscribers who confirmed through the real confirmation mail: what the notice tests share."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from helpers.smtp_server import Mailbox
from safeschools import services
from safeschools.model import School, User
from safeschools.model.incidents import Incident
from safeschools.services import subscriptions as service_subs
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records

AT = datetime(2026, 11, 4, 9, 0)
PASSWORD = "a long enough passphrase 42"


def clock() -> datetime:
    return AT


def settings_for(tmp_path: Path, box: Mailbox, **extra: object) -> Settings:
    values: dict[str, object] = {
        "database_url": f"sqlite:///{tmp_path / 'store.db'}",
        "data_dir": tmp_path / "data",
        "smtp_host": box.host,
        "smtp_port": box.port,
        "smtp_tls": "none",
        "public_base_url": "https://schools.example.org",
        "mail_from": "notices@schools.example.org",
    }
    return Settings(**{**values, **extra})  # type: ignore[arg-type]


def school_with_staff(store: Store, settings: Settings) -> dict[str, User]:
    load_records(
        store,
        settings,
        schools=[
            School("1", "2024-25", "Alpha High", lat=41.88, lon=-87.63, governance="district"),
            School("2", "2024-25", "Bravo High", lat=41.89, lon=-87.62, governance="district"),
        ],
    )
    users = {}
    for email, role, name in (
        ("ed@x.org", "editor", "Edna Quarrington"),
        ("pr@x.org", "principal", "Priya Vandermeer"),
        ("pr2@x.org", "principal", "Other Principal"),
    ):
        users[role if email != "pr2@x.org" else "other"] = services.create_user(
            store, email=email, password=PASSWORD, role=role, display_name=name,
            school_ids=["1" if email != "pr2@x.org" else "2"], settings=settings,
        )  # fmt: skip
    return users


def add_incident(
    store: Store, *, category: str = "fight", note: str = "", ext: str | None = None
) -> int:
    incident = Incident(
        school_id="1",
        occurred_at=datetime(2026, 11, 3, 12, 15),
        category=category,
        place="grounds",
        students_involved=3,
        injuries=1,
        responses=("restorative_conference", "parent_meeting"),
        staff_note=note,
        external_id=ext,
    )
    with store.transaction() as conn:
        return store.add_school_incident(incident, at=AT, by="ed@x.org", conn=conn).id


def confirm_link(box: Mailbox, address: str) -> tuple[str, dict[str, list[str]]]:
    text = box.to(address)[-1].text()
    url = re.search(r"https://schools\.example\.org/notices/confirm/[^\s\"<]+", text)
    assert url, text
    parts = urlsplit(url.group(0).replace("&amp;", "&"))
    return parts.path.rsplit("/", 1)[-1], parse_qs(parts.query)


def subscribe_and_confirm(
    store: Store, settings: Settings, box: Mailbox, address: str, language: str, categories=()
) -> None:
    service_subs.subscribe(
        store, school_id="1", address=address, language=language, categories=categories,
        settings=settings, now=clock,
    )  # fmt: skip
    token, query = confirm_link(box, address)
    service_subs.confirm_subscription(
        store, token, language=query["lang"][0],
        categories=query["categories"][0].split(",") if "categories" in query else [],
        settings=settings, now=clock,
    )  # fmt: skip
