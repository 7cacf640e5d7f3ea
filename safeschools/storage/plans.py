"""Reads and writes of Whole School Safety plans (mixed into :class:`Store`).

A save names the version it read; ``UPDATE ... WHERE version = :read`` touching no row means
someone else saved in between, and the save is refused (:class:`ConflictError`), never lost.
Every saved version is kept in ``safety_plan_versions``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError

from safeschools.errors import ConflictError
from safeschools.model.plans import (
    Approval,
    CommitteeMember,
    PlanAction,
    PlanGoal,
    SafetyPlan,
)
from safeschools.storage import _json
from safeschools.storage import tables_plans as tp
from safeschools.storage.versions import versioned_update

__all__ = ["PlanStore", "plan_to_dict"]


def plan_to_dict(plan: SafetyPlan) -> dict[str, Any]:
    """A plan as JSON-ready data (dates as ISO text), the shape the API's PUT takes back."""
    return {
        "school_id": plan.school_id,
        "school_year": plan.school_year,
        "status": plan.status,
        "pillars": {
            name: [
                {
                    "text": g.text,
                    "actions": [
                        {
                            "text": a.text,
                            "owner": a.owner,
                            "due": None if a.due is None else a.due.isoformat(),
                            "status": a.status,
                        }
                        for a in g.actions
                    ],
                }
                for g in goals
            ]
            for name, goals in plan.pillars.items()
        },
        "committee": [{"name": m.name, "role": m.role} for m in plan.committee],
        "baseline": {"notes": plan.baseline_notes, "metrics": dict(plan.baseline_metrics)},
        "approval": None
        if plan.approval is None
        else {
            "approved_on": plan.approval.approved_on.isoformat(),
            "approved_by": plan.approval.approved_by,
            "motion_id": plan.approval.motion_id,
        },
        "version": plan.version,
        "updated_at": None if plan.updated_at is None else plan.updated_at.isoformat(),
        "updated_by": plan.updated_by,
    }


def _content(plan: SafetyPlan) -> str:
    data = plan_to_dict(plan)
    return _json.dumps({k: data[k] for k in ("pillars", "committee", "baseline")}, sort_keys=True)


def _plan_from_row(row: Any) -> SafetyPlan:
    content = _json.loads(row.content)
    approval = None
    if row.approved_on is not None:
        approved_on = row.approved_on
        if isinstance(approved_on, datetime):
            approved_on = approved_on.date()
        approval = Approval(
            approved_on=approved_on,
            approved_by=row.approved_by or "",
            motion_id=row.approval_motion_id,
        )
    return SafetyPlan(
        school_id=row.school_id,
        school_year=row.school_year,
        status=row.status,
        pillars={
            name: tuple(
                PlanGoal(
                    text=g["text"],
                    actions=tuple(
                        PlanAction(
                            text=a["text"],
                            owner=a["owner"],
                            due=None if a["due"] is None else date.fromisoformat(a["due"]),
                            status=a["status"],
                        )
                        for a in g["actions"]
                    ),
                )
                for g in goals
            )
            for name, goals in content["pillars"].items()
        },
        committee=tuple(CommitteeMember(**m) for m in content["committee"]),
        baseline_notes=content["baseline"]["notes"],
        baseline_metrics=dict(content["baseline"]["metrics"]),
        approval=approval,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


class PlanStore:
    """Safety plan methods of the store."""

    engine: Engine

    def safety_plans(
        self, *, school_id: str | None = None, conn: Connection | None = None
    ) -> list[SafetyPlan]:
        """The plans (of one school), by school and school year."""
        c = tp.safety_plans.c
        query = select(tp.safety_plans).order_by(c.school_id, c.school_year)
        if school_id is not None:
            query = query.where(c.school_id == school_id)
        if conn is not None:
            return [_plan_from_row(r) for r in conn.execute(query)]
        with self.engine.connect() as own:
            return [_plan_from_row(r) for r in own.execute(query)]

    def safety_plan(
        self, school_id: str, school_year: str, *, conn: Connection | None = None
    ) -> SafetyPlan | None:
        """One plan as it is now (None when none was written)."""
        c = tp.safety_plans.c
        query = select(tp.safety_plans).where(
            c.school_id == school_id, c.school_year == school_year
        )
        if conn is None:
            with self.engine.connect() as own:
                row = own.execute(query).first()
        else:
            row = conn.execute(query).first()
        return None if row is None else _plan_from_row(row)

    def safety_plan_history(self, school_id: str, school_year: str) -> list[dict[str, Any]]:
        """Every saved version of a plan, oldest first."""
        c = tp.safety_plan_versions.c
        query = (
            select(tp.safety_plan_versions)
            .where(c.school_id == school_id, c.school_year == school_year)
            .order_by(c.version)
        )
        with self.engine.connect() as conn:
            return [_json.loads(r.snapshot) for r in conn.execute(query)]

    def save_safety_plan(
        self, plan: SafetyPlan, *, read_version: int, at: datetime, by: str | None, conn: Connection
    ) -> SafetyPlan:
        """Write ``plan`` over the version read (0: a new plan); returns it with its new version.

        Raises :class:`ConflictError` when the stored version is not ``read_version``.
        """
        what = f"The safety plan of school {plan.school_id} for {plan.school_year}"
        values = {
            "status": plan.status,
            "content": _content(plan),
            "approved_on": None if plan.approval is None else plan.approval.approved_on,
            "approved_by": None if plan.approval is None else plan.approval.approved_by,
            "approval_motion_id": None if plan.approval is None else plan.approval.motion_id,
            "updated_at": at,
            "updated_by": by,
        }
        c = tp.safety_plans.c
        if read_version == 0:
            try:
                # A failed insert spoils the transaction on PostgreSQL: the error below ends it.
                conn.execute(
                    insert(tp.safety_plans).values(
                        school_id=plan.school_id, school_year=plan.school_year, version=1, **values
                    )
                )
            except IntegrityError:
                msg = (
                    f"{what} was written by someone else since you read it; "
                    "reload it and apply your change again."
                )
                raise ConflictError(msg) from None
        else:
            versioned_update(
                tp.safety_plans,
                [c.school_id == plan.school_id, c.school_year == plan.school_year],
                read_version=read_version,
                values=values,
                what=what,
                conn=conn,
            )
        saved = self.safety_plan(plan.school_id, plan.school_year, conn=conn)
        assert saved is not None
        conn.execute(
            insert(tp.safety_plan_versions).values(
                school_id=plan.school_id,
                school_year=plan.school_year,
                version=saved.version,
                snapshot=_json.dumps(plan_to_dict(saved), sort_keys=True),
                saved_at=at,
                saved_by=by,
            )
        )
        return saved
