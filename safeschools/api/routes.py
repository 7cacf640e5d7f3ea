"""The JSON API. Every route calls the service and returns what it returns; nothing is computed
here. The query parameters of a definition are the CLI's flag names (see
:mod:`safeschools.server.deps`); every error has the body of :mod:`safeschools.server.errors`.

The answers that depend on the exposure index are encoded to JSON once per index and question
(:meth:`safeschools.services.IndexCache.memo`): many people asking the same thing cost one
computation and one encoding, and a new import starts afresh.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from pydantic_core import to_json

from safeschools import __version__, services
from safeschools.api.exports import EXPORT_FORMATS, EXPORTS, export_file
from safeschools.model import User
from safeschools.server.deps import (
    ApiDefinitionDep,
    IndexCacheDep,
    SettingsDep,
    StoreDep,
    get_user,
    require_user,
)
from safeschools.server.inputs import Day

__all__ = ["ERROR_RESPONSES", "WRITE_ERRORS", "ErrorBody", "Exposure", "Health", "router"]


class ErrorBody(BaseModel):
    """The body of every error."""

    ok: bool = Field(False, description="Always false.")
    error: str = Field(description="One sentence that says what went wrong and what to do.")
    errors: list[Any] = Field(
        default_factory=list,
        description="Details, e.g. one entry per invalid parameter (loc, msg, type).",
    )
    status: int = Field(description="The HTTP status, repeated.")


#: The error responses every route documents.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A parameter has a value the service refuses."},
    404: {"model": ErrorBody, "description": "Unknown school, preset, school year or export."},
    422: {"model": ErrorBody, "description": "A parameter is not of the right type."},
}

#: The error responses every write route documents besides those.
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No API token, or an unknown one."},
    403: {"model": ErrorBody, "description": "The account may not edit this school."},
    409: {"model": ErrorBody, "description": "Changed since you read it: reload, apply again."},
}

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)


class JSONBytes(JSONResponse):
    """JSON already encoded (by :func:`_encoded`) is sent as it is."""

    def render(self, content: Any) -> bytes:
        """The bytes as they are; anything else as JSONResponse renders it."""
        return content if isinstance(content, bytes) else super().render(content)


def _encoded(value: Any) -> bytes:
    """The service's JSON-ready dicts as compact JSON (NaN and infinity become null)."""
    return to_json(value)


class Health(BaseModel):
    """Liveness, the version and what the store holds."""

    ok: bool
    version: str
    schools: int = Field(description="School-year records stored.")
    victimizations: int = Field(description="Victimizations stored.")
    imports: int = Field(description="Imports recorded.")


class Exposure(BaseModel):
    """The exposure result under one definition (documentation only: the body is the
    service's dict, encoded once)."""

    definition: dict[str, Any] = Field(
        description="The definition as applied: radius in words, resolved dates, hours, days, "
        "ages, types, school year, and a one-sentence description."
    )
    answerable: bool = Field(
        description="False when the data cannot answer the definition (its dates lie outside "
        "the data, or a filter needs a field no row has): the counts are then null, never 0."
    )
    reasons: list[str] = Field(
        description="Why the result cannot be answered, or why it is partial, in words."
    )
    coverage: dict[str, Any] = Field(
        description="What the data covers of the question: asked (since, until, days), data "
        "(first_day, last_day, rows, days_without_rows, fields: share of rows with an age band, "
        "a time of day, a fatal flag, a location), covered (since, until, days, share, text), "
        "partial, missing_fields (field, share, needed_by), answerable, reasons, needs."
    )
    victims: int | None = Field(
        description="Victims near at least one school, each counted once (null: not answerable)."
    )
    fatal: int | None = Field(description="Of them, fatal.")
    incidents: int | None = Field(description="Distinct case numbers among them.")
    schools: int | None = Field(description="Schools with at least one victim near them.")
    schools_considered: int = Field(description="Schools of the school list with a location.")
    school_year: str = Field(description="The school list used (or 'incident').")
    per_school: list[dict[str, Any]] = Field(
        description="Schools with victims, ranked: school_id, name, governance, grade_category, "
        "lat, lon, victims, fatal, nearest_m, by_year, rank."
    )
    trends: dict[str, list[dict[str, Any]]] = Field(description="by_year, by_month, by_hour.")
    before_after: dict[str, Any] | None = Field(description="With split_date: before and after.")
    data_vintage: dict[str, Any] = Field(description="Newest victimization, import, sources.")
    caveats: list[str] = Field(description="What to keep in mind reading these numbers.")


