"""JSON API of the incidents recorded by schools, as public figures: monthly counts per
category and the response rates, per school or for the district, by month or school year.

Only aggregates: never a staff note, a case's agreement or anything about one incident. Counts
under the minimum cell size are ``null`` with status ``suppressed``, and so is what would reveal
them and every rate computed from them. Every route only calls
:mod:`safeschools.services.incident_rates`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from safeschools.api.routes import ERROR_RESPONSES
from safeschools.server.deps import SettingsDep, StoreDep
from safeschools.server.downloads import CSV_RESPONSES, csv_download
from safeschools.services import incident_rates as service

__all__ = ["router", "today"]

router = APIRouter(prefix="/api", tags=["incidents"], responses=ERROR_RESPONSES)


def today(request: Request) -> date:
    """Today for the figures: the application's clock (tests pin it), else the local day."""
    return service.today_in(request.app.state.settings, request.app.state.clock)


TodayDep = Annotated[date, Depends(today)]
SchoolQuery = Annotated[
    str | None, Query(description="One school's id (default: the district's series).")
]
ByQuery = Annotated[
    Literal["month", "school-year"],
    Query(description="The periods: each month, or each school year (July to June)."),
]


@router.get("/incidents/monthly", summary="Incidents recorded by schools, by month or school year")
def incidents_monthly(
    store: StoreDep,
    settings: SettingsDep,
    day: TodayDep,
    school_id: SchoolQuery = None,
    by: ByQuery = "month",
) -> dict[str, Any]:
    """The district's (or one school's) incidents per category, the fights' responses and the
    restorative cases, with the rates, each with its status; the definitions, the dates the data
    cover and the caveat. A school that records nothing has `status` `nothing_recorded` and no
    series (unknown, not 0); a period still under way is `partial`."""
    return service.monthly(store, settings=settings, school_id=school_id, by=by, today=day)


@router.get(
    "/incidents/monthly.csv",
    summary="Incidents recorded by schools as CSV",
    response_class=Response,
    responses=CSV_RESPONSES,
)
def incidents_monthly_csv(
    store: StoreDep,
    settings: SettingsDep,
    day: TodayDep,
    school_id: SchoolQuery = None,
    by: ByQuery = "month",
) -> Response:
    """One row per period: each count and rate with its status (an empty number is hidden, not
    recorded or not defined; its status says which)."""
    data = service.monthly(store, settings=settings, school_id=school_id, by=by, today=day)
    name = f"incidents-{school_id or 'district'}-{by}.csv"
    return csv_download(service.monthly_csv(data), name)


@router.get(
    "/schools/{school_id}/incidents/summary",
    summary="A school's incidents, response rates, police reports at school and officers",
)
def school_incidents_summary(
    store: StoreDep,
    settings: SettingsDep,
    day: TodayDep,
    school_id: Annotated[str, Path(description="The district's school id, e.g. 609966.")],
) -> dict[str, Any]:
    """What the school's page shows: the incidents it recorded by month and school year with the
    rates, the police-reported incidents at the school by month, its officers year by year and
    the year they left, and both caveats."""
    return service.school_incidents_section(store, school_id, settings=settings, today=day)
