"""The demo city's incidents and restorative cases: there, synthetic, deterministic, with small
monthly counts at most schools and large ones at a few, restorative responses to fights rising
once the officers left, and every case valid under the rules a person's case meets."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from helpers.demo_city import DemoCity

from safeschools.demo import build_demo_city
from safeschools.demo._incidents import (
    DEMO_AS_OF,
    DEMO_INCIDENT_PREFIX,
    DEMO_INCIDENT_YEARS,
    SYNTHETIC_AGREEMENT,
    make_incidents,
)
from safeschools.services.demo_governance import DEMO_ACCOUNT
from safeschools.services.demo_incidents import load_demo_incidents
from safeschools.testing import sqlite_store


def _school_year(moment: datetime) -> str:
    start = moment.year if moment.month >= 9 else moment.year - 1
    return f"{start}-{str(start + 1)[2:]}"


def test_the_demo_city_has_synthetic_incidents_and_cases(demo_city: DemoCity) -> None:
    store = demo_city.store
    incidents = store.school_incidents()
    cases = store.restorative_cases()
    assert len(incidents) > 3000 and len(cases) > 300
    assert all(i.external_id and i.external_id.startswith(DEMO_INCIDENT_PREFIX) for i in incidents)
    assert all(i.staff_note.startswith("SYNTHETIC") for i in incidents)
    assert {i.recorded_by for i in incidents} == {DEMO_ACCOUNT}
    assert {c.updated_by for c in cases} == {DEMO_ACCOUNT}
    assert {_school_year(i.occurred_at) for i in incidents} == set(DEMO_INCIDENT_YEARS)
    assert all(i.occurred_at.weekday() < 5 and i.occurred_at.month not in (7, 8) for i in incidents)
    schools = {s.school_id for s in store.schools()}
    assert {i.school_id for i in incidents} <= schools
    # most monthly counts are under the minimum cell size; a few busy schools' are not
    monthly = Counter((i.school_id, i.occurred_at.strftime("%Y-%m")) for i in incidents)
    small = sum(n < demo_city.settings.min_cell_size for n in monthly.values())
    assert small > 0.8 * len(monthly) and len(monthly) - small >= 50
    # the cases follow the rules: one per fight with a restorative response, roles only,
    # closed ones with an outcome, "not again" only once 90 days have passed
    by_id = {i.id: i for i in incidents}
    assert len({c.incident_id for c in cases}) == len(cases)
    for case in cases:
        incident = by_id[case.incident_id]
        assert incident.is_fight and incident.restorative
        assert case.opened_on >= incident.occurred_at.date()
        assert (case.status == "closed") == (case.outcome is not None)
        assert case.agreement in ("", SYNTHETIC_AGREEMENT)
        if case.recurred_within_90_days is False:
            assert incident.occurred_at.date() + timedelta(days=90) <= DEMO_AS_OF
    assert {c.outcome for c in cases} == {"repaired", "partly", "not_repaired", None}
    assert {c.recurred_within_90_days for c in cases} == {True, False, None}
    assert len(store.restorative_case_history(cases[0].id)) == 1


def test_fights_get_restorative_responses_more_often_after_the_officers_left(
    demo_city: DemoCity,
) -> None:
    store = demo_city.store
    officers: dict[str, dict[str, int]] = {}
    for a in store.sro_assignments():
        if a.kind == "sro":
            officers.setdefault(a.school_id, {})[a.school_year] = a.officers
    counts: Counter[tuple[str, bool]] = Counter()
    for i in store.school_incidents():
        history = officers.get(i.school_id)
        if not i.is_fight or not history or not any(history.values()):
            continue
        period = "with" if history.get(_school_year(i.occurred_at), 0) > 0 else "after"
        counts[(period, i.restorative)] += 1
    share = {
        p: counts[(p, True)] / (counts[(p, True)] + counts[(p, False)]) for p in ("with", "after")
    }
    assert share["with"] < 0.35 < 0.5 < share["after"], share


def test_the_demo_incidents_are_deterministic_and_loaded_once(tmp_path: Path) -> None:
    city = build_demo_city(seed=7)
    first = make_incidents(city.seed, city.schools, city.officers)
    assert first == make_incidents(city.seed, city.schools, city.officers)
    other = build_demo_city(seed=8)
    assert make_incidents(other.seed, other.schools, other.officers)[0] != first[0]
    store = sqlite_store(tmp_path / "demo.db")
    try:
        added = load_demo_incidents(store, city)
        assert added == {"school_incidents": len(first[0]), "restorative_cases": len(first[1])}
        assert load_demo_incidents(store, city) == {"school_incidents": 0, "restorative_cases": 0}
        assert len(store.school_incidents()) == len(first[0])
    finally:
        store.dispose()
