"""Tables of incidents recorded by schools and of restorative cases (built by migration 0012).

No column holds a student's name or id: an incident counts the students involved. The staff note
and a case's agreement are read by the school's staff only, never by a public page, export or API
answer for the public.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from safeschools.storage.tables import metadata

__all__ = [
    "incident_categories",
    "restorative_case_versions",
    "restorative_cases",
    "school_incident_versions",
    "school_incidents",
]

#: Categories the district adds to the built-in ones
#: (:data:`safeschools.model.incidents.CATEGORIES`).
incident_categories = Table(
    "incident_categories",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("label_en", Text, nullable=False),
    Column("label_es", Text, nullable=False),
    Column("added_at", DateTime, nullable=False),
    Column("added_by", String(254)),
)

#: One row per incident as it is now; ``withdrawn_at`` set when staff withdraw a record made in
#: error (kept, never deleted). ``responses`` is a JSON list of response codes. ``external_id`` is
#: the district export's incident id (a re-import of the same row updates nothing).
school_incidents = Table(
    "school_incidents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_id", String(32), nullable=False),
    Column("occurred_at", DateTime, nullable=False),
    Column("category", String(40), nullable=False),
    Column("place", String(16), nullable=False),
    Column("students_involved", Integer, nullable=False),
    Column("injuries", Integer, nullable=False),
    Column("police_called", Boolean, nullable=False),
    Column("police_reason", String(32)),
    Column("responses", Text, nullable=False),
    Column("staff_note", Text, nullable=False),
    Column("source", String(16), nullable=False),
    Column("external_id", String(64)),
    Column("withdrawn_at", DateTime),
    Column("version", Integer, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("recorded_by", String(254)),
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(254)),
    UniqueConstraint("external_id"),
    Index("ix_school_incidents_school_id_occurred_at", "school_id", "occurred_at"),
)

#: Every saved version of every incident.
school_incident_versions = Table(
    "school_incident_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("incident_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("saved_at", DateTime, nullable=False),
    Column("saved_by", String(254)),
    UniqueConstraint("incident_id", "version"),
)

#: A restorative case opened from one incident. ``participants`` is a JSON list of roles (never
#: people); ``followups`` a JSON list of {"due", "done_on", "note"}; ``recurred_within_90_days``
#: is staff's yes/no (None: not yet known).
restorative_cases = Table(
    "restorative_cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("incident_id", Integer, nullable=False),
    Column("school_id", String(32), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("conference_on", Date),
    Column("participants", Text, nullable=False),
    Column("agreement", Text, nullable=False),
    Column("followups", Text, nullable=False),
    Column("status", String(8), nullable=False),
    Column("closed_on", Date),
    Column("outcome", String(16)),
    Column("recurred_within_90_days", Boolean),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(254)),
    UniqueConstraint("incident_id"),
    Index("ix_restorative_cases_school_id", "school_id"),
)

#: Every saved version of every case.
restorative_case_versions = Table(
    "restorative_case_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("saved_at", DateTime, nullable=False),
    Column("saved_by", String(254)),
    UniqueConstraint("case_id", "version"),
)
