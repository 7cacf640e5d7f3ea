"""Restorative cases in the API, for the staff of the school only (an editor of the school or
district staff; 401 without an account, 403 for anyone else): open a case from an incident,
read it, change it (naming the version read: 409 when stale), a school's list and CSV.

A case's agreement and follow-up notes never leave these staff routes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response

from safeschools.api.routes import ERROR_RESPONSES, WRITE_ERRORS
from safeschools.model import User
from safeschools.server.deps import SettingsDep, StoreDep, require_user
from safeschools.server.downloads import CSV_RESPONSES, csv_download
from safeschools.server.inputs import IdPath
from safeschools.services import restorative_cases as service_cases

__all__ = ["router"]

UserDep = Annotated[User, Depends(require_user)]
#: Staff answers are never kept by a shared cache.
_PRIVATE = {"Cache-Control": "private, no-store"}


def _private(response: Response) -> None:
    """Every answer here is the staff's own: no shared cache keeps it."""
    response.headers.update(_PRIVATE)


router = APIRouter(
    prefix="/api",
    tags=["restorative cases"],
    responses={**ERROR_RESPONSES, **WRITE_ERRORS},  # staff only: reads answer 401, 403 too
    dependencies=[Depends(_private)],
)

_OPEN_EXAMPLE = {"opened_on": "2025-01-07", "participants": ["students_involved", "teacher"]}
_PUT_EXAMPLE = {
    "conference_on": "2025-01-09",
    "participants": ["students_involved", "parent_or_guardian", "restorative_practitioner"],
    "agreement": "Apologise in the circle; repair the locker door together.",
    "followups": [{"due": "2025-01-23", "done_on": None, "note": "Check in with both"}],
    "status": "closed",
    "closed_on": "2025-02-03",
    "outcome": "repaired",
    "recurred_within_90_days": "unknown",
    "version": 1,
}


@router.post(
    "/incidents/{incident_id}/case",
    summary="Open the restorative case of an incident",
    status_code=201,
)
def open_case(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    incident_id: IdPath,
    case: Annotated[dict[str, Any] | None, Body(examples=[_OPEN_EXAMPLE])] = None,
) -> dict[str, Any]:
    """Open the case (``opened_on`` defaults to today; any field of the case may be given).
    One case per incident (409 for a second), none for a withdrawn incident (400)."""
    return service_cases.open_case(store, user, incident_id, data=case or {}, settings=settings)


@router.get("/cases/{case_id}", summary="A restorative case, with every saved version")
def get_case(
    store: StoreDep, settings: SettingsDep, user: UserDep, case_id: IdPath
) -> dict[str, Any]:
    """The case as it is now (its ``version`` is what a PUT names), its incident in outline,
    the next follow-up due, and ``history``: every saved version, oldest first."""
    return service_cases.get_case(store, user, case_id, settings=settings)


@router.put("/cases/{case_id}", summary="Change a restorative case")
def put_case(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    case_id: IdPath,
    case: Annotated[dict[str, Any], Body(examples=[_PUT_EXAMPLE])],
) -> dict[str, Any]:
    """The fields given replace their values (the others are kept); ``version`` is the version
    you read. Close with ``status: closed``, ``closed_on`` and ``outcome`` (repaired, partly,
    not_repaired); ``recurred_within_90_days`` is yes, no (from 90 days after the incident) or
    unknown."""
    return service_cases.update_case(store, user, case_id, data=case, settings=settings)


@router.get("/schools/{school_id}/cases", summary="A school's restorative cases (staff)")
def school_cases(
    store: StoreDep, settings: SettingsDep, user: UserDep, school_id: str
) -> list[dict[str, Any]]:
    """Open cases first, the soonest follow-up due first, then the newest."""
    return service_cases.school_cases(store, user, school_id, settings=settings)


@router.get(
    "/schools/{school_id}/cases.csv",
    summary="A school's restorative cases as CSV (staff)",
    response_class=Response,
    responses=CSV_RESPONSES,
)
def school_cases_csv(
    store: StoreDep, settings: SettingsDep, user: UserDep, school_id: str
) -> Response:
    """One row per case, in the list's order: dates, roles that took part, status, outcome,
    recurrence, follow-ups (the agreement and notes stay on the case)."""
    body = service_cases.school_cases_csv(store, user, school_id, settings=settings)
    answer = csv_download(body, f"restorative-cases-{school_id}.csv")
    answer.headers.update(_PRIVATE)
    return answer
