"""The district's incidents page, ``/incidents``: the incidents recorded by schools by month,
the responses by school year, and each school's latest school year (aggregates only, small
counts hidden), beside a school page's section (:func:`school_section`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from safeschools.render import incident_views
from safeschools.render.i18n import Lang
from safeschools.server.deps import IndexDep, SettingsDep, StoreDep
from safeschools.services import incident_rates as service
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.web import base

__all__ = ["router", "school_data", "school_section"]

router = APIRouter(include_in_schema=False)


def school_data(
    request: Request, store: Store, school_id: str, settings: Settings
) -> dict[str, Any]:
    """A school's incidents section as the service gives it (the page's and the report's)."""
    day = service.today_in(settings, request.app.state.clock)
    return service.school_incidents_section(store, school_id, settings=settings, today=day)


def school_section(
    request: Request, store: Store, school_id: str, settings: Settings, L: Lang
) -> dict[str, Any]:
    """The ``incidents`` context of a school's page."""
    return incident_views.section_context(school_data(request, store, school_id, settings), L)


@router.get("/incidents", response_class=HTMLResponse)
def incidents(
    request: Request, store: StoreDep, settings: SettingsDep, index: IndexDep
) -> HTMLResponse:
    """Incidents recorded by schools in the district."""
    L = base.lang(request)
    day = service.today_in(settings, request.app.state.clock)
    months = service.district_incidents(store, settings=settings, by="month", today=day)
    years = service.district_incidents(store, settings=settings, by="school-year", today=day)
    context = incident_views.district_context(months, years, L)
    return base.page(
        request, "incidents.html", context, L, page="incidents", vintage=base.vintage(index)
    )
