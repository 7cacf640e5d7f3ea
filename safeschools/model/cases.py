"""The checks of a restorative case: :func:`case_from_dict` turns what a form, the API or the
command line sends into a :class:`~safeschools.model.incidents.RestorativeCase`, or says in
plain words what to fix.

- The case opens on or after the day of its incident; a conference is on or after the opening.
- Who took part is said by role (:data:`CASE_PARTICIPANT_ROLES`), each role once; never a name.
- The agreement is text of several lines (for the school's staff only); follow-ups have a due
  date, a done date (empty: not yet) and a short note, at most :data:`MAX_FOLLOWUPS` of them.
- A case is open or closed; closing needs a closing date on or after the opening and an
  outcome (:data:`CASE_OUTCOMES`); an open case has neither.
- "Were the same students involved again within 90 days?" is yes, no or unknown. "No" can only
  be known once :data:`RECURRENCE_DAYS` days have passed since the incident; "yes" may be known
  early.

Each refusal is a :class:`CaseError` whose ``rule`` names the rule broken, so that a page can
say it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from safeschools.errors import DataValidationError
from safeschools.model.incidents import (
    CASE_OUTCOMES,
    CASE_PARTICIPANT_ROLES,
    CASE_STATUSES,
    RECURRENCE_DAYS,
    CaseFollowUp,
    Incident,
    RestorativeCase,
)
from safeschools.model.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, check_text

__all__ = [
    "CASE_RULES",
    "MAX_FOLLOWUPS",
    "RECURRENCE_ANSWERS",
    "CaseError",
    "case_from_dict",
    "recurrence_answer",
    "recurrence_known_from",
]

#: The most follow-ups one case keeps.
MAX_FOLLOWUPS = 50
#: How staff answer "involved again within 90 days?".
RECURRENCE_ANSWERS = ("yes", "no", "unknown")
#: The rules a case can break (``CaseError.rule``).
CASE_RULES = (
    "date",
    "opened_before_incident",
    "conference_before_opened",
    "participant_role",
    "participant_twice",
    "text",
    "followups_too_many",
    "followup_due",
    "status",
    "outcome",
    "closed_before_opened",
    "closing_needs_outcome",
    "open_with_outcome",
    "recurrence",
    "recurrence_too_early",
    "withdrawn",
)


class CaseError(DataValidationError):
    """A case that cannot be kept; ``rule`` is one of :data:`CASE_RULES`."""

    def __init__(self, message: str, *, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


def _date(value: Any, what: str, *, required: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            msg = f"Give the {what}, a date like 2025-03-04."
            raise CaseError(msg, rule="date")
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        msg = f"The {what} {value!r} is not a date; write it like 2025-03-04."
        raise CaseError(msg, rule="date") from None


def _text(value: Any, what: str, *, long: bool) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        msg = f"The {what} must be text."
        raise CaseError(msg, rule="text")
    limit = LONG_TEXT_MAX if long else SHORT_TEXT_MAX
    try:
        return check_text(value.strip(), f"The {what}", max_chars=limit, multiline=long)
    except DataValidationError as exc:
        raise CaseError(str(exc), rule="text") from None


def _participants(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str) or not isinstance(value, list | tuple):
        msg = "participants must be a list of roles."
        raise CaseError(msg, rule="participant_role")
    seen: list[str] = []
    for role in value:
        if role not in CASE_PARTICIPANT_ROLES:
            msg = (
                f"Unknown participant role {role!r}; say who took part by role, one of "
                f"{', '.join(CASE_PARTICIPANT_ROLES)} (never a name)."
            )
            raise CaseError(msg, rule="participant_role")
        if role in seen:
            msg = f"The role {role!r} is listed twice; list each role once."
            raise CaseError(msg, rule="participant_twice")
        seen.append(role)
    # in the model's order, whatever order they came in
    return tuple(r for r in CASE_PARTICIPANT_ROLES if r in seen)


def _followups(value: Any) -> tuple[CaseFollowUp, ...]:
    if value in (None, ""):
        return ()
    if not isinstance(value, list | tuple):
        msg = "followups must be a list of {due, done_on, note}."
        raise CaseError(msg, rule="followup_due")
    if len(value) > MAX_FOLLOWUPS:
        msg = f"A case keeps at most {MAX_FOLLOWUPS} follow-ups, not {len(value):,}."
        raise CaseError(msg, rule="followups_too_many")
    out = []
    for i, raw in enumerate(value, start=1):
        if isinstance(raw, CaseFollowUp):
            raw = {"due": raw.due, "done_on": raw.done_on, "note": raw.note}
        if not isinstance(raw, Mapping):
            msg = f"Follow-up {i} must be an object with due, done_on and note."
            raise CaseError(msg, rule="followup_due")
        due = _date(raw.get("due"), f"due date of follow-up {i}")
        if due is None:
            msg = f"Follow-up {i} needs a due date, like 2025-03-04."
            raise CaseError(msg, rule="followup_due")
        out.append(
            CaseFollowUp(
                due=due,
                done_on=_date(raw.get("done_on"), f"done date of follow-up {i}"),
                note=_text(raw.get("note"), f"note of follow-up {i}", long=False),
            )
        )
    return tuple(out)


def recurrence_answer(value: Any) -> bool | None:
    """``"yes"``/``True`` -> True, ``"no"``/``False`` -> False, ``"unknown"``/None -> None.

    Examples
    --------
    >>> recurrence_answer("yes"), recurrence_answer("unknown"), recurrence_answer(False)
    (True, None, False)
    """
    if value is None or value == "" or value == "unknown":
        return None
    if isinstance(value, bool):
        return value
    if value in ("yes", "no"):
        return bool(value == "yes")
    msg = f"Involved again within {RECURRENCE_DAYS} days is yes, no or unknown, not {value!r}."
    raise CaseError(msg, rule="recurrence")


def recurrence_known_from(incident: Incident) -> date:
    """The first day "no, not involved again" can be answered: 90 days after the incident."""
    return incident.occurred_at.date() + timedelta(days=RECURRENCE_DAYS)


def case_from_dict(
    data: Mapping[str, Any], *, incident: Incident, today: date | None = None
) -> RestorativeCase:
    """A checked case of ``incident`` from a JSON-like dict.

    Keys: ``opened_on`` (required), ``conference_on``, ``participants`` (roles), ``agreement``,
    ``followups`` ([{due, done_on, note}]), ``status`` (open or closed), ``closed_on``,
    ``outcome``, ``recurred_within_90_days`` (yes, no, unknown; or true, false, null).
    ``today`` is the day of the answer (the recurrence rule); the local date by default.
    The case's ``id`` and ``version`` are 0: the service sets them.

    Examples
    --------
    >>> from safeschools.model.incidents import Incident
    >>> fight = Incident("1", datetime(2025, 1, 6, 10), "fight", "inside", 2, id=7)
    >>> case = case_from_dict({"opened_on": "2025-01-07", "participants": ["teacher"]},
    ...                       incident=fight, today=date(2025, 1, 8))
    >>> case.incident_id, case.status, case.participants
    (7, 'open', ('teacher',))
    """
    today = today or date.today()
    occurred = incident.occurred_at.date()
    opened = _date(data.get("opened_on"), "day the case was opened", required=True)
    assert opened is not None
    if opened < occurred:
        msg = f"The case cannot open ({opened}) before its incident ({occurred})."
        raise CaseError(msg, rule="opened_before_incident")
    conference = _date(data.get("conference_on"), "conference date")
    if conference is not None and conference < opened:
        msg = f"The conference ({conference}) cannot be before the case was opened ({opened})."
        raise CaseError(msg, rule="conference_before_opened")
    status = data.get("status") or "open"
    if status not in CASE_STATUSES:
        msg = f"Unknown status {status!r}; a case is open or closed."
        raise CaseError(msg, rule="status")
    outcome = data.get("outcome") or None
    if outcome is not None and outcome not in CASE_OUTCOMES:
        msg = f"Unknown outcome {outcome!r}; use one of {', '.join(CASE_OUTCOMES)}."
        raise CaseError(msg, rule="outcome")
    closed = _date(data.get("closed_on"), "closing date")
    if status == "closed":
        if closed is None or outcome is None:
            msg = (
                "To close the case give the closing date and the outcome: "
                f"{', '.join(CASE_OUTCOMES)}."
            )
            raise CaseError(msg, rule="closing_needs_outcome")
        if closed < opened:
            msg = f"The case cannot close ({closed}) before it was opened ({opened})."
            raise CaseError(msg, rule="closed_before_opened")
    elif outcome is not None or closed is not None:
        msg = "An open case has no outcome or closing date yet; close it to record them."
        raise CaseError(msg, rule="open_with_outcome")
    recurred = recurrence_answer(data.get("recurred_within_90_days"))
    known_from = recurrence_known_from(incident)
    if recurred is False and today < known_from:
        msg = (
            f"'Not involved again within {RECURRENCE_DAYS} days' can be answered from "
            f"{known_from}, {RECURRENCE_DAYS} days after the incident; until then answer "
            "unknown (or yes, if they were)."
        )
        raise CaseError(msg, rule="recurrence_too_early")
    return RestorativeCase(
        incident_id=incident.id,
        school_id=incident.school_id,
        opened_on=opened,
        conference_on=conference,
        participants=_participants(data.get("participants")),
        agreement=_text(data.get("agreement"), "agreement", long=True),
        followups=_followups(data.get("followups")),
        status=status,
        closed_on=closed,
        outcome=outcome,
        recurred_within_90_days=recurred,
    )
