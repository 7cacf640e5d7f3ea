"""Restorative cases: open one from an incident, change it (versioned), close it with an
outcome, record whether the students were involved again; a school's list and CSV for staff.

Only the staff of the school (its editors) and the district's administrators read or write a
case: its agreement and follow-up notes are for them. Every write names the version it read
and lands with its audit entry in one transaction. The audit log is public (with the writer's
role), so its entry keeps what changed in outline only: the status, dates, roles, outcome and
how many follow-ups, never the agreement or a note.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from safeschools.errors import (
    ConflictError,
    DataValidationError,
    NotFoundError,
    PermissionDeniedError,
)
from safeschools.model import User
from safeschools.model.cases import CaseError, case_from_dict, recurrence_known_from
from safeschools.model.incidents import Incident, RestorativeCase
from safeschools.policy.accounts import check_can_edit
from safeschools.services.base import Clock, clock_of, recorded
from safeschools.settings import Settings
from safeschools.spreadsheet import csv_writer
from safeschools.storage import Store
from safeschools.storage.incidents import case_to_dict

__all__ = [
    "CASE_CSV_COLUMNS",
    "DUE_SOON_DAYS",
    "case_audit_view",
    "case_of_incident",
    "close_case",
    "get_case",
    "open_case",
    "record_recurrence",
    "school_cases",
    "school_cases_csv",
    "today",
    "update_case",
]

#: A follow-up due within this many days (or overdue) puts its case near the top of the list.
DUE_SOON_DAYS = 14
_WHAT = "restorative cases"
_MAX_VERSION = 2**31 - 1


def _staff(user: User | None, school_id: str, *, reading: bool = False) -> User:
    """The reader or writer, if they are staff of the school (its editor, or district staff)."""
    if reading and user is not None and not user.can_edit(school_id):
        msg = (
            f"{user.email} ({user.role}) may not read the restorative cases of school "
            f"{school_id}: they are for its staff."
        )
        raise PermissionDeniedError(msg)
    return check_can_edit(user, school_id, what=_WHAT)


def today(settings: Settings, now: Clock | None = None) -> date:
    """The day of the clock the writes use (the local date of ``settings.timezone``)."""
    return clock_of(settings, now)().date()


def _incident(store: Store, incident_id: int) -> Incident:
    incident = store.school_incident(incident_id)
    if incident is None:
        msg = f"No incident with id {incident_id}; see the school's incidents for their ids."
        raise NotFoundError(msg)
    return incident


def _case(store: Store, case_id: int) -> RestorativeCase:
    case = store.restorative_case(case_id)
    if case is None:
        msg = f"No restorative case with id {case_id}; see the school's cases for their ids."
        raise NotFoundError(msg)
    return case


def case_audit_view(case: RestorativeCase) -> dict[str, Any]:
    """What the (public) audit log keeps of a case: no agreement, no follow-up note."""
    return {
        "id": case.id,
        "incident_id": case.incident_id,
        "status": case.status,
        "opened_on": case.opened_on.isoformat(),
        "conference_on": None if case.conference_on is None else case.conference_on.isoformat(),
        "participants": list(case.participants),
        "agreement_written": bool(case.agreement),
        "followups": len(case.followups),
        "followups_done": sum(f.done_on is not None for f in case.followups),
        "closed_on": None if case.closed_on is None else case.closed_on.isoformat(),
        "outcome": case.outcome,
        "recurred_within_90_days": case.recurred_within_90_days,
        "version": case.version,
    }


def _incident_summary(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "occurred_at": incident.occurred_at.isoformat(),
        "category": incident.category,
        "place": incident.place,
        "students_involved": incident.students_involved,
        "withdrawn": incident.withdrawn_at is not None,
    }


def _view(case: RestorativeCase, incident: Incident, today: date) -> dict[str, Any]:
    data = case_to_dict(case)
    pending = sorted(f.due for f in case.followups if f.done_on is None)
    next_due = pending[0] if pending else None
    data["incident"] = _incident_summary(incident)
    data["next_due"] = None if next_due is None else next_due.isoformat()
    data["overdue"] = next_due is not None and next_due < today
    data["due_soon"] = next_due is not None and next_due <= today + timedelta(days=DUE_SOON_DAYS)
    known = recurrence_known_from(incident)
    data["recurrence_known_from"] = known.isoformat()
    data["recurrence_answerable"] = today >= known
    return data


def _read_version(data: Mapping[str, Any]) -> int:
    raw = data.get("version")
    if raw is None or raw == "" or isinstance(raw, bool):
        msg = "Name the version of the case you read (its 'version'), so no change is lost."
        raise DataValidationError(msg)
    try:
        version = int(raw)
    except (TypeError, ValueError):
        version = -1
    if not 1 <= version <= _MAX_VERSION:
        msg = f"version {raw!r} is not a version of a case (1 or more: the one you read)."
        raise DataValidationError(msg)
    return version


def open_case(
    store: Store,
    user: User | None,
    incident_id: int,
    *,
    data: Mapping[str, Any] | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Open the restorative case of an incident (one per incident; not for a withdrawn one).

    ``data`` may give ``opened_on`` (default: today) and any other field of
    :func:`~safeschools.model.cases.case_from_dict`. Raises ConflictError when the incident
    has a case already."""
    incident = _incident(store, incident_id)
    actor = _staff(user, incident.school_id)
    if incident.withdrawn_at is not None:
        msg = f"Incident {incident_id} was withdrawn; a withdrawn incident cannot open a case."
        raise CaseError(msg, rule="withdrawn")
    existing = store.restorative_case_of_incident(incident_id)
    if existing is not None:
        msg = f"Incident {incident_id} has a restorative case already (case {existing.id})."
        raise ConflictError(msg)
    clock = clock_of(settings, now)
    with recorded(store, actor, clock=clock, school_id=incident.school_id) as write:
        today = write.now.date()
        fields = {**(data or {})}
        fields["opened_on"] = fields.get("opened_on") or today
        case = case_from_dict(fields, incident=incident, today=today)
        saved = store.add_restorative_case(case, at=write.now, by=actor.email, conn=write.conn)
        write.record("create", "restorative_case", saved.id, after=case_audit_view(saved))
    return _view(saved, incident, today)


