"""Trade-in funds and spending plans in the API.

Reads are public. Pools, facts, adoption and the catalog are the district's (an administrator's
token); a school's spending plan is written by its editors or an administrator. Every write
without a token is a 401, with the wrong role a 403; an update names the ``version`` it read
and gets a 409 when someone else changed the record first. Money is integer cents.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import Field

from safeschools.api.routes import ERROR_RESPONSES
from safeschools.errors import NotFoundError
from safeschools.model import User
from safeschools.server.deps import IndexDep, SettingsDep, StoreDep, require_user
from safeschools.server.downloads import CSV_RESPONSES, csv_download
from safeschools.server.inputs import (
    MAX_INT,
    Cents,
    Count,
    FilledText,
    IdPath,
    LongText,
    NeedScore,
    Quantity,
    RecordId,
    RequestModel,
    SchoolYear,
    ShortText,
    Version,
)
from safeschools.services import funds as service_funds
from safeschools.services import spending as service_spending

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["funds"], responses=ERROR_RESPONSES)
UserDep = Annotated[User, Depends(require_user)]


class PoolCreate(RequestModel):
    """A new pool."""

    school_year: SchoolYear = Field(
        description="The school year of the schools sharing it: 2024-25."
    )
    label: FilledText = Field(description="What the money is, e.g. 'SRO contract 2024-25'.")
    amount_cents: Cents = Field(description="The pool, in cents.")
    source_note: LongText = Field("", description="Where the money comes from.")
    school_ids: list[ShortText] | None = Field(
        None, description="The schools sharing it (default: every school of the year)."
    )
    exposure_preset: ShortText | None = Field(
        None, description="The preset whose victims near each school weigh the exposure formula."
    )


class PoolChange(RequestModel):
    """A change of a pool (the amount is frozen once an allocation is adopted)."""

    version: Version
    label: FilledText | None = None
    amount_cents: Cents | None = None
    source_note: LongText | None = None
    exposure_preset: ShortText | None = None


class FactsChange(RequestModel):
    """A school's facts in a pool."""

    version: Version
    officers_removed: Count | None = Field(None, description="Officers given up.")
    need: NeedScore | None = Field(None, description="A need score the district sets, e.g. 2.5.")


class Adoption(RequestModel):
    """The formula to adopt."""

    formula: Literal["equal", "per_officer", "enrollment", "exposure", "need"] = Field(
        description="equal, per_officer, enrollment, exposure or need."
    )


class LineCreate(RequestModel):
    """A new spending plan line."""

    item: FilledText = Field(
        description="A catalog code, e.g. social_worker (see /api/funds/catalog)."
    )
    quantity: Quantity = 1
    cost_cents: Cents | None = Field(None, description="Overrides the catalog's unit cost.")
    note: LongText | None = None
    pool_id: RecordId | None = Field(None, description="Default: the newest pool with a share.")


class LineChange(RequestModel):
    """A change (or removal) of a spending plan line."""

    version: Version
    quantity: Quantity | None = None
    cost_cents: Cents | None = None
    note: LongText | None = None
    remove: bool = Field(False, description="Retire the line (kept, with its audit entry).")


class CatalogChange(RequestModel):
    """The district's cost of a catalog item."""

    version: Version
    cost_cents: Cents | None = None
    label: ShortText | None = None
    note: LongText | None = None


def _csv(text: str, name: str) -> Response:
    return csv_download(text, name)


@router.get("/funds/pools", summary="Trade-in fund pools")
def pools(store: StoreDep) -> list[dict[str, Any]]:
    """Every pool, newest first, with its newest adopted version (null before adoption)."""
    return service_funds.list_pools(store)


@router.post("/funds/pools", summary="Create a pool (administrators)", status_code=201)
def create_pool(
    store: StoreDep, settings: SettingsDep, user: UserDep, body: PoolCreate
) -> dict[str, Any]:
    """A new pool for a school year; 401 without a token, 403 for an editor."""
    return service_funds.create_pool(store, user, settings=settings, **body.model_dump())


@router.get("/funds/pools/{pool_id}", summary="A pool, its schools' facts and versions")
def pool(store: StoreDep, pool_id: IdPath) -> dict[str, Any]:
    """The pool, each school's facts and every adopted version."""
    return service_funds.get_pool(store, pool_id)


@router.patch("/funds/pools/{pool_id}", summary="Change a pool (administrators)")
def change_pool(
    store: StoreDep, settings: SettingsDep, user: UserDep, pool_id: IdPath, body: PoolChange
) -> dict[str, Any]:
    """Label, note, preset or (before adoption) amount; 409 when the version is stale."""
    return service_funds.update_pool(store, user, pool_id, settings=settings, **body.model_dump())


