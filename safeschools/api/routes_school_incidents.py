"""Incidents recorded by schools in the API: the staff's log (JSON and CSV), recording, changing
and withdrawing an incident (a school's editor or an administrator), and the categories (read by
anyone, added by an administrator).

A school's log is its staff's: 401 without an account, 403 for anyone who may not edit the
school. The public reads counts only, elsewhere. ``PUT`` names the version read (409 when it
changed since); every value that cannot be kept is a 400 that says which and why.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path
from fastapi.responses import Response

from safeschools.api.routes import ERROR_RESPONSES, WRITE_ERRORS
from safeschools.model import User
from safeschools.model.incidents import CATEGORIES
from safeschools.render.i18n import language
from safeschools.render.words import word
from safeschools.server.deps import SettingsDep, StoreDep, require_user
from safeschools.server.downloads import CSV_RESPONSES, csv_download
from safeschools.server.inputs import MAX_INT
from safeschools.services import school_incidents as service

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["incidents recorded by schools"], responses=ERROR_RESPONSES)

UserDep = Annotated[User, Depends(require_user)]
SchoolPath = Annotated[str, Path(description="The district's school id, e.g. 609966.")]
IncidentPath = Annotated[
    int, Path(ge=1, le=MAX_INT, description="The incident's id (from the school's log).")
]
_STAFF_ERRORS: dict[int | str, dict[str, Any]] = {k: WRITE_ERRORS[k] for k in (401, 403)}

_EXAMPLE = {
    "occurred_at": "2026-11-03T12:15",
    "category": "fight",
    "place": "grounds",
    "students_involved": 3,
    "injuries": 1,
    "police_called": True,
    "police_reason": "serious_injury",
    "responses": ["restorative_conference", "parent_meeting"],
    "staff_note": "Lunch line; counsellor followed up. (No names, no student ids.)",
}


@router.get(
    "/schools/{school_id}/incident-log",
    summary="A school's incident log (its staff only)",
    responses=_STAFF_ERRORS,
)
def incident_log(store: StoreDep, user: UserDep, school_id: SchoolPath) -> list[dict[str, Any]]:
    """The school's incidents, newest first, withdrawn ones included (``withdrawn``: true, with
    ``withdrawn_at``), with staff notes and versions. 401 without an account, 403 for an account
    that may not edit the school."""
    return service.school_incident_log(store, user, school_id)


@router.get(
    "/schools/{school_id}/incident-log.csv",
    summary="A school's incident log as CSV (its staff only)",
    response_class=Response,
    responses={**CSV_RESPONSES, **_STAFF_ERRORS},
)
def incident_log_csv(store: StoreDep, user: UserDep, school_id: SchoolPath) -> Response:
    """One row per incident, oldest first: codes, counts, responses (separated by ``;``), the
    staff note, source, withdrawn_at and version."""
    body = service.school_incident_log_csv(store, user, school_id)
    return csv_download(body, f"incident-log-{school_id}.csv")


@router.post(
    "/schools/{school_id}/incidents",
    summary="Record an incident of a school",
    status_code=201,
    responses=_STAFF_ERRORS,
)
def record_incident(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    school_id: SchoolPath,
    incident: Annotated[dict[str, Any], Body(examples=[_EXAMPLE])],
) -> dict[str, Any]:
    """Record an incident (version 1): when (Chicago time), category, place, how many students
    (a number, never names or ids), injuries, police called and why, responses, staff note.
    Audited (without the note)."""
    return service.record_incident(
        store, user, school_id, incident, source="api", settings=settings
    )


@router.get(
    "/incidents/{incident_id:int}",
    summary="One incident with every saved version (its school's staff only)",
    responses=_STAFF_ERRORS,
)
def incident(store: StoreDep, user: UserDep, incident_id: IncidentPath) -> dict[str, Any]:
    """The incident as it is now (its ``version`` is what a PUT names) and ``history``."""
    return service.school_incident(store, user, incident_id)


@router.put(
    "/incidents/{incident_id:int}",
    summary="Change an incident",
    responses=WRITE_ERRORS,
)
def put_incident(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    incident_id: IncidentPath,
    incident: Annotated[dict[str, Any], Body(examples=[{**_EXAMPLE, "version": 1}])],
) -> dict[str, Any]:
    """Change an incident: the fields sent replace the stored ones; ``version`` is the version
    read (409 when it changed since). A withdrawn incident stays as it was (400)."""
    return service.update_incident(store, user, incident_id, incident, settings=settings)


@router.post(
    "/incidents/{incident_id}/withdraw",
    summary="Withdraw an incident recorded by mistake (kept, marked withdrawn)",
    responses=WRITE_ERRORS,
)
def withdraw_incident(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    incident_id: IncidentPath,
    body: Annotated[dict[str, Any], Body(examples=[{"version": 2}])],
) -> dict[str, Any]:
    """Withdraw an incident: it stays in the log and its versions with ``withdrawn_at``, and
    leaves every count. ``version`` is the version read."""
    version = service.read_version_of(body)
    return service.withdraw_incident(store, user, incident_id, version=version, settings=settings)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    return value if isinstance(value, str) else ""


@router.get("/incident-categories", summary="The categories an incident may have")
def incident_categories(store: StoreDep) -> list[dict[str, Any]]:
    """Every category's code with its words in English and Spanish: the built-in ones, then the
    ones the district added (``built_in``: false)."""
    en, es = language("en"), language("es")
    out = []
    for c in service.incident_categories(store):
        if c["code"] in CATEGORIES:
            c = {**c, "label_en": word(en, "incident_category", c["code"]),
                 "label_es": word(es, "incident_category", c["code"])}  # fmt: skip
        out.append(c)
    return out


@router.post(
    "/incident-categories",
    summary="Add a district category (administrators)",
    status_code=201,
    responses=WRITE_ERRORS,
)
def add_incident_category(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    category: Annotated[
        dict[str, Any],
        Body(examples=[{"code": "vaping", "label_en": "Vaping", "label_es": "Vapeo"}]),
    ],
) -> dict[str, Any]:
    """Add a category with its words in both languages (409 when the code is taken)."""
    return service.add_incident_category(
        store,
        user,
        code=_text(category, "code"),
        label_en=_text(category, "label_en"),
        label_es=_text(category, "label_es"),
        settings=settings,
    )
