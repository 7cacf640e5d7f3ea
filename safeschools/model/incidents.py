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
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from safeschools.errors import DataValidationError
from safeschools.model.text import LONG_TEXT_MAX, check_text

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
    "IncidentFieldError",
    "RestorativeCase",
    "check_category_code",
    "incident_from_dict",
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


# ---------------------------------------------------------------------- checking what is written
#: The zone of every incident's date and time (a time written with an offset is converted).
INCIDENT_TIMEZONE = "America/Chicago"
#: No incident is recorded before this year.
EARLIEST_YEAR = 2000
#: A run of this many digits in a note looks like a student id.
_ID_LIKE = re.compile(r"\d{6,}")
_TRUE = ("true", "yes", "y", "1", "on")
_FALSE = ("false", "no", "n", "0", "off", "")


class IncidentFieldError(DataValidationError):
    """An incident's field cannot be kept; ``field`` names it (the forms say it in words)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _occurred_at(value: Any, *, now: datetime) -> datetime:
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace(" ", "T", 1)
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            msg = (
                f"The date and time {value!r} cannot be read; write them like 2026-11-03T12:15 "
                "(Chicago time)."
            )
            raise IncidentFieldError("occurred_at", msg) from None
    else:
        msg = "The date and time are missing; write when it happened, like 2026-11-03T12:15."
        raise IncidentFieldError("occurred_at", msg)
    if when.tzinfo is not None:
        when = when.astimezone(ZoneInfo(INCIDENT_TIMEZONE)).replace(tzinfo=None)
    when = when.replace(microsecond=0)
    if when.year < EARLIEST_YEAR:
        msg = f"The date {when:%Y-%m-%d} is before {EARLIEST_YEAR}; check the year."
        raise IncidentFieldError("occurred_at", msg)
    if when > now:
        msg = (
            f"The date and time {when:%Y-%m-%d %H:%M} are in the future (it is now "
            f"{now:%Y-%m-%d %H:%M} in Chicago); record an incident once it has happened."
        )
        raise IncidentFieldError("occurred_at", msg)
    return when


def _choice(value: Any, choices: Collection[str], field: str, what: str) -> str:
    if not isinstance(value, str) or value not in choices:
        msg = f"{what} {value!r} is not one of: {', '.join(choices)}."
        raise IncidentFieldError(field, msg)
    return value


def _count(value: Any, field: str, what: str, *, low: int, high: int, people: bool) -> int:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None:
        if people and isinstance(value, str) and value.strip():
            msg = (
                f"{what} must be a number (how many students), never names or student ids: "
                "write only the count."
            )
        elif value is None or value == "":
            msg = f"{what} is missing; write a whole number."
        else:
            msg = f"{what} {value!r} is not a whole number."
        raise IncidentFieldError(field, msg)
    if not low <= number <= high:
        msg = f"{what} is {number}; it must be from {low} to {high}."
        raise IncidentFieldError(field, msg)
    return number


def _yes_no(value: Any, field: str, what: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    msg = f"{what} {value!r} is not yes or no."
    raise IncidentFieldError(field, msg)


def _responses(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        msg = "The responses must be a list of what the school did (it may be empty)."
        raise IncidentFieldError("responses", msg)
    seen: list[str] = []
    for item in value:
        code = _choice(item, RESPONSES, "responses", "The response")
        if code in seen:
            msg = f"The response {code!r} is listed twice; name each response once."
            raise IncidentFieldError("responses", msg)
        seen.append(code)
    return tuple(seen)


def _staff_note(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        msg = "The staff note must be text."
        raise IncidentFieldError("staff_note", msg)
    try:
        note = check_text(value.strip(), "The staff note", max_chars=LONG_TEXT_MAX, multiline=True)
    except DataValidationError as exc:
        raise IncidentFieldError("staff_note", str(exc)) from None
    if _ID_LIKE.search(note):
        msg = (
            "The staff note holds a long number that looks like a student id; leave out names "
            "and student ids."
        )
        raise IncidentFieldError("staff_note", msg)
    return note


def incident_from_dict(
    data: Mapping[str, Any], *, categories: Collection[str], now: datetime
) -> Incident:
    """An incident from what a form, the API or an import wrote, checked field by field.

    ``data`` holds ``school_id``, ``occurred_at`` (local Chicago time, ISO; an offset is
    converted), ``category`` (a built-in one or one of the district's ``categories``), ``place``,
    ``students_involved`` (1 to :data:`MAX_STUDENTS_INVOLVED`: a count, never names or ids),
    ``injuries`` (0 to the students involved), ``police_called`` and ``police_reason`` (required
    when police were called, refused when not), ``responses`` (a list, each once), ``staff_note``,
    and optionally ``source`` and ``external_id``. ``now`` is the local time: nothing happens
    after it, nor before 2000. Raises :class:`IncidentFieldError` naming the field.

    Examples
    --------
    >>> i = incident_from_dict({"school_id": "1", "occurred_at": "2026-11-03T12:15",
    ...     "category": "fight", "place": "grounds", "students_involved": 2},
    ...     categories=(), now=datetime(2026, 12, 1))
    >>> (i.category, i.students_involved, i.injuries, i.police_called)
    ('fight', 2, 0, False)
    """
    school_id = data.get("school_id")
    if not isinstance(school_id, str) or not school_id.strip():
        raise IncidentFieldError("school_id", "The school is missing; name the school's id.")
    occurred_at = _occurred_at(data.get("occurred_at"), now=now)
    category = _choice(data.get("category"), (*CATEGORIES, *categories), "category", "The category")
    place = _choice(data.get("place"), PLACES, "place", "The place")
    students = _count(
        data.get("students_involved"), "students_involved", "The number of students involved",
        low=1, high=MAX_STUDENTS_INVOLVED, people=True,
    )  # fmt: skip
    injuries = _count(
        data.get("injuries", 0) if data.get("injuries") not in (None, "") else 0,
        "injuries", "The number of students hurt", low=0, high=students, people=True,
    )  # fmt: skip
    police = _yes_no(data.get("police_called", False), "police_called", "Police called")
    reason = data.get("police_reason") or None
    if police:
        if reason is None:
            msg = "Police were called: say why (one of " + ", ".join(POLICE_REASONS) + ")."
            raise IncidentFieldError("police_reason", msg)
        reason = _choice(reason, POLICE_REASONS, "police_reason", "The reason police were called")
    elif reason is not None:
        msg = "A reason for calling police is given, but police were not called; leave it empty."
        raise IncidentFieldError("police_reason", msg)
    source = _choice(data.get("source", "form"), INCIDENT_SOURCES, "source", "The source")
    external = data.get("external_id") or None
    if external is not None:
        if not isinstance(external, str):
            raise IncidentFieldError("external_id", "The export's incident id must be text.")
        external = check_text(external.strip(), "The export's incident id", max_chars=100)
    return Incident(
        school_id=school_id.strip(),
        occurred_at=occurred_at,
        category=category,
        place=place,
        students_involved=students,
        injuries=injuries,
        police_called=police,
        police_reason=reason,
        responses=_responses(data.get("responses")),
        staff_note=_staff_note(data.get("staff_note")),
        source=source,
        external_id=external,
    )
