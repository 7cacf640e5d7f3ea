"""The council forms a signed-in editor sends from a school's page: seat a member, correct a
member or end their term, record a motion vote. Each checks the session's CSRF token and calls
the same service functions as the API (:mod:`safeschools.services.council`), then goes back to
the school page (303)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from safeschools.errors import DataValidationError
from safeschools.model import User
from safeschools.model.council import MOTION_TOPICS, SEAT_ROLES
from safeschools.server.deps import get_user
from safeschools.server.sessions import CSRF_FIELD, check_csrf, csrf_token
from safeschools.services import council as service_council
from safeschools.storage import Store
from safeschools.web.forms import FormDep

__all__ = ["BALLOTS", "editor_council_form", "router"]

router = APIRouter(include_in_schema=False)

BALLOTS = ("yes", "no", "abstain", "absent")


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        msg = f"The {what} {value!r} is not a date; write it as YYYY-MM-DD."
        raise DataValidationError(msg) from None


def _to_signin(school_id: str) -> Response:
    """The public cannot write: sign in first, then back to the school page."""
    return RedirectResponse(f"/signin?next=/schools/{school_id}", status_code=303)


def editor_council_form(
    request: Request, store: Store, school_id: str, user: User | None, *, today: date | None = None
) -> dict[str, Any] | None:
    """What the school page needs to show the council forms to an editor of that school
    (None for everyone else)."""
    if user is None or not user.can_edit(school_id):
        return None
    council = service_council.school_council(store, school_id, today=today)
    return {
        "csrf": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "members": [m for m in council["members"] if m["serving"]],
        "meetings": council["meetings"],
        "topics": MOTION_TOPICS,
        "roles": SEAT_ROLES,
        "ballots": BALLOTS,
        "decisions": service_council.OFFICER_DECISIONS,
        "today": (today or date.today()).isoformat(),
    }


@router.post("/schools/{school_id}/council/members")
def add_member(request: Request, form: FormDep, school_id: str) -> Response:
    """Seat a council member from the school page's form."""
    check_csrf(request, _text(form, CSRF_FIELD))
    user = get_user(request)
    if user is None:
        return _to_signin(school_id)
    end = _text(form, "term_end")
    service_council.add_council_member(
        request.app.state.store,
        user,
        school_id=school_id,
        name=_text(form, "name"),
        role=_text(form, "role"),
        term_start=_day(_text(form, "term_start"), "term start"),
        term_end=_day(end, "term end") if end else None,
        settings=request.app.state.settings,
    )
    return RedirectResponse(f"/schools/{school_id}#council-votes", status_code=303)


def _version(form: Any) -> int:
    value = _text(form, "version")
    if not value.isdigit():
        msg = "The form lacks the version of the member you read; reload the page and try again."
        raise DataValidationError(msg)
    return int(value)


@router.post("/schools/{school_id}/council/members/{member_id}")
def update_member(request: Request, form: FormDep, school_id: str, member_id: int) -> Response:
    """Correct a serving member's name, seat or term dates (an empty term end: no end)."""
    check_csrf(request, _text(form, CSRF_FIELD))
    user = get_user(request)
    if user is None:
        return _to_signin(school_id)
    start, end = _text(form, "term_start"), _text(form, "term_end")
    service_council.update_council_member(
        request.app.state.store,
        user,
        member_id=member_id,
        read_version=_version(form),
        name=_text(form, "name"),
        role=_text(form, "role"),
        term_start=_day(start, "term start") if start else None,
        term_end=_day(end, "term end") if end else None,
        clear_term_end=not end,
        school_id=school_id,
        settings=request.app.state.settings,
    )
    return RedirectResponse(f"/schools/{school_id}#council-votes", status_code=303)


@router.post("/schools/{school_id}/council/members/{member_id}/end")
def end_member_term(request: Request, form: FormDep, school_id: str, member_id: int) -> Response:
    """End a serving member's term on a date, for a reason; they stay in the history."""
    check_csrf(request, _text(form, CSRF_FIELD))
    user = get_user(request)
    if user is None:
        return _to_signin(school_id)
    service_council.end_council_member_term(
        request.app.state.store,
        user,
        member_id=member_id,
        read_version=_version(form),
        end_date=_day(_text(form, "end_date"), "last day of the term"),
        reason=_text(form, "reason"),
        school_id=school_id,
        settings=request.app.state.settings,
    )
    return RedirectResponse(f"/schools/{school_id}#council-votes", status_code=303)


@router.post("/schools/{school_id}/council/motions")
def record_motion(request: Request, form: FormDep, school_id: str) -> Response:
    """Record a motion vote from the school page's form: the meeting (an existing one, or a
    new one on the date given), the topic, the text and one ballot per serving member."""
    check_csrf(request, _text(form, CSRF_FIELD))
    store: Store = request.app.state.store
    settings = request.app.state.settings
    user = get_user(request)
    if user is None:
        return _to_signin(school_id)
    if not store.council_members(school_id):
        msg = "This council has no members yet: add them first (the form below, or the API)."
        raise DataValidationError(msg)
    meeting_text = _text(form, "meeting_id")
    if meeting_text.isdigit():
        meeting_id = int(meeting_text)
    else:
        day = _text(form, "meeting_date")
        if not day:
            msg = "Choose a meeting or give the date of a new one."
            raise DataValidationError(msg)
        meeting_id = service_council.add_council_meeting(
            store, user, school_id=school_id, meeting_date=_day(day, "meeting date"),
            settings=settings,
        ).id  # fmt: skip
    ballots = {
        key.removeprefix("ballot_"): str(value)
        for key, value in form.multi_items()
        if key.startswith("ballot_") and isinstance(value, str)
    }
    keep = _text(form, "officer_decision")
    topic = _text(form, "topic")
    service_council.record_motion(
        store,
        user,
        school_id=school_id,
        meeting_id=meeting_id,
        topic=topic,
        text=_text(form, "text"),
        ballots=ballots,
        officer_decision=int(keep) if topic == "officers" and keep.isdigit() else None,
        settings=settings,
    )
    return RedirectResponse(f"/schools/{school_id}#council-votes", status_code=303)
