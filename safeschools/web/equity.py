"""The equity pages: a school's discipline disparities and outcomes over time
(``/schools/{id}/equity``), the district's disparity table (``/equity``) and the evaluation of
officer removal (``/evaluation``).

Each route calls :mod:`safeschools.services.equity` or :mod:`safeschools.services.evaluation`
and renders what they return (:mod:`safeschools.render.equity_views`); what is hidden is decided
there, once. Pages are cached per data version, address and language.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from safeschools.render import equity_views, evaluation_views
from safeschools.render.i18n import Lang
from safeschools.server.deps import IndexDep, SettingsDep, StoreDep
from safeschools.services import equity as service_equity
from safeschools.services import evaluation as service_evaluation
from safeschools.web import base

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _blank(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


@router.get("/schools/{school_id}/equity", response_class=HTMLResponse)
def school_equity(
    request: Request,
    school_id: str,
    store: StoreDep,
    settings: SettingsDep,
    index: IndexDep,
    measure: str = "students_oss",
    year: str | None = None,
    reference: str = "others",
) -> HTMLResponse:
    """One school's disparities in a measure, and its outcomes over time."""
    L = base.lang(request)

    def build() -> str:
        table = service_equity.school_equity(
            store,
            school_id,
            settings=settings,
            measure=measure,
            school_year=_blank(year),
            reference=reference,
        )
        data = service_evaluation.school_outcomes(store, school_id, settings=settings, index=index)
        context: dict[str, Any] = {
            "school_name": service_equity.school_name(store, school_id),
            "school_id": school_id,
            "t": table,
            "reference": reference,
            "measures": equity_views.choices(L, service_equity.DISPARITY_MEASURES),
            **equity_views.helpers(L),
            **equity_views.disparity_helpers(L, table),
            **equity_views.outcomes_context(data, L),
        }
        return base.html(
            request, "equity_school.html", context, L, page="equity", vintage=base.vintage(index)
        )

    return base.cached_page(request, L, build, version=store.latest_write_id())


@router.get("/equity", response_class=HTMLResponse)
def district_equity(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    index: IndexDep,
    measure: str = "students_oss",
    year: str | None = None,
    reference: str = "others",
    dimension: str = "race",
) -> HTMLResponse:
    """The district's disparity table with flags and identification."""
    L = base.lang(request)
    if not store.discipline_years():
        return _no_discipline(request, L, index, L.gettext("Equity"))

    def build() -> str:
        table = service_equity.district_disparity(
            store,
            settings=settings,
            measure=measure,
            school_year=_blank(year),
            reference=reference,
            dimension=dimension,
        )
        district = service_evaluation.district_outcomes(store, settings=settings, index=index)
        context: dict[str, Any] = {
            "t": table,
            "reference": reference,
            **equity_views.outcomes_context(district, L),
            "measures": equity_views.choices(L, service_equity.DISPARITY_MEASURES),
            "dimensions": equity_views.dimension_choices(L),
            **equity_views.helpers(L),
            **equity_views.disparity_helpers(L, table),
        }
        return base.html(
            request, "equity_district.html", context, L, page="equity", vintage=base.vintage(index)
        )

    return base.cached_page(request, L, build, version=store.latest_write_id())


@router.get("/evaluation", response_class=HTMLResponse)
def evaluation(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    index: IndexDep,
    outcome: str = "police_notifications",
    reversals: str = "leave_out",
) -> HTMLResponse:
    """Did removing officers change an outcome? The staggered difference-in-differences."""
    L: Lang = base.lang(request)
    # (the incident outcomes need no discipline figures)
    if not store.discipline_years() and outcome not in service_evaluation.INCIDENT_OUTCOMES:
        return _no_discipline(request, L, index, L.gettext("Evaluation"))

    def build() -> str:
        data = service_evaluation.evaluation(
            store, settings=settings, outcome=outcome, index=index, reversals=reversals
        )
        context = {
            **equity_views.helpers(L),
            **equity_views.evaluation_context(data, L),
            **evaluation_views.evaluation_data_context(data, L),
        }
        return base.html(
            request, "evaluation.html", context, L, page="evaluation", vintage=base.vintage(index)
        )

    return base.cached_page(request, L, build, version=store.latest_write_id())


def _no_discipline(request: Request, L: Lang, index: Any, heading: str) -> HTMLResponse:
    """The district's equity and evaluation pages before any discipline figure is loaded: a
    page that says so in words (not an error, and not "none found")."""
    context = {"heading": heading}
    return base.page(
        request, "no_discipline.html", context, L, page="equity", vintage=base.vintage(index)
    )
