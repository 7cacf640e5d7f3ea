"""Who decided what in the demo city (synthetic): councils, their meetings and votes, officer
decisions, a trade-in pool with its spending plans, safety plans and the district's figures.

Made up from the city (its schools and officers) and a generator of its own, so the rest of
the city is the same with or without them. Nothing here reads or writes; the service
``services.demo_governance`` writes it through the same audited use cases as a person would.

The story, consistent with the officers of :mod:`safeschools.demo._discipline` (every district
high school has 2 officers until a quarter remove them in 2020-21, 2021-22, 2023-24 and 2024-25):

- **2020 council votes**, compiled as the district's decisions file would be: every district
  high school voted; those that removed their officers in 2020-21 voted to remove. **2024
  board resolution**: the schools that still had officers lose them in 2024-25.
- **Councils recorded here** (15 seats each, two-year terms): a school that removed its officers
  in 2021-22 voted in May 2021 to keep none; a school that removed them in 2023-24 met in April
  2023 *without quorum* (its vote decided nothing), then voted in May to keep none; a school
  that kept them voted down a motion to keep none, then voted to keep both, and in May 2024
  approved its safety plan for the next school year. A passed officers motion sets the school's
  officers for the next school year (what a real vote does).
- **Trade-in pool** for 2023-24: the money of the officers given up that year, shared per
  officer given up, adopted, and each school's spending plan (positions and programs of the
  district's catalog).
- **Safety plans** for 2024-25 in four states: draft, approved (by the council's motion),
  in progress and reviewed.
- **Published figures**: the district's officer count before the first votes and its last
  contract, as a report would print them.

Every meeting note and motion says it is synthetic; every school's name starts with
"Synthetic"; the people's names are made up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np

from safeschools.model import School
from safeschools.model.officers import SroAssignment, SroDecision

__all__ = [
    "CouncilSpec",
    "DemoGovernance",
    "FigureSpec",
    "LineSpec",
    "MeetingSpec",
    "MemberSpec",
    "MotionSpec",
    "PlanSpec",
    "PoolSpec",
    "make_governance",
]

MARK = "(synthetic)"
_SOURCES = "Demo City (synthetic): made up for trying safeschools"
_INITIALS = "ABCDEFGHJKLMNPRSTVW"
_SURNAMES = (
    "Abara", "Baptiste", "Castillo", "Dlamini", "Eriksen", "Fontaine", "Garza", "Haddad",
    "Ibarra", "Jovanovic", "Kowalczyk", "Lindqvist", "Moreau", "Nakamura", "Okonkwo", "Petrov",
    "Quintero", "Rasmussen", "Sato", "Tran", "Ueda", "Varga", "Whitfield", "Yilmaz", "Zapata",
    "Achebe", "Brennan", "Cardenas", "Delgado", "Esposito", "Friedman", "Gallagher", "Horvat",
)  # fmt: skip
#: A high school's 15 seats, in the order members are seated.
_SEATS = ("principal", "teacher", "teacher", *("parent",) * 6, "staff", "community", "community",
          "student", "student", "student")  # fmt: skip


@dataclass(frozen=True)
class MemberSpec:
    """A council member to seat: a made-up name, a seat and a two-year term."""

    name: str
    role: str
    term_start: date
    term_end: date | None


@dataclass(frozen=True)
class MotionSpec:
    """A motion and each ballot, by the member's position in the council's ``members``."""

    topic: str
    text: str
    ballots: tuple[tuple[int, str], ...]
    officer_decision: int | None = None
    school_year: str | None = None


@dataclass(frozen=True)
class MeetingSpec:
    """A meeting on a date, with its motions in the order they were voted."""

    day: date
    note: str
    motions: tuple[MotionSpec, ...]


@dataclass(frozen=True)
class CouncilSpec:
    """One school's council: its members (every term) and its meetings."""

    school_id: str
    members: tuple[MemberSpec, ...]
    meetings: tuple[MeetingSpec, ...]


