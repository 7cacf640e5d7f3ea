"""The incident pages of a school's staff: the log (``/schools/{id}/incidents/log``), the form
that records an incident (``/schools/{id}/incidents/new``) and the one that changes or withdraws
one (``/schools/{id}/incidents/{incident_id}/edit``).

Only a signed-in editor of the school (or an administrator) reads or posts them: the public is
sent to sign in, another school's editor gets a 403 page. Every POST checks the session's CSRF
token and calls :mod:`safeschools.services.school_incidents`, as the API does; a value that
cannot be kept shows the form again, filled in as sent, with the field's problem in words in the
reader's language (400); a stale form says that someone changed the incident first (409). The
form never asks for a name; its note says so. Nothing here is cached.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from safeschools.errors import ConflictError, DataValidationError, NotFoundError
from safeschools.model import User
from safeschools.model.incidents import (
    CATEGORIES,
    PLACES,
    POLICE_REASONS,
    RESPONSES,
    IncidentFieldError,
)
from safeschools.render.i18n import N_, Lang
from safeschools.server.deps import get_user
from safeschools.server.sessions import CSRF_FIELD, check_csrf, csrf_token
from safeschools.services import school_incidents as service
from safeschools.storage import Store
from safeschools.web import base
from safeschools.web.forms import FormDep, field, to_signin, version_read

__all__ = ["editor_incident_links", "router"]

router = APIRouter(include_in_schema=False)

_NO_STORE = {"Cache-Control": "private, no-store"}

#: What the form says when a field cannot be kept (msgids; the catalog has the Spanish).
_FIELD_PROBLEMS = {
    "occurred_at": N_(
        "Write when it happened: a date and a time, not in the future and not before 2000."
    ),
    "category": N_("Choose a category from the list."),
    "place": N_("Choose where it happened from the list."),
    "students_involved": N_(
        "Write how many students were involved: a number from 1 to 500, never names or student ids."
    ),
    "injuries": N_(
        "Write how many students were hurt: a number from 0 to the number of students involved."
    ),
    "police_called": N_(
        "If police were called, choose why; if they were not, leave the reason empty."
    ),
    "police_reason": N_(
        "If police were called, choose why; if they were not, leave the reason empty."
    ),
    "responses": N_("Choose each response once."),
    "staff_note": N_(
        "The note cannot be kept: it is too long, holds a number like a student id, or a "
        "character that cannot be saved. Leave out names and student ids."
    ),
}


def editor_incident_links(school_id: str, user: User | None) -> dict[str, str] | None:
    """The school page's links to the incident log and form, for its staff only."""
    if user is None or not user.can_edit(school_id):
        return None
    return {
        "log": f"/schools/{school_id}/incidents/log",
        "new": f"/schools/{school_id}/incidents/new",
    }


def _staff(request: Request) -> User | Response:
    """The signed-in reader, or where the public goes instead (the sign-in page)."""
    user = None if request.headers.get("authorization") else get_user(request)
    if user is None:
        return to_signin(request.url.path)
    return user


def _categories(store: Store, L: Lang) -> list[dict[str, str]]:
    """Every category as the form lists it: code and words in the reader's language."""
    listed = []
    for c in service.incident_categories(store):
        label = c["label_es"] if L.code == "es" else c["label_en"]
        listed.append({"code": c["code"], "label": label or ""})
    return listed


def _school_name(store: Store, school_id: str) -> str:
    schools = store.schools(school_id=school_id)
    if not schools:
        msg = f"No school with id {school_id}; search by name at /search."
        raise NotFoundError(msg)
    return schools[-1].name


def _posted(form: Any) -> dict[str, Any]:
    """The form's fields as the service reads them."""
    day, time = field(form, "occurred_on"), field(form, "occurred_time")
    police = field(form, "police_called") == "yes"
    return {
        "occurred_at": f"{day}T{time}" if day and time else (day or None),
        "category": field(form, "category"),
        "place": field(form, "place"),
        "students_involved": field(form, "students_involved"),
        "injuries": field(form, "injuries") or "0",
        "police_called": police,
        "police_reason": field(form, "police_reason") or None,
        "responses": [r for r in form.getlist("responses") if isinstance(r, str)],
        "staff_note": field(form, "staff_note"),
    }


def _shown(form: Any, data: dict[str, Any]) -> dict[str, Any]:
    """What was posted, as the form shows it again."""
    return {**data, "occurred_on": field(form, "occurred_on"),
            "occurred_time": field(form, "occurred_time")}  # fmt: skip


def _values(incident: dict[str, Any]) -> dict[str, Any]:
    """A stored (or posted) incident as the form shows it."""
    when = incident.get("occurred_at") or ""
    day, _, time = when.partition("T")
    return {**incident, "occurred_on": day, "occurred_time": time[:5]}


