"""The staff's page of an incident's restorative case,
``/schools/{id}/incidents/{incident_id}/case``: open the case, then record the conference (date,
who took part by role), the agreement, the follow-ups (add one, mark one done), close it with an
outcome, and answer "involved again within 90 days?".

Only the school's staff (its editors, district staff) signed in on the site see or post it; the
public is sent to sign in, anyone else refused. Every POST checks the session's CSRF token and
names the version read, and calls the same service as the API
(:mod:`safeschools.services.restorative_cases`). A refused change shows the page again with
what to fix, in the reader's language; a change made meanwhile by someone else says to reload.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from safeschools.errors import ConflictError, DataValidationError, NotFoundError
from safeschools.model import User
from safeschools.model.cases import RECURRENCE_ANSWERS, CaseError
from safeschools.model.incidents import CASE_OUTCOMES, CASE_PARTICIPANT_ROLES
from safeschools.proximity import ExposureIndex
from safeschools.render.i18n import N_, Lang
from safeschools.server.deps import get_index, get_user
from safeschools.server.sessions import CSRF_FIELD, check_csrf, csrf_token
from safeschools.services import restorative_cases as service_cases
from safeschools.storage import Store
from safeschools.web import base
from safeschools.web.forms import FormDep, field, to_signin, version_read

__all__ = ["ERROR_WORDS", "router"]

router = APIRouter(include_in_schema=False)

#: What to fix, in words, for each rule a case can break (model.cases.CASE_RULES).
ERROR_WORDS = {
    "date": N_("A date is missing or is not a date."),
    "opened_before_incident": N_("The case cannot open before the incident."),
    "conference_before_opened": N_("The conference cannot be before the case was opened."),
    "participant_role": N_("Choose who took part from the list of roles."),
    "participant_twice": N_("Choose who took part from the list of roles."),
    "text": N_("A text is too long, or holds a character that cannot be kept."),
    "followups_too_many": N_("A case keeps at most 50 follow-ups."),
    "followup_due": N_("Each follow-up needs a due date."),
    "status": N_("To close the case, choose the outcome and the closing date."),
    "outcome": N_("To close the case, choose the outcome and the closing date."),
    "closing_needs_outcome": N_("To close the case, choose the outcome and the closing date."),
    "open_with_outcome": N_("To close the case, choose the outcome and the closing date."),
    "closed_before_opened": N_("The case cannot close before it was opened."),
    "recurrence": N_("Answer yes, no or unknown."),
    "withdrawn": N_("This incident was withdrawn: it cannot open a case."),
    "recurrence_too_early": N_(
        "“No” can be answered only once 90 days have passed since the incident."
    ),
}
_CONFLICT = N_(
    "Someone saved this case after you opened the page: reload it and make your change again."
)


def _where(school_id: str, incident_id: int) -> str:
    return f"/schools/{school_id}/incidents/{incident_id}/case"


def _error_words(L: Lang, exc: Exception) -> str:
    if isinstance(exc, CaseError):
        return L.gettext(ERROR_WORDS.get(exc.rule, ERROR_WORDS["date"]))
    if isinstance(exc, ConflictError):
        return L.gettext(_CONFLICT)
    return str(exc)


def _render(
    request: Request,
    index: ExposureIndex,
    user: User,
    school_id: str,
    incident_id: int,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    store: Store = request.app.state.store
    settings = request.app.state.settings
    now = request.app.state.clock
    _check_school(store, school_id, incident_id)
    incident, case = service_cases.case_of_incident(
        store, user, incident_id, settings=settings, now=now
    )
    schools = store.schools(school_id=school_id)
    L = base.lang(request)
    context = {
        "school": schools[-1] if schools else None,
        "school_id": school_id,
        "incident": incident,
        "case": case,
        "form": {
            "csrf": csrf_token(request),
            "csrf_field": CSRF_FIELD,
            "action": _where(school_id, incident_id),
            "roles": CASE_PARTICIPANT_ROLES,
            "outcomes": CASE_OUTCOMES,
            "answers": RECURRENCE_ANSWERS,
            "today": service_cases.today(settings, now).isoformat(),
            "user": user.email,
        },
        "error": error,
    }
    response = base.page(
        request,
        "restorative_case.html",
        context,
        L,
        page="case",
        vintage=base.vintage(index),
        status=status,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _check_school(store: Store, school_id: str, incident_id: int) -> None:
    incident = store.school_incident(incident_id)
    if incident is None or incident.school_id != school_id:
        msg = f"School {school_id} has no incident {incident_id}."
        raise NotFoundError(msg)


def _staff_user(request: Request) -> User | None:
    """The signed-in person (a bearer token does not sign in to a page)."""
    if request.headers.get("authorization"):
        return None
    return get_user(request)


@router.get("/schools/{school_id}/incidents/{incident_id}/case", response_class=HTMLResponse)
def case_page(
    request: Request,
    school_id: str,
    incident_id: int,
    index: Annotated[ExposureIndex, Depends(get_index)],
) -> Response:
    """The case of an incident for the school's staff (the open form when it has none)."""
    user = _staff_user(request)
    if user is None:
        return to_signin(_where(school_id, incident_id))
    return _render(request, index, user, school_id, incident_id)


