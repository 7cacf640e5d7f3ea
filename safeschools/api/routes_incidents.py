"""JSON API of incidents at schools: police-reported ones, from the City's crimes data.

Public reads; counts under the minimum cell size are ``null`` with status ``suppressed``, and so
is what would reveal them. Every route only calls :mod:`safeschools.services.police_at_school`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from safeschools.api.routes import ERROR_RESPONSES
from safeschools.server.deps import SettingsDep, StoreDep
from safeschools.services import police_at_school as service

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["incidents"], responses=ERROR_RESPONSES)


@router.get("/police-at-school", summary="Police-reported incidents at every school, by month")
def district_police_at_school(store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    """Per school and month, crimes the police placed at a school (batteries, assaults, weapons
    violations, others) matched to the nearest school within reach; the crimes data's dates,
    the matching distances and the caveat. Small counts are hidden (`null`, `suppressed`)."""
    return service.district_police_at_school(store, settings=settings)


@router.get(
    "/schools/{school_id}/police-at-school",
    summary="Police-reported incidents at one school, by month",
)
def school_police_at_school(
    store: StoreDep,
    settings: SettingsDep,
    school_id: Annotated[str, Path(description="The district's school id, e.g. 609966.")],
) -> dict[str, Any]:
    """The school's months with crimes the police placed at it, by category, and how many were
    shared with another school (ambiguous, not counted). Small counts are hidden."""
    return service.school_police_at_school(store, school_id, settings=settings)
