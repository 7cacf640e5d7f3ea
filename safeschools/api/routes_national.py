"""JSON API and CSV of school shootings under each national tracker's definition, counted on
the loaded files: per calendar or school year, nationally, for a state or a city of it. Every
answer names the definition it counts with and the license of the file it is counted on. Every
route only calls :mod:`safeschools.services.national`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from safeschools.api.routes import ERROR_RESPONSES
from safeschools.national.counts import TrackerSeries
from safeschools.national.trackers import TRACKERS
from safeschools.server.deps import StoreDep
from safeschools.server.downloads import CSV_RESPONSES, csv_download
from safeschools.services import national as service

__all__ = ["router", "series_json"]

router = APIRouter(prefix="/api", tags=["national"], responses=ERROR_RESPONSES)

TrackerName = Literal["k12-ssdb", "wapo", "edweek", "everytown", "nces"]
TrackerQuery = Annotated[
    TrackerName | None,
    Query(description="Whose definition (default: every tracker)."),
]
ByQuery = Annotated[
    Literal["year", "school-year"],
    Query(description="Calendar year, or school year (July to June; the Post's own)."),
]
StateQuery = Annotated[str | None, Query(max_length=40, description="A state: IL or Illinois.")]
CityQuery = Annotated[
    str | None, Query(max_length=80, description="A city of the state, e.g. Chicago.")
]


def series_json(series: TrackerSeries) -> dict[str, Any]:
    """One tracker's series with its definition, what the loaded file covers and its license."""
    t = TRACKERS[series.tracker]
    return {
        "tracker": t.name,
        "title": t.title,
        "by": series.by,
        "state": series.state,
        "city": series.city,
        "definition": {
            "en": t.rule("en"),
            "es": t.rule("es"),
            "parameters": t.parameters(),
            "approximated": None
            if t.exact
            else {"en": t.approximated("en"), "es": t.approximated("es")},
        },
        "covered_from": series.covered_from.isoformat() if series.covered_from else None,
        "covered_to": series.covered_to.isoformat() if series.covered_to else None,
        "not_covered": "periods outside covered_from..covered_to have no figure (never 0)",
        "license": series.license,
        "notes": series.notes,
        "rows": [row.as_dict() for row in series.rows],
    }


@router.get("/national", summary="School shootings per year under each tracker's definition")
def national(
    store: StoreDep,
    tracker: TrackerQuery = None,
    by: ByQuery = "year",
    state: StateQuery = None,
    city: CityQuery = None,
) -> dict[str, Any]:
    """Counts of incidents, people killed and injured per period under one tracker's definition
    (or every tracker's), with the definition in words and as parameters, the dates the loaded
    file covers (a period outside them is absent, never 0; a period covered in part is
    `partial`), the license of the file, and where the Post records it, whether a school
    resource officer was present (`sro_absent_or_unknown` is the Post's 0: not present or not
    known; `sro_not_recorded` its blank)."""
    names = [tracker] if tracker else list(TRACKERS)
    return {
        "trackers": [
            series_json(service.national_series(store, n, by=by, state=state, city=city))
            for n in names
        ],
        "licenses": service.LICENSES,
    }


@router.get("/national/claim", summary="The claim '18 in 2008, 82 in 2023' beside each tracker")
def national_claim(store: StoreDep) -> dict[str, Any]:
    """Each tracker's national count for 2008 and 2023 (and the school years 2007-08 and
    2022-23) beside the claim, whether its definition produces the claim, and why a figure is
    missing when the loaded file does not cover it."""
    return {
        "claim": [{"year": y, "count": n} for y, n in service.CLAIM],
        "checks": [
            {
                "tracker": c.tracker,
                "by": c.by,
                "produces_claim": c.produces,
                "figures": [f.__dict__ for f in c.figures],
            }
            for c in service.claim_checks(store)
        ],
        "licenses": service.LICENSES,
    }


@router.get(
    "/national.csv",
    summary="School shootings per year under one tracker's definition, as CSV",
    response_class=Response,
    responses=CSV_RESPONSES,
)
def national_csv(
    store: StoreDep,
    tracker: Annotated[TrackerName, Query(description="Whose definition.")] = "k12-ssdb",
    by: ByQuery = "year",
    state: StateQuery = None,
    city: CityQuery = None,
) -> Response:
    """One row per period; the license of the file it is counted on on every row."""
    series = service.national_series(store, tracker, by=by, state=state, city=city)
    where = "-".join(p for p in (series.state, (city or "").lower().replace(" ", "-")) if p)
    name = f"national-{tracker}-{by}{'-' + where if where else ''}.csv"
    return csv_download(service.series_csv(series), name)
