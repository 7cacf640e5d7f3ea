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


# ---------------------------------------------------------------------- rules per kind of motion
@pytest.mark.parametrize(
    ("topic", "needed", "passed"),
    [
        ("general", 4, True),  # a majority of the 7 present
        ("staff_allocation", 4, True),
        ("officers", 4, True),
        ("vacancy", 4, True),  # 12 serving: the usual quorum and pass rule
        ("principal", 7, False),  # a majority of the full membership (12 seats)
        ("contract", 7, False),
    ],
)
def test_pass_rule_per_kind_of_motion(topic: str, needed: int, passed: bool) -> None:
    seats, members = _council()
    outcome = tally(
        seats=seats, members=members, ballots=_ballots(members, yes=6, no=1), topic=topic
    )
    assert (
        outcome.valid and outcome.quorum_needed == 7 and outcome.quorum_rule == "majority_of_seats"
    )
    assert (outcome.votes_needed, outcome.passed) == (needed, passed)
    full = topic in ("principal", "contract")
    assert outcome.pass_rule == ("majority_of_seats" if full else "majority_of_present")
    assert ("34-2.3" in outcome.rules) is full


def test_a_high_schools_principal_vote_needs_a_majority_of_the_adult_seats() -> None:
    seats, members = _council("high")  # 15 seats, 3 of them students
    adults = [m for m in members if m.role != "student"]
    outcome = tally(
        seats=seats, members=members, ballots=_ballots(adults, yes=7), topic="principal"
    )
    assert (outcome.seats, outcome.votes_needed, outcome.passed) == (12, 7, True)


def test_fewer_than_seven_serving_fill_a_vacancy_with_four() -> None:
    seats, members = _council()
    serving = members[:6]  # 6 serve, 6 seats vacant
    ballots = _ballots(serving, yes=3, no=1)  # 4 present
    vacancy = tally(seats=seats, members=serving, ballots=ballots, topic="vacancy")
    assert vacancy.valid and vacancy.quorum_needed == 4 and vacancy.quorum_rule == "vacancy"
    assert vacancy.passed and vacancy.votes_needed == 3  # a majority of the 4 present
    assert "Public Act 102-0296" in vacancy.rules
    assert vacancy.quorum_text == (
        "Quorum: 4 members, because fewer than 7 members serve and the motion fills a vacancy "
        "(Public Act 102-0296)."
    )
    # solely to fill vacancies: any other motion still needs 7
    general = tally(seats=seats, members=serving, ballots=ballots, topic="general")
    assert not general.valid and general.quorum_needed == 7
    assert "Public Act" not in general.rules
    # 3 present is not the reduced quorum either
    three = tally(seats=seats, members=serving, ballots=_ballots(serving, yes=3), topic="vacancy")
    assert not three.valid


def test_seven_serving_keep_the_usual_quorum_to_fill_a_vacancy() -> None:
    seats, members = _council()
    serving = members[:7]
    outcome = tally(seats=seats, members=serving, ballots=_ballots(serving, yes=4), topic="vacancy")
    assert not outcome.valid and outcome.quorum_needed == 7 and outcome.quorum_rule != "vacancy"


def test_every_rule_is_a_setting() -> None:
    seats, members = _council()
    serving = members[:6]
    off = VoteRules(vacancy_quorum=0)
    assert not tally(
        seats=seats, members=serving, ballots=_ballots(serving, yes=4), topic="vacancy", rules=off
    ).valid
    present = VoteRules(passing_by_topic=())
    outcome = tally(
        seats=seats,
        members=members,
        ballots=_ballots(members, yes=6, no=1),
        topic="principal",
        rules=present,
    )
    assert outcome.passed and "a choice of this district" in outcome.rules
    with pytest.raises(DataValidationError, match="for principal motions"):
        VoteRules(passing_by_topic=(("principal", "loudest"),))


def test_the_rules_cite_the_law_in_both_languages() -> None:
    from safeschools.policy.council import PASS_TEXTS, QUORUM_TEXTS, VACANCY_QUORUM_TEXT
    from safeschools.render.i18n import KNOWN_TEXTS, PATTERNS, language

    default = VoteRules()
    general = default.describe("general", 12)
    assert "105 ILCS 5/34-2.2(c)" in general and "not yet confirmed" in general
    assert "105 ILCS 5/34-2.2(c) and 34-2.3" in default.describe("principal", 12)
    for text in (*QUORUM_TEXTS.values(), *PASS_TEXTS.values()):
        assert text in KNOWN_TEXTS, text
        assert language("es").text(text) != text, text
    assert VACANCY_QUORUM_TEXT in PATTERNS
    es = language("es")
    assert es.text(default.quorum_text("general", 12)).endswith(
        "(Código Escolar de Illinois, 105 ILCS 5/34-2.2(c))."
    )
    assert es.text(default.quorum_text("vacancy", 5)).startswith(
        "Quórum: 4 miembros, porque hay menos de 7 miembros en funciones"
    )
    assert "Ley Pública 102-0296" in es.text(default.pass_text("vacancy", 5))
