"""JSON API of school resource officers (the councils' votes: :mod:`.routes_council`).

Reads are public; every write needs ``Authorization: Bearer TOKEN`` of an administrator or an
editor of the school (401 without a token, 403 for another school, 409 when the record changed
since it was read). Every route only calls :mod:`safeschools.services.officers`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import Field

from safeschools.api.routes import ERROR_RESPONSES, WRITE_ERRORS
from safeschools.model import User
from safeschools.server.deps import SettingsDep, StoreDep, require_user
from safeschools.server.downloads import CSV_RESPONSES, csv_download
from safeschools.server.inputs import (
    MAX_INT,
    FilledLongText,
    FilledText,
    LongText,
    MetricName,
    RequestModel,
    SchoolYear,
    SchoolYearPath,
)
from safeschools.services import officers as service_officers

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["officers and councils"], responses=ERROR_RESPONSES)
UserDep = Annotated[User, Depends(require_user)]


class OfficersIn(RequestModel):
    """A school's officers of one kind for one school year."""

    officers: int = Field(ge=0, le=1000, description="How many officers (0 for none).")
    kind: Literal["sro", "mobile", "sergeant"] = Field("sro", description="Kind of officer.")
    note: LongText | None = Field(None, description="Where the number comes from.")
    version: int = Field(
        0, ge=0, le=MAX_INT, description="The version you read (0 to create a new assignment)."
    )


class FigureIn(RequestModel):
    """A district figure for one school year, exactly as published, with its source."""

    school_year: SchoolYear = Field(description="The school year it describes, e.g. 2012-13.")
    metric: MetricName = Field(description="What it counts, e.g. officers, schools.")
    value: FilledText = Field(description="The value as published: 166, about 70.")
    detail: LongText | None = Field(None, description="E.g. 'at 74 schools'.")
    sources: FilledLongText = Field(description="Where it was published (title, URL).")
    note: LongText | None = None
    replace: bool = Field(
        False, description="Replace the figure already recorded for this year and metric."
    )


# ---------------------------------------------------------------------- officers
@router.get("/officers", summary="The district's officer series")
def district_officers(store: StoreDep) -> dict[str, Any]:
    """Published district figures (values as published) and the counts recorded here."""
    return service_officers.district_officers(store)


@router.get(
    "/officers.csv",
    summary="Every officer assignment as CSV",
    response_class=Response,
    responses=CSV_RESPONSES,
)
def officers_csv(store: StoreDep) -> Response:
    """One row per school, school year and kind of officer."""
    return csv_download(service_officers.officers_csv(store), "officers.csv")


@router.get("/schools/{school_id}/officers", summary="A school's officers over the years")
def school_officers(store: StoreDep, school_id: str) -> dict[str, Any]:
    """Assignments year by year (with versions) and the decisions behind them."""
    return service_officers.school_officers(store, school_id)


@router.get(
    "/schools/{school_id}/officers.csv",
    summary="A school's officers as CSV",
    response_class=Response,
    responses=CSV_RESPONSES,
)
def school_officers_csv(store: StoreDep, school_id: str) -> Response:
    """One row per school year and kind of officer."""
    return csv_download(
        service_officers.officers_csv(store, school_id=school_id), f"officers-{school_id}.csv"
    )


@router.put(
    "/schools/{school_id}/officers/{school_year}",
    summary="Set a school's officers for a school year",
    responses=WRITE_ERRORS,
)
def put_officers(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    school_id: str,
    school_year: SchoolYearPath,
    body: OfficersIn,
) -> dict[str, Any]:
    """Create (version 0) or change (the version you read) an assignment; audited."""
    stored = service_officers.set_officers(
        store,
        user,
        school_id=school_id,
        school_year=school_year,
        officers=body.officers,
        kind=body.kind,
        note=body.note,
        read_version=body.version,
        settings=settings,
    )
    return {
        "school_id": stored.school_id,
        "school_year": stored.school_year,
        "kind": stored.kind,
        "officers": stored.officers,
        "source": stored.source,
        "note": stored.note,
        "version": stored.version,
    }


@router.post(
    "/officers/figures",
    summary="Record a published district figure (administrators)",
    status_code=201,
    responses=WRITE_ERRORS,
)
def add_figure(
    store: StoreDep, settings: SettingsDep, user: UserDep, body: FigureIn
) -> dict[str, Any]:
    """One figure per school year and metric, the value kept as text as published; an
    existing one is replaced only with ``replace`` (else 409). Audited."""
    return service_officers.add_published_figure(
        store,
        user,
        school_year=body.school_year,
        metric=body.metric,
        value=body.value,
        detail=body.detail,
        sources=body.sources,
        note=body.note,
        replace=body.replace,
        settings=settings,
    )
