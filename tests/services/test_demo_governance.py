"""The demo city shows everything: councils with meetings and votes (one without quorum),
officer decisions, an adopted trade-in pool with spending plans, safety plans in four states
and published figures, all synthetic, written through the audited use cases by the demo's
account, deterministic and idempotent; and the demo's pages show them in both languages."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from helpers.demo_city import DemoCity

from safeschools import services
from safeschools.app import create_app
from safeschools.demo import build_demo_city
from safeschools.demo._governance import MARK, make_governance
from safeschools.errors import AuthenticationError
from safeschools.services import funds, spending
from safeschools.services.demo_governance import (
    DEMO_ACCOUNT,
    GOVERNANCE_TABLES,
    governance_summary,
    load_demo_governance,
)
from safeschools.settings import Settings
from safeschools.storage import Store

FIXED_NOW = datetime(2025, 9, 1, 12, 0)


@pytest.fixture(scope="module")
def city():  # type: ignore[no-untyped-def]
    return build_demo_city(seed=2024)


def _ids(plan):  # type: ignore[no-untyped-def]
    return {
        "officers_2122": plan.councils[0].school_id,
        "officers_2324": plan.councils[1].school_id,
        "kept": plan.councils[2].school_id,
    }


# ---------------------------------------------------------------------- the plan (pure)
def test_the_same_seed_decides_the_same(city) -> None:  # type: ignore[no-untyped-def]
    first = make_governance(city.seed, city.schools, city.officers)
    again = make_governance(city.seed, city.schools, city.officers)
    assert first == again
    other = build_demo_city(seed=7)
    assert make_governance(7, other.schools, other.officers) != first


def test_the_story_agrees_with_the_officers(city) -> None:  # type: ignore[no-untyped-def]
    plan = make_governance(city.seed, city.schools, city.officers)
    officers = {(a.school_id, a.school_year): a.officers for a in city.officers}
    for spec in plan.councils:
        for meeting in spec.meetings:
            for motion in meeting.motions:
                assert MARK in motion.text and MARK in meeting.note
                if motion.topic == "officers" and motion.officer_decision is not None:
                    yes = sum(b == "yes" for _, b in motion.ballots)
                    present = sum(b != "absent" for _, b in motion.ballots)
                    if present >= 8 and yes > present / 2:  # it passes: the officers it keeps
                        assert officers[(spec.school_id, motion.school_year)] == (
                            motion.officer_decision
                        )
    for decision in plan.decisions:
        assert decision.officers_after == officers[(decision.school_id, decision.school_year)]
        assert decision.note == "synthetic"
    assert plan.pool is not None
    for school_id in plan.pool.school_ids:  # each gave up its 2 officers in 2023-24
        assert (officers[(school_id, "2022-23")], officers[(school_id, "2023-24")]) == (2, 0)
    names = [m.name for c in plan.councils for m in c.members]
    assert len(names) == len(set(names)) == 45


# ---------------------------------------------------------------------- the store
def test_load_writes_everything_audited_and_twice_adds_nothing(
    store: Store, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    services.load_demo_city(store, settings=settings, now=lambda: FIXED_NOW)
    summary = governance_summary(store)
    assert summary["rows"] == {
        "council_members": 45,
        "council_meetings": 5,
        "council_motions": 6,
        "sro_decisions": 20,
        "sro_aggregates": 2,
        "fund_pools": 1,
        "fund_allocations": 1,
        "spending_lines": 10,
        "safety_plans": 4,
    }
    assert summary["motions_by_result"] == {"failed": 1, "invalid: no quorum": 1, "passed": 4}
    assert summary["safety_plans_by_status"] == {
        "approved": 1, "draft": 1, "in_progress": 1, "reviewed": 1,
    }  # fmt: skip
    audit = store.audit_entries(limit=1000)
    by_demo = Counter(e.entity for e in audit if e.user_email == DEMO_ACCOUNT)
    assert by_demo["council_member"] == 45 and by_demo["council_motion"] == 6
    assert by_demo["council_meeting"] == 5 and by_demo["safety_plan"] == 4
    assert by_demo["fund_pool"] == 1 and by_demo["fund_allocation"] == 1
    assert by_demo["spending_line"] == 10 and by_demo["sro_aggregate"] == 2
    assert by_demo["sro_assignment"] == 3  # the three passed officers motions set the officers
    user = store.user_by_email(DEMO_ACCOUNT)
    assert user is not None and user[0].role == "admin"
    with pytest.raises(AuthenticationError):
        services.authenticate(store, DEMO_ACCOUNT, "demo-loader password")

    audit_rows = store.count("audit_log")
    counts = {t: store.count(t) for t in GOVERNANCE_TABLES}
    assignments = store.sro_assignments()
    plan = make_governance(city.seed, city.schools, city.officers)
    report = load_demo_governance(
        store, plan, location=city.location, settings=settings, now=lambda: FIXED_NOW
    )
    assert report.added == dict.fromkeys(GOVERNANCE_TABLES, 0)
    assert report.decisions is not None and report.decisions.record is not None
    assert report.decisions.record.unchanged == 20
    services.load_demo_city(store, settings=settings, now=lambda: FIXED_NOW)
    assert {t: store.count(t) for t in GOVERNANCE_TABLES} == counts
    assert store.count("audit_log") == audit_rows
    assert store.sro_assignments() == assignments  # a council's decision stays


def test_council_votes_decide_the_officers(demo_city: DemoCity) -> None:
    store = demo_city.store
    plan = make_governance(2024, store.schools(), store.sro_assignments())
    ids = _ids(plan)
    invalid = [m for m in store.council_motions(school_id=ids["officers_2324"]) if not m.valid]
    assert len(invalid) == 1 and invalid[0].result == "invalid: no quorum"
    set_by_council = {
        (a.school_id, a.school_year): a.officers
        for a in store.sro_assignments()
        if a.source == "council"
    }
    assert set_by_council == {
        (ids["officers_2122"], "2021-22"): 0,
        (ids["officers_2324"], "2023-24"): 0,
        (ids["kept"], "2023-24"): 2,
    }
    approved = store.safety_plan(ids["kept"], "2024-25")
    assert approved is not None and approved.status == "approved"
    assert approved.approval is not None and approved.approval.motion_id is not None
    motion = store.council_motions(motion_id=approved.approval.motion_id)[0]
    assert motion.topic == "safety_plan" and motion.passed


def test_the_pool_is_adopted_and_every_plan_fits_its_share(demo_city: DemoCity) -> None:
    store = demo_city.store
    [pool] = funds.list_pools(store)
    assert pool["adopted_version"] == 1 and MARK in pool["label"]
    adopted = funds.allocation(store, pool["id"])
    assert adopted["formula"] == "per_officer"
    assert adopted["total_cents"] == pool["amount_cents"]
    for share in adopted["shares"]:
        plan = spending.spending_plan(store, share["school_id"])["pools"][0]
        assert 0 < plan["spent_cents"] <= plan["share_cents"] == share["share_cents"]


# ---------------------------------------------------------------------- the pages
@pytest.fixture(scope="module")
def pages(demo_city: DemoCity) -> Iterator[TestClient]:
    with TestClient(create_app(demo_city.settings, store=demo_city.store)) as client:
        yield client


def _text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_demo_pages_show_councils_funds_officers_and_plans(
    pages: TestClient, demo_city: DemoCity, lang: str
) -> None:
    plan = make_governance(2024, demo_city.store.schools(), demo_city.store.sro_assignments())
    ids = _ids(plan)
    words = {
        "en": {"no_quorum": "no quorum", "passed": "Passed", "failed": "Failed",
               "in_progress": "In progress", "approved": "Approved", "pool": "$1,440,000.00"},
        "es": {"no_quorum": "sin quórum", "passed": "Aprobada", "failed": "Rechazada",
               "in_progress": "En curso", "approved": "Aprobado", "pool": "$1.440.000,00"},
    }[lang]  # fmt: skip
    school = _text(pages.get(f"/schools/{ids['officers_2324']}?lang={lang}").text)
    assert "Keep no school resource officers in 2023-24 (synthetic)" in school
    assert words["no_quorum"] in school.lower() or words["no_quorum"] in school
    assert "Trade-in funds 2023-24 (synthetic)" in school
    assert words["in_progress"] in school
    kept = _text(pages.get(f"/schools/{ids['kept']}?lang={lang}").text)
    assert words["failed"] in kept and words["passed"] in kept and words["approved"] in kept
    assert "Approve the Whole School Safety plan for 2024-25 (synthetic)" in kept
    funds_page = _text(pages.get(f"/funds?lang={lang}").text)
    assert "Trade-in funds 2023-24 (synthetic)" in funds_page and words["pool"] in funds_page
    officers_page = _text(pages.get(f"/officers?lang={lang}").text)
    assert "Demo City (synthetic)" in officers_page  # the published figures' source
    assert "34" in officers_page
