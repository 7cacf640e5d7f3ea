"""Use cases of Local School Councils: seat members, record meetings and motions with every
member's ballot, decide the outcome by the configured quorum and pass rules, and apply an
officer decision to the next school year's assignment.

A vote without quorum is stored and shown as invalid; it decides nothing. Every write checks the
account and records an audit entry in the same transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any, Literal

from safeschools.errors import ConfigError, DataValidationError, NotFoundError
from safeschools.model import User
from safeschools.model.council import MOTION_TOPICS, SEAT_ROLES, CouncilMeeting, CouncilMember
from safeschools.model.text import LONG_TEXT_MAX, check_text
from safeschools.policy.accounts import check_can_edit
from safeschools.policy.council import Member, VoteOutcome, VoteRules, council_seats, tally
from safeschools.services.base import Clock, Write, audited, clock_of, recorded
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

SchoolKind = Literal["elementary", "elementary_7_8", "high"]
#: An officer decision keeps 2, 1 or 0 officers.
OFFICER_DECISIONS = (2, 1, 0)


def vote_rules(settings: Settings) -> VoteRules:
    """The quorum and pass rules the settings name, the pass rule per kind of motion and the
    reduced quorum to fill vacancies included (citations: :mod:`safeschools.policy.council`)."""
    by_topic = settings.council_pass_rule_by_topic
    unknown = sorted(set(by_topic) - set(MOTION_TOPICS))
    if unknown:
        msg = (
            f"council_pass_rule_by_topic names unknown topic(s) {', '.join(unknown)}; use "
            f"{', '.join(MOTION_TOPICS)}."
        )
        raise ConfigError(msg)
    return VoteRules(
        quorum=settings.council_quorum_rule,
        passing=settings.council_pass_rule,
        passing_by_topic=tuple(sorted(by_topic.items())),
        vacancy_quorum=settings.council_vacancy_quorum,
        vacancy_quorum_below=settings.council_vacancy_quorum_below,
    )


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


def _check_seat(role: str | None, name: str | None) -> None:
    if role is not None and role not in SEAT_ROLES:
        msg = f"Unknown seat {role!r}; use one of {', '.join(SEAT_ROLES)}."
        raise DataValidationError(msg)
    if name is not None and not name.strip():
        msg = "A council member needs a name."
        raise DataValidationError(msg)
    if name is not None:
        check_text(name.strip(), "The member's name")


def _check_term(term_start: date, term_end: date | None) -> None:
    if term_end is not None and term_end < term_start:
        msg = f"The term ends ({term_end}) before it starts ({term_start}); check the dates."
        raise DataValidationError(msg)


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
    clock = clock_of(settings, now)
    with audited(store, user, school_id, what="council members", clock=clock) as write:
        _check_seat(role, name)
        _check_term(term_start, term_end)
        member = store.add_council_member(
            school_id=school_id,
            name=name.strip(),
            role=role,
            term_start=term_start,
            term_end=term_end,
            conn=write.conn,
        )
        write.record("create", "council_member", member.id, after=member)
    return member


def _member_to_change(
    write: Write, user: User | None, member_id: int, school_id: str | None
) -> CouncilMember:
    """The member as stored, once the user may edit their school (the version is checked
    by the store's update)."""
    member = write.store.council_member(member_id, conn=write.conn)
    if school_id is not None and member.school_id != school_id:
        msg = f"Council member #{member_id} does not sit on the council of school {school_id}."
        raise NotFoundError(msg)
    write.may_edit(user, member.school_id, what="council members")
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
    with recorded(store, None, clock=clock_of(settings, now)) as write:
        before = _member_to_change(write, user, member_id, school_id)
        _check_seat(role, name)
        if clear_term_end and term_end is not None:
            msg = "Either give a new term end or clear it, not both."
            raise DataValidationError(msg)
        new_start = before.term_start if term_start is None else term_start
        new_end = None if clear_term_end else (before.term_end if term_end is None else term_end)
        _check_term(new_start, new_end)
        after = store.update_council_member(
            member_id,
            read_version=read_version,
            name=before.name if name is None else name.strip(),
            role=before.role if role is None else role,
            term_start=new_start,
            term_end=new_end,
            conn=write.conn,
        )
        write.record("update", "council_member", member_id, before=before, after=after)
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
    reason = check_text(reason.strip(), "The reason", max_chars=LONG_TEXT_MAX, multiline=True)
    with recorded(store, None, clock=clock_of(settings, now)) as write:
        before = _member_to_change(write, user, member_id, school_id)
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
            member_id,
            read_version=read_version,
            name=before.name,
            role=before.role,
            term_start=before.term_start,
            term_end=end_date,
            conn=write.conn,
        )
        write.record(
            "end_term",
            "council_member",
            member_id,
            before=before,
            after={**asdict(after), "reason": reason},
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
    if note is not None:
        check_text(note, "The meeting's note", max_chars=LONG_TEXT_MAX, multiline=True)
    clock = clock_of(settings, now)
    with audited(store, user, school_id, what="council meetings", clock=clock) as write:
        meeting = store.add_council_meeting(
            school_id=school_id, meeting_date=meeting_date, note=note, conn=write.conn
        )
        write.record("create", "council_meeting", meeting.id, after=meeting)
    return meeting


def _school_kind(store: Store, school_id: str) -> SchoolKind:
    history = store.schools(school_id=school_id)
    if history and history[-1].grade_category not in (None, "HS"):
        return "elementary_7_8"
    return "high"


def _check_motion(topic: str, text: str, officer_decision: int | None) -> None:
    """A known topic, the text, and an officer decision exactly on an officers motion."""
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
    check_text(text.strip(), "The motion's text", max_chars=LONG_TEXT_MAX, multiline=True)


def _tally_motion(
    write: Write,
    meeting: CouncilMeeting,
    *,
    topic: str,
    ballots: Mapping[str, str] | Mapping[int, str],
    seats: dict[str, int],
    rules: VoteRules,
) -> tuple[VoteOutcome, dict[int, str], dict[int, str]]:
    """The outcome under ``rules`` of the members serving on the meeting date; every serving
    member's ballot (absent when none was given) and name, by member id."""
    serving = [
        m
        for m in write.store.council_members(meeting.school_id, conn=write.conn)
        if m.serving_on(meeting.meeting_date)
    ]
    given = {str(k): v for k, v in ballots.items()}
    outcome = tally(
        seats=seats,
        members=[Member(str(m.id), m.role) for m in serving],
        ballots=given,
        topic=topic,
        rules=rules,
    )
    by_id = {m.id: m for m in sorted(serving, key=lambda m: m.id)}
    stored = {mid: given.get(str(mid), "absent") for mid in by_id}
    return outcome, stored, {mid: m.name for mid, m in by_id.items()}


def _store_motion(
    write: Write,
    meeting: CouncilMeeting,
    *,
    topic: str,
    text: str,
    officer_decision: int | None,
    school_year: str | None,
    outcome: VoteOutcome,
    ballots: dict[int, str],
    names: dict[int, str],
) -> int:
    """Store the motion with its outcome and ballots, and its audit entry; its id."""
    motion_id = write.store.add_council_motion(
        school_id=meeting.school_id,
        meeting_id=meeting.id,
        topic=topic,
        text=text,
        officer_decision=officer_decision,
        school_year=school_year,
        outcome=asdict(outcome),
        ballots=ballots,
        recorded_at=write.now,
        conn=write.conn,
    )
    after = {
        "motion_id": motion_id,
        "meeting_id": meeting.id,
        "topic": topic,
        "text": text,
        "officer_decision": officer_decision,
        "school_year": school_year,
        "result": outcome.result,
        "rules": outcome.rules,
        "ballots": {names[k]: v for k, v in ballots.items()},
    }
    write.record("create", "council_motion", motion_id, after=after)
    return motion_id


def _apply_officer_decision(
    write: Write, meeting: CouncilMeeting, motion_id: int, *, officers: int, school_year: str
) -> dict[str, Any]:
    """A passed officers motion sets the school's SRO assignment for ``school_year``."""
    assignment = put_officers(
        write,
        school_id=meeting.school_id,
        school_year=school_year,
        officers=officers,
        note=f"council motion #{motion_id} of {meeting.meeting_date.isoformat()}",
        read_version=None,
        source="council",
        reason=f"council motion #{motion_id} passed",
    )
    return asdict(assignment)


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
    actor = check_can_edit(user, school_id, what="council votes")
    _check_motion(topic, text, officer_decision)
    rules = vote_rules(settings)
    seats = council_seats(school_kind or _school_kind(store, school_id))
    clock = clock_of(settings, now)
    with recorded(store, actor, clock=clock, school_id=school_id) as write:
        meeting = store.council_meeting(meeting_id, conn=write.conn)
        if meeting.school_id != school_id:
            msg = f"Meeting #{meeting_id} is not a meeting of school {school_id}."
            raise NotFoundError(msg)
        outcome, stored_ballots, names = _tally_motion(
            write, meeting, topic=topic, ballots=ballots, seats=seats, rules=rules
        )
        year = None
        if topic == "officers":
            year = school_year or next_school_year(meeting.meeting_date)
        motion_id = _store_motion(
            write,
            meeting,
            topic=topic,
            text=text.strip(),
            officer_decision=officer_decision,
            school_year=year,
            outcome=outcome,
            ballots=stored_ballots,
            names=names,
        )
        effect = None
        if topic == "officers" and outcome.passed and year is not None:
            assert officer_decision is not None
            effect = _apply_officer_decision(
                write, meeting, motion_id, officers=officer_decision, school_year=year
            )
    motion = store.council_motions(motion_id=motion_id)[0]
    return {**asdict(motion), "outcome": asdict(outcome), "effect": effect}


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
    """The school page's "council-votes" section: every motion recorded here, newest first,
    with its result and the rule applied, and each ballot by member name; and the council
    decisions on officers imported from the compiled file (``imported``: round, decision,
    tally, date and sources), so that the section and the officers section tell one story.
    None when neither is recorded."""
    motions = store.council_motions(school_id=school_id)
    imported = [
        asdict(d)
        for d in sorted(
            store.sro_decisions(school_id=school_id), key=lambda d: d.school_year, reverse=True
        )
        if not d.decision_round.endswith("board_resolution")
    ]
    if not motions and not imported:
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
    return {"school_id": school_id, "motions": rows, "imported": imported}