class SchoolList(BaseModel):
    """Schools of one school year, or a search."""

    school_year: str = Field(description="The school year listed, or 'all'.")
    q: str | None = Field(description="The search, if any.")
    count: int
    schools: list[dict[str, Any]] = Field(
        description="Every field of each school-year record; with q also matched_by (id, name, "
        "address, zip, community_area, near) and distance_m (metres from the place searched; "
        "null for a name or an area)."
    )
    read_as: list[dict[str, Any]] = Field(
        default_factory=list,
        description="With q: each reading that found schools: kind (text, zip, community_area, "
        "intersection), place (kind, label, lat, lon, zip_code; null for text), within (the "
        "schools are inside the place, not only near it) and count.",
    )
    other_places: list[dict[str, Any]] = Field(
        default_factory=list,
        description="With an intersection: the other places where streets of those names meet.",
    )
    examples: dict[str, str] = Field(
        default_factory=dict,
        description="With q: a query of each kind (name, zip, community_area, intersection) that "
        "finds schools in this store.",
    )


class ImportList(BaseModel):
    """Every import, oldest first."""

    count: int
    imports: list[dict[str, Any]]


def _documented(model: type[BaseModel], description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"model": model, "description": description}}


@router.get("/health", response_model=Health, summary="Liveness, version and counts")
def health(store: StoreDep) -> dict[str, Any]:
    """Liveness, the version, and how many schools, victimizations and imports the store holds."""
    return {
        "ok": True,
        "version": __version__,
        "schools": store.count("schools"),
        "victimizations": store.count("victimizations"),
        "imports": store.count("imports"),
    }


@router.get(
    "/exposure",
    summary="Violence near every school under one definition",
    response_class=JSONBytes,
    responses=_documented(Exposure, "The exposure result."),
)
def exposure(
    definition: ApiDefinitionDep,
    store: StoreDep,
    settings: SettingsDep,
    cache: IndexCacheDep,
    split_date: Annotated[
        Day | None, Query(description="Also count before and after this date (2024-07-01).")
    ] = None,
) -> JSONBytes:
    """The exposure result: the definition (resolved: dates, radius in words), victims, fatal
    victims, incidents (case numbers), schools with at least one victim, schools considered,
    every school with a victim ranked (`per_school`), trends by year, month and hour, the data
    vintage and the caveats. The same JSON as `safeschools exposure --format json`."""
    body = cache.memo(
        ("api/exposure", definition, split_date),
        lambda index: _encoded(
            services.exposure.exposure(
                store, definition, settings=settings, index=index, split_date=split_date
            ).to_dict()
        ),
    )
    return JSONBytes(body)


@router.get("/compare", summary="Every preset side by side", response_class=JSONBytes)
def compare(
    store: StoreDep,
    settings: SettingsDep,
    cache: IndexCacheDep,
    school_year: Annotated[
        str | None,
        Query(
            description="School list for every definition (default: latest).",
            json_schema_extra={"pattern": r"^(\d{4}-\d{2}|latest|incident)?$"},
        ),
    ] = None,
) -> JSONBytes:
    """Every named definition of "near a school" on the same data: its parts, victims, fatal,
    incidents and schools, with the data vintage and caveats (as `safeschools
    compare-definitions --format json`)."""
    year = school_year or None
    body = cache.memo(
        ("api/compare", year),
        lambda index: _encoded(
            services.compare_definitions(store, settings=settings, index=index, school_year=year)
        ),
    )
    return JSONBytes(body)


@router.get("/presets", summary="The named definitions")
def presets(settings: SettingsDep) -> list[dict[str, Any]]:
    """Every named definition, built-in and from the presets file, with its parts, the
    publication it follows and the assumptions made where the publication was silent."""
    return services.list_presets(settings)


_DEFAULT_RADII = "100m,0.1mi,150m,0.25mi,500yd,0.5mi"
_DEFAULT_HOURS = "all,07:00-17:00,14:00-16:50"


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@router.get(
    "/sensitivity",
    summary="How the count moves with the radius, hours and years",
    response_class=JSONBytes,
)
def sensitivity(
    definition: ApiDefinitionDep,
    store: StoreDep,
    settings: SettingsDep,
    cache: IndexCacheDep,
    radii: Annotated[
        str, Query(description="Comma-separated radii for the grid.", examples=[_DEFAULT_RADII])
    ] = _DEFAULT_RADII,
    hours_grid: Annotated[
        str,
        Query(description="Comma-separated hours windows for the grid.", examples=[_DEFAULT_HOURS]),
    ] = _DEFAULT_HOURS,
) -> JSONBytes:
    """Victims counted under the definition for every radius x hours window, and for every
    radius x calendar year (as `safeschools sensitivity --format json`)."""
    grid_radii, grid_hours = tuple(_split(radii)), tuple(_split(hours_grid))
    body = cache.memo(
        ("api/sensitivity", definition, grid_radii, grid_hours),
        lambda index: _encoded(
            services.sensitivity(
                store,
                definition,
                settings=settings,
                radii=grid_radii,
                hours=grid_hours,
                index=index,
            )
        ),
    )
    return JSONBytes(body)