def _followups(case: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(f) for f in case["followups"]]


def _change(form: Any, case: dict[str, Any], today: str) -> dict[str, Any]:
    """The change a posted form asks for, as the service's fields (with the version read)."""
    action = field(form, "action")
    data: dict[str, Any] = {"version": version_read(field(form, "version"))}
    if action == "save":
        data["conference_on"] = field(form, "conference_on") or None
        data["participants"] = [str(v) for v in form.getlist("participant")]
        data["agreement"] = form.get("agreement") if isinstance(form.get("agreement"), str) else ""
    elif action == "add_followup":
        new = {"due": field(form, "due"), "done_on": None, "note": field(form, "note")}
        data["followups"] = [*_followups(case), new]
    elif action == "done_followup":
        followups = _followups(case)
        number = field(form, "followup")
        if not number.isdigit() or not 0 <= int(number) < len(followups):
            msg = "Choose a follow-up of this case."
            raise DataValidationError(msg)
        followups[int(number)]["done_on"] = field(form, "done_on") or today
        data["followups"] = followups
    elif action == "close":
        data["status"] = "closed"
        data["outcome"] = field(form, "outcome") or None
        data["closed_on"] = field(form, "closed_on") or today
    elif action == "recurrence":
        data["recurred_within_90_days"] = field(form, "answer") or "unknown"
    else:
        msg = f"Unknown change {action!r}; use the page's buttons."
        raise DataValidationError(msg)
    return data


@router.post("/schools/{school_id}/incidents/{incident_id}/case")
def change_case(
    request: Request,
    form: FormDep,
    school_id: str,
    incident_id: int,
    index: Annotated[ExposureIndex, Depends(get_index)],
) -> Response:
    """Open the case (``action=open``) or change it (save, add_followup, done_followup, close,
    recurrence), then back to the page; a refused change shows the page again with why."""
    check_csrf(request, field(form, CSRF_FIELD))
    user = _staff_user(request)
    if user is None:
        return to_signin(_where(school_id, incident_id))
    store: Store = request.app.state.store
    settings = request.app.state.settings
    now = request.app.state.clock
    _check_school(store, school_id, incident_id)
    _incident, case = service_cases.case_of_incident(
        store, user, incident_id, settings=settings, now=now
    )
    try:
        if field(form, "action") == "open" or case is None:
            opened = {"opened_on": field(form, "opened_on") or None}
            service_cases.open_case(
                store, user, incident_id, data=opened, settings=settings, now=now
            )
        else:
            today = service_cases.today(settings, now).isoformat()
            service_cases.update_case(
                store, user, case["id"], data=_change(form, case, today), settings=settings,
                now=now,
            )  # fmt: skip
    except (DataValidationError, ConflictError) as exc:
        status = 409 if isinstance(exc, ConflictError) else 400
        words = _error_words(base.lang(request), exc)
        return _render(request, index, user, school_id, incident_id, error=words, status=status)
    return RedirectResponse(_where(school_id, incident_id) + "#case", status_code=303)
