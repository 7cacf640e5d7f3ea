"""The incidents' tables in words (:data:`safeschools.storage.catalog.TABLES` includes them).

School-recorded incidents and restorative cases stay private when the store is published: an
incident carries the staff's note and a school's counts under the minimum cell size; a case its
agreement and follow-up notes, for the school's staff only. The public reads them through the
pages and the API, which hide small counts and never show a note or an agreement.
"""

from __future__ import annotations

from safeschools.model.incidents import (
    CASE_OUTCOMES,
    CASE_STATUSES,
    INCIDENT_SOURCES,
    PLACES,
    RESPONSES,
)
from safeschools.storage.catalog_base import TableDoc

__all__ = ["INCIDENT_TABLES"]

_INCIDENT = (
    "the staff's notes, and each school's incidents one by one, which the public pages count "
    "per month with small counts hidden."
)
_CASE = "a case's agreement and follow-up notes are for the school's staff only."
_SNAPSHOT = "The record as saved in this version (JSON)."

#: The incidents' tables and their columns, in words.
INCIDENT_TABLES: dict[str, TableDoc] = {
    "incident_categories": TableDoc(
        "Incident categories the district added to the built-in ones, with their words.",
        {
            "code": "The category's code (lower-case letters, digits, underscores).",
            "label_en": "Its name in English.",
            "label_es": "Its name in Spanish.",
            "added_at": "When it was added (local time).",
            "added_by": "The account's email.",
        },
        label_column="label_en",
        private="it names the email of the administrator who added each category; "
        "/api/incident-categories shows the categories.",
    ),
    "school_incidents": TableDoc(
        "Incidents recorded by a school's staff: when, what, where, how many students (a "
        "number, never a name), injuries, police, the school's responses.",
        {
            "id": "Row id.",
            "school_id": "The district's school id (CPS school id; NCES id elsewhere).",
            "occurred_at": "When it happened (local time).",
            "category": "A built-in category or one of incident_categories (code).",
            "place": ", ".join(PLACES) + ".",
            "students_involved": "How many students were involved (a number).",
            "injuries": "How many were hurt.",
            "police_called": "Whether police were called (1) or not (0).",
            "police_reason": "Why police were called (a code), when they were.",
            "responses": "What the school did (JSON list of: " + ", ".join(RESPONSES) + ").",
            "staff_note": "The staff's note (staff only).",
            "source": ", ".join(INCIDENT_SOURCES) + ".",
            "external_id": "The district export's incident id (demo-synthetic: for the demo).",
            "withdrawn_at": "When staff withdrew it as recorded in error; empty while it counts.",
            "version": "Grows by one at every change; a write names the version it read.",
            "recorded_at": "When it was recorded (local time).",
            "recorded_by": "The account's email.",
            "updated_at": "Last saved (local time).",
            "updated_by": "The account's email.",
        },
        private=_INCIDENT,
    ),
    "school_incident_versions": TableDoc(
        "Every saved version of every school-recorded incident.",
        {
            "id": "Row id.",
            "incident_id": "The incident (school_incidents.id).",
            "version": "The version saved.",
            "snapshot": _SNAPSHOT,
            "saved_at": "When (local time).",
            "saved_by": "The account's email.",
        },
        private=_INCIDENT,
    ),
    "restorative_cases": TableDoc(
        "Restorative cases opened from incidents: conference, who took part by role (never a "
        "person), agreement, follow-ups, outcome, and whether the same students were involved "
        "again within 90 days.",
        {
            "id": "Row id.",
            "incident_id": "The incident it was opened from (school_incidents.id), one case each.",
            "school_id": "The district's school id (CPS school id; NCES id elsewhere).",
            "opened_on": "The day it was opened.",
            "conference_on": "The day of the conference.",
            "participants": "Who took part, by role (JSON list).",
            "agreement": "What was agreed (staff only).",
            "followups": "Follow-ups (JSON list of due, done_on, note).",
            "status": ", ".join(CASE_STATUSES) + ".",
            "closed_on": "The day it was closed.",
            "outcome": ", ".join(CASE_OUTCOMES) + ".",
            "recurred_within_90_days": "Involved again within 90 days: 1 yes, 0 no, empty: not "
            "known.",
            "version": "Grows by one at every change; a write names the version it read.",
            "updated_at": "Last saved (local time).",
            "updated_by": "The account's email.",
        },
        private=_CASE,
    ),
    "restorative_case_versions": TableDoc(
        "Every saved version of every restorative case.",
        {
            "id": "Row id.",
            "case_id": "The case (restorative_cases.id).",
            "version": "The version saved.",
            "snapshot": _SNAPSHOT,
            "saved_at": "When (local time).",
            "saved_by": "The account's email.",
        },
        private=_CASE,
    ),
}
