"""Each rule of a restorative case, in plain words (safeschools/model/cases.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from safeschools.errors import DataValidationError
from safeschools.model.cases import MAX_FOLLOWUPS, CaseError, case_from_dict
from safeschools.model.incidents import Incident

FIGHT = Incident("1", datetime(2025, 1, 6, 10, 15), "fight", "inside", 2, id=7)
TODAY = date(2025, 1, 20)  # 14 days after the fight


def _case(today: date = TODAY, **data: Any) -> Any:
    return case_from_dict({"opened_on": "2025-01-07", **data}, incident=FIGHT, today=today)


def test_a_full_case_is_kept() -> None:
    case = _case(
        conference_on="2025-01-09",
        participants=["teacher", "students_involved", "parent_or_guardian"],
        agreement="Apologise in the circle.\nRepair the locker.",
        followups=[{"due": "2025-01-16", "done_on": "2025-01-15", "note": "Locker fixed"}],
        status="closed",
        closed_on="2025-01-17",
        outcome="repaired",
        recurred_within_90_days="yes",
    )
    assert case.incident_id == 7 and case.school_id == "1"
    # roles in the model's order, whatever order they came in
    assert case.participants == ("students_involved", "parent_or_guardian", "teacher")
    assert case.followups[0].done_on == date(2025, 1, 15)
    assert case.outcome == "repaired" and case.recurred_within_90_days is True
    assert _case().status == "open" and _case().recurred_within_90_days is None


@pytest.mark.parametrize(
    "data, rule, words",
    [
        ({"opened_on": "2025-01-05"}, "opened_before_incident", "cannot open"),
        ({"opened_on": ""}, "date", "Give the day the case was opened"),
        ({"opened_on": "07/01/2025"}, "date", "is not a date; write it like"),
        ({"conference_on": "2025-01-06"}, "conference_before_opened", "cannot be before"),
        ({"participants": ["teacher", "Maria"]}, "participant_role", "never a name"),
        ({"participants": ["teacher", "teacher"]}, "participant_twice", "listed twice"),
        ({"participants": "teacher"}, "participant_role", "list of roles"),
        ({"agreement": "a\x00b"}, "text", "agreement"),
        ({"agreement": "x" * 10_001}, "text", "agreement"),
        ({"followups": [{"note": "call"}]}, "followup_due", "needs a due date"),
        ({"followups": [{"due": "2025-01-08", "note": "x" * 201}]}, "text", "note"),
        ({"status": "pending"}, "status", "open or closed"),
        ({"status": "closed", "outcome": "fine", "closed_on": "2025-01-09"}, "outcome", "fine"),
        ({"status": "closed", "closed_on": "2025-01-09"}, "closing_needs_outcome", "outcome"),
        ({"status": "closed", "outcome": "partly"}, "closing_needs_outcome", "closing date"),
        (
            {"status": "closed", "outcome": "partly", "closed_on": "2025-01-06"},
            "closed_before_opened",
            "cannot close",
        ),
        ({"outcome": "repaired"}, "open_with_outcome", "An open case has no outcome"),
        ({"closed_on": "2025-01-09"}, "open_with_outcome", "close it"),
        ({"recurred_within_90_days": "maybe"}, "recurrence", "yes, no or unknown"),
        ({"recurred_within_90_days": "no"}, "recurrence_too_early", "from 2025-04-06"),
        ({"recurred_within_90_days": False}, "recurrence_too_early", "90 days"),
    ],
)
def test_each_rule_is_refused_in_words(data: dict[str, Any], rule: str, words: str) -> None:
    with pytest.raises(CaseError, match=words) as caught:
        _case(**data)
    assert caught.value.rule == rule
    assert isinstance(caught.value, DataValidationError)


def test_followups_are_limited() -> None:
    many = [{"due": "2025-02-01"}] * MAX_FOLLOWUPS
    assert len(_case(followups=many).followups) == MAX_FOLLOWUPS
    with pytest.raises(CaseError, match="at most 50 follow-ups") as caught:
        _case(followups=[*many, {"due": "2025-02-01"}])
    assert caught.value.rule == "followups_too_many"


def test_recurrence_no_once_90_days_have_passed_and_yes_any_time() -> None:
    assert _case(recurred_within_90_days="yes").recurred_within_90_days is True
    with pytest.raises(CaseError):
        _case(today=date(2025, 4, 5), recurred_within_90_days="no")
    day_90 = _case(today=date(2025, 4, 6), recurred_within_90_days="no")
    assert day_90.recurred_within_90_days is False
    assert _case(recurred_within_90_days="unknown").recurred_within_90_days is None


def test_the_conference_and_closing_may_be_on_the_opening_day() -> None:
    case = _case(
        opened_on="2025-01-06",
        conference_on="2025-01-06",
        status="closed",
        closed_on="2025-01-06",
        outcome="not_repaired",
    )
    assert case.opened_on == case.conference_on == case.closed_on == date(2025, 1, 6)
