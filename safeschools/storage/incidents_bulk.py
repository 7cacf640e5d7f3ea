"""Many incidents and cases in one statement each (the demo city's thousands), with their first
version kept as :class:`~safeschools.storage.incidents.IncidentStore` keeps one written alone.

The rows are new (version 1); the caller's transaction holds them all, so a load lands whole or
not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from safeschools.model.incidents import Incident, RestorativeCase
from safeschools.storage import _json
from safeschools.storage import tables_incidents as ti
from safeschools.storage.incidents import _case_values, _incident_values

_INCIDENT_FIELDS = tuple(f.name for f in fields(Incident))
_CASE_FIELDS = tuple(f.name for f in fields(RestorativeCase))


def _iso(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _incident_snapshot(i: Incident) -> str:
    """What ``incident_to_dict`` makes of an incident, as JSON (without its slow deep copy)."""
    data = {name: getattr(i, name) for name in _INCIDENT_FIELDS}
    data["responses"] = list(i.responses)
    for key in ("occurred_at", "withdrawn_at", "recorded_at", "updated_at"):
        data[key] = _iso(data[key])
    return _json.dumps(data, sort_keys=True)


def _case_snapshot(k: RestorativeCase) -> str:
    """What ``case_to_dict`` makes of a case, as JSON (without its slow deep copy)."""
    data = {name: getattr(k, name) for name in _CASE_FIELDS}
    data["participants"] = list(k.participants)
    data["followups"] = [
        {"due": f.due.isoformat(), "done_on": _iso(f.done_on), "note": f.note} for f in k.followups
    ]
    for key in ("opened_on", "conference_on", "closed_on", "updated_at"):
        data[key] = _iso(data[key])
    return _json.dumps(data, sort_keys=True)


__all__ = ["add_restorative_cases_many", "add_school_incidents_many"]


def add_school_incidents_many(
    incidents: Sequence[Incident], *, at: datetime, by: str | None, conn: Connection
) -> dict[str, int]:
    """Store new incidents (each with its own ``external_id``, recorded ``at`` unless it says
    when), version 1; their ids by external id."""
    if not incidents:
        return {}
    rows = [
        {
            **_incident_values(i),
            "version": 1,
            "recorded_at": i.recorded_at or at,
            "recorded_by": by,
            "updated_at": i.recorded_at or at,
            "updated_by": by,
        }
        for i in incidents
    ]
    conn.execute(insert(ti.school_incidents), rows)
    c = ti.school_incidents.c
    wanted = {i.external_id for i in incidents}
    ids = {
        external: row_id
        for row_id, external in conn.execute(
            select(c.id, c.external_id).where(c.external_id.is_not(None))
        )
        if external in wanted
    }
    versions = []
    for i in incidents:
        assert i.external_id is not None
        saved = replace(
            i,
            id=ids[i.external_id],
            version=1,
            recorded_at=i.recorded_at or at,
            recorded_by=by,
            updated_at=i.recorded_at or at,
            updated_by=by,
        )
        versions.append(
            {
                "incident_id": saved.id,
                "version": 1,
                "snapshot": _incident_snapshot(saved),
                "saved_at": saved.recorded_at,
                "saved_by": by,
            }
        )
    conn.execute(insert(ti.school_incident_versions), versions)
    return ids


def add_restorative_cases_many(
    cases: Sequence[RestorativeCase], *, at: datetime, by: str | None, conn: Connection
) -> int:
    """Store new cases (one per incident; each saved ``at`` unless it says when), version 1;
    how many."""
    if not cases:
        return 0
    conn.execute(
        insert(ti.restorative_cases),
        [
            {**_case_values(k), "version": 1, "updated_at": k.updated_at or at, "updated_by": by}
            for k in cases
        ],
    )
    c = ti.restorative_cases.c
    wanted = {k.incident_id for k in cases}
    ids = {
        incident_id: row_id
        for row_id, incident_id in conn.execute(select(c.id, c.incident_id))
        if incident_id in wanted
    }
    versions = []
    for k in cases:
        saved = replace(
            k, id=ids[k.incident_id], version=1, updated_at=k.updated_at or at, updated_by=by
        )
        versions.append(
            {
                "case_id": saved.id,
                "version": 1,
                "snapshot": _case_snapshot(saved),
                "saved_at": saved.updated_at,
                "saved_by": by,
            }
        )
    conn.execute(insert(ti.restorative_case_versions), versions)
    return len(cases)