def _form_page(
    request: Request,
    store: Store,
    school_id: str,
    *,
    values: dict[str, Any],
    action: str,
    incident_id: int | None = None,
    problem: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    L = base.lang(request)
    context = {
        "school_id": school_id,
        "school_name": _school_name(store, school_id),
        "csrf": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "values": values,
        "action": action,
        "incident_id": incident_id,
        "problem": problem,
        "categories": _categories(store, L),
        "places": PLACES,
        "police_reasons": POLICE_REASONS,
        "responses": RESPONSES,
    }
    response = base.page(
        request, "incident_form.html", context, L, page="incidents", vintage=None, status=status
    )
    response.headers.update(_NO_STORE)
    return response


def _problem(L: Lang, exc: Exception) -> str:
    if isinstance(exc, ConflictError):
        return L.gettext(
            "Someone changed this incident since you opened it. Open it again and make your "
            "change once more."
        )
    if isinstance(exc, IncidentFieldError) and exc.field in _FIELD_PROBLEMS:
        return L.gettext(_FIELD_PROBLEMS[exc.field])
    return L.gettext("This incident cannot be kept: %(error)s", error=str(exc))


# ---------------------------------------------------------------------- the log
@router.get("/schools/{school_id}/incidents/log", response_class=HTMLResponse)
def incident_log(request: Request, school_id: str) -> Response:
    """The school's incident log for its staff: newest first, withdrawn ones marked, each with
    its case and its notice."""
    user = _staff(request)
    if isinstance(user, Response):
        return user
    store: Store = request.app.state.store
    log = service.school_incident_log(store, user, school_id)
    L = base.lang(request)
    district = {c["code"]: c for c in _categories(store, L) if c["code"] not in CATEGORIES}
    # each incident's case where one was opened: its status, and the next follow-up still due
    cases = {}
    for case in store.restorative_cases(school_id=school_id):
        due = sorted(f.due for f in case.followups if f.done_on is None)
        cases[case.incident_id] = {
            "status": case.status,
            "outcome": case.outcome,
            "next_due": due[0].isoformat() if due and case.status == "open" else None,
        }
    context = {
        "school_id": school_id,
        "school_name": _school_name(store, school_id),
        "log": log,
        "district_categories": district,
        "cases": cases,
    }
    response = base.page(request, "incident_log.html", context, L, page="incidents", vintage=None)
    response.headers.update(_NO_STORE)
    return response


# ---------------------------------------------------------------------- record
@router.get("/schools/{school_id}/incidents/new", response_class=HTMLResponse)
def new_incident(request: Request, school_id: str) -> Response:
    """The form that records an incident."""
    user = _staff(request)
    if isinstance(user, Response):
        return user
    store: Store = request.app.state.store
    service.check_staff(user, school_id)
    values = {"injuries": 0, "responses": [], "police_called": False}
    return _form_page(
        request, store, school_id, values=values, action=f"/schools/{school_id}/incidents/new"
    )


@router.post("/schools/{school_id}/incidents/new", response_class=HTMLResponse)
def record_incident(request: Request, form: FormDep, school_id: str) -> Response:
    """Record the incident, then back to the log; a problem shows the form again."""
    check_csrf(request, field(form, CSRF_FIELD))
    user = _staff(request)
    if isinstance(user, Response):
        return user
    store: Store = request.app.state.store
    data = _posted(form)
    try:
        service.record_incident(
            store, user, school_id, data, source="form", settings=request.app.state.settings
        )
    except DataValidationError as exc:
        return _form_page(
            request, store, school_id, values=_shown(form, data),
            action=f"/schools/{school_id}/incidents/new",
            problem=_problem(base.lang(request), exc), status=400,
        )  # fmt: skip
    return RedirectResponse(f"/schools/{school_id}/incidents/log", status_code=303)


# ---------------------------------------------------------------------- change, withdraw
def _incident_of(store: Store, user: User, school_id: str, incident_id: int) -> dict[str, Any]:
    incident = service.school_incident(store, user, incident_id)
    if incident["school_id"] != school_id:
        msg = f"Incident #{incident_id} is not one of school {school_id}'s."
        raise NotFoundError(msg)
    return incident


@router.get("/schools/{school_id}/incidents/{incident_id}/edit", response_class=HTMLResponse)
def edit_incident(request: Request, school_id: str, incident_id: int) -> Response:
    """The form that changes or withdraws an incident, filled with its current version."""
    user = _staff(request)
    if isinstance(user, Response):
        return user
    store: Store = request.app.state.store
    incident = _incident_of(store, user, school_id, incident_id)
    return _form_page(
        request, store, school_id, values=_values(incident), incident_id=incident_id,
        action=f"/schools/{school_id}/incidents/{incident_id}/edit",
    )  # fmt: skip


@router.post("/schools/{school_id}/incidents/{incident_id}/edit", response_class=HTMLResponse)
def change_incident(request: Request, form: FormDep, school_id: str, incident_id: int) -> Response:
    """Save the change over the version the form was built from (409 when it changed since)."""
    check_csrf(request, field(form, CSRF_FIELD))
    user = _staff(request)
    if isinstance(user, Response):
        return user
    store: Store = request.app.state.store
    _incident_of(store, user, school_id, incident_id)
    version = version_read(field(form, "version"))
    data = {**_posted(form), "version": version}
    try:
        service.update_incident(store, user, incident_id, data, settings=request.app.state.settings)
    except (DataValidationError, ConflictError) as exc:
        return _form_page(
            request, store, school_id, incident_id=incident_id,
            values={**_shown(form, data), "version": field(form, "version")},
            action=f"/schools/{school_id}/incidents/{incident_id}/edit",
            problem=_problem(base.lang(request), exc),
            status=409 if isinstance(exc, ConflictError) else 400,
        )  # fmt: skip
    return RedirectResponse(f"/schools/{school_id}/incidents/log", status_code=303)


@router.post("/schools/{school_id}/incidents/{incident_id}/withdraw")
def withdraw(request: Request, form: FormDep, school_id: str, incident_id: int) -> Response:
    """Withdraw the incident (kept in the log, marked), then back to the log."""
    check_csrf(request, field(form, CSRF_FIELD))
    user = _staff(request)
    if isinstance(user, Response):
        return user
    store: Store = request.app.state.store
    _incident_of(store, user, school_id, incident_id)
    service.withdraw_incident(
        store,
        user,
        incident_id,
        version=version_read(field(form, "version")),
        settings=request.app.state.settings,
    )
    return RedirectResponse(f"/schools/{school_id}/incidents/log", status_code=303)
