"""Restorative cases through the service, on SQLite and PostgreSQL: who may open, read and change
a case, one case per incident, none for a withdrawn incident, versions, the audit entry (public:
no agreement, no note), the staff list and its CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
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
from safeschools.model.incidents import Incident
from safeschools.services import restorative_cases as cases
from safeschools.services.accounts import audit_log, full_audit_log
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records

PASSWORD = "correct horse battery"
NOW = datetime(2025, 1, 20, 9, 30)  # a fixed clock: 14 days after the first fight
AGREEMENT = "Apologise in the circle; repair the locker door together."
NOTE = "Call the grandmother on Tuesday"


def _clock(moment: datetime = NOW) -> Any:
    return lambda: moment


def _fight(school_id: str, day: int, **changes: Any) -> Incident:
    base = Incident(school_id, datetime(2025, 1, day, 10, 15), "fight", "inside", 2)
    return replace(base, **changes)


@pytest.fixture
def city(store: Store, settings: Settings) -> dict[str, Any]:
    load_records(
        store,
        settings,
        schools=[
            School("1", "2024-25", "Alpha", lat=41.88, lon=-87.63, governance="district"),
            School("2", "2024-25", "Bravo", lat=41.89, lon=-87.62, governance="district"),
        ],
    )
    users = {
        "ed1": services.create_user(
            store, email="ed1@x.org", password=PASSWORD, role="editor", school_ids=["1"],
            settings=settings,
        ),
        "ed2": services.create_user(
            store, email="ed2@x.org", password=PASSWORD, role="editor", school_ids=["2"],
            settings=settings,
        ),
        "admin": services.create_user(
            store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
        ),
    }  # fmt: skip
    with store.engine.begin() as conn:
        fights = [
            store.add_school_incident(_fight("1", 6), at=NOW, by="ed1@x.org", conn=conn),
            store.add_school_incident(_fight("1", 8), at=NOW, by="ed1@x.org", conn=conn),
            store.add_school_incident(
                _fight("1", 9, withdrawn_at=NOW), at=NOW, by="ed1@x.org", conn=conn
            ),
            store.add_school_incident(_fight("2", 6), at=NOW, by="ed2@x.org", conn=conn),
        ]
    return {"users": users, "fights": [f.id for f in fights]}


def test_open_update_close_with_versions_and_audit(
    store: Store, settings: Settings, city: dict[str, Any]
) -> None:
    ed1: User = city["users"]["ed1"]
    first = city["fights"][0]
    opened = cases.open_case(store, ed1, first, settings=settings, now=_clock())
    assert opened["version"] == 1 and opened["status"] == "open"
    assert opened["opened_on"] == "2025-01-20"  # today, by default
    assert opened["incident"]["category"] == "fight" and opened["recurrence_answerable"] is False
    data = {
        "conference_on": "2025-01-21",
        "participants": ["students_involved", "teacher", "restorative_practitioner"],
        "agreement": AGREEMENT,
        "followups": [{"due": "2025-01-28", "note": NOTE}],
        "version": 1,
    }
    changed = cases.update_case(
        store, ed1, opened["id"], data=data, settings=settings, now=_clock()
    )
    assert changed["version"] == 2 and changed["agreement"] == AGREEMENT
    assert changed["next_due"] == "2025-01-28" and changed["due_soon"] is True
    # a second writer who read version 1 is refused, never a lost update
    with pytest.raises(ConflictError, match="changed since you read it"):
        cases.update_case(store, ed1, opened["id"], data={"agreement": "x", "version": 1},
                          settings=settings, now=_clock())  # fmt: skip
    with pytest.raises(DataValidationError, match="Name the version"):
        cases.update_case(store, ed1, opened["id"], data={"agreement": "x"}, settings=settings)
    with pytest.raises(DataValidationError, match="before the case was opened"):
        cases.update_case(store, ed1, opened["id"], data={"conference_on": "2025-01-02",
                          "version": 2}, settings=settings, now=_clock())  # fmt: skip
    # "no" is refused before 90 days; "yes" is known early
    with pytest.raises(DataValidationError, match="from 2025-04-06"):
        cases.record_recurrence(store, ed1, opened["id"], answer="no", version=2,
                                settings=settings, now=_clock())  # fmt: skip
    yes = cases.record_recurrence(store, ed1, opened["id"], answer="yes", version=2,
                                  settings=settings, now=_clock())  # fmt: skip
    assert yes["recurred_within_90_days"] is True and yes["version"] == 3
    with pytest.raises(DataValidationError, match="Unknown outcome"):
        cases.close_case(store, ed1, opened["id"], outcome="fixed", version=3, settings=settings,
                         now=_clock())  # fmt: skip
    closed = cases.close_case(store, ed1, opened["id"], outcome="partly", version=3,
                              settings=settings, now=_clock())  # fmt: skip
    assert (closed["status"], closed["outcome"], closed["closed_on"]) == (
        "closed",
        "partly",
        "2025-01-20",
    )
    reopened = cases.update_case(store, ed1, opened["id"], data={"status": "open", "version": 4},
                                 settings=settings, now=_clock())  # fmt: skip
    assert reopened["outcome"] is None and reopened["closed_on"] is None
    later = datetime(2025, 4, 7, 8)
    no = cases.record_recurrence(store, ed1, opened["id"], answer="no", version=5,
                                 settings=settings, now=_clock(later))  # fmt: skip
    assert no["recurred_within_90_days"] is False
    one = cases.get_case(store, ed1, opened["id"], settings=settings, now=_clock())
    assert [h["version"] for h in one["history"]] == [1, 2, 3, 4, 5, 6]
    # the audit: every write, by whom, in outline; the public log never has the agreement
    entries = [e for e in full_audit_log(store) if e["entity"] == "restorative_case"]
    assert [(e["action"], e["user_email"]) for e in entries][-1] == ("create", "ed1@x.org")
    assert len(entries) == 6 and entries[0]["after"]["recurred_within_90_days"] is False
    assert entries[-2]["after"]["participants"] == [
        "students_involved",
        "teacher",
        "restorative_practitioner",
    ]
    assert entries[-2]["after"]["agreement_written"] is True
    public = json.dumps(audit_log(store, school_id="1"), default=str)
    everything = json.dumps(full_audit_log(store), default=str)
    for secret in (AGREEMENT, NOTE, "Apologise", "grandmother"):
        assert secret not in public and secret not in everything


def test_who_may_open_and_read_one_case_per_incident_none_when_withdrawn(
    store: Store, settings: Settings, city: dict[str, Any]
) -> None:
    users = city["users"]
    first, second, withdrawn, other_school = city["fights"]
    with pytest.raises(PermissionDeniedError, match="Sign in"):
        cases.open_case(store, None, first, settings=settings)
    with pytest.raises(PermissionDeniedError, match="may not change restorative cases"):
        cases.open_case(store, users["ed2"], first, settings=settings)
    with pytest.raises(DataValidationError, match="withdrawn incident cannot open a case"):
        cases.open_case(store, users["ed1"], withdrawn, settings=settings, now=_clock())
    with pytest.raises(NotFoundError, match="No incident with id 999"):
        cases.open_case(store, users["ed1"], 999, settings=settings)
    with pytest.raises(DataValidationError, match="cannot open"):
        cases.open_case(store, users["ed1"], second, data={"opened_on": "2025-01-07"},
                        settings=settings, now=_clock())  # fmt: skip
    made = cases.open_case(store, users["admin"], first, settings=settings, now=_clock())
    with pytest.raises(ConflictError, match="has a restorative case already"):
        cases.open_case(store, users["ed1"], first, settings=settings, now=_clock())
    assert len(store.restorative_cases()) == 1
    assert cases.get_case(store, users["ed1"], made["id"], settings=settings)["id"] == made["id"]
    for reader in (None, users["ed2"]):
        with pytest.raises(PermissionDeniedError):
            cases.get_case(store, reader, made["id"], settings=settings)
        with pytest.raises(PermissionDeniedError):
            cases.school_cases(store, reader, "1", settings=settings)
        with pytest.raises(PermissionDeniedError):
            cases.update_case(store, reader, made["id"], data={"version": 1}, settings=settings)
    with pytest.raises(NotFoundError):
        cases.get_case(store, users["ed1"], 999, settings=settings)
    mine = cases.open_case(store, users["ed2"], other_school, settings=settings, now=_clock())
    assert [c["id"] for c in cases.school_cases(store, users["ed2"], "2", settings=settings)] == [
        mine["id"]
    ]


def test_the_staff_list_puts_open_cases_and_due_follow_ups_first_and_exports_csv(
    store: Store, settings: Settings, city: dict[str, Any]
) -> None:
    ed1 = city["users"]["ed1"]
    first, second, _withdrawn, _other = city["fights"]
    a = cases.open_case(
        store, ed1, first, data={"opened_on": "2025-01-06"}, settings=settings, now=_clock()
    )
    b = cases.open_case(
        store, ed1, second,
        data={"opened_on": "2025-01-08", "followups": [{"due": "2025-01-22", "note": NOTE}],
              "participants": ["teacher", "counsellor"]},
        settings=settings, now=_clock(),
    )  # fmt: skip
    cases.close_case(store, ed1, a["id"], outcome="repaired", version=1, settings=settings,
                     now=_clock())  # fmt: skip
    listed = cases.school_cases(store, ed1, "1", settings=settings, now=_clock())
    assert [(c["id"], c["status"], c["due_soon"]) for c in listed] == [
        (b["id"], "open", True),
        (a["id"], "closed", False),
    ]
    rows = list(
        csv.DictReader(
            io.StringIO(cases.school_cases_csv(store, ed1, "1", settings=settings).decode())
        )
    )
    assert [r["case_id"] for r in rows] == [str(b["id"]), str(a["id"])]
    assert rows[0]["participants"] == "teacher;counsellor" and rows[0]["next_due"] == "2025-01-22"
    assert rows[1]["outcome"] == "repaired" and rows[1]["recurred_within_90_days"] == "unknown"
    assert rows[0]["incident_date"] == "2025-01-08" and rows[0]["incident_category"] == "fight"
    assert NOTE not in cases.school_cases_csv(store, ed1, "1", settings=settings).decode()
    with pytest.raises(NotFoundError):
        cases.school_cases(store, city["users"]["admin"], "999", settings=settings)
