"""The district's funds page, ``/funds``: the what-if table of a pool (every formula, school by
school), its adopted versions, and what the money bought (the roll-up)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from safeschools.proximity import ExposureIndex
from safeschools.server.deps import get_index, get_settings, get_store
from safeschools.services import funds as service_funds
from safeschools.services import spending as service_spending
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.web import base
from safeschools.web.funds_forms import admin_funds_form

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/funds", response_class=HTMLResponse)
def funds(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
    index: Annotated[ExposureIndex, Depends(get_index)],
    pool: int | None = None,
    formula: Annotated[list[str] | None, Query()] = None,
) -> HTMLResponse:
    """Trade-in funds: a pool's formulas side by side (all, or those asked for with
    ``formula``), its adopted versions, the roll-up; for a signed-in administrator also the
    what-if and adopt forms."""
    L = base.lang(request)
    pools = service_funds.list_pools(store)
    chosen = pool if pool is not None else (pools[0]["id"] if pools else None)
    view: dict[str, Any] | None = None
    versions: list[dict[str, Any]] = []
    if chosen is not None:
        view = service_funds.what_if(
            store, chosen, settings=settings, formulas=formula or None, index=index
        )
        versions = service_funds.get_pool(store, chosen)["allocations"]
    admin = admin_funds_form(request)
    context = {
        "pools": pools,
        "view": view,
        "versions": versions,
        "rollup": service_spending.funds_rollup(store),
        "admin_form": admin,
        "asked_formulas": formula or [],
    }
    response = base.page(
        request, "funds.html", context, L, page="funds", vintage=base.vintage(index)
    )
    if admin is not None:
        response.headers["Cache-Control"] = "private, no-store"
    return response
