"""Incidents recorded by a school's staff, and the restorative cases opened from them.

An incident is counted, never told: the date and time, a category, where it happened, how many
students were involved (a number; never a name or a student id), how many were hurt, whether
police were called and why, and what the school did. The staff note is for the school's staff
only. A case records who took part in the conference by role (never by person), the agreement,
follow-ups, an outcome, and staff's yes or no to "were the same students involved again within
90 days?".

The codes below are the stored values; :mod:`safeschools.render.words` says each in words, in
both languages. The district may add categories (:class:`IncidentCategory`); the built-in ones
cannot be removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from safeschools.errors import DataValidationError

__all__ = [
    "CASE_OUTCOMES",
    "CASE_PARTICIPANT_ROLES",
    "CASE_STATUSES",
    "CATEGORIES",
    "FIGHT_CATEGORIES",
    "INCIDENT_SOURCES",
    "MAX_STUDENTS_INVOLVED",
    "PLACES",
    "POLICE_REASONS",
    "RECURRENCE_DAYS",
    "RESPONSES",
    "RESTORATIVE_RESPONSES",
    "CaseFollowUp",
    "Incident",
    "IncidentCategory",
    "RestorativeCase",
    "check_category_code",
]

#: The built-in categories, in the order pages list them.
CATEGORIES = (
    "fight",
    "fight_injury",
    "weapon",
    "threat",
    "bullying",
    "trespass",
    "other",
)
#: The categories counted as fights (for "share of fights with a restorative response" and
#: "suspensions / police calls per fight").
FIGHT_CATEGORIES = ("fight", "fight_injury")
#: Where it happened: inside the building, on the grounds, on a school bus, near the school.
PLACES = ("inside", "grounds", "bus", "near_school")
#: What the school did (an incident may have several).
RESPONSES = (
    "restorative_conference",
    "mediation",
    "counselling",
    "parent_meeting",
    "suspension",
    "other",
)
#: The responses that count as restorative.
RESTORATIVE_RESPONSES = ("restorative_conference", "mediation")
#: Why police were called (required when they were).
POLICE_REASONS = ("weapon", "serious_injury", "immediate_danger", "required_by_law", "other")
#: How an incident reached the store.
INCIDENT_SOURCES = ("form", "api", "import")
#: The most students one incident may count.
MAX_STUDENTS_INVOLVED = 500
#: Who may take part in a restorative conference (roles, never people).
CASE_PARTICIPANT_ROLES = (
    "students_involved",
    "parent_or_guardian",
    "teacher",
    "counsellor",
    "restorative_practitioner",
    "administrator",
    "community_member",
)
#: A case is open, then closed with an outcome.
CASE_STATUSES = ("open", "closed")
#: How a closed case ended: harm repaired, partly repaired, not repaired.
CASE_OUTCOMES = ("repaired", "partly", "not_repaired")
#: The window of "involved again", in days after the incident.
RECURRENCE_DAYS = 90

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def check_category_code(code: str) -> str:
    """A code a district may give a new category (lower case letters, digits, underscores)."""
    if not _CODE.match(code):
        msg = (
            f"Category code {code!r} is not 2 to 40 lower-case letters, digits or underscores, "
            "beginning with a letter."
        )
        raise DataValidationError(msg)
    return code


@dataclass(frozen=True)
class IncidentCategory:
    """A category the district added, with its words in both languages."""

    code: str
    label_en: str
    label_es: str


@dataclass(frozen=True)
class Incident:
    """One incident recorded by a school (``id`` 0 before it is stored)."""

    school_id: str
    occurred_at: datetime
    category: str
    place: str
    students_involved: int
    injuries: int = 0
    police_called: bool = False
    police_reason: str | None = None
    responses: tuple[str, ...] = ()
    staff_note: str = ""
    source: str = "form"
    external_id: str | None = None
    id: int = 0
    withdrawn_at: datetime | None = None
    version: int = 0
    recorded_at: datetime | None = None
    recorded_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None

    @property
    def is_fight(self) -> bool:
        return self.category in FIGHT_CATEGORIES

    @property
    def restorative(self) -> bool:
        return any(r in RESTORATIVE_RESPONSES for r in self.responses)


@dataclass(frozen=True)
class CaseFollowUp:
    """A follow-up of a case: when it is due, when it was done (None: not yet), a note."""

    due: date
    done_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class RestorativeCase:
    """A restorative case opened from one incident (``id`` 0 before it is stored)."""

    incident_id: int
    school_id: str
    opened_on: date
    conference_on: date | None = None
    participants: tuple[str, ...] = ()
    agreement: str = ""
    followups: tuple[CaseFollowUp, ...] = ()
    status: str = "open"
    closed_on: date | None = None
    outcome: str | None = None
    recurred_within_90_days: bool | None = None
    id: int = 0
    version: int = 0
    updated_at: datetime | None = None
    updated_by: str | None = None
