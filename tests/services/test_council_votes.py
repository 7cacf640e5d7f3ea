"""Local School Council votes through the service: quorum and pass rules on edge cases, invalid
votes kept, officer decisions applied to the next school year."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from safeschools import services
from safeschools.errors import DataValidationError, NotFoundError, PermissionDeniedError
from safeschools.model import User
from safeschools.model.council import CouncilMember
from safeschools.services import council as service_council
from safeschools.services import officers as service_officers
from safeschools.settings import Settings
from safeschools.storage import Store

PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 29, 12, 0)  # pinned: audit times are compared
SCHOOL = "609698"
ROLES_12 = ["principal", "teacher", "teacher"] + ["parent"] * 6 + ["staff"] + ["community"] * 2


def _now() -> datetime:
    return NOW


def _council(
    store: Store, settings: Settings, roles: list[str]
) -> tuple[User, list[CouncilMember], int]:
    editor = services.create_user(
        store,
        email="lsc@x.org",
        password=PASSWORD,
        role="editor",
        school_ids=[SCHOOL],
        settings=settings,
    )
    members = [
        service_council.add_council_member(
            store,
            editor,
            school_id=SCHOOL,
            name=f"Member {i}",
            role=role,
            term_start=date(2022, 7, 1),
            term_end=date(2024, 6, 30),
            settings=settings,
            now=_now,
        )
        for i, role in enumerate(roles)
    ]
    meeting = service_council.add_council_meeting(
        store, editor, school_id=SCHOOL, meeting_date=date(2023, 5, 10), settings=settings
    )
    return editor, members, meeting.id


def test_six_of_twelve_present_is_stored_invalid(store: Store, settings: Settings) -> None:
    editor, members, meeting_id = _council(store, settings, ROLES_12)
    out = service_council.record_motion(
        store,
        editor,
        school_id=SCHOOL,
        meeting_id=meeting_id,
        topic="officers",
        text="Keep both officers",
        officer_decision=2,
        ballots={m.id: "yes" for m in members[:6]},
        school_kind="elementary",
        settings=settings,
        now=_now,
    )
    assert (out["valid"], out["passed"], out["result"]) == (False, False, "invalid: no quorum")
    assert "majority of the council's seats" in out["rules"]
    assert out["effect"] is None
    council = service_council.school_council(store, SCHOOL, today=date(2023, 5, 10))
    (motion,) = council["motions"]
    assert motion["result"] == "invalid: no quorum"
    assert sum(1 for b in motion["ballots"].values() if b == "absent") == 6
    assert store.sro_assignments(school_id=SCHOOL) == []
    summary = service_council.council_summary(store)
    assert summary == [
        {
            "school_year": "2023-24",
            "source": "recorded",
            "councils_voted": 0,
            "choices": {},
            "invalid_votes": 1,
        }
    ]


def test_a_vacancy_and_an_officer_decision_for_next_year(store: Store, settings: Settings) -> None:
    editor, members, meeting_id = _council(store, settings, ROLES_12[:-1])  # one seat vacant
    ballots = {m.id: "yes" for m in members[:5]} | {m.id: "no" for m in members[5:7]}
    out = service_council.record_motion(
        store,
        editor,
        school_id=SCHOOL,
        meeting_id=meeting_id,
        topic="officers",
        text="Keep one officer",
        officer_decision=1,
        ballots=ballots,
        school_kind="elementary",
        settings=settings,
        now=_now,
    )
    assert out["result"] == "passed"
    assert "1 seat(s) vacant." in out["outcome"]["notes"]
    assert out["effect"]["school_year"] == "2023-24" and out["effect"]["officers"] == 1
    (assignment,) = store.sro_assignments(school_id=SCHOOL)
    assert (assignment.school_year, assignment.officers, assignment.source) == (
        "2023-24",
        1,
        "council",
    )
    audit = store.audit_entries(school_id=SCHOOL, entity="sro_assignment")
    assert audit[0].after is not None and "motion" in audit[0].after["reason"]
    summary = service_council.council_summary(store)
    assert summary[0]["choices"] == {"keep 1": 1} and summary[0]["councils_voted"] == 1
    # A later passing decision replaces it: a new version, audited with before and after.
    second = service_council.add_council_meeting(
        store, editor, school_id=SCHOOL, meeting_date=date(2023, 6, 1), settings=settings
    )
    again = service_council.record_motion(
        store,
        editor,
        school_id=SCHOOL,
        meeting_id=second.id,
        topic="officers",
        text="Remove both officers",
        officer_decision=0,
        ballots={m.id: "yes" for m in members[:8]},
        school_kind="elementary",
        settings=settings,
        now=_now,
    )
    assert again["effect"]["officers"] == 0 and again["effect"]["version"] == 2
    latest = store.audit_entries(school_id=SCHOOL, entity="sro_assignment")[0]
    assert latest.before is not None and latest.before["officers"] == 1
    assert latest.after is not None and latest.after["officers"] == 0
    history = service_officers.school_officers(store, SCHOOL)
    assert [a["officers"] for a in history["assignments"]] == [0]


def test_students_do_not_vote_on_restricted_topics(store: Store, settings: Settings) -> None:
    roles = ROLES_12 + ["student"] * 3
    editor, members, meeting_id = _council(store, settings, roles)
    adults, students = members[:12], members[12:]
    # 7 adults yes, 1 adult no, 3 students no: on a contract only the adults count (and a
    # contract needs a majority of the 12 adult seats, 7, by default).
    ballots = {m.id: "yes" for m in adults[:7]} | {adults[7].id: "no"}
    ballots |= {m.id: "no" for m in students}
    out = service_council.record_motion(
        store,
        editor,
        school_id=SCHOOL,
        meeting_id=meeting_id,
        topic="contract",
        text="Approve the contract",
        ballots=ballots,
        school_kind="high",
        settings=settings,
        now=_now,
    )
    assert out["result"] == "passed"
    assert (out["outcome"]["yes"], out["outcome"]["no"]) == (7, 1)
    assert out["outcome"]["votes_needed"] == 7 and "34-2.3" in out["rules"]
    assert any("Students do not vote on contract" in n for n in out["outcome"]["notes"])
    # The same ballots on a general motion count the students: 7 yes of 11 present.
    general = service_council.record_motion(
        store,
        editor,
        school_id=SCHOOL,
        meeting_id=meeting_id,
        topic="general",
        text="Same ballots, general topic",
        ballots=ballots,
        school_kind="high",
        settings=settings,
        now=_now,
    )
    assert (general["outcome"]["yes"], general["outcome"]["no"]) == (7, 4)
    assert general["result"] == "passed"


def test_configured_rules_are_applied_and_named(store: Store, tmp_path: object) -> None:
    settings = Settings(
        council_pass_rule="majority_of_seats", council_quorum_rule="majority_of_serving"
    )
    editor, members, meeting_id = _council(store, settings, ROLES_12)
    out = service_council.record_motion(
        store,
        editor,
        school_id=SCHOOL,
        meeting_id=meeting_id,
        topic="general",
        text="Needs 7 yes of 12 seats",
        ballots={m.id: "yes" for m in members[:6]} | {members[6].id: "no"},
        school_kind="elementary",
        settings=settings,
        now=_now,
    )
    assert out["result"] == "failed" and "majority of all the council's seats" in out["rules"]


def test_council_writes_are_checked(store: Store, settings: Settings) -> None:
    editor, _members, meeting_id = _council(store, settings, ROLES_12[:3])
    with pytest.raises(PermissionDeniedError):
        service_council.add_council_member(
            store,
            editor,
            school_id="610513",
            name="X",
            role="parent",
            term_start=date(2023, 1, 1),
            settings=settings,
        )
    with pytest.raises(DataValidationError, match="keeps 2, 1 or 0"):
        service_council.record_motion(
            store,
            editor,
            school_id=SCHOOL,
            meeting_id=meeting_id,
            topic="officers",
            text="?",
            ballots={},
            settings=settings,
        )
    with pytest.raises(DataValidationError, match="not serving members"):
        service_council.record_motion(
            store,
            editor,
            school_id=SCHOOL,
            meeting_id=meeting_id,
            topic="general",
            text="a ballot from a stranger",
            ballots={"9999": "yes"},
            settings=settings,
        )
    with pytest.raises(NotFoundError, match="No council meeting #999"):
        service_council.record_motion(
            store,
            editor,
            school_id=SCHOOL,
            meeting_id=999,
            topic="general",
            text="x",
            ballots={},
            settings=settings,
        )
    with pytest.raises(DataValidationError, match="Unknown seat"):
        service_council.add_council_member(
            store,
            editor,
            school_id=SCHOOL,
            name="X",
            role="mayor",
            term_start=date(2023, 1, 1),
            settings=settings,
        )


def test_the_settings_name_the_rule_per_kind_of_motion(store: Store) -> None:
    """Fewer than 7 serving: 4 present fill a vacancy (Public Act 102-0296), and the vote says so
    with its citation; a contract needs the full membership unless the settings say otherwise."""
    settings = Settings()
    editor, members, meeting_id = _council(store, settings, ROLES_12[:6])
    out = service_council.record_motion(
        store,
        editor,
        school_id=SCHOOL,
        meeting_id=meeting_id,
        topic="vacancy",
        text="Appoint a parent member",
        ballots={m.id: "yes" for m in members[:3]} | {members[3].id: "no"},
        school_kind="elementary",
        settings=settings,
        now=_now,
    )
    assert out["result"] == "passed" and out["outcome"]["quorum_needed"] == 4
    assert "Public Act 102-0296" in out["rules"]
    assert out["outcome"]["quorum_rule"] == "vacancy"
    assert "Public Act 102-0296" in out["outcome"]["quorum_text"]
    stored = service_council.school_council(store, SCHOOL)["motions"][0]
    assert stored["outcome"]["pass_text"] == out["outcome"]["pass_text"]
    relaxed = Settings(council_pass_rule_by_topic={}, council_vacancy_quorum=0)
    rules = service_council.vote_rules(relaxed)
    assert rules.pass_rule("contract") == "majority_of_present"
    assert not rules.vacancy_quorum_applies("vacancy", 5)


def test_a_pass_rule_for_an_unknown_kind_of_motion_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from safeschools.errors import ConfigError

    monkeypatch.setenv("SAFESCHOOLS_COUNCIL_PASS_RULE_BY_TOPIC", '{"budget": "majority_of_seats"}')
    settings = Settings()
    assert settings.council_pass_rule_by_topic == {"budget": "majority_of_seats"}
    with pytest.raises(ConfigError, match="unknown topic"):
        service_council.vote_rules(settings)
