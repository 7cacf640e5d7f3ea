"""The demo city's councils, officer decisions, trade-in funds, safety plans and published
figures (all synthetic), written through the same audited use cases a person's writes use.

The writes are made by the demo's own account (``demo-loader@demo-city.invalid``, an
administrator whose password is random and never shown, so nobody can sign in with it), and
each is dated when it happens in the demo's story (a vote on its meeting's evening), so the
audit log reads as the story and loading again gives the same store. Loading again adds
nothing: each member, meeting, motion, plan, pool, allocation, plan line and figure is looked
up first and written only when missing (an interrupted load is completed by the next one).
The officer decisions compiled from the 2020 votes and the 2024 board resolution enter, like
the rest of the city, through the normal import path.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from safeschools.demo import DEMO_SOURCE
from safeschools.demo._governance import CouncilSpec, DemoGovernance, PlanSpec, PoolSpec
from safeschools.ingest.base import ParseResult
from safeschools.model import User
from safeschools.model.officers import SroDecision
from safeschools.services import council, funds, officers, plans, spending
from safeschools.services.accounts import create_user
from safeschools.services.base import Clock, clock_of
from safeschools.services.imports import IngestReport, record_parse_result
from safeschools.settings import Settings
from safeschools.storage import Store, UpsertCounts

__all__ = [
    "DEMO_ACCOUNT",
    "GOVERNANCE_TABLES",
    "GovernanceReport",
    "governance_summary",
    "load_demo_governance",
]

#: The account the demo city's decisions are written by.
DEMO_ACCOUNT = "demo-loader@demo-city.invalid"
#: The tables the demo's decisions fill, counted before and after a load.
GOVERNANCE_TABLES = (
    "council_members",
    "council_meetings",
    "council_motions",
    "sro_decisions",
    "sro_aggregates",
    "fund_pools",
    "fund_allocations",
    "spending_lines",
    "safety_plans",
)


@dataclass
class GovernanceReport:
    """What one load added, by table (0 everywhere on a second load), and the import of the
    officer decisions."""

    added: dict[str, int] = field(default_factory=dict)
    decisions: IngestReport | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "added": dict(self.added),
            "decisions": None if self.decisions is None else self.decisions.as_dict(),
        }


def _at(moment: datetime) -> Clock:
    return lambda: moment


def _evening(day: date, minutes: int = 0) -> datetime:
    return datetime.combine(day, time(18, 30)) + timedelta(minutes=minutes)


def _account(store: Store, settings: Settings) -> User:
    found = store.user_by_email(DEMO_ACCOUNT)
    if found is not None:
        return found[0]
    return create_user(
        store,
        email=DEMO_ACCOUNT,
        password=secrets.token_urlsafe(32),
        role="admin",
        display_name="Demo City loader (synthetic)",
        settings=settings,
        now=_at(datetime(2020, 7, 1, 8, 0)),
    )


def _decisions(
    store: Store, items: tuple[SroDecision, ...], *, location: str, settings: Settings, now: Clock
) -> IngestReport | None:
    if not items:
        return None
    records = list(items)
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps(asdict(record), default=str, sort_keys=True).encode() + b"\n")

    def writer(rows: list[Any], import_id: int, *, conn: Connection) -> UpsertCounts:
        return UpsertCounts(*store.upsert_sro_decisions(rows, import_id, conn=conn))

    result: ParseResult[Any] = ParseResult(
        source=DEMO_SOURCE,
        records=records,
        rejects=[],
        format=f"Demo City (synthetic): {len(records)} officer decisions",
        rows_read=len(records),
        notes=["SYNTHETIC: made-up records for trying safeschools; not real data"],
    )
    return record_parse_result(
        store,
        result,
        kind="officers",
        location=location,
        checksum=digest.hexdigest(),
        writer=writer,
        now=now,
        pair_radius_m=settings.max_pair_radius_m,
    )


def _figures(store: Store, user: User, plan: DemoGovernance, settings: Settings) -> None:
    have = {(a.school_year, a.metric) for a in store.sro_aggregates()}
    for figure in plan.figures:
        if (figure.school_year, figure.metric) in have:
            continue
        officers.add_published_figure(
            store,
            user,
            school_year=figure.school_year,
            metric=figure.metric,
            value=figure.value,
            detail=figure.detail,
            sources=plan.sources,
            note="synthetic",
            settings=settings,
            now=_at(figure.recorded_at),
        )


def _council(store: Store, user: User, spec: CouncilSpec, settings: Settings) -> None:
    seated = {(m.name, m.role, m.term_start): m.id for m in store.council_members(spec.school_id)}
    ids: list[int] = []
    for m in spec.members:
        key = (m.name, m.role, m.term_start)
        if key not in seated:
            added = council.add_council_member(
                store,
                user,
                school_id=spec.school_id,
                name=m.name,
                role=m.role,
                term_start=m.term_start,
                term_end=m.term_end,
                settings=settings,
                now=_at(datetime.combine(m.term_start, time(9, 0))),
            )
            seated[key] = added.id
        ids.append(seated[key])
    meetings = {m.meeting_date: m.id for m in store.council_meetings(spec.school_id)}
    recorded = {(m.meeting_id, m.text) for m in store.council_motions(school_id=spec.school_id)}
    for meeting in spec.meetings:
        if meeting.day not in meetings:
            meetings[meeting.day] = council.add_council_meeting(
                store,
                user,
                school_id=spec.school_id,
                meeting_date=meeting.day,
                note=meeting.note,
                settings=settings,
                now=_at(_evening(meeting.day)),
            ).id
        meeting_id = meetings[meeting.day]
        for k, motion in enumerate(meeting.motions, start=1):
            if (meeting_id, motion.text) in recorded:
                continue
            council.record_motion(
                store,
                user,
                school_id=spec.school_id,
                meeting_id=meeting_id,
                topic=motion.topic,
                text=motion.text,
                ballots={ids[i]: ballot for i, ballot in motion.ballots},
                officer_decision=motion.officer_decision,
                school_year=motion.school_year,
                settings=settings,
                now=_at(_evening(meeting.day, 20 * k)),
            )


def _plan(store: Store, user: User, spec: PlanSpec, settings: Settings) -> None:
    if store.safety_plan(spec.school_id, spec.school_year) is not None:
        return
    data = dict(spec.data)
    if spec.approval_motion is not None:
        day, text = spec.approval_motion
        motion = next(
            (
                m
                for m in store.council_motions(school_id=spec.school_id)
                if m.meeting_date == day and m.text == text and m.passed
            ),
            None,
        )
        data["approval"] = {
            "approved_on": day.isoformat(),
            "approved_by": "" if motion else f"council vote of {day.isoformat()} (synthetic)",
            "motion_id": None if motion is None else motion.id,
        }
    plans.save_safety_plan(
        store,
        user,
        school_id=spec.school_id,
        school_year=spec.school_year,
        data={**data, "version": 0},
        settings=settings,
        now=_at(spec.saved_at),
    )


def _pool(store: Store, user: User, spec: PoolSpec, settings: Settings) -> None:
    pool_id = next((p.id for p in store.fund_pools() if p.label == spec.label), None)
    if pool_id is None:
        pool_id = int(
            funds.create_pool(
                store,
                user,
                school_year=spec.school_year,
                label=spec.label,
                amount_cents=spec.amount_cents,
                source_note=spec.source_note,
                school_ids=spec.school_ids,
                settings=settings,
                now=_at(spec.created_at),
            )["id"]
        )
    if store.latest_allocations().get(pool_id) is None:
        funds.adopt(
            store, user, pool_id, formula=spec.formula, settings=settings, now=_at(spec.adopted_at)
        )
    for n, (school_id, lines) in enumerate(sorted(spec.lines.items()), start=1):
        if store.spending_lines(pool_id=pool_id, school_id=school_id):
            continue
        for k, line in enumerate(lines):
            spending.add_plan_line(
                store,
                user,
                school_id,
                item=line.item,
                quantity=line.quantity,
                cost_cents=line.cost_cents,
                note=line.note,
                pool_id=pool_id,
                settings=settings,
                now=_at(spec.adopted_at + timedelta(days=7 * n, minutes=k)),
            )


def load_demo_governance(
    store: Store,
    plan: DemoGovernance,
    *,
    location: str,
    settings: Settings,
    now: Clock | None = None,
) -> GovernanceReport:
    """Write ``plan`` (from :func:`safeschools.demo._governance.make_governance`) into a
    store holding the demo city; ``now`` dates the import of the officer decisions (the
    decisions themselves are dated in the story). Idempotent: see the module docstring."""
    before = {t: store.count(t) for t in GOVERNANCE_TABLES}
    user = _account(store, settings)
    report = GovernanceReport()
    report.decisions = _decisions(
        store, plan.decisions, location=location, settings=settings, now=clock_of(settings, now)
    )
    _figures(store, user, plan, settings)
    for spec in plan.councils:
        _council(store, user, spec, settings)
    for plan_spec in plan.plans:  # after the councils: a plan may cite its approving motion
        _plan(store, user, plan_spec, settings)
    if plan.pool is not None:
        _pool(store, user, plan.pool, settings)
    report.added = {t: store.count(t) - before[t] for t in GOVERNANCE_TABLES}
    return report


def governance_summary(store: Store) -> dict[str, Any]:
    """What the store holds of councils, officer decisions, funds and plans: rows by table,
    motions by result, safety plans by status (JSON-ready)."""
    motions = store.council_motions()
    results: dict[str, int] = {}
    for m in motions:
        results[m.result] = results.get(m.result, 0) + 1
    statuses: dict[str, int] = {}
    for p in store.safety_plans():
        statuses[p.status] = statuses.get(p.status, 0) + 1
    return {
        "rows": {t: store.count(t) for t in GOVERNANCE_TABLES},
        "motions_by_result": dict(sorted(results.items())),
        "safety_plans_by_status": dict(sorted(statuses.items())),
    }
