"""Quorum and pass rules on the edge cases councils meet."""

from __future__ import annotations

import pytest

from safeschools.errors import DataValidationError
from safeschools.policy.council import Member, VoteRules, council_seats, tally


def _council(kind: str = "elementary") -> tuple[dict[str, int], list[Member]]:
    seats = council_seats(kind)  # type: ignore[arg-type]
    members = [Member(f"{role}{i}", role) for role, n in seats.items() for i in range(n)]
    return seats, members


def _ballots(members: list[Member], yes: int, no: int = 0, abstain: int = 0) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in members:
        if yes:
            out[m.member_id], yes = "yes", yes - 1
        elif no:
            out[m.member_id], no = "no", no - 1
        elif abstain:
            out[m.member_id], abstain = "abstain", abstain - 1
    return out


def test_seats_by_kind_of_school() -> None:
    assert sum(council_seats("elementary").values()) == 12
    assert sum(council_seats("elementary_7_8").values()) == 13
    assert council_seats("high")["student"] == 3 and sum(council_seats("high").values()) == 15


def test_six_of_twelve_present_is_no_quorum_and_recorded_as_invalid() -> None:
    seats, members = _council()
    outcome = tally(seats=seats, members=members, ballots=_ballots(members, yes=6))
    assert not outcome.valid and not outcome.passed
    assert outcome.result == "invalid: no quorum"
    assert outcome.quorum_needed == 7
    assert any("No quorum" in n for n in outcome.notes)


def test_seven_of_twelve_is_quorum_and_majority_of_present_passes() -> None:
    seats, members = _council()
    outcome = tally(seats=seats, members=members, ballots=_ballots(members, yes=4, no=2, abstain=1))
    assert outcome.valid and outcome.passed and outcome.votes_needed == 4
    # an abstention counts against under "majority of present"
    outcome = tally(seats=seats, members=members, ballots=_ballots(members, yes=3, no=2, abstain=2))
    assert outcome.valid and not outcome.passed and outcome.result == "failed"
    # ... but not under "majority of votes cast"
    cast = VoteRules(passing="majority_of_votes_cast")
    outcome = tally(
        seats=seats, members=members, ballots=_ballots(members, yes=3, no=2, abstain=2), rules=cast
    )
    assert outcome.passed
    assert "votes" in outcome.rules


def test_a_vacancy_keeps_the_quorum_of_the_seats_by_default() -> None:
    seats, members = _council()
    members = members[:-1]  # 11 serving of 12 seats
    outcome = tally(seats=seats, members=members, ballots=_ballots(members, yes=6))
    assert not outcome.valid and outcome.quorum_needed == 7
    assert any("vacant" in n for n in outcome.notes)
    serving = VoteRules(quorum="majority_of_serving")
    outcome = tally(seats=seats, members=members, ballots=_ballots(members, yes=6), rules=serving)
    assert outcome.valid and outcome.quorum_needed == 6 and outcome.passed


def test_students_do_not_vote_on_restricted_topics() -> None:
    seats, members = _council("high")
    students = [m for m in members if m.role == "student"]
    adults = [m for m in members if m.role != "student"]
    ballots = {m.member_id: "yes" for m in students} | _ballots(adults, yes=3, no=4)
    general = tally(seats=seats, members=members, ballots=ballots)
    assert general.valid and general.yes == 6 and general.passed  # 10 present, 6 yes
    restricted = tally(seats=seats, members=members, ballots=ballots, topic="principal")
    assert restricted.yes == 3 and restricted.eligible == 12
    assert restricted.quorum_needed == 7 and restricted.valid  # 7 adults present of 12 seats
    assert not restricted.passed  # without the students: 3 yes of 7 present
    assert any("Students do not vote" in n for n in restricted.notes)


@pytest.mark.parametrize(
    ("ballots", "message"),
    [({"stranger": "yes"}, "not serving"), ({"parent0": "maybe"}, "Unknown ballot")],
)
def test_bad_ballots_are_refused(ballots: dict[str, str], message: str) -> None:
    seats, members = _council()
    with pytest.raises(DataValidationError, match=message):
        tally(seats=seats, members=members, ballots=ballots)


def test_unknown_rules_are_refused() -> None:
    with pytest.raises(DataValidationError, match="pass rule"):
        VoteRules(passing="loudest")
