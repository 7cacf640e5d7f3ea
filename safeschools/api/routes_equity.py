"""JSON API and CSV exports of discipline equity, outcomes over time and the evaluation of
officer removal. Every route calls :mod:`safeschools.services.equity` or
:mod:`safeschools.services.evaluation` and returns what they return; a hidden count is
``{"value": null, "status": "suppressed"}`` in JSON and the word ``suppressed`` in CSV.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic_core import to_json

from safeschools.api.routes import ERROR_RESPONSES, JSONBytes
from safeschools.model.discipline import GROUP_KINDS
from safeschools.server.deps import IndexCacheDep, IndexDep, SettingsDep, StoreDep
from safeschools.server.downloads import CSV_RESPONSES, csv_download
from safeschools.services import equity as service_equity
from safeschools.services import evaluation as service_evaluation
from safeschools.services.publication import PARTITIONS

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["equity"], responses=ERROR_RESPONSES)

#: The values the service takes, listed in OpenAPI (the service checks them all the same).
_REFERENCES = ["others", *(g for g, kind in GROUP_KINDS.items() if kind in ("race", "sex"))]
_DIMENSIONS = [*PARTITIONS, "program"]

MeasureQ = Annotated[
    str,
    Query(
        description="A discipline measure, e.g. students_oss, students_expelled.",
        json_schema_extra={"enum": list(service_equity.DISPARITY_MEASURES)},
    ),
]
YearQ = Annotated[
    str | None,
    Query(
        description="School year, e.g. 2023-24 (default: newest).",
        pattern=r"^(\d{4}-\d{2})?$",
    ),
]
ReferenceQ = Annotated[
    str,
    Query(
        description="Comparison group: 'others' (all other students) or a group, e.g. white.",
        json_schema_extra={"enum": _REFERENCES},
    ),
]
DimensionQ = Annotated[
    str, Query(description="race, sex or program.", json_schema_extra={"enum": _DIMENSIONS})
]


@router.get("/schools/{school_id}/equity", summary="A school's discipline disparities")
def school_equity(
    school_id: str,
    store: StoreDep,
    settings: SettingsDep,
    measure: MeasureQ = "students_oss",
    year: YearQ = None,
    reference: ReferenceQ = "others",
) -> dict[str, Any]:
    """Per group: the count as published (`{"value", "status"}`), enrollment, risk, risk ratio
    with its Katz 95% interval or the reason it is not calculated, the flag and identification;
    the reference group, threshold, minimum cell size and n-size."""
    return service_equity.school_equity(
        store,
        school_id,
        settings=settings,
        measure=measure,
        school_year=year or None,
        reference=reference,
    )


@router.get("/schools/{school_id}/outcomes", summary="A school's outcomes over time")
def school_outcomes(
    school_id: str, store: StoreDep, settings: SettingsDep, index: IndexDep
) -> dict[str, Any]:
    """Per school year: each outcome's count (`{"value", "status", "per_100"}`), enrollment,
    shootings near the school under the outcome preset; the officers year by year and the
    removal year."""
    return service_evaluation.school_outcomes(
        store, school_id, settings=settings, index=index, require_figures=True
    )


@router.get(
    "/schools/{school_id}/outcomes.csv",
    summary="A school's outcomes over time as CSV",
    response_class=Response,
    responses=CSV_RESPONSES,
)
def school_outcomes_csv(
    school_id: str, store: StoreDep, settings: SettingsDep, index: IndexDep
) -> Response:
    """The outcomes of `/api/schools/{school_id}/outcomes`, one row per school year and
    measure (hidden counts are `suppressed`)."""
    data = service_evaluation.school_outcomes(
        store, school_id, settings=settings, index=index, require_figures=True
    )
    body = service_equity.outcomes_csv(data)
    return csv_download(body, f"outcomes-{school_id}.csv")


@router.get("/outcomes", summary="The district's outcomes over time")
def district_outcomes(store: StoreDep, settings: SettingsDep, index: IndexDep) -> dict[str, Any]:
    """Per school year: each outcome summed over the schools that reported
    (`{"value", "status", "per_100"}`, hidden under the minimum cell size), enrollment, and the
    victims near any school under the outcome preset; the officers year by year."""
    return service_evaluation.district_outcomes(store, settings=settings, index=index)


@router.get(
    "/outcomes.csv",
    summary="The district's outcomes over time as CSV",
    response_class=Response,
    responses=CSV_RESPONSES,
)
def district_outcomes_csv(store: StoreDep, settings: SettingsDep, index: IndexDep) -> Response:
    """The outcomes of `/api/outcomes`, one row per school year and measure."""
    data = service_evaluation.district_outcomes(store, settings=settings, index=index)
    return csv_download(service_equity.outcomes_csv(data), "outcomes-district.csv")


@router.get("/equity", summary="The district's disparity table")
def district_equity(
    store: StoreDep,
    settings: SettingsDep,
    measure: MeasureQ = "students_oss",
    year: YearQ = None,
    reference: ReferenceQ = "others",
    dimension: DimensionQ = "race",
) -> dict[str, Any]:
    """Per school (and the district): each group's count, risk ratio and interval (hidden with
    the count), flags and identification; the counts of flagged and identified schools."""
    return service_equity.district_disparity(
        store,
        settings=settings,
        measure=measure,
        school_year=year or None,
        reference=reference,
        dimension=dimension,
    )


@router.get(
    "/equity.csv",
    summary="The district's disparity table as CSV",
    response_class=Response,
    responses=CSV_RESPONSES,
)
def district_equity_csv(
    store: StoreDep,
    settings: SettingsDep,
    measure: MeasureQ = "students_oss",
    year: YearQ = None,
    reference: ReferenceQ = "others",
    dimension: DimensionQ = "race",
) -> Response:
    """One row per school and group; hidden counts and what is computed from them are the word
    `suppressed`."""
    table = district_equity(store, settings, measure, year, reference, dimension)
    name = f"{table['measure']}-{table['school_year']}"
    return csv_download(service_equity.disparity_csv(table), f"equity-{name}.csv")


@router.get(
    "/evaluation", summary="Did removing officers change an outcome?", response_class=JSONBytes
)
def evaluation(
    store: StoreDep,
    settings: SettingsDep,
    cache: IndexCacheDep,
    outcome: Annotated[
        str,
        Query(
            description="police_notifications, suspensions, ..., shootings_near.",
            json_schema_extra={"enum": list(service_evaluation.EVALUATION_OUTCOMES)},
        ),
    ] = "police_notifications",
    reversals: Annotated[
        str,
        Query(
            description="Schools whose officers came back after removal: leave_out (default) "
            "or first_removal (counted as removed from their first removal on).",
            json_schema_extra={"enum": list(service_evaluation.REVERSAL_RULES)},
        ),
    ] = "leave_out",
) -> JSONBytes:
    """The staggered difference-in-differences: cohorts, the overall effect with its interval
    (`overall`, null when not estimable, with `not_estimated` giving why), the event study,
    each group-time effect, the school years with and without the outcome (`data_years`), the
    schools whose officers came back (`officers_returned`) and those the panel left out
    (`schools_left_out`), the assumptions and the limits."""
    body = cache.memo(
        ("api/evaluation", outcome, reversals, store.latest_write_id()),
        lambda index: to_json(
            service_evaluation.evaluation(
                store, settings=settings, outcome=outcome, index=index, reversals=reversals
            )
        ),
    )
    return JSONBytes(body)
