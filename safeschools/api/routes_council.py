"""JSON API of Local School Councils: members, meetings and motions with every ballot.

Reads are public; every write needs ``Authorization: Bearer TOKEN`` of an administrator or an
editor of the school (401 without a token, 403 for another school, 409 when the record changed
since it was read). Every route only calls :mod:`safeschools.services.council`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import Field

from safeschools.api.routes import ERROR_RESPONSES, WRITE_ERRORS
from safeschools.model import User
from safeschools.model.council import CouncilMember
from safeschools.server.deps import SettingsDep, StoreDep, require_user
from safeschools.server.inputs import (
    MAX_INT,
    Day,
    FilledLongText,
    FilledText,
    IdPath,
    LongText,
    RecordId,
    RequestModel,
    SchoolYear,
)
from safeschools.services import council as service_council

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["officers and councils"], responses=ERROR_RESPONSES)
UserDep = Annotated[User, Depends(require_user)]


class MemberIn(RequestModel):
    """A council member (a public official) in a seat for a term."""

    name: FilledText
    role: Literal["principal", "teacher", "parent", "staff", "community", "student"]
    term_start: Day
    term_end: Day | None = None


class MemberPatch(RequestModel):
    """Changes to a council member; a field left out stays as it is."""

    name: FilledText | None = None
    role: Literal["principal", "teacher", "parent", "staff", "community", "student"] | None = None
    term_start: Day | None = None
    term_end: Day | None = Field(
        None, description="The last day of the term; null removes the end date."
    )
    version: int = Field(ge=1, le=MAX_INT, description="The version of the member you read.")


class TermEndIn(RequestModel):
    """The end of a member's term: their last day in the seat, and why."""

    end_date: Day
    reason: FilledLongText
    version: int = Field(ge=1, le=MAX_INT, description="The version of the member you read.")


class MeetingIn(RequestModel):
    """A council meeting."""

    meeting_date: Day
    note: LongText | None = None


class MotionIn(RequestModel):
    """A motion with every member's ballot."""

    meeting_id: RecordId
    topic: Literal[
        "general", "principal", "contract", "staff_allocation", "officers", "safety_plan", "vacancy"
    ]
    text: FilledLongText
    ballots: dict[str, Literal["yes", "no", "abstain", "absent"]] = Field(
        description="Member id to yes, no, abstain or absent; a serving member left out is absent."
    )
    officer_decision: Literal[2, 1, 0] | None = Field(
        None, description="For topic 'officers': keep 2, 1 or 0 officers."
    )
    school_year: SchoolYear | None = Field(
        None, description="School year an officer decision applies to (default: the next one)."
    )
    school_kind: Literal["elementary", "elementary_7_8", "high"] | None = Field(
        None, description="Decides the seats (default: from the school's grades)."
    )


# ---------------------------------------------------------------------- councils
@router.get("/schools/{school_id}/council", summary="A school's council, meetings and votes")
def school_council(store: StoreDep, school_id: str) -> dict[str, Any]:
    """Members by seat and term, meetings, and motions with ballots and outcomes."""
    return service_council.school_council(store, school_id)


@router.get("/council/summary", summary="Council officer votes by school year")
def council_summary(store: StoreDep) -> list[dict[str, Any]]:
    """How many councils voted on officers each year, and what they chose."""
    return service_council.council_summary(store)


@router.post(
    "/schools/{school_id}/council/members",
    summary="Seat a council member",
    status_code=201,
    responses=WRITE_ERRORS,
)
def add_member(
    store: StoreDep, settings: SettingsDep, user: UserDep, school_id: str, body: MemberIn
) -> dict[str, Any]:
    """Add a member in a seat for a term; audited."""
    member = service_council.add_council_member(
        store,
        user,
        school_id=school_id,
        name=body.name,
        role=body.role,
        term_start=body.term_start,
        term_end=body.term_end,
        settings=settings,
    )
    return _member_out(member)


def _member_out(member: CouncilMember) -> dict[str, Any]:
    return {
        "id": member.id,
        "school_id": member.school_id,
        "name": member.name,
        "role": member.role,
        "term_start": member.term_start.isoformat(),
        "term_end": None if member.term_end is None else member.term_end.isoformat(),
        "version": member.version,
    }


@router.patch(
    "/schools/{school_id}/council/members/{member_id}",
    summary="Correct a council member's name, seat or term",
    responses=WRITE_ERRORS,
)
def update_member(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    school_id: str,
    member_id: IdPath,
    body: MemberPatch,
) -> dict[str, Any]:
    """Change the fields sent (``term_end: null`` removes the end date); ``version`` is the
    version read (409 when stale); audited."""
    member = service_council.update_council_member(
        store,
        user,
        member_id=member_id,
        read_version=body.version,
        name=body.name,
        role=body.role,
        term_start=body.term_start,
        term_end=body.term_end,
        clear_term_end="term_end" in body.model_fields_set and body.term_end is None,
        school_id=school_id,
        settings=settings,
    )
    return _member_out(member)


@router.post(
    "/schools/{school_id}/council/members/{member_id}/end",
    summary="End a council member's term",
    responses=WRITE_ERRORS,
)
def end_member_term(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    school_id: str,
    member_id: IdPath,
    body: TermEndIn,
) -> dict[str, Any]:
    """The member stays in the council's history with the end date, and is not serving after
    it (later votes count a vacancy); ``version`` is the version read (409 when stale);
    audited with the reason."""
    member = service_council.end_council_member_term(
        store,
        user,
        member_id=member_id,
        read_version=body.version,
        end_date=body.end_date,
        reason=body.reason,
        school_id=school_id,
        settings=settings,
    )
    return _member_out(member)


@router.post(
    "/schools/{school_id}/council/meetings",
    summary="Record a council meeting",
    status_code=201,
    responses=WRITE_ERRORS,
)
def add_meeting(
    store: StoreDep, settings: SettingsDep, user: UserDep, school_id: str, body: MeetingIn
) -> dict[str, Any]:
    """Add a meeting on a date; audited."""
    meeting = service_council.add_council_meeting(
        store,
        user,
        school_id=school_id,
        meeting_date=body.meeting_date,
        note=body.note,
        settings=settings,
    )
    return {
        "id": meeting.id,
        "school_id": meeting.school_id,
        "meeting_date": meeting.meeting_date.isoformat(),
        "note": meeting.note,
    }


@router.post(
    "/schools/{school_id}/council/motions",
    summary="Record a motion and its ballots",
    status_code=201,
    responses=WRITE_ERRORS,
)
def add_motion(
    store: StoreDep, settings: SettingsDep, user: UserDep, school_id: str, body: MotionIn
) -> dict[str, Any]:
    """Record the vote; the outcome (valid, passed, rules applied) comes back. An officer
    decision that passes sets the next school year's assignment."""
    return service_council.record_motion(
        store,
        user,
        school_id=school_id,
        meeting_id=body.meeting_id,
        topic=body.topic,
        text=body.text,
        ballots=dict(body.ballots),
        officer_decision=body.officer_decision,
        school_year=body.school_year,
        school_kind=body.school_kind,
        settings=settings,
    )
