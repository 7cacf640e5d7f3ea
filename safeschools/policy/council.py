"""Local School Council composition, quorum and the vote needed to pass a motion.

Facts (105 ILCS 5/34-2.1 and 34-2.2; HB1158 of 2021 for high-school students)
---------------------------------------------------------------------------------
- Voting seats: the principal, 2 teachers, 6 parents, 1 non-teaching staff member and 2
  community residents (12); an elementary school serving grade 7 or 8 adds 1 student (13); a high
  school adds 3 students (15, since 2021-22).
- Students do not vote on principal selection, evaluation and retention, contracts, or the
  allocation of teaching and staff resources.

Not confirmed, so settings (see :class:`VoteRules`), and every result says which rule it applied:

- quorum: default a majority of the seats (7 of 12 or 13, 8 of 15);
- passing: default a majority of the members present (with quorum); the alternatives are a
  majority of the votes cast, of the members serving, or of all seats.

A vote that lacked quorum is recorded and reported as invalid, never refused silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from safeschools.errors import DataValidationError

__all__ = [
    "BALLOTS",
    "PASS_RULES",
    "QUORUM_RULES",
    "RESTRICTED_TOPICS",
    "SEATS",
    "Member",
    "VoteOutcome",
    "VoteRules",
    "council_seats",
    "tally",
]

#: Voting seats of every council, by role.
SEATS = {"principal": 1, "teacher": 2, "parent": 6, "staff": 1, "community": 2}
#: How a member voted (``absent`` = not there; ``abstain`` = there, no vote).
BALLOTS = ("yes", "no", "abstain", "absent")
#: Topics on which student members do not vote.
RESTRICTED_TOPICS = ("principal", "contract", "staff_allocation")
QUORUM_RULES = {
    "majority_of_seats": "a majority of the council's seats",
    "majority_of_serving": "a majority of the members serving (vacancies left out)",
}
PASS_RULES = {
    "majority_of_present": "a majority of the members present",
    "majority_of_votes_cast": "more yes than no votes (abstentions not counted)",
    "majority_of_serving": "a majority of the members serving",
    "majority_of_seats": "a majority of all the council's seats",
}


def council_seats(school_kind: Literal["elementary", "elementary_7_8", "high"]) -> dict[str, int]:
    """Voting seats by role for a kind of school.

    Examples
    --------
    >>> sum(council_seats("high").values())
    15
    """
    seats = dict(SEATS)
    if school_kind == "elementary_7_8":
        seats["student"] = 1
    elif school_kind == "high":
        seats["student"] = 3
    elif school_kind != "elementary":
        msg = f"Unknown kind of school {school_kind!r}: elementary, elementary_7_8 or high."
        raise DataValidationError(msg)
    return seats


@dataclass(frozen=True)
class VoteRules:
    """The quorum and pass rules a district applies (defaults as the module docstring says)."""

    quorum: str = "majority_of_seats"
    passing: str = "majority_of_present"
    students_in_quorum_on_restricted: bool = False

    def __post_init__(self) -> None:
        if self.quorum not in QUORUM_RULES:
            msg = f"Unknown quorum rule {self.quorum!r}; use one of {', '.join(QUORUM_RULES)}."
            raise DataValidationError(msg)
        if self.passing not in PASS_RULES:
            msg = f"Unknown pass rule {self.passing!r}; use one of {', '.join(PASS_RULES)}."
            raise DataValidationError(msg)

    def describe(self) -> str:
        """The rules in one sentence, shown with every vote."""
        return f"Quorum: {QUORUM_RULES[self.quorum]}; passes with {PASS_RULES[self.passing]}."


@dataclass(frozen=True)
class Member:
    """A council member in a seat (role as in :data:`SEATS`, or ``student``)."""

    member_id: str
    role: str


@dataclass(frozen=True)
class VoteOutcome:
    """What a vote decided, and why."""

    valid: bool
    passed: bool
    result: str  # "passed", "failed" or "invalid: no quorum"
    yes: int
    no: int
    abstain: int
    absent: int
    present: int
    eligible: int
    seats: int
    serving: int
    quorum_needed: int
    votes_needed: int
    rules: str
    notes: list[str] = field(default_factory=list)


def _majority(n: int) -> int:
    return n // 2 + 1


def tally(
    *,
    seats: Mapping[str, int],
    members: Sequence[Member],
    ballots: Mapping[str, str],
    topic: str | None = None,
    rules: VoteRules | None = None,
) -> VoteOutcome:
    """Decide a motion from each serving member's ballot.

    Parameters
    ----------
    seats
        The council's voting seats by role (:func:`council_seats`).
    members
        The members serving now (a vacancy is a seat with no member).
    ballots
        ``member_id`` to ``yes|no|abstain|absent``; a serving member with no ballot is absent.
    topic
        ``principal``, ``contract`` or ``staff_allocation`` keep students from voting.
    """
    rules = rules or VoteRules()
    total_seats = sum(seats.values())
    serving_ids = {m.member_id for m in members}
    unknown = sorted(set(ballots) - serving_ids)
    if unknown:
        msg = f"Ballots from people who are not serving members: {', '.join(unknown)}."
        raise DataValidationError(msg)
    bad = sorted({b for b in ballots.values() if b not in BALLOTS})
    if bad:
        msg = f"Unknown ballot(s) {', '.join(bad)}; use {', '.join(BALLOTS)}."
        raise DataValidationError(msg)
    by_role = Counter(m.role for m in members)
    over = [r for r, n in by_role.items() if n > seats.get(r, 0)]
    if over:
        msg = f"More members than seats for: {', '.join(sorted(over))}."
        raise DataValidationError(msg)
    restricted = topic in RESTRICTED_TOPICS
    notes: list[str] = []
    counted = [m for m in members if not (restricted and m.role == "student")]
    if restricted and len(counted) < len(members):
        notes.append(f"Students do not vote on {topic}; their ballots are not counted.")
    ballot = {m.member_id: ballots.get(m.member_id, "absent") for m in members}
    present_all = [m for m in members if ballot[m.member_id] != "absent"]
    present_counted = [m for m in counted if ballot[m.member_id] != "absent"]
    quorum_pool = present_all
    seat_total = total_seats
    serving = len(members)
    if restricted and not rules.students_in_quorum_on_restricted:
        quorum_pool = present_counted
        seat_total = total_seats - seats.get("student", 0)
        serving = len(counted)
    quorum_base = seat_total if rules.quorum == "majority_of_seats" else serving
    quorum_needed = _majority(quorum_base)
    counts = Counter(ballot[m.member_id] for m in counted)
    yes, no, abstain = counts["yes"], counts["no"], counts["abstain"]
    absent = sum(1 for m in members if ballot[m.member_id] == "absent")
    present = len(present_counted)
    if rules.passing == "majority_of_present":
        needed = _majority(present)
    elif rules.passing == "majority_of_votes_cast":
        needed = _majority(yes + no) if yes + no else 1
    elif rules.passing == "majority_of_serving":
        needed = _majority(len(counted))
    else:
        needed = _majority(seat_total)
    vacancies = total_seats - len(members)
    if vacancies:
        notes.append(f"{vacancies} seat(s) vacant.")
    valid = len(quorum_pool) >= quorum_needed
    if not valid:
        notes.append(
            f"No quorum: {len(quorum_pool)} present, {quorum_needed} needed; the vote is recorded "
            "but decides nothing."
        )
    passes = yes > no if rules.passing == "majority_of_votes_cast" else yes >= needed
    passed = valid and passes
    result = "invalid: no quorum" if not valid else ("passed" if passed else "failed")
    return VoteOutcome(
        valid=valid,
        passed=passed,
        result=result,
        yes=yes,
        no=no,
        abstain=abstain,
        absent=absent,
        present=present,
        eligible=len(counted),
        seats=seat_total,
        serving=serving,
        quorum_needed=quorum_needed,
        votes_needed=needed,
        rules=rules.describe(),
        notes=notes,
    )
