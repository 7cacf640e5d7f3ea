"""The funds city (helpers.funds_city) with a governance history for Alpha (school 1): officers
recorded for 2021-22 to 2023-24, a council that votes (one officers motion that passes, one
without quorum), an adopted trade-in pool with a spending plan, and an approved safety plan.
Bravo (2) has nothing recorded; Charlie (3) has no victim near it."""

from __future__ import annotations

from datetime import date, datetime

from helpers.funds_city import YEAR, accounts, load_funds_city
from safeschools.services import council as service_council
from safeschools.services import funds as service_funds
from safeschools.services import officers as service_officers
from safeschools.services import plans as service_plans
from safeschools.services import spending as service_spending
from safeschools.settings import Settings
from safeschools.storage import Store

NOW = datetime(2025, 3, 1, 10, 0)  # a fixed clock: the audit entries carry it
ROLES_12 = ["principal", "teacher", "teacher"] + ["parent"] * 6 + ["staff"] + ["community"] * 2
#: What Alpha's card must say (share = $100,000.00 / 3 schools, equal formula, largest remainder)
SHARE_CENTS = 3_333_334
POOL_CENTS = 10_000_000


def _clock() -> datetime:
    return NOW


def load_governed_city(store: Store, settings: Settings) -> None:
    """The funds city and Alpha's history, written through the services (audited)."""
    load_funds_city(store, settings)
    admin, ed1, _ed2 = accounts(store, settings)
    for year, n in (("2021-22", 2), ("2022-23", 2), ("2023-24", 1)):
        service_officers.set_officers(
            store, ed1, school_id="1", school_year=year, officers=n, read_version=None,
            settings=settings, now=_clock,
        )  # fmt: skip
    members = [
        service_council.add_council_member(
            store,
            ed1,
            school_id="1",
            name=f"Member {i}",
            role=role,
            term_start=date(2022, 7, 1),
            settings=settings,
            now=_clock,
        )
        for i, role in enumerate(ROLES_12)
    ]
    meeting = service_council.add_council_meeting(
        store, ed1, school_id="1", meeting_date=date(2024, 5, 10), settings=settings
    )
    service_council.record_motion(
        store, ed1, school_id="1", meeting_id=meeting.id, topic="officers",
        text="Keep no officer", officer_decision=0, school_year="2024-25",
        ballots={m.id: "yes" for m in members[:8]}, school_kind="elementary",
        settings=settings, now=_clock,
    )  # fmt: skip
    service_council.record_motion(
        store, ed1, school_id="1", meeting_id=meeting.id, topic="general",
        text="Adopt the minutes", ballots={m.id: "yes" for m in members[:5]},
        school_kind="elementary", settings=settings, now=_clock,
    )  # fmt: skip
    pool = service_funds.create_pool(
        store, admin, school_year=YEAR, label="Ended police contract", amount_cents=POOL_CENTS,
        source_note="the ended contract", settings=settings, now=_clock,
    )  # fmt: skip
    service_funds.adopt(store, admin, pool["id"], formula="equal", settings=settings, now=_clock)
    service_spending.add_plan_line(
        store, ed1, "1", item="social_worker", quantity=1, cost_cents=3_000_000,
        settings=settings, now=_clock,
    )  # fmt: skip
    service_plans.set_safety_plan_status(
        store, ed1, school_id="1", school_year=YEAR, status="approved", version=0,
        approved_on=date(2025, 2, 3), approved_by="council vote of 2025-02-03",
        settings=settings, now=_clock,
    )  # fmt: skip
