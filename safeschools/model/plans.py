"""Whole School Safety plans (CPS policy 704.5): three pillars, a committee, a baseline, a status.

A plan belongs to one school and one school year. Its approval is a recorded decision (a date
and who approved it: a council motion id when one exists, else free text such as "council vote
of 2025-03-04: 8 yes, 2 no"), not a legal requirement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from safeschools.errors import DataValidationError
from safeschools.model.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, check_text

__all__ = [
    "ACTION_STATUSES",
    "BASELINE_METRICS",
    "COMMITTEE_ROLES",
    "PILLARS",
    "PLAN_STATUSES",
    "Approval",
    "CommitteeMember",
    "PlanAction",
    "PlanGoal",
    "SafetyPlan",
    "plan_content_from_dict",
]

#: The three pillars of policy 704.5, in the order the policy names them.
PILLARS = ("physical_safety", "emotional_safety", "relational_trust")
#: Who sits on a school's safety committee.
COMMITTEE_ROLES = ("student", "parent", "staff", "community", "administrator")
#: A plan's life: written, approved (by the council, on a date), carried out, reviewed.
PLAN_STATUSES = ("draft", "approved", "in_progress", "reviewed")
#: Statuses that need a recorded approval.
APPROVED_STATUSES = ("approved", "in_progress", "reviewed")
#: The most goals of a pillar, actions of a goal or members of the committee.
MAX_ENTRIES = 100
#: An action's progress.
ACTION_STATUSES = ("planned", "in_progress", "done", "dropped")
#: The district-supplied metrics of the baseline assessment (counts; None when unknown).
BASELINE_METRICS = (
    "out_of_school_suspensions",
    "in_school_suspensions",
    "expulsions",
    "police_notifications",
    "arrests",
)


@dataclass(frozen=True)
class PlanAction:
    """One action toward a goal: what, who, by when, how far."""

    text: str
    owner: str = ""
    due: date | None = None
    status: str = "planned"


@dataclass(frozen=True)
class PlanGoal:
    """A goal under a pillar, with its actions."""

    text: str
    actions: tuple[PlanAction, ...] = ()


@dataclass(frozen=True)
class CommitteeMember:
    """A member of the school's safety committee."""

    name: str
    role: str


@dataclass(frozen=True)
class Approval:
    """Who approved the plan and when: a council motion (``motion_id``) or free text."""

    approved_on: date
    approved_by: str
    motion_id: int | None = None


@dataclass(frozen=True)
class SafetyPlan:
    """A school's Whole School Safety plan for one school year (``version`` counts saves)."""

    school_id: str
    school_year: str
    status: str = "draft"
    pillars: dict[str, tuple[PlanGoal, ...]] = field(default_factory=dict)
    committee: tuple[CommitteeMember, ...] = ()
    baseline_notes: str = ""
    baseline_metrics: dict[str, int | None] = field(default_factory=dict)
    approval: Approval | None = None
    version: int = 0
    updated_at: datetime | None = None
    updated_by: str | None = None


