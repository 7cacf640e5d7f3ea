"""The district's officers page, ``/officers``: officers recorded per school year (a table and a
bar chart), the district's published figures as published, and the council votes by year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from safeschools.proximity import ExposureIndex
from safeschools.render import svg
from safeschools.server.deps import get_index, get_store
from safeschools.services import council as service_council
from safeschools.services import officers as service_officers
from safeschools.storage import Store
from safeschools.web import base
from safeschools.web.officers_forms import admin_figure_form

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/officers", response_class=HTMLResponse)
def officers(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    index: Annotated[ExposureIndex, Depends(get_index)],
) -> HTMLResponse:
    """School resource officers in the district, year by year."""
    L = base.lang(request)
    series = service_officers.district_officers(store)
    bars = [
        svg.Bar(
            label=r["school_year"],
            value=r["officers"],
            title=L.gettext("%(year)s: %(n)s officer(s) at the %(r)s school(s) recorded")
            % {"year": r["school_year"], "n": r["officers"], "r": r["schools_recorded"]},
        )
        for r in series["recorded"]
    ]
    unknown = series["unknown_years"]
    chart = svg.bar_chart(
        bars,
        chart_id="officers-chart",
        title=L.gettext("Officers recorded here, by school year"),
        desc=L.gettext(
            "One bar per school year with a record, counting only the schools recorded; the "
            "table below gives the same numbers and the published figures."
        )
        + (
            " " + L.gettext("No bar for %(years)s: no record, unknown.", years=", ".join(unknown))
            if unknown
            else ""
        ),
        x_label=L.gettext("School year"),
        y_label=L.gettext("Officers"),
        fmt=lambda v: L.num(v),
    )
    figure_form = admin_figure_form(request)
    context = {
        "series": series,
        "summary": service_council.council_summary(store),
        "chart": Markup(chart),  # drawn by svg.bar_chart, every text escaped
        "figure_form": figure_form,
    }
    response = base.page(
        request, "officers.html", context, L, page="officers", vintage=base.vintage(index)
    )
    if figure_form is not None:
        response.headers["Cache-Control"] = "private, no-store"
    return response
