"""Trade-in funds and spending plans through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from helpers.funds_city import YEAR, accounts, load_funds_city

from safeschools import services
from safeschools.errors import (
    ConflictError,
    DataValidationError,
    NotFoundError,
    PermissionDeniedError,
)
from safeschools.services import funds as service_funds
from safeschools.services import spending as service_spending
from safeschools.settings import Settings
from safeschools.storage import Store

NOW = lambda: datetime(2026, 3, 1, 10, 0)  # noqa: E731 - a fixed clock for the audit entries


def _pool(store: Store, settings: Settings, amount_cents: int, **kw):  # type: ignore[no-untyped-def]
    admin, ed1, ed2 = accounts(store, settings)
    pool = service_funds.create_pool(
        store, admin, school_year=YEAR, label="SRO contract", amount_cents=amount_cents,
        source_note="ended contract", exposure_preset="trace-500yd", settings=settings, now=NOW,
        **kw,
    )  # fmt: skip
    return pool, admin, ed1, ed2


@pytest.mark.parametrize("amount_cents", [0, 1, 2, 100, 1_000_001, 1_030_000_007, 999_999_999_999])
def test_every_formula_adds_up_to_the_pool(
    store: Store, settings: Settings, amount_cents: int
) -> None:
    load_funds_city(store, settings)
    pool, admin, _, _ = _pool(store, settings, amount_cents)
    for school_id, officers, need in (("1", 2, "3.5"), ("2", 1, "1"), ("3", 0, "0.25")):
        service_funds.set_school_facts(
            store, admin, pool["id"], school_id, version=1, officers_removed=officers, need=need,
            settings=settings, now=NOW,
        )  # fmt: skip
    view = service_funds.what_if(store, pool["id"], settings=settings)
    assert view["unavailable"] == {}
    assert view["formulas"] == ["equal", "per_officer", "enrollment", "exposure", "need"]
    for formula in view["formulas"]:
        assert view["totals"][formula] == amount_cents
        assert sum(r["shares"][formula] for r in view["rows"]) == amount_cents


def test_what_if_rows(store: Store, settings: Settings) -> None:
    load_funds_city(store, settings)
    pool, _admin, _, _ = _pool(store, settings, 100)
    view = service_funds.what_if(store, pool["id"], settings=settings)
    assert (
        "per_officer" in view["unavailable"]
        and "officers_removed" in view["unavailable"]["per_officer"]
    )
    rows = {r["school_id"]: r for r in view["rows"]}
    assert [rows[s]["name"] for s in "123"] == ["Alpha", "Bravo", "Charlie"]
    # equal 34/33/33; enrollment 300:200:100 is 50/33.33/16.67: the cent left goes to .67
    assert [rows[s]["shares"]["equal"] for s in "123"] == [34, 33, 33]
    assert [rows[s]["shares"]["enrollment"] for s in "123"] == [50, 33, 17]
    assert [rows[s]["victims"] for s in "123"] == [2, 1, 0]
    assert [rows[s]["shares"]["exposure"] for s in "123"] == [67, 33, 0]
    assert rows["3"]["weights"]["enrollment"] == "100"
    assert rows["3"]["difference"] == 33 - 0  # equal 33, exposure 0


def test_adoption_freezes_and_reallocation_makes_version_2(
    store: Store, settings: Settings
) -> None:
    load_funds_city(store, settings)
    pool, admin, ed1, _ = _pool(store, settings, 1_000)
    with pytest.raises(NotFoundError, match="no adopted allocation"):
        service_funds.allocation(store, pool["id"])
    v1 = service_funds.adopt(store, admin, pool["id"], formula="equal", settings=settings, now=NOW)
    assert v1["version"] == 1 and v1["total_cents"] == 1_000 and v1["current"]
    assert [s["share_cents"] for s in v1["shares"]] == [334, 333, 333]
    with pytest.raises(ConflictError, match="adopted allocation, which is frozen"):
        service_funds.update_pool(
            store, admin, pool["id"], version=1, amount_cents=2_000, settings=settings
        )
    v2 = service_funds.adopt(
        store, admin, pool["id"], formula="enrollment", settings=settings, now=NOW
    )
    assert v2["version"] == 2 and [s["share_cents"] for s in v2["shares"]] == [500, 333, 167]
    old = service_funds.allocation(store, pool["id"], version=1)
    assert [s["share_cents"] for s in old["shares"]] == [334, 333, 333] and not old["current"]
    assert service_funds.list_pools(store)[0]["adopted_version"] == 2
    with pytest.raises(PermissionDeniedError, match="for the district"):
        service_funds.adopt(store, ed1, pool["id"], formula="equal", settings=settings)
    with pytest.raises(PermissionDeniedError, match="for the district"):
        service_funds.create_pool(
            store, ed1, school_year=YEAR, label="x", amount_cents=1, settings=settings
        )
    entries = services.audit_log(store)
    adopted = [e for e in entries if e["entity"] == "fund_allocation"]
    assert [e["entity_key"] for e in adopted] == [f"{pool['id']}/v2", f"{pool['id']}/v1"]
    assert adopted[0]["before"] == {"version": 1}
    assert adopted[0]["after"]["shares"] == {"1": 500, "2": 333, "3": 167}
    csv_text = service_funds.allocations_csv(store, pool["id"])
    assert csv_text.count("\n") == 1 + 3 + 3


def test_spending_within_the_share(store: Store, settings: Settings) -> None:
    load_funds_city(store, settings)
    pool, admin, ed1, ed2 = _pool(store, settings, 45_000_000)  # $450,000: $150,000 each
    service_funds.adopt(store, admin, pool["id"], formula="equal", settings=settings, now=NOW)
    line = service_spending.add_plan_line(
        store, ed1, "1", item="social_worker", settings=settings, now=NOW
    )
    assert line["unit_cost_cents"] == line["total_cents"] == 11_000_000  # the catalog's example
    with pytest.raises(DataValidationError, match="over its share") as caught:
        service_spending.add_plan_line(store, ed1, "1", item="mentoring", settings=settings)
    assert (
        "share $150,000.00, already planned $110,000.00, this line $50,000.00, "
        "excess $10,000.00" in str(caught.value)
    )
    with pytest.raises(PermissionDeniedError, match="school 1"):
        service_spending.add_plan_line(store, ed2, "1", item="mentoring", settings=settings)
    with pytest.raises(PermissionDeniedError, match="Sign in"):
        service_spending.add_plan_line(store, None, "1", item="mentoring", settings=settings)
    ok = service_spending.add_plan_line(
        store, ed1, "1", item="mentoring", quantity=2, cost_cents=1_000_000, settings=settings
    )
    plan = service_spending.spending_plan(store, "1")["pools"][0]
    assert plan["share_cents"] == 15_000_000 and plan["spent_cents"] == 13_000_000
    assert plan["remaining_cents"] == plan["share_cents"] - plan["spent_cents"]
    updated = service_spending.update_plan_line(
        store, ed1, ok["id"], version=1, quantity=3, settings=settings
    )
    assert updated["version"] == 2 and updated["total_cents"] == 3_000_000
    with pytest.raises(ConflictError, match=r"changed since you read it \(version 1, now 2\)"):
        service_spending.update_plan_line(
            store, ed1, ok["id"], version=1, quantity=1, settings=settings
        )
    removed = service_spending.update_plan_line(
        store, ed1, line["id"], version=1, remove=True, settings=settings
    )
    assert removed["active"] is False
    rollup = service_spending.funds_rollup(store)
    assert [(i["item"], i["count"], i["cents"]) for i in rollup["by_item"]] == [
        ("mentoring", 3, 3_000_000)
    ]
    school_1 = next(r for r in rollup["by_school"] if r["school_id"] == "1")
    assert school_1["spent_cents"] == 3_000_000
    entries = [
        e for e in services.audit_log(store, school_id="1") if e["entity"] == "spending_line"
    ]
    assert entries[0]["action"] == "delete" and entries[0]["before"]["active"] is True
    assert entries[0]["after"]["active"] is False
    assert "mentoring" in service_spending.plans_csv(store)


def test_concurrent_writers_on_a_plan_line(store: Store, settings: Settings) -> None:
    load_funds_city(store, settings)
    pool, admin, ed1, _ = _pool(store, settings, 30_000_000)
    service_funds.adopt(store, admin, pool["id"], formula="equal", settings=settings, now=NOW)
    line = service_spending.add_plan_line(store, ed1, "1", item="mentoring", settings=settings)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def write(quantity: int) -> None:
        barrier.wait()
        try:
            service_spending.update_plan_line(
                store, ed1, line["id"], version=1, quantity=quantity, settings=settings
            )
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        except Exception as exc:  # SQLite's lock timeout is a refusal too
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=write, args=(q,)) for q in (1, 2, 1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    if store.dialect == "postgresql":
        assert outcomes.count("conflict") == 3
    final = service_spending.spending_plan(store, "1")["pools"][0]["lines"][0]
    assert final["version"] == 2


def test_officers_given_up_come_from_the_assignments(store: Store, settings: Settings) -> None:
    from safeschools.model.officers import SroAssignment

    load_funds_city(store, settings)
    pool, admin, _, _ = _pool(store, settings, 1_000)
    with store.transaction() as conn:
        for school_id, year, officers in (("1", "2023-24", 2), ("2", "2023-24", 1), ("2", YEAR, 1)):
            store.put_sro_assignment(
                SroAssignment(school_id, year, "sro", officers, source="test"),
                read_version=None, at=NOW(), conn=conn,
            )  # fmt: skip
    view = service_funds.what_if(store, pool["id"], settings=settings)
    assert "School 3 has no officers_removed" in view["unavailable"]["per_officer"]
    service_funds.set_school_facts(
        store, admin, pool["id"], "3", version=1, officers_removed=0, settings=settings
    )
    rows = service_funds.what_if(store, pool["id"], settings=settings)["rows"]
    assert [(r["officers_removed"], r["officers_from"]) for r in rows] == [
        (2, "assignments"), (0, "assignments"), (0, "entered"),
    ]  # fmt: skip
    assert [r["shares"]["per_officer"] for r in rows] == [1_000, 0, 0]
