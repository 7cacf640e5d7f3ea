"""Local School Council composition, quorum and the vote needed to pass a motion.

Facts (105 ILCS 5/34-2.1 and 34-2.2; HB1158 of 2021 for high-school students)
---------------------------------------------------------------------------------
- Voting seats: the principal, 2 teachers, 6 parents, 1 non-teaching staff member and 2
  community residents (12); an elementary school serving grade 7 or 8 adds 1 student (13); a high
  school adds 3 students (15, since 2021-22).
- Students do not vote on principal selection, evaluation and retention, contracts, or the
  allocation of teaching and staff resources.

The rules, what each one cites, and what is still an assumption
---------------------------------------------------------------
Every rule is a setting (:class:`VoteRules`, built from :class:`~safeschools.settings.Settings`),
and every vote states the rule it was decided by, with its citation, in words.

- **Quorum** (default ``majority_of_seats``): a majority of the *full membership*, vacant seats
  included: 7 of 12 or 13, 8 of 15. *Cited*: 105 ILCS 5/34-2.2(c), as CPS Board Rule 6-31
  refers to it ("the quorum in section 34-2.2(c)"). The quorum for 15-member councils follows
  the same rule but is not confirmed by CPS training material (which gives 7 for 12 or 13).
- **Filling a vacancy with fewer than 7 members serving** (``vacancy`` motions): 4 members are a
  quorum, solely to fill vacancies, decided by a majority of those present. *Cited*: Public Act
  102-0296 (SB652), amending 105 ILCS 5/34-2.2. Settings: ``council_vacancy_quorum`` (4) and
  ``council_vacancy_quorum_below`` (7). With 7 or more serving, a vacancy motion needs the usual
  quorum.
- **Passing a motion** (default ``majority_of_present``): a majority of the members present,
  with quorum. *Assumption to confirm*: the statute's text was not checked here; the
  alternatives are a majority of the votes cast, of the members serving, or of the full
  membership.
- **Principal selection and the principal's contract** (topics ``principal`` and ``contract``,
  default ``majority_of_seats``): a majority of the full membership, not of those present.
  *Assumption to confirm*: 105 ILCS 5/34-2.2(c) and 34-2.3 are read this way by many; the text
  of both sections is to be checked before relying on it. Students do not vote on these, so the
  full membership is the council's adult seats (12).

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
    "DEFAULT_PASS_RULES_BY_TOPIC",
    "FULL_MEMBERSHIP_TOPICS",
    "PASS_RULES",
    "PASS_TEXTS",
    "QUORUM_RULES",
    "QUORUM_TEXTS",
    "RESTRICTED_TOPICS",
    "SEATS",
    "VACANCY_QUORUM_TEXT",
    "VACANCY_TOPIC",
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
#: The motion that fills a vacant seat (Public Act 102-0296's reduced quorum applies to it).
VACANCY_TOPIC = "vacancy"
#: Topics read as needing a majority of the full membership (105 ILCS 5/34-2.2(c), 34-2.3).
FULL_MEMBERSHIP_TOPICS = ("principal", "contract")
#: The pass rule of a kind of motion, where it differs from the general one.
DEFAULT_PASS_RULES_BY_TOPIC = {topic: "majority_of_seats" for topic in FULL_MEMBERSHIP_TOPICS}

QUORUM_RULES = {
    "majority_of_seats": "a majority of the council's seats (its full membership)",
    "majority_of_serving": "a majority of the members serving (vacancies left out)",
}
PASS_RULES = {
    "majority_of_present": "a majority of the members present",
    "majority_of_votes_cast": "more yes than no votes (abstentions not counted)",
    "majority_of_serving": "a majority of the members serving",
    "majority_of_seats": "a majority of all the council's seats (its full membership)",
}

#: The quorum a vote applied, as shown with it: one fixed sentence per rule, citing its basis.
QUORUM_TEXTS = {
    "majority_of_seats": "Quorum: a majority of the council's seats, its full membership, vacant "
    "seats included (Illinois School Code, 105 ILCS 5/34-2.2(c)).",
    "majority_of_serving": "Quorum: a majority of the members serving, vacant seats left out (a "
    "choice of this district: the School Code counts the full membership).",
}
#: The reduced quorum to fill a vacancy (numbers from the settings).
VACANCY_QUORUM_TEXT = (
    "Quorum: %(quorum)s members, because fewer than %(below)s members serve and the motion fills "
    "a vacancy (Public Act 102-0296)."
)
#: The pass rule a vote applied, by (rule, basis): ``assumed`` (the general default, not yet
#: confirmed against the statute), ``full_membership`` (principal selection and contract),
#: ``vacancy`` (Public Act 102-0296) or ``setting`` (a rule the district chose).
PASS_TEXTS = {
    ("majority_of_present", "assumed"): "Passes with a majority of the members present (the "
    "default; not yet confirmed against the School Code's text).",
    ("majority_of_present", "vacancy"): "Passes with a majority of the members present (Public "
    "Act 102-0296).",
    ("majority_of_seats", "full_membership"): "Passes with a majority of the full membership, not "
    "of those present, as 105 ILCS 5/34-2.2(c) and 34-2.3 are read for principal selection and "
    "the principal's contract (to be confirmed against the statute's text).",
    ("majority_of_present", "setting"): "Passes with a majority of the members present (a choice "
    "of this district).",
    ("majority_of_votes_cast", "setting"): "Passes with more yes than no votes, abstentions not "
    "counted (a choice of this district).",
    ("majority_of_serving", "setting"): "Passes with a majority of the members serving (a choice "
    "of this district).",
    ("majority_of_seats", "setting"): "Passes with a majority of all the council's seats, its "
    "full membership (a choice of this district).",
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
    """The quorum and pass rules a district applies (defaults and citations: the module
    docstring).

    Parameters
    ----------
    quorum
        ``majority_of_seats`` (the full membership) or ``majority_of_serving``.
    passing
        The general pass rule, for motions whose topic has no rule of its own.
    passing_by_topic
        (topic, rule) pairs: the pass rule of a kind of motion (principal selection, contract).
    vacancy_quorum, vacancy_quorum_below
        A ``vacancy`` motion needs only ``vacancy_quorum`` members present when fewer than
        ``vacancy_quorum_below`` serve; 0 turns the reduced quorum off.
    students_in_quorum_on_restricted
        Whether student members count toward the quorum on topics they do not vote on.
    """

    quorum: str = "majority_of_seats"
    passing: str = "majority_of_present"
    passing_by_topic: tuple[tuple[str, str], ...] = tuple(DEFAULT_PASS_RULES_BY_TOPIC.items())
    vacancy_quorum: int = 4
    vacancy_quorum_below: int = 7
    students_in_quorum_on_restricted: bool = False

    def __post_init__(self) -> None:
        if self.quorum not in QUORUM_RULES:
            msg = f"Unknown quorum rule {self.quorum!r}; use one of {', '.join(QUORUM_RULES)}."
            raise DataValidationError(msg)
        for topic, rule in (("", self.passing), *self.passing_by_topic):
            if rule not in PASS_RULES:
                where = f" for {topic} motions" if topic else ""
                msg = f"Unknown pass rule {rule!r}{where}; use one of {', '.join(PASS_RULES)}."
                raise DataValidationError(msg)
        if self.vacancy_quorum < 0 or self.vacancy_quorum_below < 0:
            msg = (
                "The vacancy quorum and the number of members below which it applies are 0 or more."
            )
            raise DataValidationError(msg)

    def pass_rule(self, topic: str | None) -> str:
        """The pass rule of a kind of motion: its own, or the general one."""
        return dict(self.passing_by_topic).get(topic or "", self.passing)

    def vacancy_quorum_applies(self, topic: str | None, serving: int) -> bool:
        """Public Act 102-0296: a motion to fill a vacancy when fewer members serve than
        ``vacancy_quorum_below``."""
        return (
            topic == VACANCY_TOPIC
            and self.vacancy_quorum > 0
            and serving < self.vacancy_quorum_below
        )

    def quorum_text(self, topic: str | None = None, serving: int | None = None) -> str:
        """The quorum rule of a motion, citing its basis."""
        if serving is not None and self.vacancy_quorum_applies(topic, serving):
            return VACANCY_QUORUM_TEXT % {
                "quorum": self.vacancy_quorum,
                "below": self.vacancy_quorum_below,
            }
        return QUORUM_TEXTS[self.quorum]

    def pass_text(self, topic: str | None = None, serving: int | None = None) -> str:
        """The pass rule of a motion, citing its basis (or saying it is an assumption)."""
        rule = self.pass_rule(topic)
        if serving is not None and self.vacancy_quorum_applies(topic, serving):
            basis = "vacancy" if rule == "majority_of_present" else "setting"
        elif topic in FULL_MEMBERSHIP_TOPICS:
            basis = "full_membership" if rule == "majority_of_seats" else "setting"
        else:
            basis = "assumed" if rule == "majority_of_present" else "setting"
        return PASS_TEXTS[(rule, basis)]

    def describe(self, topic: str | None = None, serving: int | None = None) -> str:
        """The rules of a motion in two sentences, shown with every vote."""
        return f"{self.quorum_text(topic, serving)} {self.pass_text(topic, serving)}"


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
    quorum_rule: str = ""  # majority_of_seats, majority_of_serving or vacancy
    pass_rule: str = ""
    quorum_text: str = ""  # the quorum rule applied, with its citation (QUORUM_TEXTS)
    pass_text: str = ""  # the pass rule applied, with its citation (PASS_TEXTS)


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
        The kind of motion (:data:`safeschools.model.council.MOTION_TOPICS`): ``principal``,
        ``contract`` or ``staff_allocation`` keep students from voting; a topic may have its own
        pass rule (``rules.passing_by_topic``); ``vacancy`` may meet a reduced quorum.
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
    passing = rules.pass_rule(topic)
    if rules.vacancy_quorum_applies(topic, len(members)):
        quorum_rule, quorum_needed = "vacancy", rules.vacancy_quorum
    else:
        quorum_rule = rules.quorum
        quorum_needed = _majority(seat_total if rules.quorum == "majority_of_seats" else serving)
    counts = Counter(ballot[m.member_id] for m in counted)
    yes, no, abstain = counts["yes"], counts["no"], counts["abstain"]
    absent = sum(1 for m in members if ballot[m.member_id] == "absent")
    present = len(present_counted)
    if passing == "majority_of_present":
        needed = _majority(present)
    elif passing == "majority_of_votes_cast":
        needed = _majority(yes + no) if yes + no else 1
    elif passing == "majority_of_serving":
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
    passes = yes > no if passing == "majority_of_votes_cast" else yes >= needed
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
        rules=rules.describe(topic, len(members)),
        notes=notes,
        quorum_rule=quorum_rule,
        pass_rule=passing,
        quorum_text=rules.quorum_text(topic, len(members)),
        pass_text=rules.pass_text(topic, len(members)),
    )