@dataclass(frozen=True)
class PlanSpec:
    """A safety plan as saved on ``saved_at``; ``approval_motion`` names the meeting day and
    the motion's text when a council motion approved it."""

    school_id: str
    school_year: str
    data: dict[str, Any]
    saved_at: datetime
    approval_motion: tuple[date, str] | None = None


@dataclass(frozen=True)
class LineSpec:
    """A line of a school's spending plan (``cost_cents`` None: the catalog's cost)."""

    item: str
    quantity: int
    note: str
    cost_cents: int | None = None


@dataclass(frozen=True)
class PoolSpec:
    """A trade-in pool, the formula it is adopted with, and each school's spending plan."""

    school_year: str
    label: str
    amount_cents: int
    source_note: str
    school_ids: tuple[str, ...]
    formula: str
    created_at: datetime
    adopted_at: datetime
    lines: dict[str, tuple[LineSpec, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class FigureSpec:
    """A district figure as a report printed it."""

    school_year: str
    metric: str
    value: str
    detail: str
    recorded_at: datetime


@dataclass(frozen=True)
class DemoGovernance:
    """Everything decided in the demo city, ready to be written."""

    councils: tuple[CouncilSpec, ...]
    plans: tuple[PlanSpec, ...]
    pool: PoolSpec | None
    figures: tuple[FigureSpec, ...]
    decisions: tuple[SroDecision, ...]
    sources: str = _SOURCES


def _removal_years(officers: Sequence[SroAssignment]) -> dict[str, str]:
    """The first school year each school had no officers (schools that ever had some)."""
    had = {a.school_id for a in officers if a.officers > 0}
    first: dict[str, str] = {}
    for a in sorted(officers, key=lambda a: (a.school_id, a.school_year)):
        if a.school_id in had and a.officers == 0 and a.school_id not in first:
            first[a.school_id] = a.school_year
    return first


def _name(rng: np.random.Generator, used: set[str]) -> str:
    """A made-up name (an initial and a surname) not in ``used`` (which it joins)."""
    while True:
        initial = _INITIALS[int(rng.integers(len(_INITIALS)))]
        name = f"{initial}. {_SURNAMES[int(rng.integers(len(_SURNAMES)))]}"
        if name not in used:
            used.add(name)
            return name


def _members(rng: np.random.Generator, start: date, end: date | None) -> list[MemberSpec]:
    """Fifteen members elected on ``start`` for a term to ``end``, each name different."""
    used: set[str] = set()
    names = [_name(rng, used) for _ in _SEATS]
    return [MemberSpec(n, role, start, end) for n, role in zip(names, _SEATS, strict=True)]


def _ballots(
    rng: np.random.Generator,
    members: Sequence[MemberSpec],
    day: date,
    *,
    yes: int,
    no: int,
    abstain: int = 0,
) -> tuple[tuple[int, str], ...]:
    """Ballots of the members serving on ``day``: ``yes``, ``no`` and ``abstain`` of them
    present (chosen at random), the others absent."""
    serving = [
        i
        for i, m in enumerate(members)
        if m.term_start <= day and (m.term_end is None or day <= m.term_end)
    ]
    order = [serving[int(j)] for j in rng.permutation(len(serving))]
    votes = ["yes"] * yes + ["no"] * no + ["abstain"] * abstain
    given = dict(zip(order, votes + ["absent"] * (len(order) - len(votes)), strict=True))
    return tuple(sorted(given.items()))


def _officers_motion(
    rng: np.random.Generator,
    members: Sequence[MemberSpec],
    day: date,
    keep: int,
    year: str,
    *,
    yes: int,
    no: int,
    abstain: int = 0,
) -> MotionSpec:
    words = {
        0: "no school resource officers",
        1: "one school resource officer",
        2: "both school resource officers",
    }
    return MotionSpec(
        topic="officers",
        text=f"Keep {words[keep]} in {year} {MARK}",
        ballots=_ballots(rng, members, day, yes=yes, no=no, abstain=abstain),
        officer_decision=keep,
        school_year=year,
    )


def _meeting_note(kind: str) -> str:
    return f"{kind} {MARK}"


def _councils(
    rng: np.random.Generator,
    removed_2122: str | None,
    removed_2324: str | None,
    kept: str | None,
) -> tuple[list[CouncilSpec], tuple[date, str] | None]:
    councils: list[CouncilSpec] = []
    approval: tuple[date, str] | None = None
    if removed_2122 is not None:
        members = _members(rng, date(2020, 7, 1), date(2022, 6, 30))
        day = date(2021, 5, 11)
        vote = _officers_motion(rng, members, day, 0, "2021-22", yes=10, no=3, abstain=1)
        meeting = MeetingSpec(day, _meeting_note("Regular meeting"), (vote,))
        councils.append(CouncilSpec(removed_2122, tuple(members), (meeting,)))
    if removed_2324 is not None:
        members = _members(rng, date(2022, 7, 1), date(2024, 6, 30))
        first, second = date(2023, 4, 18), date(2023, 5, 9)
        invalid = _officers_motion(rng, members, first, 0, "2023-24", yes=5, no=1)
        valid = _officers_motion(rng, members, second, 0, "2023-24", yes=9, no=4, abstain=1)
        councils.append(
            CouncilSpec(
                removed_2324,
                tuple(members),
                (
                    MeetingSpec(
                        first, _meeting_note("Special meeting, 6 of 15 present"), (invalid,)
                    ),
                    MeetingSpec(second, _meeting_note("Regular meeting"), (valid,)),
                ),
            )
        )
    if kept is not None:
        members = _members(rng, date(2022, 7, 1), date(2024, 6, 30))
        day = date(2023, 5, 10)
        remove = _officers_motion(rng, members, day, 0, "2023-24", yes=5, no=8, abstain=1)
        keep = _officers_motion(rng, members, day, 2, "2023-24", yes=9, no=4)
        plan_day = date(2024, 5, 14)
        plan_text = f"Approve the Whole School Safety plan for 2024-25 {MARK}"
        approve = MotionSpec(
            "safety_plan", plan_text, _ballots(rng, members, plan_day, yes=11, no=1, abstain=1)
        )
        approval = (plan_day, plan_text)
        councils.append(
            CouncilSpec(
                kept,
                tuple(members),
                (
                    MeetingSpec(day, _meeting_note("Regular meeting"), (remove, keep)),
                    MeetingSpec(plan_day, _meeting_note("Regular meeting"), (approve,)),
                ),
            )
        )
    return councils, approval


#: Goals by pillar: (goal, its first action, who carries it out).
_GOALS = {
    "physical_safety": [
        ("Staff every entrance at arrival and dismissal", "Post two adults at each door",
         "Security team"),
        ("Safe routes to the two nearest bus lines", "Walk the routes with Safe Passage",
         "Assistant principal"),
    ],
    "emotional_safety": [
        ("A trusted adult for every student", "Check each student's adult every quarter",
         "Counseling team"),
        ("Restorative circles in every grade", "Train two staff members per grade",
         "Restorative-justice coordinator"),
    ],
    "relational_trust": [
        ("Family nights each semester", "Hold them in English and Spanish",
         "Parent members of the council"),
        ("Publish the plan's progress", "Update the school's page each quarter", "Principal"),
    ],
}  # fmt: skip


def _plan_data(
    rng: np.random.Generator,
    status: str,
    *,
    action_status: Sequence[str],
    approval: dict[str, Any] | None,
) -> dict[str, Any]:
    pillars: dict[str, list[dict[str, Any]]] = {}
    k = 0
    for pillar, goals in _GOALS.items():
        pillars[pillar] = []
        for text, action, owner in goals:
            pillars[pillar].append(
                {
                    "text": f"{text} {MARK}",
                    "actions": [
                        {
                            "text": action,
                            "owner": owner,
                            "due": date(2025, 1 + 2 * (k % 3), 15).isoformat(),
                            "status": action_status[k % len(action_status)],
                        }
                    ],
                }
            )
            k += 1
    roles = ("student", "student", "parent", "parent", "staff", "community", "administrator")
    used: set[str] = set()
    committee = [{"name": _name(rng, used), "role": role} for role in roles]
    return {
        "status": status,
        "pillars": pillars,
        "committee": committee,
        "baseline": {
            "notes": "Baseline assessment of 2024-25 on the district's metrics "
            f"(see the discipline section) {MARK}",
            "metrics": {},
        },
        "approval": approval,
    }


def _plans(
    rng: np.random.Generator,
    schools: dict[str, str | None],
    approval: tuple[date, str] | None,
) -> list[PlanSpec]:
    year = "2024-25"
    out: list[PlanSpec] = []
    draft, approved = schools.get("draft"), schools.get("approved")
    in_progress, reviewed = schools.get("in_progress"), schools.get("reviewed")
    if draft is not None:
        data = _plan_data(rng, "draft", action_status=("planned",), approval=None)
        out.append(PlanSpec(draft, year, data, datetime(2024, 11, 4, 16, 0)))
    if approved is not None and approval is not None:
        day, text = approval
        data = _plan_data(
            rng,
            "approved",
            action_status=("planned", "in_progress"),
            approval={"approved_on": day.isoformat(), "approved_by": ""},
        )
        out.append(PlanSpec(approved, year, data, datetime(2024, 5, 15, 9, 0), (day, text)))
    if in_progress is not None:
        by = "council vote of 2024-10-22: 10 yes, 1 no, 1 abstain (synthetic)"
        data = _plan_data(
            rng,
            "in_progress",
            action_status=("done", "in_progress", "planned"),
            approval={"approved_on": "2024-10-22", "approved_by": by},
        )
        out.append(PlanSpec(in_progress, year, data, datetime(2025, 2, 3, 10, 0)))
    if reviewed is not None:
        by = "council vote of 2024-10-08: 9 yes, 2 no (synthetic)"
        data = _plan_data(
            rng,
            "reviewed",
            action_status=("done", "done", "dropped"),
            approval={"approved_on": "2024-10-08", "approved_by": by},
        )
        out.append(PlanSpec(reviewed, year, data, datetime(2025, 6, 12, 15, 0)))
    return out


_LINES = (
    (("social_worker", 1), ("restorative_justice", 1), ("mentoring", 1)),
    (("climate_culture", 1), ("youth_intervention", 2)),
    (("social_worker", 2), ("safe_passage", 1)),
    (("restorative_justice", 1), ("youth_intervention", 1), ("mentoring", 1)),
)
#: The money per officer given up (the demo's contract: 180,000 dollars an officer a year).
PER_OFFICER_CENTS = 18_000_000


def _pool(removed: Sequence[str]) -> PoolSpec | None:
    if not removed:
        return None
    lines: dict[str, tuple[LineSpec, ...]] = {}
    for i, school_id in enumerate(removed):
        chosen = _LINES[i % len(_LINES)]
        lines[school_id] = tuple(
            LineSpec(item, quantity, f"Chosen by the school's safety committee {MARK}")
            for item, quantity in chosen
        )
    return PoolSpec(
        school_year="2023-24",
        label=f"Trade-in funds 2023-24 {MARK}",
        amount_cents=PER_OFFICER_CENTS * 2 * len(removed),
        source_note=f"The officers given up in 2023-24, at 180,000 dollars each {MARK}",
        school_ids=tuple(removed),
        formula="per_officer",
        created_at=datetime(2023, 6, 20, 10, 0),
        adopted_at=datetime(2023, 7, 12, 14, 0),
        lines=lines,
    )


def _decisions(
    rng: np.random.Generator, names: dict[str, str], removal: dict[str, str]
) -> list[SroDecision]:
    out: list[SroDecision] = []
    for sid in sorted(removal):
        if sid not in names:
            continue
        remove = removal[sid] == "2020-21"
        keep_votes = int(rng.integers(2, 6)) if remove else int(rng.integers(7, 12))
        remove_votes = int(rng.integers(7, 11)) if remove else int(rng.integers(0, 4))
        day = date.fromordinal(date(2020, 7, 14).toordinal() + int(rng.integers(0, 28)))
        out.append(
            SroDecision(
                school_year="2020-21",
                decision_round="2020_lsc_vote",
                school_name=names[sid],
                school_id=sid,
                decision="remove" if remove else "keep",
                decision_as_published="Remove the officers" if remove else "Keep the officers",
                officers_before=2,
                officers_after=0 if remove else 2,
                vote_keep=keep_votes,
                vote_remove=remove_votes,
                vote_abstain=0,
                vote_date=day,
                vote_context=f"tally of the council's minutes {MARK}",
                sources=_SOURCES,
                confidence="high",
                note="synthetic",
            )
        )
    for sid in sorted(s for s, year in removal.items() if year == "2024-25" and s in names):
        out.append(
            SroDecision(
                school_year="2024-25",
                decision_round="2024_board_resolution",
                school_name=names[sid],
                school_id=sid,
                decision="program_ended",
                decision_as_published="School resource officer program ended",
                officers_before=2,
                officers_after=0,
                vote_keep=None,
                vote_remove=None,
                vote_abstain=None,
                vote_date=date(2024, 2, 22),
                vote_context=f"board resolution {MARK}",
                sources=_SOURCES,
                confidence="high",
                note="synthetic",
            )
        )
    return out


def _figures(officers: Sequence[SroAssignment]) -> list[FigureSpec]:
    """The officers before the first votes (2019-20) and the last contract (2023-24), as the
    district would print them: from the demo's own assignments."""
    out = []
    for year, metric in (("2019-20", "officers_and_schools"), ("2023-24", "sro_contract_usd")):
        with_officers = [a for a in officers if a.school_year == year and a.officers > 0]
        total = sum(a.officers for a in with_officers)
        if not total:
            continue
        at = f"at {len(with_officers)} high schools {MARK}"
        if metric == "sro_contract_usd":
            value, detail = str(total * PER_OFFICER_CENTS // 100), f"for {total} officers {at}"
        else:
            value, detail = str(total), at
        out.append(FigureSpec(year, metric, value, detail, datetime(2024, 3, 1, 12, 0)))
    return out


def make_governance(
    seed: int, schools: Sequence[School], officers: Sequence[SroAssignment]
) -> DemoGovernance:
    """The governance of the demo city with these schools and officers (pure, seeded).

    Examples
    --------
    >>> from safeschools.demo import build_demo_city
    >>> city = build_demo_city()
    >>> g = make_governance(city.seed, city.schools, city.officers)
    >>> [len(c.meetings) for c in g.councils], [p.data["status"] for p in g.plans]
    ([1, 2, 2], ['draft', 'approved', 'in_progress', 'reviewed'])
    """
    rng = np.random.default_rng([seed, 12])
    latest = max(s.school_year for s in schools)
    open_now = {s.school_id: s.name for s in schools if s.school_year == latest}
    removal = {sid: year for sid, year in _removal_years(officers).items() if sid in open_now}
    by_year: dict[str, list[str]] = defaultdict(list)
    for sid, year in sorted(removal.items()):
        by_year[year].append(sid)

    def first(year: str, n: int = 0) -> str | None:
        return by_year[year][n] if len(by_year[year]) > n else None

    councils, approval = _councils(rng, first("2021-22"), first("2023-24"), first("2024-25"))
    plans = _plans(
        rng,
        {
            "draft": first("2023-24", 1),
            "approved": first("2024-25"),
            "in_progress": first("2023-24"),
            "reviewed": first("2020-21"),
        },
        approval,
    )
    names_2020 = {
        s.school_id: s.name for s in schools if s.school_year == min(s.school_year for s in schools)
    }
    return DemoGovernance(
        councils=tuple(councils),
        plans=tuple(plans),
        pool=_pool(by_year["2023-24"]),
        figures=tuple(_figures(officers)),
        decisions=tuple(_decisions(rng, names_2020, removal)),
    )
