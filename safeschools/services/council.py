"""Use cases of Local School Councils: seat members, record meetings and motions with every
member's ballot, decide the outcome by the configured quorum and pass rules, and apply an
officer decision to the next school year's assignment.

A vote without quorum is stored and shown as invalid; it decides nothing. Every write checks the
account and records an audit entry in the same transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Connection

from safeschools.errors import ConflictError, DataValidationError, NotFoundError
from safeschools.model import User
from safeschools.model.council import MOTION_TOPICS, SEAT_ROLES, CouncilMeeting, CouncilMember
from safeschools.policy.accounts import check_can_edit
from safeschools.policy.council import Member, VoteRules, council_seats, tally
from safeschools.services.base import clock_of
from safeschools.services.officers import put_officers
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "OFFICER_DECISIONS",
    "add_council_meeting",
    "add_council_member",
    "council_summary",
    "end_council_member_term",
    "next_school_year",
    "record_motion",
    "school_council",
    "update_council_member",
    "vote_rules",
]

Clock = Callable[[], datetime]
SchoolKind = Literal["elementary", "elementary_7_8", "high"]
#: An officer decision keeps 2, 1 or 0 officers.
OFFICER_DECISIONS = (2, 1, 0)


def vote_rules(settings: Settings) -> VoteRules:
    """The quorum and pass rules the settings name."""
    return VoteRules(quorum=settings.council_quorum_rule, passing=settings.council_pass_rule)


def next_school_year(day: date) -> str:
    """The school year after the one ``day`` falls in (school years start on July 1).

    Examples
    --------
    >>> next_school_year(date(2023, 5, 10))
    '2023-24'
    >>> next_school_year(date(2023, 7, 1))
    '2024-25'
    """
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start + 1}-{(start + 2) % 100:02d}"


def add_council_member(
    store: Store,
    user: User | None,
    *,
    school_id: str,
    name: str,
    role: str,
    term_start: date,
    term_end: date | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> CouncilMember:
    """Seat a member (a public official, named) in a role for a term."""
    check_can_edit(user, school_id, what="council members")
    if role not in SEAT_ROLES:
        msg = f"Unknown seat {role!r}; use one of {', '.join(SEAT_ROLES)}."
        raise DataValidationError(msg)
    if not name.strip():
        msg = "A council member needs a name."
        raise DataValidationError(msg)
    _check_term(term_start, term_end)
    clock = clock_of(settings, now)
    with store.transaction() as conn:
        member = store.add_council_member(
            conn,
            school_id=school_id,
            name=name.strip(),
            role=role,
            term_start=term_start,
            term_end=term_end,
        )
        _audit_member(store, conn, user, at=clock(), action="create", before=None, after=member)
    return member


def _audit_member(
    store: Store,
    conn: Connection,
    user: User | None,
    *,
    at: datetime,
    action: str,
    before: CouncilMember | None,
    after: CouncilMember,
    reason: str | None = None,
) -> None:
    """Audit a change to a council member (the reason of an ended term kept with the after)."""
    store.add_audit(
        conn,
        at=at,
        user=user,
        action=action,
        entity="council_member",
        entity_key=str(after.id),
        school_id=after.school_id,
        before=None if before is None else asdict(before),
        after=asdict(after) if reason is None else {**asdict(after), "reason": reason},
    )


def _check_term(term_start: date, term_end: date | None) -> None:
    if term_end is not None and term_end < term_start:
        msg = f"The term ends ({term_end}) before it starts ({term_start}); check the dates."
        raise DataValidationError(msg)


def _member_to_change(
    store: Store,
    conn: Connection,
    user: User | None,
    *,
    member_id: int,
    read_version: int,
    school_id: str | None,
) -> CouncilMember:
    """The member as stored, once the user may edit their school and read the latest version."""
    member = store.council_member(conn, member_id)
    if school_id is not None and member.school_id != school_id:
        msg = f"Council member #{member_id} does not sit on the council of school {school_id}."
        raise NotFoundError(msg)
    check_can_edit(user, member.school_id, what="council members")
    if member.version != read_version:
        msg = (
            f"Council member #{member_id} changed since you read it (version {read_version}, "
            f"now {member.version}); reload and apply again."
        )
        raise ConflictError(msg)
    return member


def update_council_member(
    store: Store,
    user: User | None,
    *,
    member_id: int,
    read_version: int,
    name: str | None = None,
    role: str | None = None,
    term_start: date | None = None,
    term_end: date | None = None,
    clear_term_end: bool = False,
    school_id: str | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> CouncilMember:
    """Correct a member's name, seat or term dates; ``None`` keeps a field as it is, and
    ``clear_term_end`` removes the end date (the term runs on).

    ``read_version`` is the version the caller read: when someone changed the member since,
    :class:`~safeschools.errors.ConflictError` (409) and nothing is written. With
    ``school_id``, the member must sit on that school's council. Audited (before and after)
    in the same transaction.
    """
    clock = clock_of(settings, now)
    with store.transaction() as conn:
        before = _member_to_change(
            store, conn, user, member_id=member_id, read_version=read_version, school_id=school_id
        )
        if role is not None and role not in SEAT_ROLES:
            msg = f"Unknown seat {role!r}; use one of {', '.join(SEAT_ROLES)}."
            raise DataValidationError(msg)
        if name is not None and not name.strip():
            msg = "A council member needs a name."
            raise DataValidationError(msg)
        if clear_term_end and term_end is not None:
            msg = "Either give a new term end or clear it, not both."
            raise DataValidationError(msg)
        new_start = before.term_start if term_start is None else term_start
        new_end = None if clear_term_end else (before.term_end if term_end is None else term_end)
        _check_term(new_start, new_end)
        after = store.update_council_member(
            conn,
            member_id,
            read_version=read_version,
            name=before.name if name is None else name.strip(),
            role=before.role if role is None else role,
            term_start=new_start,
            term_end=new_end,
        )
        _audit_member(store, conn, user, at=clock(), action="update", before=before, after=after)
    return after


def end_council_member_term(
    store: Store,
    user: User | None,
    *,
    member_id: int,
    read_version: int,
    end_date: date,
    reason: str,
    school_id: str | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> CouncilMember:
    """End a member's term on ``end_date`` (their last day in the seat) for ``reason``.

    Nothing is deleted: the member stays in the council's history with the end date, and
    from the next day on is not serving, so later votes count the seat as vacant. A term can
    only be shortened here (edit the term to lengthen it). Versions and audit as in
    :func:`update_council_member`; the reason is kept in the audit entry.
    """
    reason = reason.strip()
    clock = clock_of(settings, now)
    with store.transaction() as conn:
        before = _member_to_change(
            store, conn, user, member_id=member_id, read_version=read_version, school_id=school_id
        )
        if not reason:
            msg = "Say why the term ends (for example: resigned, moved away, term over)."
            raise DataValidationError(msg)
        if end_date < before.term_start:
            msg = (
                f"The term of {before.name} cannot end ({end_date}) before it starts "
                f"({before.term_start}); check the date."
            )
            raise DataValidationError(msg)
        if before.term_end is not None and before.term_end < end_date:
            msg = (
                f"The term of {before.name} already ends on {before.term_end}, before "
                f"{end_date}; edit the term dates to change it."
            )
            raise DataValidationError(msg)
        after = store.update_council_member(
            conn,
            member_id,
            read_version=read_version,
            name=before.name,
            role=before.role,
            term_start=before.term_start,
            term_end=end_date,
        )
        _audit_member(
            store,
            conn,
            user,
            at=clock(),
            action="end_term",
            before=before,
            after=after,
            reason=reason,
        )
    return after


def add_council_meeting(
    store: Store,
    user: User | None,
    *,
    school_id: str,
    meeting_date: date,
    note: str | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> CouncilMeeting:
    """Record a council meeting."""
    check_can_edit(user, school_id, what="council meetings")
    clock = clock_of(settings, now)
    with store.transaction() as conn:
        meeting = store.add_council_meeting(
            conn, school_id=school_id, meeting_date=meeting_date, note=note
        )
        store.add_audit(
            conn,
            at=clock(),
            user=user,
            action="create",
            entity="council_meeting",
            entity_key=str(meeting.id),
            school_id=school_id,
            before=None,
            after=asdict(meeting),
        )
    return meeting


def _school_kind(store: Store, school_id: str) -> SchoolKind:
    history = store.schools(school_id=school_id)
    if history and history[-1].grade_category not in (None, "HS"):
        return "elementary_7_8"
    return "high"


def record_motion(
    store: Store,
    user: User | None,
    *,
    school_id: str,
    meeting_id: int,
    topic: str,
    text: str,
    ballots: Mapping[str, str] | Mapping[int, str],
    officer_decision: int | None = None,
    school_year: str | None = None,
    school_kind: SchoolKind | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Record a motion and its ballots; return the motion with its outcome.

    The members serving on the meeting date vote (``ballots`` maps member id to yes, no,
    abstain or absent; a serving member without a ballot is absent). The outcome comes from
    :func:`safeschools.policy.council.tally` under :func:`vote_rules`, and is stored with the
    rule applied. An ``officers`` motion keeps 2, 1 or 0 officers; when it passes, it sets the
    school's SRO assignment for ``school_year`` (default: the school year after the meeting).
    ``school_kind`` (elementary, elementary_7_8, high) decides the seats; by default it comes
    from the school's grade category (high school unless the school is known otherwise).
    """
    check_can_edit(user, school_id, what="council votes")
    if topic not in MOTION_TOPICS:
        msg = f"Unknown topic {topic!r}; use one of {', '.join(MOTION_TOPICS)}."
        raise DataValidationError(msg)
    if topic == "officers":
        if officer_decision not in OFFICER_DECISIONS:
            msg = "An officers motion keeps 2, 1 or 0 officers: set officer_decision."
            raise DataValidationError(msg)
    elif officer_decision is not None:
        msg = "Only a motion on the topic 'officers' carries an officer_decision."
        raise DataValidationError(msg)
    if not text.strip():
        msg = "A motion needs its text."
        raise DataValidationError(msg)
    rules = vote_rules(settings)
    seats = council_seats(school_kind or _school_kind(store, school_id))
    clock = clock_of(settings, now)
    with store.transaction() as conn:
        meeting = store.council_meeting(conn, meeting_id)
        if meeting.school_id != school_id:
            msg = f"Meeting #{meeting_id} is not a meeting of school {school_id}."
            raise NotFoundError(msg)
        serving = [
            m
            for m in store.council_members(school_id, conn=conn)
            if m.serving_on(meeting.meeting_date)
        ]
        by_id = {str(m.id): m for m in serving}
        given = {str(k): v for k, v in ballots.items()}
        outcome = tally(
            seats=seats,
            members=[Member(str(m.id), m.role) for m in serving],
            ballots=given,
            topic=topic,
            rules=rules,
        )
        year = None
        if topic == "officers":
            year = school_year or next_school_year(meeting.meeting_date)
        recorded_at = clock()
        stored_ballots = {int(mid): given.get(mid, "absent") for mid in sorted(by_id, key=int)}
        outcome_dict = asdict(outcome)
        motion_id = store.add_council_motion(
            conn,
            school_id=school_id,
            meeting_id=meeting_id,
            topic=topic,
            text=text.strip(),
            officer_decision=officer_decision,
            school_year=year,
            outcome=outcome_dict,
            ballots=stored_ballots,
            recorded_at=recorded_at,
        )
        after = {
            "motion_id": motion_id,
            "meeting_id": meeting_id,
            "topic": topic,
            "text": text.strip(),
            "officer_decision": officer_decision,
            "school_year": year,
            "result": outcome.result,
            "rules": outcome.rules,
            "ballots": {by_id[str(k)].name: v for k, v in stored_ballots.items()},
        }
        store.add_audit(
            conn,
            at=recorded_at,
            user=user,
            action="create",
            entity="council_motion",
            entity_key=str(motion_id),
            school_id=school_id,
            before=None,
            after=after,
        )
        effect = None
        if topic == "officers" and outcome.passed and year is not None:
            assert officer_decision is not None
            assignment = put_officers(
                store,
                conn,
                user,
                school_id=school_id,
                school_year=year,
                officers=officer_decision,
                note=f"council motion #{motion_id} of {meeting.meeting_date.isoformat()}",
                read_version=None,
                source="council",
                at=recorded_at,
                reason=f"council motion #{motion_id} passed",
            )
            effect = asdict(assignment)
    motion = store.council_motions(motion_id=motion_id)[0]
    return {**asdict(motion), "outcome": outcome_dict, "effect": effect}


