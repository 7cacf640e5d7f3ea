"""Incidents recorded by a school's staff: each rule of the checks, who may write and read,
versions, withdrawing (kept), district categories and the audit entries (no staff note, none
shown to the public), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from safeschools import services
from safeschools.errors import (
    ConflictError,
    DataValidationError,
    NotFoundError,
    PermissionDeniedError,
)
from safeschools.model import School, User
from safeschools.model.incidents import IncidentFieldError, incident_from_dict
from safeschools.services import school_incidents as si
from safeschools.services.accounts import full_audit_log
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records

PASSWORD = "correct horse battery"
NOW = datetime(2026, 12, 7, 9, 30)  # a fixed clock: "not in the future" depends on it
FIGHT: dict[str, Any] = {
    "occurred_at": "2026-11-03T12:15",
    "category": "fight",
    "place": "grounds",
    "students_involved": 3,
    "injuries": 1,
    "police_called": True,
    "police_reason": "serious_injury",
    "responses": ["restorative_conference", "parent_meeting"],
    "staff_note": "Lunch line; the counsellor followed up.",
}


def _check(**changes: Any) -> Any:
    data = {**FIGHT, "school_id": "1", **changes}
    return incident_from_dict(data, categories=("vaping",), now=NOW)


def test_a_good_incident_is_kept_as_written() -> None:
    incident = _check()
    assert incident.occurred_at == datetime(2026, 11, 3, 12, 15)
    assert (incident.category, incident.place) == ("fight", "grounds")
    assert incident.students_involved == 3
    assert incident.police_reason == "serious_injury" and incident.responses[0].startswith("rest")
    # an offset is converted to Chicago time; the district's own category is accepted
    utc = _check(occurred_at="2026-11-03T18:15:00+00:00", category="vaping")
    assert utc.occurred_at == datetime(2026, 11, 3, 12, 15) and utc.category == "vaping"
    assert _check(police_called="N", police_reason="", injuries="").police_called is False


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"occurred_at": "2026-12-07T09:31"}, "occurred_at", "in the future"),
        ({"occurred_at": "1999-12-31T23:00"}, "occurred_at", "before 2000"),
        ({"occurred_at": "yesterday"}, "occurred_at", "cannot be read"),
        ({"occurred_at": None}, "occurred_at", "missing"),
        ({"category": "arson"}, "category", "not one of"),
        ({"place": "gym"}, "place", "not one of"),
        ({"students_involved": 0}, "students_involved", "from 1 to 500"),
        ({"students_involved": 501}, "students_involved", "from 1 to 500"),
        ({"students_involved": "J. Smith, K. Lee"}, "students_involved", "never names"),
        ({"students_involved": "S1234567"}, "students_involved", "never names or student ids"),
        ({"students_involved": 2.5}, "students_involved", "not a whole number"),
        ({"injuries": 4}, "injuries", "from 0 to 3"),
        ({"injuries": -1}, "injuries", "from 0 to 3"),
        ({"police_reason": None}, "police_reason", "say why"),
        ({"police_reason": "bored"}, "police_reason", "not one of"),
        ({"police_called": False}, "police_reason", "police were not called"),
        ({"police_called": "maybe"}, "police_called", "not yes or no"),
        ({"responses": "mediation"}, "responses", "must be a list"),
        ({"responses": ["mediation", "mediation"]}, "responses", "listed twice"),
        ({"responses": ["detention"]}, "responses", "not one of"),
        ({"staff_note": "x" * 10_001}, "staff_note", "the limit is 10,000"),
        ({"staff_note": "bad \x00 byte"}, "staff_note", "NUL"),
        ({"staff_note": "Student 12345678 again"}, "staff_note", "looks like a student id"),
        ({"school_id": ""}, "school_id", "school is missing"),
    ],
)
def test_each_rule_says_what_is_wrong(changes: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(IncidentFieldError, match=message) as caught:
        _check(**changes)
    assert caught.value.field == field


# ---------------------------------------------------------------------- the service
@pytest.fixture
def school_store(store: Store, settings: Settings) -> Store:
    schools = [
        School("1", "2024-25", "Alpha", lat=41.88, lon=-87.63, governance="district"),
        School("2", "2024-25", "Bravo", lat=41.89, lon=-87.62, governance="district"),
    ]
    load_records(store, settings, schools=schools)
    return store


def _users(store: Store, settings: Settings) -> tuple[User, User, User]:
    made = [
        services.create_user(
            store,
            email=email,
            password=PASSWORD,
            role=role,
            settings=settings,
            school_ids=schools,
        )
        for email, role, schools in (
            ("ed1@x.org", "editor", ["1"]),
            ("ed2@x.org", "editor", ["2"]),
            ("admin@x.org", "admin", []),
        )
    ]
    return made[0], made[1], made[2]


def _clock() -> datetime:
    return NOW


def test_record_change_withdraw_with_versions_and_audit(
    school_store: Store, settings: Settings
) -> None:
    editor, _other, admin = _users(school_store, settings)
    saved = si.record_incident(school_store, editor, "1", FIGHT, settings=settings, now=_clock)
    assert saved["version"] == 1 and saved["source"] == "form" and saved["withdrawn"] is False
    assert saved["recorded_by"] == "ed1@x.org" and saved["staff_note"].startswith("Lunch")
    changed = si.update_incident(
        school_store, admin, saved["id"], {**FIGHT, "injuries": 2, "version": 1},
        settings=settings, now=_clock,
    )  # fmt: skip
    assert changed["version"] == 2 and changed["injuries"] == 2
    with pytest.raises(ConflictError, match="version 1"):
        si.update_incident(
            school_store, editor, saved["id"], {**FIGHT, "version": 1}, settings=settings,
            now=_clock,
        )  # fmt: skip
    with pytest.raises(DataValidationError, match="not the version you read"):
        si.update_incident(school_store, editor, saved["id"], FIGHT, settings=settings)
    # only what is sent changes; the rest stays as stored
    partial = si.update_incident(
        school_store, editor, saved["id"], {"place": "inside", "version": 2},
        settings=settings, now=_clock,
    )  # fmt: skip
    assert (partial["place"], partial["injuries"], partial["version"]) == ("inside", 2, 3)
    withdrawn = si.withdraw_incident(
        school_store, editor, saved["id"], version=3, settings=settings, now=_clock
    )
    assert withdrawn["withdrawn"] is True and withdrawn["withdrawn_at"] == NOW.isoformat()
    with pytest.raises(DataValidationError, match="withdrawn already"):
        si.withdraw_incident(school_store, editor, saved["id"], version=4, settings=settings)
    with pytest.raises(DataValidationError, match="kept as it was"):
        si.update_incident(
            school_store, editor, saved["id"], {**FIGHT, "version": 4}, settings=settings
        )
    # kept, not deleted: the log shows it marked, the counts' reader does not
    log = si.school_incident_log(school_store, editor, "1")
    assert [(i["id"], i["withdrawn"]) for i in log] == [(saved["id"], True)]
    assert school_store.school_incidents(school_id="1") == []
    history = si.school_incident(school_store, admin, saved["id"])["history"]
    assert [h["version"] for h in history] == [1, 2, 3, 4]
    entries = [e for e in full_audit_log(school_store) if e["entity"] == "school_incident"]
    assert [e["action"] for e in entries] == ["withdraw", "update", "update", "create"]
    assert {e["school_id"] for e in entries} == {"1"}
    for e in entries:
        for snapshot in (e["before"], e["after"]):
            if snapshot is not None:
                assert "staff_note" not in snapshot and snapshot["staff_note_written"] is True
                assert "Lunch" not in json.dumps(snapshot)


def test_who_may_write_and_read(school_store: Store, settings: Settings) -> None:
    editor, other, admin = _users(school_store, settings)
    with pytest.raises(PermissionDeniedError, match="Sign in"):
        si.record_incident(school_store, None, "1", FIGHT, settings=settings, now=_clock)
    with pytest.raises(PermissionDeniedError, match="may not change the incident log"):
        si.record_incident(school_store, other, "1", FIGHT, settings=settings, now=_clock)
    saved = si.record_incident(school_store, admin, "1", FIGHT, settings=settings, now=_clock)
    for reader in (None, other):
        with pytest.raises(PermissionDeniedError):
            si.school_incident_log(school_store, reader, "1")
        with pytest.raises(PermissionDeniedError):
            si.school_incident(school_store, reader, saved["id"])
        with pytest.raises(PermissionDeniedError):
            si.school_incident_log_csv(school_store, reader, "1")
    with pytest.raises(PermissionDeniedError):
        si.update_incident(
            school_store, other, saved["id"], {**FIGHT, "version": 1}, settings=settings
        )
    with pytest.raises(PermissionDeniedError):
        si.withdraw_incident(school_store, other, saved["id"], version=1, settings=settings)
    with pytest.raises(NotFoundError, match="No school with id 9"):
        si.record_incident(school_store, admin, "9", FIGHT, settings=settings, now=_clock)
    with pytest.raises(NotFoundError, match="No incident #999"):
        si.withdraw_incident(school_store, admin, 999, version=1, settings=settings)
    # nothing was written by the refused attempts
    assert len(school_store.school_incidents(include_withdrawn=True)) == 1
    csv_text = si.school_incident_log_csv(school_store, editor, "1").decode()
    assert csv_text.splitlines()[0].startswith("incident_id,school_id,occurred_at,category")
    assert "restorative_conference;parent_meeting" in csv_text and ",Y,serious_injury," in csv_text


def test_the_public_audit_never_shows_an_incident(school_store: Store, settings: Settings) -> None:
    editor, _other, admin = _users(school_store, settings)
    si.record_incident(school_store, editor, "1", FIGHT, settings=settings, now=_clock)
    public = services.audit_log(school_store, school_id="1")
    as_editor = services.audit_log(school_store, school_id="1", reader=editor)
    for entries in (public, as_editor):
        assert all(e["entity"] != "school_incident" for e in entries)
        assert "Lunch" not in json.dumps(entries, default=str)
    as_admin = services.audit_log(school_store, school_id="1", reader=admin)
    assert [e["entity"] for e in as_admin] == ["school_incident"]


def test_district_categories(school_store: Store, settings: Settings) -> None:
    editor, _other, admin = _users(school_store, settings)
    with pytest.raises(PermissionDeniedError):
        si.add_incident_category(
            school_store, editor, code="vaping", label_en="Vaping", label_es="Vapeo",
            settings=settings,
        )  # fmt: skip
    added = si.add_incident_category(
        school_store, admin, code="vaping", label_en="Vaping", label_es="Vapeo",
        settings=settings, now=_clock,
    )  # fmt: skip
    assert added == {"code": "vaping", "built_in": False, "label_en": "Vaping", "label_es": "Vapeo"}
    for code, es, message in (
        ("vaping", "Vapeo", "exists already"),
        ("fight", "Pelea", "built-in"),
        ("Bad Code", "x", "lower-case"),
        ("gambling", "  ", "Spanish name is empty"),
    ):
        with pytest.raises(DataValidationError if message != "exists already" else ConflictError,
                           match=message):  # fmt: skip
            si.add_incident_category(
                school_store, admin, code=code, label_en="X", label_es=es, settings=settings
            )
    codes = [c["code"] for c in si.incident_categories(school_store)]
    assert codes[:2] == ["fight", "fight_injury"] and codes[-1] == "vaping"
    saved = si.record_incident(
        school_store, editor, "1", {**FIGHT, "category": "vaping"}, settings=settings, now=_clock
    )
    assert saved["category"] == "vaping"
    entry = full_audit_log(school_store, limit=5)[1]
    assert (entry["entity"], entry["school_id"]) == ("incident_category", None)
