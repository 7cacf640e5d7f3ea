"""The officer forms: a school's editor sets its officers for a school year (school page), an
administrator records a district figure as published (``/officers``). Each POST checks the
session's CSRF token and calls the same service functions as the API
(:mod:`safeschools.services.officers`), then goes back to the page (303)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from safeschools.model import User
from safeschools.model.officers import OFFICER_KINDS
from safeschools.server.deps import get_user
from safeschools.server.sessions import CSRF_FIELD, check_csrf, csrf_token
from safeschools.services import officers as service_officers
from safeschools.web.forms import FormDep, field, to_signin, version_read, whole_number

__all__ = ["admin_figure_form", "editor_officers_form", "router"]

router = APIRouter(include_in_schema=False)


def editor_officers_form(
    request: Request, school_id: str, user: User | None
) -> dict[str, Any] | None:
    """What the school page needs to show the officers forms to an editor of that school
    (None for everyone else)."""
    if user is None or not user.can_edit(school_id):
        return None
    return {"csrf": csrf_token(request), "csrf_field": CSRF_FIELD, "kinds": OFFICER_KINDS}


def admin_figure_form(request: Request) -> dict[str, Any] | None:
    """The published-figure form for a signed-in administrator (None for everyone else; an API
    token does not count on a page)."""
    if request.headers.get("authorization"):
        return None
    user = get_user(request)
    if user is None or not user.can_edit(None):
        return None
    return {"csrf": csrf_token(request), "csrf_field": CSRF_FIELD}


@router.post("/schools/{school_id}/officers")
def set_officers(request: Request, form: FormDep, school_id: str) -> Response:
    """Set the school's officers of one kind for a school year, from the version read (0 for a
    school year not recorded yet); a stale form is refused (409)."""
    check_csrf(request, field(form, CSRF_FIELD))
    user = get_user(request)
    if user is None:
        return to_signin(f"/schools/{school_id}")
    service_officers.set_officers(
        request.app.state.store,
        user,
        school_id=school_id,
        school_year=field(form, "school_year"),
        officers=whole_number(field(form, "officers"), "number of officers"),
        kind=field(form, "kind") or "sro",
        note=field(form, "note") or None,
        read_version=version_read(field(form, "version") or "0"),
        settings=request.app.state.settings,
    )
    return RedirectResponse(f"/schools/{school_id}#officers", status_code=303)


@router.post("/officers/figures")
def add_figure(request: Request, form: FormDep) -> Response:
    """Record a district figure as published, with its source (administrators)."""
    check_csrf(request, field(form, CSRF_FIELD))
    user = get_user(request)
    if user is None:
        return to_signin("/officers")
    service_officers.add_published_figure(
        request.app.state.store,
        user,
        school_year=field(form, "school_year"),
        metric=field(form, "metric"),
        value=field(form, "value"),
        detail=field(form, "detail") or None,
        sources=field(form, "sources"),
        note=field(form, "note") or None,
        replace=field(form, "replace") == "1",
        settings=request.app.state.settings,
    )
    return RedirectResponse("/officers#officers-published", status_code=303)
