"""Whole School Safety plans: read, save (versioned, audited), export; and the secret that signs
the web sessions.

Every write checks who may make it (:func:`safeschools.policy.accounts.check_can_edit`), names
the version it read, and lands with its audit entry in one transaction.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from safeschools.errors import DataValidationError, NotFoundError
from safeschools.model import User
from safeschools.model.plans import (
    BASELINE_METRICS,
    PILLARS,
    SafetyPlan,
    approval_from_dict,
    plan_content_from_dict,
)
from safeschools.policy.accounts import check_can_edit
from safeschools.services.base import Clock, clock_of, recorded
from safeschools.settings import Settings
from safeschools.spreadsheet import csv_writer
from safeschools.storage import Store
from safeschools.storage.plans import plan_to_dict

__all__ = [
    "PLAN_CSV_COLUMNS",
    "safety_plan",
    "safety_plan_section",
    "safety_plans",
    "safety_plans_csv",
    "save_safety_plan",
    "set_safety_plan_status",
]

_SCHOOL_YEAR = re.compile(r"^\d{4}-\d{2}$")


def _check_school(store: Store, school_id: str, school_year: str) -> None:
    if not _SCHOOL_YEAR.match(school_year):
        msg = f"School year {school_year!r} is not like 2024-25."
        raise DataValidationError(msg)
    if not store.schools(school_id=school_id):
        msg = f"No school with id {school_id}; search by name at /search."
        raise NotFoundError(msg)


def safety_plans(store: Store, school_id: str) -> list[dict[str, Any]]:
    """A school's plans, oldest school year first."""
    if not store.schools(school_id=school_id):
        msg = f"No school with id {school_id}; search by name at /search."
        raise NotFoundError(msg)
    return [plan_to_dict(p) for p in store.safety_plans(school_id=school_id)]


def safety_plan(store: Store, school_id: str, school_year: str) -> dict[str, Any]:
    """One plan as it is now, with ``history``: every saved version, oldest first."""
    plan = store.safety_plan(school_id, school_year)
    if plan is None:
        msg = (
            f"School {school_id} has no safety plan for {school_year}; "
            f"see /api/schools/{school_id}/safety-plans for the years it has."
        )
        raise NotFoundError(msg)
    data = plan_to_dict(plan)
    data["history"] = store.safety_plan_history(school_id, school_year)
    return data


def _save(
    store: Store,
    actor: User,
    plan: SafetyPlan,
    *,
    read_version: int,
    settings: Settings,
    now: Clock | None,
) -> dict[str, Any]:
    clock = clock_of(settings, now)
    with recorded(store, actor, clock=clock, school_id=plan.school_id) as write:
        before = store.safety_plan(plan.school_id, plan.school_year, conn=write.conn)
        saved = store.save_safety_plan(
            plan, read_version=read_version, at=write.now, by=actor.email, conn=write.conn
        )
        write.record(
            "create" if before is None else "update",
            "safety_plan",
            f"{plan.school_id}/{plan.school_year}",
            before=None if before is None else plan_to_dict(before),
            after=plan_to_dict(saved),
        )
    return plan_to_dict(saved)


def _read_version(data: Mapping[str, Any]) -> int:
    raw = data.get("version", 0)
    if raw in (None, ""):
        return 0
    try:
        version = int(raw)
    except (TypeError, ValueError):
        version = -1
    if version < 0 or isinstance(raw, bool):
        msg = f"version {raw!r} is not the version you read (0 for a new plan)."
        raise DataValidationError(msg)
    return version


def save_safety_plan(
    store: Store,
    user: User | None,
    *,
    school_id: str,
    school_year: str,
    data: Mapping[str, Any],
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Write a whole plan (the shape :func:`safety_plans` returns); ``data["version"]`` is the
    version read (0 or absent for a new plan). Raises ConflictError when it changed since."""
    actor = check_can_edit(user, school_id, what="the safety plan")
    _check_school(store, school_id, school_year)
    content = plan_content_from_dict(dict(data))
    plan = SafetyPlan(school_id=school_id, school_year=school_year, **content)
    return _save(store, actor, plan, read_version=_read_version(data), settings=settings, now=now)


def set_safety_plan_status(
    store: Store,
    user: User | None,
    *,
    school_id: str,
    school_year: str,
    status: str,
    version: int,
    approved_on: date | str | None = None,
    approved_by: str | None = None,
    motion_id: int | str | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Record a plan's status (and its approval), keeping the rest of the plan (a new plan
    starts empty). What the school page's form does."""
    actor = check_can_edit(user, school_id, what="the safety plan")
    _check_school(store, school_id, school_year)
    current = store.safety_plan(school_id, school_year)
    base = current or SafetyPlan(school_id=school_id, school_year=school_year)
    data = plan_to_dict(base)
    approval = approval_from_dict(
        {"approved_on": approved_on, "approved_by": approved_by, "motion_id": motion_id}
        if (approved_on or approved_by or motion_id)
        else None
    )
    data["status"] = status
    data["approval"] = approval and {
        "approved_on": approval.approved_on,
        "approved_by": approval.approved_by,
        "motion_id": approval.motion_id,
    }
    content = plan_content_from_dict(data)
    plan = replace(base, **content)
    return _save(store, actor, plan, read_version=version, settings=settings, now=now)


def safety_plan_section(store: Store, school_id: str) -> dict[str, Any] | None:
    """The newest plan of a school as the school page shows it (None: not recorded yet)."""
    plans = store.safety_plans(school_id=school_id)
    if not plans:
        return None
    data = plan_to_dict(plans[-1])
    data["pillar_order"] = [p for p in PILLARS if p in data["pillars"]]
    data["years"] = [p.school_year for p in plans]
    return data


#: The columns of the safety plans CSV: one row per plan.
PLAN_CSV_COLUMNS = (
    "school_id",
    "school_year",
    "status",
    "approved_on",
    "approved_by",
    "approval_motion_id",
    *(f"{p}_goals" for p in PILLARS),
    "actions",
    "actions_done",
    "committee_members",
    *(f"baseline_{m}" for m in BASELINE_METRICS),
    "version",
    "updated_at",
    "updated_by",
)


def safety_plans_csv(store: Store, *, school_id: str | None = None) -> bytes:
    """Every plan (of one school) as CSV, one row per plan (see :data:`PLAN_CSV_COLUMNS`)."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(PLAN_CSV_COLUMNS)
    for plan in store.safety_plans(school_id=school_id):
        actions = [a for goals in plan.pillars.values() for g in goals for a in g.actions]
        approval = plan.approval
        writer.writerow(
            [
                plan.school_id,
                plan.school_year,
                plan.status,
                "" if approval is None else approval.approved_on.isoformat(),
                "" if approval is None else approval.approved_by,
                "" if approval is None or approval.motion_id is None else approval.motion_id,
                *(len(plan.pillars.get(p, ())) for p in PILLARS),
                len(actions),
                sum(a.status == "done" for a in actions),
                len(plan.committee),
                *(
                    "" if plan.baseline_metrics.get(m) is None else plan.baseline_metrics[m]
                    for m in BASELINE_METRICS
                ),
                plan.version,
                "" if plan.updated_at is None else plan.updated_at.isoformat(),
                plan.updated_by or "",
            ]
        )
    return out.getvalue().encode("utf-8")
