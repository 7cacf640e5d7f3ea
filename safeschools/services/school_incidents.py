"""Incidents recorded by a school's staff: record, change, withdraw (kept, never deleted), the
school's log for its staff, and the district's own categories.

Who may do what: a school's editors and the district's administrators record, change, withdraw
and read a school's log (:func:`~safeschools.policy.accounts.check_can_edit`); only
administrators add a category. The public never reads an incident one by one: public pages show
counts under the small-count rule (another module). Every write names the version it read and
lands with its audit entry in one transaction.

The audit entry keeps the incident without its staff note (the audit log is public; see
:data:`~safeschools.services.accounts.STAFF_ONLY_ENTITIES`, which keeps incident entries from
the public too): the note lives in the incident's own versions, which only staff read.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from safeschools.errors import DataValidationError, NotFoundError
from safeschools.model import User
from safeschools.model.incidents import (
    CATEGORIES,
    Incident,
    IncidentCategory,
    check_category_code,
    incident_from_dict,
)
from safeschools.model.text import check_text
from safeschools.policy.accounts import check_can_edit
from safeschools.services.base import Clock, Write, clock_of, recorded
from safeschools.settings import Settings
from safeschools.spreadsheet import csv_writer
from safeschools.storage import Store
from safeschools.storage.incidents import incident_to_dict

__all__ = [
    "INCIDENT_LOG_COLUMNS",
    "add_incident_category",
    "audit_snapshot",
    "check_staff",
    "incident_categories",
    "read_version_of",
    "record_incident",
    "school_incident",
    "school_incident_log",
    "school_incident_log_csv",
    "update_incident",
    "withdraw_incident",
]

_WHAT = "the incident log"
#: The largest id or version a store's integer column holds everywhere (JSON's safe integers).
_MAX_ID = 2**53 - 1
#: What a form, the API and an import may write (the rest is the store's).
_WRITABLE = (
    "occurred_at",
    "category",
    "place",
    "students_involved",
    "injuries",
    "police_called",
    "police_reason",
    "responses",
    "staff_note",
)


def audit_snapshot(incident: Incident) -> dict[str, Any]:
    """An incident as its audit entry keeps it: no staff note (only whether one is written),
    nothing that names a person but the writer the audit names anyway."""
    data = incident_to_dict(incident)
    data["staff_note_written"] = bool(data.pop("staff_note"))
    return data


def _check_school(store: Store, school_id: str) -> None:
    if not store.schools(school_id=school_id):
        msg = f"No school with id {school_id}; search by name at /search."
        raise NotFoundError(msg)


def _district_codes(store: Store) -> list[str]:
    return [c.code for c in store.incident_categories()]


def read_version_of(data: Mapping[str, Any]) -> int:
    """The version a writer read (``data["version"]``), or a DataValidationError."""
    raw = data.get("version")
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= _MAX_ID:
        return raw
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) <= 15:
        return int(raw.strip())
    msg = f"version {raw!r} is not the version you read; read the incident again and resend."
    raise DataValidationError(msg)


def _log_entry(incident: Incident) -> dict[str, Any]:
    data = incident_to_dict(incident)
    data["withdrawn"] = incident.withdrawn_at is not None
    return data


# ---------------------------------------------------------------------- categories
def incident_categories(store: Store) -> list[dict[str, Any]]:
    """Every category an incident may have: the built-in ones (their words are the pages'),
    then the district's, with their English and Spanish words."""
    built_in = [
        {"code": c, "built_in": True, "label_en": None, "label_es": None} for c in CATEGORIES
    ]
    added = [
        {"code": c.code, "built_in": False, "label_en": c.label_en, "label_es": c.label_es}
        for c in store.incident_categories()
    ]
    return built_in + added


def _label(value: Any, what: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        msg = f"{what} is empty; write the category's name in that language."
        raise DataValidationError(msg)
    return check_text(text, what)


def add_incident_category(
    store: Store,
    user: User | None,
    *,
    code: str,
    label_en: str,
    label_es: str,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Add a district category with its words in English and Spanish (administrators only);
    a built-in code or one taken already is refused."""
    actor = check_can_edit(user, None, what="the incident categories")
    code = check_category_code(code.strip() if isinstance(code, str) else "")
    if code in CATEGORIES:
        msg = f"{code!r} is a built-in category already; choose another code."
        raise DataValidationError(msg)
    category = IncidentCategory(
        code=code,
        label_en=_label(label_en, "The English name"),
        label_es=_label(label_es, "The Spanish name"),
    )
    with recorded(store, actor, clock=clock_of(settings, now)) as write:
        store.add_incident_category(category, at=write.now, by=actor.email, conn=write.conn)
        write.record("create", "incident_category", code, after=category, school_id=None)
    return {"code": code, "built_in": False, "label_en": category.label_en,
            "label_es": category.label_es}  # fmt: skip


# ---------------------------------------------------------------------- incidents
def record_incident(
    store: Store,
    user: User | None,
    school_id: str,
    data: Mapping[str, Any],
    *,
    source: str = "form",
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Record a new incident of ``school_id`` (``source``: "form" or "api"); the stored
    incident, staff note included (the writer is staff)."""
    actor = check_can_edit(user, school_id, what=_WHAT)
    _check_school(store, school_id)
    clock = clock_of(settings, now)
    fields = {k: data.get(k) for k in _WRITABLE if k in data}
    incident = incident_from_dict(
        {**fields, "school_id": school_id, "source": source},
        categories=_district_codes(store),
        now=clock(),
    )
    with recorded(store, actor, clock=clock, school_id=school_id) as write:
        saved = store.add_school_incident(incident, at=write.now, by=actor.email, conn=write.conn)
        write.record("create", "school_incident", saved.id, after=audit_snapshot(saved))
    return _log_entry(saved)


def _stored(store: Store, incident_id: int, write: Write | None = None) -> Incident:
    incident = None
    if 1 <= incident_id <= _MAX_ID:
        incident = store.school_incident(incident_id, conn=None if write is None else write.conn)
    if incident is None:
        msg = f"No incident #{incident_id}; see the school's incident log for the ones recorded."
        raise NotFoundError(msg)
    return incident


def update_incident(
    store: Store,
    user: User | None,
    incident_id: int,
    data: Mapping[str, Any],
    *,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Change an incident: ``data`` holds every writable field and ``version``, the version
    read (ConflictError when it changed since). A withdrawn incident is kept as it was."""
    read_version = read_version_of(data)
    clock = clock_of(settings, now)
    with recorded(store, None, clock=clock) as write:
        before = _stored(store, incident_id, write)
        actor = write.may_edit(user, before.school_id, what=_WHAT)
        if before.withdrawn_at is not None:
            msg = f"Incident #{incident_id} was withdrawn; it is kept as it was."
            raise DataValidationError(msg)
        current = {k: incident_to_dict(before)[k] for k in _WRITABLE}
        fields = {k: data[k] for k in _WRITABLE if k in data}
        checked = incident_from_dict(
            {**current, **fields, "school_id": before.school_id, "source": before.source},
            categories=_district_codes(store),
            now=write.now,
        )
        changed = replace(before, **{k: getattr(checked, k) for k in _WRITABLE})
        saved = store.save_school_incident(
            changed, read_version=read_version, at=write.now, by=actor.email, conn=write.conn
        )
        write.record(
            "update", "school_incident", saved.id,
            before=audit_snapshot(before), after=audit_snapshot(saved),
        )  # fmt: skip
    return _log_entry(saved)


def withdraw_incident(
    store: Store,
    user: User | None,
    incident_id: int,
    *,
    version: int,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Withdraw an incident recorded by mistake: it stays in the log and its versions, marked
    withdrawn (with when), and leaves every count."""
    with recorded(store, None, clock=clock_of(settings, now)) as write:
        before = _stored(store, incident_id, write)
        actor = write.may_edit(user, before.school_id, what=_WHAT)
        if before.withdrawn_at is not None:
            msg = (
                f"Incident #{incident_id} was withdrawn already, on {before.withdrawn_at:%Y-%m-%d}."
            )
            raise DataValidationError(msg)
        saved = store.save_school_incident(
            replace(before, withdrawn_at=write.now),
            read_version=version, at=write.now, by=actor.email, conn=write.conn,
        )  # fmt: skip
        write.record(
            "withdraw", "school_incident", saved.id,
            before=audit_snapshot(before), after=audit_snapshot(saved),
        )  # fmt: skip
    return _log_entry(saved)


# ---------------------------------------------------------------------- the staff's log
def check_staff(user: User | None, school_id: str) -> User:
    """``user`` if they are staff of the school (its editors, administrators)."""
    return check_can_edit(user, school_id, what=_WHAT)


def school_incident_log(store: Store, user: User | None, school_id: str) -> list[dict[str, Any]]:
    """The school's incidents for its staff, newest first, withdrawn ones included (marked
    ``withdrawn``), staff notes included. Editors of the school and administrators only."""
    check_can_edit(user, school_id, what=_WHAT)
    _check_school(store, school_id)
    incidents = store.school_incidents(school_id=school_id, include_withdrawn=True)
    return [_log_entry(i) for i in reversed(incidents)]


def school_incident(store: Store, user: User | None, incident_id: int) -> dict[str, Any]:
    """One incident for its school's staff, with ``history``: every saved version."""
    incident = _stored(store, incident_id)
    check_can_edit(user, incident.school_id, what=_WHAT)
    data = _log_entry(incident)
    data["history"] = store.school_incident_history(incident_id)
    return data


#: The columns of a school's incident log as CSV (staff only: the staff note is one of them).
INCIDENT_LOG_COLUMNS = (
    "incident_id",
    "school_id",
    "occurred_at",
    "category",
    "place",
    "students_involved",
    "injuries",
    "police_called",
    "police_reason",
    "responses",
    "staff_note",
    "source",
    "external_id",
    "withdrawn_at",
    "version",
    "recorded_at",
    "updated_at",
)


def school_incident_log_csv(store: Store, user: User | None, school_id: str) -> bytes:
    """The school's log as CSV (:data:`INCIDENT_LOG_COLUMNS`), oldest first, for its staff."""
    log = school_incident_log(store, user, school_id)
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(INCIDENT_LOG_COLUMNS)
    for i in reversed(log):
        writer.writerow(
            [
                i["id"], i["school_id"], i["occurred_at"], i["category"], i["place"],
                i["students_involved"], i["injuries"], "Y" if i["police_called"] else "N",
                i["police_reason"] or "", ";".join(i["responses"]), i["staff_note"],
                i["source"], i["external_id"] or "", i["withdrawn_at"] or "", i["version"],
                i["recorded_at"] or "", i["updated_at"] or "",
            ]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")