def update_case(
    store: Store,
    user: User | None,
    case_id: int,
    *,
    data: Mapping[str, Any],
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Change a case: the keys given replace their values, the others are kept;
    ``data["version"]`` is the version read (ConflictError when it changed since). Closing is
    ``status: closed`` with ``closed_on`` and ``outcome``; reopening is ``status: open`` with
    both empty."""
    current = _case(store, case_id)
    actor = _staff(user, current.school_id)
    read_version = _read_version(data)
    incident = _incident(store, current.incident_id)
    clock = clock_of(settings, now)
    with recorded(store, actor, clock=clock, school_id=current.school_id) as write:
        today = write.now.date()
        fields = {**case_to_dict(current), **{k: v for k, v in data.items() if k != "version"}}
        if data.get("status") == "open":  # reopening: the outcome goes with the closing
            fields["outcome"], fields["closed_on"] = data.get("outcome"), data.get("closed_on")
        changed = case_from_dict(fields, incident=incident, today=today)
        saved = store.save_restorative_case(
            replace(changed, id=current.id),
            read_version=read_version,
            at=write.now,
            by=actor.email,
            conn=write.conn,
        )
        write.record(
            "update",
            "restorative_case",
            saved.id,
            before=case_audit_view(current),
            after=case_audit_view(saved),
        )
    return _view(saved, incident, today)


def close_case(
    store: Store,
    user: User | None,
    case_id: int,
    *,
    outcome: str,
    version: int,
    closed_on: date | str | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Close a case with its outcome (repaired, partly, not_repaired), on ``closed_on``
    (default: today)."""
    day = closed_on or clock_of(settings, now)().date()
    data = {"status": "closed", "outcome": outcome, "closed_on": day, "version": version}
    return update_case(store, user, case_id, data=data, settings=settings, now=now)


def record_recurrence(
    store: Store,
    user: User | None,
    case_id: int,
    *,
    answer: str,
    version: int,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Record yes, no or unknown to "were the same students involved again within 90 days?"
    ("no" only once 90 days have passed since the incident)."""
    data = {"recurred_within_90_days": answer, "version": version}
    return update_case(store, user, case_id, data=data, settings=settings, now=now)


def get_case(
    store: Store,
    user: User | None,
    case_id: int,
    *,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """One case for the staff of its school, with its incident in outline and ``history``
    (every saved version, oldest first)."""
    case = _case(store, case_id)
    _staff(user, case.school_id, reading=True)
    today = clock_of(settings, now)().date()
    data = _view(case, _incident(store, case.incident_id), today)
    data["history"] = store.restorative_case_history(case_id)
    return data


def case_of_incident(
    store: Store,
    user: User | None,
    incident_id: int,
    *,
    settings: Settings,
    now: Clock | None = None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """An incident in outline and its case (None: none opened yet), for the staff of its
    school."""
    incident = _incident(store, incident_id)
    _staff(user, incident.school_id, reading=True)
    today = clock_of(settings, now)().date()
    case = store.restorative_case_of_incident(incident_id)
    summary = _incident_summary(incident)
    summary["recurrence_known_from"] = recurrence_known_from(incident).isoformat()
    return summary, None if case is None else _view(case, incident, today)


def _sort_key(view: dict[str, Any]) -> tuple[Any, ...]:
    return (
        view["status"] != "open",
        view["next_due"] is None,
        view["next_due"] or "",
        [-int(p) for p in view["opened_on"].split("-")],
        -view["id"],
    )


def school_cases(
    store: Store,
    user: User | None,
    school_id: str,
    *,
    settings: Settings,
    now: Clock | None = None,
) -> list[dict[str, Any]]:
    """A school's cases for its staff: open ones first, the soonest follow-up due first, then
    the newest; each with its incident in outline, ``next_due``, ``due_soon`` (within
    :data:`DUE_SOON_DAYS` days or overdue) and ``overdue``."""
    _staff(user, school_id, reading=True)
    if not store.schools(school_id=school_id):
        msg = f"No school with id {school_id}; search by name at /search."
        raise NotFoundError(msg)
    today = clock_of(settings, now)().date()
    incidents = {
        i.id: i for i in store.school_incidents(school_id=school_id, include_withdrawn=True)
    }
    views = [
        _view(c, incidents[c.incident_id], today)
        for c in store.restorative_cases(school_id=school_id)
        if c.incident_id in incidents
    ]
    return sorted(views, key=_sort_key)


#: The columns of a school's cases CSV (for its staff; no agreement, no notes).
CASE_CSV_COLUMNS = (
    "case_id",
    "incident_id",
    "incident_date",
    "incident_category",
    "opened_on",
    "conference_on",
    "participants",
    "status",
    "closed_on",
    "outcome",
    "recurred_within_90_days",
    "followups",
    "followups_done",
    "next_due",
    "version",
    "updated_at",
)


def _answer(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def school_cases_csv(
    store: Store,
    user: User | None,
    school_id: str,
    *,
    settings: Settings,
    now: Clock | None = None,
) -> bytes:
    """A school's cases as CSV for its staff, one row per case in the list's order (see
    :data:`CASE_CSV_COLUMNS`); the agreement and the notes stay on the case's page."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(CASE_CSV_COLUMNS)
    for c in school_cases(store, user, school_id, settings=settings, now=now):
        writer.writerow(
            [
                c["id"],
                c["incident_id"],
                c["incident"]["occurred_at"][:10],
                c["incident"]["category"],
                c["opened_on"],
                c["conference_on"] or "",
                ";".join(c["participants"]),
                c["status"],
                c["closed_on"] or "",
                c["outcome"] or "",
                _answer(c["recurred_within_90_days"]),
                len(c["followups"]),
                sum(f["done_on"] is not None for f in c["followups"]),
                c["next_due"] or "",
                c["version"],
                c["updated_at"] or "",
            ]
        )
    return out.getvalue().encode("utf-8")
