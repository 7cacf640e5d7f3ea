"""Sign-in for people: ``/signin`` (email and password), ``/signout``, and the forms a
signed-in editor sends from a school's page. Every POST checks the session's CSRF token
(:mod:`safeschools.server.sessions`); the public pages stay the same for everyone else.

The password is checked off the event loop, in the server's small pool of password checks
(:mod:`safeschools.server.password_checks`), so a crowd signing in never stalls other pages;
too many failures answer 429 with ``Retry-After`` (:mod:`safeschools.services.signin`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from safeschools import services
from safeschools.errors import AuthenticationError, TooManyAttemptsError
from safeschools.model import User
from safeschools.model.plans import PLAN_STATUSES
from safeschools.server.deps import get_user
from safeschools.server.password_checks import PasswordChecks
from safeschools.server.sessions import (
    CSRF_FIELD,
    check_csrf,
    clear_session,
    csrf_token,
    session_id,
    sign_in,
    sign_out,
)
from safeschools.services import plans as service_plans
from safeschools.services import sessions as service_sessions
from safeschools.storage import Store
from safeschools.web import base

__all__ = ["editor_plan_form", "router"]

router = APIRouter(include_in_schema=False)


def _next(value: Any) -> str:
    """Only a path on this site (never another host) is a place to go back to."""
    text = value if isinstance(value, str) else ""
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return "/"
    return text


def _form_text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _signin_page(
    request: Request,
    *,
    email: str = "",
    error: str | None = None,
    status: int = 200,
    next_path: str | None = None,
) -> HTMLResponse:
    L = base.lang(request)
    context = {
        "csrf": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "email": email,
        "error": error,
        "next": _next(next_path or request.query_params.get("next")),
    }
    return base.page(request, "signin.html", context, L, page="signin", vintage=None, status=status)


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request) -> HTMLResponse:
    """The sign-in form (for district staff and school editors; the public needs no account)."""
    return _signin_page(request)


def _check_password(
    app_state: Any, email: str, password: str, address: str | None, old_session: str | None
) -> str:
    """In the pool of password checks: end the old session, check the password, and start a
    new session (its id)."""
    store: Store = app_state.store
    settings, clock = app_state.settings, app_state.clock
    if old_session is not None:
        service_sessions.end_session(store, old_session, settings=settings, now=clock)
    user = services.authenticate(
        store, email, password, settings=settings, address=address, now=clock
    )
    return service_sessions.start_session(store, user, settings=settings, now=clock)


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request) -> Response:
    """Check the email and password; on success a new session, then back where they were."""
    form = await request.form()
    check_csrf(request, _form_text(form, CSRF_FIELD))
    email = _form_text(form, "email")
    checks: PasswordChecks = request.app.state.password_checks
    address = request.client.host if request.client else None
    old_session = session_id(request)
    try:
        new_session = await checks.run(
            _check_password,
            request.app.state,
            email,
            str(form.get("password") or ""),
            address,
            old_session,
        )
    except AuthenticationError as exc:
        L = base.lang(request)
        clear_session(request)
        status, error, headers = 401, L.gettext("Wrong email or password."), {}
        if isinstance(exc, TooManyAttemptsError):
            if exc.retry_after_s is None:
                status = 403
                error = L.gettext(
                    "This account is locked after too many failed sign-ins. "
                    "Ask the district's administrator to unlock it."
                )
            else:
                status = 429
                error = L.gettext("Too many sign-in attempts. Wait a moment and try again.")
                headers = {"Retry-After": str(exc.retry_after_s)}
        page = _signin_page(
            request, email=email, error=error, status=status, next_path=_form_text(form, "next")
        )
        page.headers.update(headers)
        return page
    sign_in(request, new_session)
    return RedirectResponse(_next(form.get("next")), status_code=303)


@router.get("/signout", response_class=HTMLResponse)
def signout_form(request: Request) -> HTMLResponse:
    """A button that signs out (a GET never changes anything)."""
    L = base.lang(request)
    context = {"csrf": csrf_token(request), "csrf_field": CSRF_FIELD}
    return base.page(request, "signout.html", context, L, page="signout", vintage=None)


@router.post("/signout")
async def signout(request: Request) -> Response:
    """End the session."""
    form = await request.form()
    check_csrf(request, _form_text(form, CSRF_FIELD))
    await run_in_threadpool(sign_out, request)
    return RedirectResponse("/", status_code=303)


def editor_plan_form(request: Request, school_id: str, user: User | None) -> dict[str, Any] | None:
    """What the school page needs to show the plan-status form to an editor of that school
    (None for everyone else: they see the public page)."""
    if user is None or not user.can_edit(school_id):
        return None
    return {
        "csrf": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "statuses": PLAN_STATUSES,
        "user": user.email,
    }


def signed_in_editor(request: Request, school_id: str) -> User | None:
    """The signed-in person if they may edit this school (a bearer token does not count here)."""
    if request.headers.get("authorization"):
        return None
    user = get_user(request)
    return user if user is not None and user.can_edit(school_id) else None


@router.post("/schools/{school_id}/safety-plan")
async def record_plan_status(request: Request, school_id: str) -> Response:
    """Record the safety plan's status (and approval) from the school page's form."""
    form = await request.form()
    check_csrf(request, _form_text(form, CSRF_FIELD))
    store: Store = request.app.state.store
    user = get_user(request)
    version_text = _form_text(form, "version") or "0"
    service_plans.set_safety_plan_status(
        store,
        user,
        school_id=school_id,
        school_year=_form_text(form, "school_year"),
        status=_form_text(form, "status"),
        version=int(version_text) if version_text.isdigit() else -1,
        approved_on=_form_text(form, "approved_on") or None,
        approved_by=_form_text(form, "approved_by") or None,
        settings=request.app.state.settings,
    )
    return RedirectResponse(f"/schools/{school_id}#safety-plan", status_code=303)