@router.get("/schools", summary="Schools, or a search", response_model=SchoolList)
def schools(
    store: StoreDep,
    school_year: Annotated[
        str | None,
        Query(
            description="2024-25, latest (default) or all (every school year).",
            json_schema_extra={"pattern": r"^(\d{4}-\d{2}|latest|all)?$"},
        ),
    ] = "latest",
    q: Annotated[
        str | None,
        Query(
            description="Search by name, id, address, ZIP code (60624), community area (Austin) "
            "or intersection (Pulaski & Madison), any case.",
            max_length=200,
        ),
    ] = None,
) -> dict[str, Any]:
    """The schools of one school year, by id; with `q`, the schools found by each reading of
    it: id, name or address; the schools of a ZIP code or a community area; the schools
    nearest an intersection (or a ZIP code without schools), with their distances."""
    year = services.resolve_school_year(store, school_year)
    if q is None or not q.strip():
        rows = [asdict(s) for s in services.list_schools(store, school_year=year)]
        return {"school_year": year or "all", "q": q, "count": len(rows), "schools": rows}
    answer = services.search(store, q, school_year=year)
    read_as = [
        {k: g[k] for k in ("kind", "place", "within")} | {"count": len(g["schools"])}
        for g in answer["groups"]
    ]
    return {
        "school_year": year or "all",
        "q": q,
        "count": len(answer["schools"]),
        "schools": answer["schools"],
        "read_as": read_as,
        "other_places": answer["other_places"],
        "examples": answer["examples"],
    }


@router.get(
    "/schools/{school_id}", summary="One school under a definition", response_class=JSONBytes
)
def school(
    school_id: Annotated[str, Path(description="The district's school id, e.g. 609966.")],
    definition: ApiDefinitionDep,
    store: StoreDep,
    settings: SettingsDep,
    cache: IndexCacheDep,
) -> JSONBytes:
    """One school's profile: the school over the years, the victimizations near it under the
    definition (nearest first; time, place, distance, type, fatal, age band; never names), its
    rank, the median of every school's count (`district_median`), the same school under every
    preset, the data vintage and the caveats."""
    body = cache.memo(
        ("api/school", school_id, definition),
        lambda index: _encoded(
            services.school_profile(store, school_id, definition, settings=settings, index=index)
        ),
    )
    return JSONBytes(body)


@router.get("/imports", summary="Every import", response_model=ImportList)
def imports(store: StoreDep) -> dict[str, Any]:
    """Every import, oldest first: source, kind, file, format, rows read, accepted, rejected,
    inserted, updated and unchanged, and when it finished."""
    rows = [asdict(r) for r in services.list_imports(store)]
    return {"count": len(rows), "imports": rows}


_EXPORT_DESCRIPTION = (
    "Download one table, with a file name in Content-Disposition: CSV, GeoJSON (tables with "
    "places) or Parquet (the same rows and columns, with the definition and coverage as the "
    "file's key-value metadata). The definition parameters apply to `exposure` and "
    "`exposure-victims` (`school_year` also to `schools` and `compare`; `since`, `until` and "
    "`source` to `victimizations`). Tables: "
    + "; ".join(
        f"`{name}` ({', '.join(e.formats)}): {e.description}" for name, e in EXPORTS.items()
    )
)


@router.get(
    "/export/{table}.{fmt}",
    summary="Download a table as CSV, GeoJSON or Parquet",
    description=_EXPORT_DESCRIPTION,
    response_class=Response,
    responses={
        200: {
            "description": "The file, with a Content-Disposition file name.",
            "content": {media: {} for media in EXPORT_FORMATS.values()},
        }
    },
)
def export(
    table: Annotated[str, Path(description="One of: " + ", ".join(EXPORTS) + ".")],
    fmt: Annotated[
        str,
        Path(
            description="csv, geojson or parquet; json for a CSV's sidecar (definition, "
            "coverage, whether the data can answer it)."
        ),
    ],
    definition: ApiDefinitionDep,
    store: StoreDep,
    settings: SettingsDep,
    cache: IndexCacheDep,
) -> Response:
    """Download one table (see the description above)."""
    file = export_file(
        table, fmt, store=store, settings=settings, definition=definition, cache=cache
    )
    return Response(
        file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": file.content_disposition},
    )


@router.get(
    "/me",
    summary="The account behind the API token",
    responses={401: WRITE_ERRORS[401]},
)
def me(user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
    """Who the token belongs to and what it may edit (401 without a valid token)."""
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role,
        "school_ids": list(user.school_ids),
    }


@router.get("/audit", summary="Every recorded write, newest first")
def audit(
    request: Request, store: StoreDep, school_id: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Who changed what and when, with the record before and after (public, like the records):
    the writer's role for everyone (``user_role``), their email only for an administrator
    (signed in, or with an administrator's token)."""
    return services.audit_log(
        store, school_id=school_id, limit=max(1, min(limit, 1000)), reader=get_user(request)
    )