@router.patch(
    "/funds/pools/{pool_id}/schools/{school_id}",
    summary="A school's facts in a pool (administrators)",
)
def change_facts(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    pool_id: IdPath,
    school_id: str,
    body: FactsChange,
) -> dict[str, Any]:
    """Officers given up and need score; 409 when the version is stale."""
    return service_funds.set_school_facts(
        store, user, pool_id, school_id, settings=settings, **body.model_dump()
    )


@router.get("/funds/pools/{pool_id}/whatif", summary="Every formula side by side")
def whatif(
    store: StoreDep,
    settings: SettingsDep,
    index: IndexDep,
    pool_id: IdPath,
    formula: Annotated[list[str] | None, Query(description="Only these formulas.")] = None,
) -> dict[str, Any]:
    """Each school's weight and share under every formula, and the difference between them."""
    return service_funds.what_if(store, pool_id, settings=settings, formulas=formula, index=index)


@router.post("/funds/pools/{pool_id}/adopt", summary="Adopt a formula (administrators)")
def adopt(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    index: IndexDep,
    pool_id: IdPath,
    body: Adoption,
) -> dict[str, Any]:
    """Freeze the shares as the pool's next version (the older versions stay readable)."""
    return service_funds.adopt(
        store, user, pool_id, formula=body.formula, settings=settings, index=index
    )


@router.get("/funds/pools/{pool_id}/allocations", summary="An adopted allocation")
def allocation(
    store: StoreDep,
    pool_id: IdPath,
    version: Annotated[
        int | None, Query(ge=1, le=MAX_INT, description="Default: the newest.")
    ] = None,
) -> dict[str, Any]:
    """The shares of one adopted version."""
    return service_funds.allocation(store, pool_id, version=version)


@router.get(
    "/funds/pools/{pool_id}/allocations.csv",
    summary="Every adopted version as CSV",
    response_class=Response,
    responses=CSV_RESPONSES,
)
def allocations_csv(store: StoreDep, pool_id: IdPath) -> Response:
    """One row per version and school."""
    return _csv(service_funds.allocations_csv(store, pool_id), f"allocations-{pool_id}.csv")


@router.get("/funds/catalog", summary="Positions and programs with the district's costs")
def catalog(store: StoreDep) -> list[dict[str, Any]]:
    """The catalog (costs in cents per year; the seeded costs are examples to edit)."""
    return service_spending.catalog(store)


@router.patch("/funds/catalog/{code}", summary="Set a catalog cost (administrators)")
def change_catalog(
    store: StoreDep, settings: SettingsDep, user: UserDep, code: str, body: CatalogChange
) -> dict[str, Any]:
    """The district's cost of an item; 409 when the version is stale."""
    return service_spending.update_catalog_item(
        store, user, code, settings=settings, **body.model_dump()
    )


@router.get("/funds/rollup", summary="What the money bought")
def rollup(
    store: StoreDep,
    pool_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="One pool.")] = None,
) -> dict[str, Any]:
    """By item (count and cents) and by school (share, planned, remaining)."""
    return service_spending.funds_rollup(store, pool_id=pool_id)


@router.get(
    "/funds/plans.csv",
    summary="Every spending plan line as CSV",
    response_class=Response,
    responses=CSV_RESPONSES,
)
def plans_csv(store: StoreDep) -> Response:
    """One row per live plan line."""
    return _csv(service_spending.plans_csv(store), "spending-plans.csv")


@router.get("/schools/{school_id}/spending", summary="A school's shares and spending plan")
def spending(store: StoreDep, school_id: str) -> dict[str, Any]:
    """Each adopted share, its plan lines, planned and remaining cents."""
    return service_spending.spending_plan(store, school_id)


@router.post(
    "/schools/{school_id}/spending",
    summary="Add a spending plan line (the school's editors)",
    status_code=201,
)
def add_line(
    store: StoreDep, settings: SettingsDep, user: UserDep, school_id: str, body: LineCreate
) -> dict[str, Any]:
    """Refused (400) when it would take the plan over the share; 403 for another school."""
    return service_spending.add_plan_line(
        store, user, school_id, settings=settings, **body.model_dump()
    )


@router.patch(
    "/schools/{school_id}/spending/{line_id}",
    summary="Change or remove a spending plan line (the school's editors)",
)
def change_line(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    school_id: str,
    line_id: IdPath,
    body: LineChange,
) -> dict[str, Any]:
    """409 when the line changed since the version you read."""
    plan = service_spending.spending_line_school(store, line_id)
    if plan != school_id:
        msg = f"Line #{line_id} is not in school {school_id}'s plan."
        raise NotFoundError(msg)
    return service_spending.update_plan_line(
        store, user, line_id, settings=settings, **body.model_dump()
    )
