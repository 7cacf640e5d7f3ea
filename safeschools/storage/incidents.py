"""Reads and writes of school-recorded incidents, district categories and restorative cases
(mixed into :class:`Store`).

Every write names the version it read (0 for a new record); every saved version is kept in
``school_incident_versions`` / ``restorative_case_versions``. The services check who may write
and record the audit entry in the same transaction.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from safeschools.errors import ConflictError
from safeschools.model.incidents import (
    CaseFollowUp,
    Incident,
    IncidentCategory,
    RestorativeCase,
)
from safeschools.storage import _json
from safeschools.storage import tables_incidents as ti
from safeschools.storage.versions import insert_if_new, versioned_update

__all__ = ["IncidentStore", "case_to_dict", "incident_to_dict"]


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def incident_to_dict(incident: Incident) -> dict[str, Any]:
    """An incident as JSON-ready data, staff note included (the services decide who reads it)."""
    data = asdict(incident)
    data["responses"] = list(incident.responses)
    for key in ("occurred_at", "withdrawn_at", "recorded_at", "updated_at"):
        data[key] = _iso(data[key])
    return data


def case_to_dict(case: RestorativeCase) -> dict[str, Any]:
    """A case as JSON-ready data, agreement included (the services decide who reads it)."""
    data = asdict(case)
    data["participants"] = list(case.participants)
    data["followups"] = [
        {"due": f.due.isoformat(), "done_on": _iso(f.done_on), "note": f.note}
        for f in case.followups
    ]
    for key in ("opened_on", "conference_on", "closed_on", "updated_at"):
        data[key] = _iso(data[key])
    return data


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _incident_from_row(row: Any) -> Incident:
    return Incident(
        id=row.id,
        school_id=row.school_id,
        occurred_at=row.occurred_at,
        category=row.category,
        place=row.place,
        students_involved=row.students_involved,
        injuries=row.injuries,
        police_called=bool(row.police_called),
        police_reason=row.police_reason,
        responses=tuple(_json.loads(row.responses)),
        staff_note=row.staff_note,
        source=row.source,
        external_id=row.external_id,
        withdrawn_at=row.withdrawn_at,
        version=row.version,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _case_from_row(row: Any) -> RestorativeCase:
    return RestorativeCase(
        id=row.id,
        incident_id=row.incident_id,
        school_id=row.school_id,
        opened_on=_as_date(row.opened_on) or date.min,
        conference_on=_as_date(row.conference_on),
        participants=tuple(_json.loads(row.participants)),
        agreement=row.agreement,
        followups=tuple(
            CaseFollowUp(
                due=date.fromisoformat(f["due"]),
                done_on=None if f["done_on"] is None else date.fromisoformat(f["done_on"]),
                note=f["note"],
            )
            for f in _json.loads(row.followups)
        ),
        status=row.status,
        closed_on=_as_date(row.closed_on),
        outcome=row.outcome,
        recurred_within_90_days=None
        if row.recurred_within_90_days is None
        else bool(row.recurred_within_90_days),
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _incident_values(incident: Incident) -> dict[str, Any]:
    return {
        "school_id": incident.school_id,
        "occurred_at": incident.occurred_at,
        "category": incident.category,
        "place": incident.place,
        "students_involved": incident.students_involved,
        "injuries": incident.injuries,
        "police_called": incident.police_called,
        "police_reason": incident.police_reason,
        "responses": _json.dumps(list(incident.responses)),
        "staff_note": incident.staff_note,
        "source": incident.source,
        "external_id": incident.external_id,
        "withdrawn_at": incident.withdrawn_at,
    }


def _case_values(case: RestorativeCase) -> dict[str, Any]:
    return {
        "incident_id": case.incident_id,
        "school_id": case.school_id,
        "opened_on": case.opened_on,
        "conference_on": case.conference_on,
        "participants": _json.dumps(list(case.participants)),
        "agreement": case.agreement,
        "followups": _json.dumps(case_to_dict(case)["followups"]),
        "status": case.status,
        "closed_on": case.closed_on,
        "outcome": case.outcome,
        "recurred_within_90_days": case.recurred_within_90_days,
    }


class IncidentStore:
    """Incident and restorative case methods of the store."""

    engine: Engine

    def _incident_rows(self, query: Any, conn: Connection | None) -> list[Any]:
        if conn is not None:
            return list(conn.execute(query))
        with self.engine.connect() as own:
            return list(own.execute(query))

    # -- categories -------------------------------------------------------------------------

    def incident_categories(self, *, conn: Connection | None = None) -> list[IncidentCategory]:
        """The categories the district added, by code."""
        c = ti.incident_categories.c
        query = select(ti.incident_categories).order_by(c.code)
        return [
            IncidentCategory(code=r.code, label_en=r.label_en, label_es=r.label_es)
            for r in self._incident_rows(query, conn)
        ]

    def add_incident_category(
        self, category: IncidentCategory, *, at: datetime, by: str | None, conn: Connection
    ) -> None:
        """Add a district category; ConflictError when its code is taken."""
        added = insert_if_new(
            ti.incident_categories,
            {
                "code": category.code,
                "label_en": category.label_en,
                "label_es": category.label_es,
                "added_at": at,
                "added_by": by,
            },
            conn=conn,
        )
        if not added:
            msg = f"A category with code {category.code!r} exists already."
            raise ConflictError(msg)

    # -- incidents --------------------------------------------------------------------------

    def school_incidents(
        self,
        *,
        school_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        include_withdrawn: bool = False,
        conn: Connection | None = None,
    ) -> list[Incident]:
        """Incidents (of one school; ``since`` <= occurred_at < ``until``), oldest first."""
        c = ti.school_incidents.c
        query = select(ti.school_incidents).order_by(c.occurred_at, c.id)
        if school_id is not None:
            query = query.where(c.school_id == school_id)
        if since is not None:
            query = query.where(c.occurred_at >= since)
        if until is not None:
            query = query.where(c.occurred_at < until)
        if not include_withdrawn:
            query = query.where(c.withdrawn_at.is_(None))
        return [_incident_from_row(r) for r in self._incident_rows(query, conn)]

    def school_incident(
        self, incident_id: int, *, conn: Connection | None = None
    ) -> Incident | None:
        """One incident (withdrawn ones too), or None."""
        query = select(ti.school_incidents).where(ti.school_incidents.c.id == incident_id)
        rows = self._incident_rows(query, conn)
        return _incident_from_row(rows[0]) if rows else None

    def school_incident_by_external_id(
        self, external_id: str, *, conn: Connection | None = None
    ) -> Incident | None:
        """The incident imported under the district export's id, or None."""
        query = select(ti.school_incidents).where(ti.school_incidents.c.external_id == external_id)
        rows = self._incident_rows(query, conn)
        return _incident_from_row(rows[0]) if rows else None

    def _keep_incident_version(
        self, saved: Incident, *, at: datetime, by: str | None, conn: Connection
    ) -> None:
        conn.execute(
            insert(ti.school_incident_versions).values(
                incident_id=saved.id,
                version=saved.version,
                snapshot=_json.dumps(incident_to_dict(saved), sort_keys=True),
                saved_at=at,
                saved_by=by,
            )
        )

    def add_school_incident(
        self, incident: Incident, *, at: datetime, by: str | None, conn: Connection
    ) -> Incident:
        """Store a new incident (version 1); returns it with its id."""
        result = conn.execute(
            insert(ti.school_incidents)
            .values(
                **_incident_values(incident),
                version=1,
                recorded_at=at,
                recorded_by=by,
                updated_at=at,
                updated_by=by,
            )
            .returning(ti.school_incidents.c.id)
        )
        new_id = result.scalar_one()
        saved = self.school_incident(new_id, conn=conn)
        assert saved is not None
        self._keep_incident_version(saved, at=at, by=by, conn=conn)
        return saved

    def save_school_incident(
        self,
        incident: Incident,
        *,
        read_version: int,
        at: datetime,
        by: str | None,
        conn: Connection,
    ) -> Incident:
        """Write ``incident`` (its ``id`` names the row) over the version read."""
        c = ti.school_incidents.c
        versioned_update(
            ti.school_incidents,
            [c.id == incident.id],
            read_version=read_version,
            values={**_incident_values(incident), "updated_at": at, "updated_by": by},
            what=f"Incident {incident.id}",
            conn=conn,
        )
        saved = self.school_incident(incident.id, conn=conn)
        assert saved is not None
        self._keep_incident_version(saved, at=at, by=by, conn=conn)
        return saved

    def school_incident_history(self, incident_id: int) -> list[dict[str, Any]]:
        """Every saved version of an incident, oldest first."""
        c = ti.school_incident_versions.c
        query = (
            select(ti.school_incident_versions)
            .where(c.incident_id == incident_id)
            .order_by(c.version)
        )
        return [_json.loads(r.snapshot) for r in self._incident_rows(query, None)]

    # -- restorative cases ------------------------------------------------------------------

    def restorative_cases(
        self, *, school_id: str | None = None, conn: Connection | None = None
    ) -> list[RestorativeCase]:
        """Cases (of one school), oldest first."""
        c = ti.restorative_cases.c
        query = select(ti.restorative_cases).order_by(c.opened_on, c.id)
        if school_id is not None:
            query = query.where(c.school_id == school_id)
        return [_case_from_row(r) for r in self._incident_rows(query, conn)]

    def restorative_case(
        self, case_id: int, *, conn: Connection | None = None
    ) -> RestorativeCase | None:
        """One case, or None."""
        query = select(ti.restorative_cases).where(ti.restorative_cases.c.id == case_id)
        rows = self._incident_rows(query, conn)
        return _case_from_row(rows[0]) if rows else None

    def restorative_case_of_incident(
        self, incident_id: int, *, conn: Connection | None = None
    ) -> RestorativeCase | None:
        """The case opened from an incident, or None."""
        query = select(ti.restorative_cases).where(
            ti.restorative_cases.c.incident_id == incident_id
        )
        rows = self._incident_rows(query, conn)
        return _case_from_row(rows[0]) if rows else None

    def _keep_case_version(
        self, saved: RestorativeCase, *, at: datetime, by: str | None, conn: Connection
    ) -> None:
        conn.execute(
            insert(ti.restorative_case_versions).values(
                case_id=saved.id,
                version=saved.version,
                snapshot=_json.dumps(case_to_dict(saved), sort_keys=True),
                saved_at=at,
                saved_by=by,
            )
        )

    def add_restorative_case(
        self, case: RestorativeCase, *, at: datetime, by: str | None, conn: Connection
    ) -> RestorativeCase:
        """Open a case (version 1); ConflictError when the incident has one already."""
        values = {**_case_values(case), "version": 1, "updated_at": at, "updated_by": by}
        c = ti.restorative_cases.c
        if not insert_if_new(ti.restorative_cases, values, conn=conn):
            msg = f"Incident {case.incident_id} has a restorative case already; open that one."
            raise ConflictError(msg)
        row_id = conn.execute(select(c.id).where(c.incident_id == case.incident_id)).scalar_one()
        saved = self.restorative_case(row_id, conn=conn)
        assert saved is not None
        self._keep_case_version(saved, at=at, by=by, conn=conn)
        return saved

    def save_restorative_case(
        self,
        case: RestorativeCase,
        *,
        read_version: int,
        at: datetime,
        by: str | None,
        conn: Connection,
    ) -> RestorativeCase:
        """Write ``case`` (its ``id`` names the row) over the version read."""
        c = ti.restorative_cases.c
        versioned_update(
            ti.restorative_cases,
            [c.id == case.id],
            read_version=read_version,
            values={**_case_values(case), "updated_at": at, "updated_by": by},
            what=f"Restorative case {case.id}",
            conn=conn,
        )
        saved = self.restorative_case(case.id, conn=conn)
        assert saved is not None
        self._keep_case_version(saved, at=at, by=by, conn=conn)
        return saved

    def restorative_case_history(self, case_id: int) -> list[dict[str, Any]]:
        """Every saved version of a case, oldest first."""
        c = ti.restorative_case_versions.c
        query = select(ti.restorative_case_versions).where(c.case_id == case_id).order_by(c.version)
        return [_json.loads(r.snapshot) for r in self._incident_rows(query, None)]