def _text(value: Any, what: str, *, required: bool = True, long: bool = False) -> str:
    """A field's text: one line of at most SHORT_TEXT_MAX characters, or (``long``) several
    lines of at most LONG_TEXT_MAX (see :mod:`safeschools.model.text`)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        msg = f"{what} must be text."
        raise DataValidationError(msg)
    value = value.strip()
    if required and not value:
        msg = f"{what} is empty; write it or leave the entry out."
        raise DataValidationError(msg)
    limit = LONG_TEXT_MAX if long else SHORT_TEXT_MAX
    return check_text(str(value), what, max_chars=limit, multiline=long)


def _date(value: Any, what: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        msg = f"{what} {value!r} is not a date; write it like 2025-03-04."
        raise DataValidationError(msg) from None


def _choice(value: Any, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        msg = f"Unknown {what} {value!r}; use one of {', '.join(choices)}."
        raise DataValidationError(msg)
    return str(value)


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        msg = f"{what} must be a list."
        raise DataValidationError(msg)
    if len(value) > MAX_ENTRIES:
        msg = f"{what} has {len(value):,} entries; the limit is {MAX_ENTRIES}."
        raise DataValidationError(msg)
    return value


def _goal(raw: Any, where: str) -> PlanGoal:
    if not isinstance(raw, dict):
        msg = f"{where} must be an object with 'text' and 'actions'."
        raise DataValidationError(msg)
    actions = []
    for j, a in enumerate(_list(raw.get("actions"), f"{where}.actions")):
        if not isinstance(a, dict):
            msg = f"{where}.actions[{j}] must be an object with 'text', 'owner', 'due', 'status'."
            raise DataValidationError(msg)
        actions.append(
            PlanAction(
                text=_text(a.get("text"), f"{where}.actions[{j}].text", long=True),
                owner=_text(a.get("owner"), f"{where}.actions[{j}].owner", required=False),
                due=_date(a.get("due"), f"{where}.actions[{j}].due"),
                status=_choice(
                    a.get("status", "planned"), ACTION_STATUSES, f"{where}.actions[{j}].status"
                ),
            )
        )
    return PlanGoal(text=_text(raw.get("text"), f"{where}.text", long=True), actions=tuple(actions))


def _metric(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        msg = f"baseline.metrics.{name} must be a whole number or null."
        raise DataValidationError(msg)
    try:
        number = int(value)
    except ValueError:
        msg = f"baseline.metrics.{name} {value!r} is not a whole number; write e.g. 12 or null."
        raise DataValidationError(msg) from None
    if number < 0:
        msg = f"baseline.metrics.{name} cannot be negative ({number})."
        raise DataValidationError(msg)
    return number


def plan_content_from_dict(data: dict[str, Any]) -> dict[str, Any]:
    """The checked parts of a plan from a JSON-like dict (what the API's PUT body carries).

    Keys: ``status``, ``pillars`` ({pillar: [{text, actions: [{text, owner, due, status}]}]}),
    ``committee`` ([{name, role}]), ``baseline`` ({notes, metrics: {name: int | null}}),
    ``approval`` ({approved_on, approved_by, motion_id} or null). Returns keyword arguments
    of :class:`SafetyPlan` (without school, year and version).

    Examples
    --------
    >>> plan_content_from_dict({"status": "draft"})["status"]
    'draft'
    """
    status = _choice(data.get("status", "draft"), PLAN_STATUSES, "status")
    raw_pillars = data.get("pillars") or {}
    if not isinstance(raw_pillars, dict):
        msg = f"pillars must be an object keyed by pillar: {', '.join(PILLARS)}."
        raise DataValidationError(msg)
    pillars: dict[str, tuple[PlanGoal, ...]] = {}
    for name, goals in raw_pillars.items():
        _choice(name, PILLARS, "pillar")
        pillars[name] = tuple(
            _goal(g, f"pillars.{name}[{i}]") for i, g in enumerate(_list(goals, name))
        )
    committee = []
    for i, m in enumerate(_list(data.get("committee"), "committee")):
        if not isinstance(m, dict):
            msg = f"committee[{i}] must be an object with 'name' and 'role'."
            raise DataValidationError(msg)
        committee.append(
            CommitteeMember(
                name=_text(m.get("name"), f"committee[{i}].name"),
                role=_choice(m.get("role"), COMMITTEE_ROLES, f"committee[{i}].role"),
            )
        )
    baseline = data.get("baseline") or {}
    if not isinstance(baseline, dict):
        msg = "baseline must be an object with 'notes' and 'metrics'."
        raise DataValidationError(msg)
    raw_metrics = baseline.get("metrics") or {}
    if not isinstance(raw_metrics, dict):
        msg = f"baseline.metrics must be an object keyed by: {', '.join(BASELINE_METRICS)}."
        raise DataValidationError(msg)
    metrics: dict[str, int | None] = {}
    for name, value in raw_metrics.items():
        _choice(name, BASELINE_METRICS, "baseline metric")
        metrics[name] = _metric(value, name)
    approval = approval_from_dict(data.get("approval"))
    if status in APPROVED_STATUSES and approval is None:
        msg = (
            f"A plan that is {status} needs its approval: give approval.approved_on (a date) "
            "and approval.approved_by (a council motion or e.g. 'council vote of 2025-03-04: "
            "8 yes, 2 no')."
        )
        raise DataValidationError(msg)
    return {
        "status": status,
        "pillars": pillars,
        "committee": tuple(committee),
        "baseline_notes": _text(baseline.get("notes"), "baseline.notes", required=False, long=True),
        "baseline_metrics": metrics,
        "approval": approval,
    }


def approval_from_dict(raw: Any) -> Approval | None:
    """An :class:`Approval` from ``{approved_on, approved_by, motion_id}`` (None for none)."""
    if raw is None or raw == {}:
        return None
    if not isinstance(raw, dict):
        msg = "approval must be an object with 'approved_on' and 'approved_by'."
        raise DataValidationError(msg)
    on = _date(raw.get("approved_on"), "approval.approved_on")
    motion = raw.get("motion_id")
    if motion in (None, ""):
        motion_id = None
    else:
        try:
            motion_id = int(motion)
        except (TypeError, ValueError):
            msg = f"approval.motion_id {motion!r} is not a council motion id (a number)."
            raise DataValidationError(msg) from None
    by = _text(raw.get("approved_by"), "approval.approved_by", required=False)
    if not by and motion_id is not None:
        by = f"council motion #{motion_id}"
    if on is None or not by:
        msg = (
            "An approval needs approved_on (a date like 2025-03-04) and approved_by (a council "
            "motion id, or text such as 'council vote of 2025-03-04: 8 yes, 2 no')."
        )
        raise DataValidationError(msg)
    return Approval(approved_on=on, approved_by=by, motion_id=motion_id)
