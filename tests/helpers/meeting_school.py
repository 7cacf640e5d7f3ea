"""One school with every part of a report recorded: officers over three school years, a council
of eleven with two motion votes (one without quorum), an adopted fund pool with a spending plan
and an approved safety plan. Written through the services, as an administrator, so that the
report shows what the site would."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from safeschools import services
from safeschools.services import council as service_council
from safeschools.services import funds as service_funds
from safeschools.services import officers as service_officers
from safeschools.services import plans as service_plans
from safeschools.services import spending as service_spending
from safeschools.settings import Settings
from safeschools.storage import Store

PASSWORD = "correct horse battery"
NOW = datetime(2025, 3, 5, 9, 30)
ROLES = ["principal", "teacher", "teacher"] + ["parent"] * 6 + ["community"] * 2
PLAN: dict[str, Any] = {
    "status": "approved",
    "pillars": {
        "physical_safety": [
            {
                "text": "Safe arrival and dismissal",
                "actions": [
                    {"text": "Two Safe Passage posts", "owner": "AP", "due": "2025-10-01"},
                ],
            }
        ],
        "relational_trust": [{"text": "Restorative circles in every advisory"}],
    },
    "committee": [{"name": "A. Rivera", "role": "parent"}],
    "baseline": {"notes": "Suspensions fell since 2022.", "metrics": {}},
    "approval": {"approved_on": "2025-03-04", "approved_by": "council vote of 2025-03-04"},
}


def record_meeting_school(
    store: Store, settings: Settings, school_id: str, *, school_year: str
) -> None:
    """Record officers, council votes, a fund share with a plan and a safety plan for
    ``school_id`` (a school of ``school_year`` already in the store)."""
    now = lambda: NOW  # noqa: E731 - a fixed clock for the audit records
    admin = services.create_user(
        store, email="report-admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    recorded = {
        a["school_year"]: a["version"]
        for a in service_officers.school_officers(store, school_id)["assignments"]
        if a["kind"] == "sro"
    }
    for year, n in (("2021-22", 2), ("2022-23", 1), ("2023-24", 0)):
        service_officers.set_officers(
            store, admin, school_id=school_id, school_year=year, officers=n,
            read_version=recorded.get(year, 0), settings=settings, now=now,
        )  # fmt: skip
    members = []
    for i, role in enumerate(ROLES):
        member = service_council.add_council_member(
            store, admin, school_id=school_id, name=f"Member {i}", role=role,
            term_start=date(2022, 7, 1), settings=settings, now=now,
        )  # fmt: skip
        members.append(member)
    meeting = service_council.add_council_meeting(
        store, admin, school_id=school_id, meeting_date=date(2023, 5, 10), settings=settings,
        now=now,
    )  # fmt: skip
    for present in (4, 8):  # 4 of 11: no quorum; 8 of 11: passed
        service_council.record_motion(
            store, admin, school_id=school_id, meeting_id=meeting.id, topic="officers",
            text="Keep one officer", officer_decision=1,
            ballots={m.id: "yes" for m in members[:present]}, school_kind="high",
            settings=settings, now=now,
        )  # fmt: skip
    pool = service_funds.create_pool(
        store, admin, school_year=school_year, label="Alternatives fund", amount_cents=50_000_000,
        school_ids=[school_id],
        settings=settings, now=now,
    )  # fmt: skip
    service_funds.adopt(store, admin, pool["id"], formula="equal", settings=settings, now=now)
    service_spending.add_plan_line(
        store, admin, school_id, item="social_worker", settings=settings, now=now
    )
    service_spending.add_plan_line(
        store, admin, school_id, item="mentoring", quantity=2, cost_cents=100_000,
        settings=settings, now=now,
    )  # fmt: skip
    read = {p["school_year"]: p["version"] for p in service_plans.safety_plans(store, school_id)}
    service_plans.save_safety_plan(
        store, admin, school_id=school_id, school_year=school_year,
        data={**PLAN, "version": read.get(school_year, 0)},  # the demo may have written one
        settings=settings, now=now,
    )  # fmt: skip
