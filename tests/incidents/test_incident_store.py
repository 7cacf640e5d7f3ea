"""The store keeps incidents and restorative cases, every version of each, on SQLite and
PostgreSQL; a stale write is refused, a second case for one incident too."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from safeschools.errors import ConflictError
from safeschools.model.incidents import CaseFollowUp, Incident, IncidentCategory, RestorativeCase
from safeschools.storage import Store

AT = datetime(2026, 12, 7, 9, 30)


def _incident(**changes: object) -> Incident:
    base = Incident(
        school_id="609999",
        occurred_at=datetime(2026, 11, 3, 12, 15),
        category="fight",
        place="grounds",
        students_involved=3,
        injuries=1,
        police_called=True,
        police_reason="serious_injury",
        responses=("restorative_conference", "parent_meeting"),
        staff_note="Lunch line.",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_incidents_round_trip_with_versions(store: Store) -> None:
    with store.engine.begin() as conn:
        saved = store.add_school_incident(_incident(), at=AT, by="ed@example.org", conn=conn)
    assert saved.id > 0 and saved.version == 1
    assert saved.responses == ("restorative_conference", "parent_meeting")
    assert saved.police_called is True and saved.recorded_by == "ed@example.org"
    with store.engine.begin() as conn:
        changed = store.save_school_incident(
            replace(saved, injuries=2), read_version=1, at=AT, by="ed@example.org", conn=conn
        )
    assert changed.version == 2 and changed.injuries == 2
    with pytest.raises(ConflictError), store.engine.begin() as conn:
        store.save_school_incident(
            replace(saved, injuries=5), read_version=1, at=AT, by="other@example.org", conn=conn
        )
    history = store.school_incident_history(saved.id)
    assert [h["injuries"] for h in history] == [1, 2]
    with store.engine.begin() as conn:
        store.save_school_incident(
            replace(changed, withdrawn_at=AT), read_version=2, at=AT, by=None, conn=conn
        )
    assert store.school_incidents(school_id="609999") == []
    assert len(store.school_incidents(include_withdrawn=True)) == 1


def test_external_ids_and_periods(store: Store) -> None:
    with store.engine.begin() as conn:
        store.add_school_incident(
            _incident(external_id="X-1", source="import"), at=AT, by=None, conn=conn
        )
        store.add_school_incident(
            _incident(occurred_at=datetime(2026, 12, 1, 8)), at=AT, by=None, conn=conn
        )
    assert store.school_incident_by_external_id("X-1") is not None
    assert store.school_incident_by_external_id("X-2") is None
    december = store.school_incidents(since=datetime(2026, 12, 1), until=datetime(2027, 1, 1))
    assert [i.occurred_at.month for i in december] == [12]


def test_categories_and_cases(store: Store) -> None:
    with store.engine.begin() as conn:
        store.add_incident_category(
            IncidentCategory("vaping", "Vaping", "Vapeo"), at=AT, by="admin@example.org", conn=conn
        )
        incident = store.add_school_incident(_incident(), at=AT, by=None, conn=conn)
    with pytest.raises(ConflictError), store.engine.begin() as conn:
        store.add_incident_category(IncidentCategory("vaping", "V", "V"), at=AT, by=None, conn=conn)
    assert [c.code for c in store.incident_categories()] == ["vaping"]
    case = RestorativeCase(
        incident_id=incident.id,
        school_id="609999",
        opened_on=date(2026, 11, 4),
        conference_on=date(2026, 11, 6),
        participants=("students_involved", "counsellor"),
        agreement="Apologies and a shared project.",
        followups=(CaseFollowUp(due=date(2026, 11, 20)),),
    )
    with store.engine.begin() as conn:
        opened = store.add_restorative_case(case, at=AT, by=None, conn=conn)
    assert opened.version == 1 and opened.followups[0].due == date(2026, 11, 20)
    with pytest.raises(ConflictError), store.engine.begin() as conn:
        store.add_restorative_case(case, at=AT, by=None, conn=conn)
    closed = replace(
        opened,
        status="closed",
        closed_on=date(2026, 12, 1),
        outcome="repaired",
        recurred_within_90_days=False,
        followups=(CaseFollowUp(due=date(2026, 11, 20), done_on=date(2026, 11, 19), note="ok"),),
    )
    with store.engine.begin() as conn:
        saved = store.save_restorative_case(closed, read_version=1, at=AT, by=None, conn=conn)
    assert saved.recurred_within_90_days is False and saved.outcome == "repaired"
    assert store.restorative_case_of_incident(incident.id) == saved
    assert [h["status"] for h in store.restorative_case_history(saved.id)] == ["open", "closed"]
    assert store.restorative_cases(school_id="nope") == []
