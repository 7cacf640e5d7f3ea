"""The national pages: ``/national`` (school shootings per year under each tracker's
definition, for the country, Illinois or Chicago) and ``/national/claim`` (the claim "18 in
2008, 82 in 2023" beside each tracker's counts). Computed once per import
(:func:`safeschools.services.national.national_overview`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from safeschools.render import national_views
from safeschools.server.deps import IndexDep, StoreDep
from safeschools.services import national as service
from safeschools.web import base

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/national", response_class=HTMLResponse)
def national(
    request: Request, store: StoreDep, index: IndexDep, by: str = "year", place: str = "us"
) -> HTMLResponse:
    """School shootings nationwide, per tracker."""
    L = base.lang(request)
    by = by if by in ("year", "school-year") else "year"
    place = place if place in national_views.PLACES else "us"
    overview = service.national_overview(store, by=by)
    context = national_views.national_context(overview, place, L)
    return base.page(
        request, "national.html", context, L, page="national", vintage=base.vintage(index)
    )


@router.get("/national/claim", response_class=HTMLResponse)
def national_claim(request: Request, store: StoreDep, index: IndexDep) -> HTMLResponse:
    """The claim checked against each tracker."""
    L = base.lang(request)
    overview = service.national_overview(store, by="year")
    context = national_views.claim_context(overview, L)
    return base.page(
        request, "national_claim.html", context, L, page="national", vintage=base.vintage(index)
    )
