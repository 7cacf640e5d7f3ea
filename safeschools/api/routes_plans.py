"""Whole School Safety plans in the API: read (public), write (an account of the school), CSV.

``PUT`` takes the whole plan as ``GET`` returns it, with ``version`` = the version read (0 for a
new plan); a plan saved by someone else in between is a 409, never a lost update.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response

from safeschools.api.routes import ERROR_RESPONSES
from safeschools.model import User
from safeschools.server.deps import SettingsDep, StoreDep, require_user
from safeschools.server.downloads import CSV_RESPONSES, csv_download
from safeschools.server.inputs import SchoolYearPath
from safeschools.services import plans as service_plans

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["safety plans"], responses=ERROR_RESPONSES)

_EXAMPLE = {
    "status": "approved",
    "pillars": {
        "physical_safety": [
            {
                "text": "Safe arrival and dismissal",
                "actions": [
                    {
                        "text": "Two more Safe Passage posts",
                        "owner": "AP",
                        "due": "2025-10-01",
                        "status": "planned",
                    }
                ],
            }
        ],
        "emotional_safety": [],
        "relational_trust": [],
    },
    "committee": [{"name": "A. Rivera", "role": "parent"}],
    "baseline": {"notes": "", "metrics": {"out_of_school_suspensions": 41}},
    "approval": {
        "approved_on": "2025-03-04",
        "approved_by": "council vote of 2025-03-04: 8 yes, 2 no",
        "motion_id": None,
    },
    "version": 0,
}


@router.get("/schools/{school_id}/safety-plans", summary="A school's safety plans")
def safety_plans(store: StoreDep, school_id: str) -> list[dict[str, Any]]:
    """The school's Whole School Safety plans, oldest school year first: pillars with goals and
    actions, committee, baseline, status, approval and version."""
    return service_plans.safety_plans(store, school_id)


@router.get(
    "/schools/{school_id}/safety-plans/{school_year}",
    summary="A school's safety plan for a school year, with every saved version",
)
def safety_plan(store: StoreDep, school_id: str, school_year: SchoolYearPath) -> dict[str, Any]:
    """The plan as it is now (its ``version`` is what a PUT names) and ``history``: every
    saved version, oldest first (404 when none was written)."""
    return service_plans.safety_plan(store, school_id, school_year)


@router.put(
    "/schools/{school_id}/safety-plans/{school_year}",
    summary="Write a school's safety plan for a school year",
)
def put_safety_plan(
    store: StoreDep,
    settings: SettingsDep,
    user: Annotated[User, Depends(require_user)],
    school_id: str,
    school_year: SchoolYearPath,
    plan: Annotated[dict[str, Any], Body(examples=[_EXAMPLE])],
) -> dict[str, Any]:
    """Save the whole plan (401 without a token, 403 for another school's editor, 409 when
    the plan changed since the version you read, 400 for a value that cannot be kept)."""
    return service_plans.save_safety_plan(
        store, user, school_id=school_id, school_year=school_year, data=plan, settings=settings
    )


@router.get(
    "/safety-plans.csv",
    summary="Every safety plan as CSV",
    response_class=Response,
    responses=CSV_RESPONSES,
)
def safety_plans_csv(store: StoreDep, school_id: str | None = None) -> Response:
    """One row per plan (of one school with ``school_id``): status, approval, goals per pillar,
    actions, committee size, baseline metrics, version."""
    name = f"safety-plans-{school_id}.csv" if school_id else "safety-plans.csv"
    return csv_download(service_plans.safety_plans_csv(store, school_id=school_id), name)
