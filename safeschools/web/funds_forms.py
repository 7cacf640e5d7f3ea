"""The funds forms: a school's editor adds or changes a spending-plan line (school page), an
administrator adopts a formula for a pool (``/funds``). Each POST checks the session's CSRF
token and calls the same service functions as the API (:mod:`safeschools.services.funds`);
over-spending and stale forms get the service's own message (400, 409)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from safeschools.errors import NotFoundError
from safeschools.model import User
from safeschools.policy.funding import FORMULAS
from safeschools.proximity import ExposureIndex
from safeschools.server.deps import get_index, get_user
from safeschools.server.sessions import CSRF_FIELD, check_csrf, csrf_token
from safeschools.services import funds as service_funds
from safeschools.services import spending as service_spending
from safeschools.storage import Store
from safeschools.web.forms import (
    FormDep,
    dollars_to_cents,
    field,
    to_signin,
    version_read,
    whole_number,
)

__all__ = ["admin_funds_form", "editor_funds_form", "router"]

router = APIRouter(include_in_schema=False)


def editor_funds_form(
    request: Request, store: Store, school_id: str, user: User | None
) -> dict[str, Any] | None:
    """What the school page needs to show the spending-plan forms to an editor of that school
    (None for everyone else)."""
    if user is None or not user.can_edit(school_id):
        return None
    return {
        "csrf": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "catalog": service_spending.catalog(store),
    }


def admin_funds_form(request: Request) -> dict[str, Any] | None:
    """The adopt form for a signed-in administrator (None for everyone else)."""
    if request.headers.get("authorization"):
        return None
    user = get_user(request)
    if user is None or not user.can_edit(None):
        return None
    return {"csrf": csrf_token(request), "csrf_field": CSRF_FIELD, "formulas": FORMULAS}


@router.post("/schools/{school_id}/spending")
def add_line(request: Request, form: FormDep, school_id: str) -> Response:
    """Add a line from the catalog to the school's plan (the catalog's cost unless one is
    given); a line over the school's share is refused with the amounts."""
    check_csrf(request, field(form, CSRF_FIELD))
    user = get_user(request)
    if user is None:
        return to_signin(f"/schools/{school_id}")
    pool = field(form, "pool_id")
    cost = field(form, "cost")
    service_spending.add_plan_line(
        request.app.state.store,
        user,
        school_id,
        item=field(form, "item"),
        quantity=whole_number(field(form, "quantity") or "1", "quantity"),
        cost_cents=dollars_to_cents(cost, "cost") if cost else None,
        note=field(form, "note") or None,
        pool_id=whole_number(pool, "pool") if pool else None,
        settings=request.app.state.settings,
    )
    return RedirectResponse(f"/schools/{school_id}#funds", status_code=303)


@router.post("/schools/{school_id}/spending/{line_id}")
def change_line(request: Request, form: FormDep, school_id: str, line_id: int) -> Response:
    """Change a line's quantity, or remove it (kept in the record, marked inactive)."""
    check_csrf(request, field(form, CSRF_FIELD))
    user = get_user(request)
    if user is None:
        return to_signin(f"/schools/{school_id}")
    store: Store = request.app.state.store
    if service_spending.spending_line_school(store, line_id) != school_id:
        msg = f"Spending plan line #{line_id} is not one of school {school_id}'s."
        raise NotFoundError(msg)
    remove = field(form, "remove") == "1"
    quantity = field(form, "quantity")
    service_spending.update_plan_line(
        store,
        user,
        line_id,
        version=version_read(field(form, "version")),
        quantity=None if remove or not quantity else whole_number(quantity, "quantity"),
        remove=remove,
        settings=request.app.state.settings,
    )
    return RedirectResponse(f"/schools/{school_id}#funds", status_code=303)


@router.post("/funds/pools/{pool_id}/adopt")
def adopt(
    request: Request,
    form: FormDep,
    pool_id: int,
    index: Annotated[ExposureIndex, Depends(get_index)],
) -> Response:
    """Adopt a formula for the pool (administrators): its shares are frozen as a new version."""
    check_csrf(request, field(form, CSRF_FIELD))
    user = get_user(request)
    if user is None:
        return to_signin(f"/funds?pool={pool_id}")
    service_funds.adopt(
        request.app.state.store,
        user,
        pool_id,
        formula=field(form, "formula"),
        settings=request.app.state.settings,
        index=index,
    )
    return RedirectResponse(f"/funds?pool={pool_id}#funds-whatif", status_code=303)