def school_council(store: Store, school_id: str, *, today: date | None = None) -> dict[str, Any]:
    """A school's council: members (serving today or not), meetings, motions with outcomes."""
    day = today or date.today()
    members = store.council_members(school_id)
    return {
        "school_id": school_id,
        "members": [{**asdict(m), "serving": m.serving_on(day)} for m in members],
        "meetings": [asdict(m) for m in store.council_meetings(school_id)],
        "motions": [asdict(m) for m in store.council_motions(school_id=school_id)],
    }


def council_summary(store: Store) -> list[dict[str, Any]]:
    """Per school year: how many councils voted on officers and what they chose.

    Two kinds of rows: ``recorded`` (motions recorded here; a school's last valid officers
    motion of the year counts) and ``imported`` (the compiled decisions file).
    """
    rows: list[dict[str, Any]] = []
    last: dict[tuple[str, str], Any] = {}
    invalid: Counter[str] = Counter()
    for m in store.council_motions():
        if m.topic != "officers" or m.school_year is None:
            continue
        if not m.valid:
            invalid[m.school_year] += 1
            continue
        last[(m.school_year, m.school_id)] = m
    by_year: dict[str, Counter[str]] = defaultdict(Counter)
    for (year, _school), m in last.items():
        choice = f"keep {m.officer_decision}" if m.passed else "no change (motion failed)"
        by_year[year][choice] += 1
    for year in sorted(set(by_year) | set(invalid)):
        rows.append(
            {
                "school_year": year,
                "source": "recorded",
                "councils_voted": sum(by_year[year].values()),
                "choices": dict(sorted(by_year[year].items())),
                "invalid_votes": invalid[year],
            }
        )
    imported: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for d in store.sro_decisions():
        if d.decision_round.endswith("board_resolution"):
            continue
        imported[(d.school_year, d.decision_round)][d.decision or "not published"] += 1
    for (year, round_), choices in sorted(imported.items()):
        rows.append(
            {
                "school_year": year,
                "source": f"imported: {round_}",
                "councils_voted": sum(n for c, n in choices.items() if c != "not published"),
                "choices": dict(sorted(choices.items())),
                "invalid_votes": None,
            }
        )
    return sorted(rows, key=lambda r: (r["school_year"], r["source"]))


def council_votes_section(store: Store, school_id: str) -> dict[str, Any] | None:
    """The school page's "council-votes" section: every motion, newest first, with its result
    and the rule applied, and each ballot by member name; None when no vote is recorded."""
    motions = store.council_motions(school_id=school_id)
    if not motions:
        return None
    names = {str(m.id): (m.name, m.role) for m in store.council_members(school_id)}
    rows = []
    for m in reversed(motions):
        rows.append(
            {
                **asdict(m),
                "ballot_rows": [
                    {"name": names[k][0], "role": names[k][1], "ballot": v}
                    for k, v in sorted(m.ballots.items(), key=lambda kv: names[kv[0]])
                ],
            }
        )
    return {"school_id": school_id, "motions": rows}
