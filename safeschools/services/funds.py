"""Trade-in funds and spending plans: the use cases behind ``safeschools funds``, the
``/api/funds`` routes and the funds pages.

The district (an administrator) creates a pool for a school year, enters each school's facts,
compares the formulas of :data:`safeschools.policy.funding.FORMULAS` school by school
(:func:`what_if`), and adopts one (:func:`adopt`): the allocation is frozen as version N, and
re-allocating makes version N+1 while the old one stays readable. Each school (its editors or an
administrator) then spends its share of the newest adopted version on items of the catalog;
a line that would take the plan over the share is refused. Every write is audited in its own
transaction. Money is integer cents.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from safeschools.errors import (
    ConfigError,
    ConflictError,
    DataValidationError,
    NotFoundError,
)
from safeschools.model import User
from safeschools.policy.accounts import check_can_edit
from safeschools.policy.funding import FORMULAS, allocate, weights_for
from safeschools.proximity.engine import ExposureIndex
from safeschools.services.base import clock_of
from safeschools.services.exposure import exposure, resolve_definition
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "add_plan_line",
    "adopt",
    "allocation",
    "allocations_csv",
    "catalog",
    "create_pool",
    "funds_overview",
    "funds_rollup",
    "get_pool",
    "list_pools",
    "plans_csv",
    "school_funds_section",
    "set_school_facts",
    "spending_line_school",
    "spending_plan",
    "update_catalog_item",
    "update_plan_line",
    "update_pool",
    "what_if",
]

Clock = Callable[[], datetime]

#: The fact each formula weighs by (``equal`` needs none).
FORMULA_FACTS = {
    "per_officer": "officers_removed",
    "enrollment": "enrollment",
    "exposure": "victims",
    "need": "need",
}


def _cents(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = (
            f"{what} must be a whole number of cents (e.g. 1000000 for $10,000.00), not {value!r}."
        )
        raise DataValidationError(msg)
    if value < 0:
        msg = f"{what} cannot be negative ({value} cents)."
        raise DataValidationError(msg)
    return value


def _need(value: Any) -> str | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        msg = f"A need score must be a number like 3 or 2.5, not {value!r}."
        raise DataValidationError(msg) from None
    if not number.is_finite() or number < 0:
        msg = f"A need score must be 0 or more, not {value!r}."
        raise DataValidationError(msg)
    return str(number)


def _officers(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"Officers given up must be a whole number, 0 or more, not {value!r}."
        raise DataValidationError(msg)
    return value


def dollars(cents: int) -> str:
    """``$1,234.56`` for 123456 cents."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"


# ---------------------------------------------------------------------- pools
def create_pool(
    store: Store,
    user: User | None,
    *,
    school_year: str,
    label: str,
    amount_cents: int,
    source_note: str = "",
    school_ids: Sequence[str] | None = None,
    exposure_preset: str | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Create a pool (administrators only) with the schools that share it (default: every
    school of ``school_year``)."""
    actor = check_can_edit(user, None, what="the fund pools")
    _cents(amount_cents, "The pool")
    if not label.strip():
        msg = "Give the pool a label, e.g. 'SRO contract 2024-25'."
        raise DataValidationError(msg)
    known = {s.school_id for s in store.schools(school_year=school_year)}
    if not known:
        msg = f"No schools for school year {school_year}; import that year's school list first."
        raise NotFoundError(msg)
    chosen = sorted(set(school_ids)) if school_ids else sorted(known)
    unknown = [s for s in chosen if s not in known]
    if unknown:
        msg = f"Not schools of {school_year}: {', '.join(unknown)}; check the ids."
        raise NotFoundError(msg)
    at = clock_of(settings, now)()
    with store.transaction() as conn:
        pool_id = store.add_pool(
            conn,
            school_year=school_year,
            label=label.strip(),
            amount_cents=amount_cents,
            source_note=source_note,
            exposure_preset=exposure_preset,
            created_at=at,
            created_by=actor.email,
        )
        rows = [{"school_id": s, "officers_removed": None, "need": None} for s in chosen]
        store.add_pool_schools(conn, pool_id, rows)
        pool = store.fund_pool(pool_id, conn)
        store.add_audit(
            conn,
            at=at,
            user=actor,
            action="create",
            entity="fund_pool",
            entity_key=str(pool_id),
            school_id=None,
            before=None,
            after={**pool, "school_ids": chosen},
        )
    return pool


def _pool_summary(pool: dict[str, Any], latest: Mapping[int, int]) -> dict[str, Any]:
    return {**pool, "adopted_version": latest.get(pool["id"])}


def list_pools(store: Store) -> list[dict[str, Any]]:
    """Every pool, newest first, with its newest adopted version (None before adoption)."""
    latest = store.latest_allocations()
    return [_pool_summary(p, latest) for p in store.fund_pools()]


def get_pool(store: Store, pool_id: int) -> dict[str, Any]:
    """A pool, its schools' facts and every adopted version (without shares)."""
    pool = store.fund_pool(pool_id)
    allocations = store.allocations(pool_id)
    return {
        **pool,
        "adopted_version": allocations[-1]["version"] if allocations else None,
        "schools": store.pool_schools(pool_id),
        "allocations": allocations,
    }


def update_pool(
    store: Store,
    user: User | None,
    pool_id: int,
    *,
    version: int,
    label: str | None = None,
    amount_cents: int | None = None,
    source_note: str | None = None,
    exposure_preset: str | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Change a pool (administrators). Once an allocation is adopted the amount is frozen."""
    actor = check_can_edit(user, None, what="the fund pools")
    changes: dict[str, Any] = {}
    if label is not None:
        changes["label"] = label.strip()
    if amount_cents is not None:
        changes["amount_cents"] = _cents(amount_cents, "The pool")
    if source_note is not None:
        changes["source_note"] = source_note
    if exposure_preset is not None:
        changes["exposure_preset"] = exposure_preset or None
    at = clock_of(settings, now)()
    with store.transaction() as conn:
        before = store.fund_pool(pool_id, conn)
        if "amount_cents" in changes and changes["amount_cents"] != before["amount_cents"]:
            adopted = store.shares(pool_id=pool_id, conn=conn)
            if adopted:
                msg = (
                    f"Pool #{pool_id} has an adopted allocation, which is frozen at "
                    f"{dollars(before['amount_cents'])}; its amount cannot change. Create a new "
                    "pool for new money."
                )
                raise ConflictError(msg)
        store.update_pool(conn, pool_id, read_version=version, values=changes)
        after = store.fund_pool(pool_id, conn)
        store.add_audit(
            conn,
            at=at,
            user=actor,
            action="update",
            entity="fund_pool",
            entity_key=str(pool_id),
            school_id=None,
            before=before,
            after=after,
        )
    return after


def set_school_facts(
    store: Store,
    user: User | None,
    pool_id: int,
    school_id: str,
    *,
    version: int,
    officers_removed: int | None = None,
    need: str | float | int | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Enter a school's officers given up and need score for a pool (administrators)."""
    actor = check_can_edit(user, None, what="the facts of a fund pool")
    at = clock_of(settings, now)()
    values = {"officers_removed": _officers(officers_removed), "need": _need(need)}
    with store.transaction() as conn:
        rows = {r["school_id"]: r for r in store.pool_schools(pool_id, conn)}
        before = rows.get(school_id)
        if before is None:
            store.fund_pool(pool_id, conn)  # NotFoundError for an unknown pool
            msg = f"School {school_id} is not in pool #{pool_id}."
            raise NotFoundError(msg)
        store.update_pool_school(conn, pool_id, school_id, read_version=version, values=values)
        after = {r["school_id"]: r for r in store.pool_schools(pool_id, conn)}[school_id]
        store.add_audit(
            conn,
            at=at,
            user=actor,
            action="update",
            entity="fund_pool_school",
            entity_key=f"{pool_id}/{school_id}",
            school_id=school_id,
            before=before,
            after=after,
        )
    return after


# ---------------------------------------------------------------------- what-if and adoption
def _facts(
    store: Store,
    pool: Mapping[str, Any],
    *,
    settings: Settings,
    index: ExposureIndex | None = None,
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Each school's facts for the pool, and why a fact is missing for every school."""
    year = pool["school_year"]
    schools = {s.school_id: s for s in store.schools(school_year=year)}
    rows = store.pool_schools(pool["id"])
    victims: dict[str, int] = {}
    problems: dict[str, str] = {}
    preset_name = pool.get("exposure_preset")
    if preset_name:
        try:
            definition = resolve_definition(
                settings=settings, preset_name=preset_name, school_year=year
            )
            result = exposure(store, definition, settings=settings, index=index)
            victims = {r["school_id"]: int(r["victims"]) for r in result.all_schools}
        except (ConfigError, NotFoundError, DataValidationError) as exc:
            problems["victims"] = f"the exposure under {preset_name} is not available: {exc}"
    else:
        problems["victims"] = "choose an exposure preset for the pool first"
    recorded = _officers_given_up(store, year)
    facts: dict[str, dict[str, Any]] = {}
    for r in rows:
        school = schools.get(r["school_id"])
        entered = r["officers_removed"]
        facts[r["school_id"]] = {
            "name": None if school is None else school.name,
            "officers_removed": entered if entered is not None else recorded.get(r["school_id"]),
            "officers_from": "entered" if entered is not None else "assignments",
            "enrollment": None if school is None else school.enrollment,
            "victims": victims.get(r["school_id"], 0) if "victims" not in problems else None,
            "need": None if r["need"] is None else Decimal(r["need"]),
            "version": r["version"],
        }
    return facts, problems


def _officers_given_up(store: Store, school_year: str) -> dict[str, int]:
    """Officers given up by each school, from the SRO assignments when the store keeps them:
    school resource officers in the previous school year minus those in ``school_year`` (none
    recorded counts as 0), for schools that had officers the year before."""
    assignments = getattr(store, "sro_assignments", None)
    try:
        start = int(school_year[:4])
    except ValueError:
        return {}
    if assignments is None:
        return {}
    before_year = f"{start - 1}-{str(start)[2:]}"
    before = {a.school_id: a.officers for a in assignments(school_year=before_year)
              if a.kind == "sro"}  # fmt: skip
    now = {a.school_id: a.officers for a in assignments(school_year=school_year) if a.kind == "sro"}
    return {school: max(n - now.get(school, 0), 0) for school, n in before.items()}


def _weights(
    formula: str, facts: Mapping[str, Mapping[str, Any]], problems: Mapping[str, str]
) -> dict[str, Fraction]:
    fact = FORMULA_FACTS.get(formula)
    if fact is not None and fact in problems:
        msg = f"The {formula} formula needs {fact}: {problems[fact]}."
        raise DataValidationError(msg)
    return weights_for(formula, facts)


def what_if(
    store: Store,
    pool_id: int,
    *,
    settings: Settings,
    formulas: Sequence[str] | None = None,
    index: ExposureIndex | None = None,
) -> dict[str, Any]:
    """Every formula's share for every school of a pool, side by side, before adoption.

    Rows: ``school_id``, ``name``, the facts, ``weights`` and ``shares`` (cents) by formula,
    and ``difference``: the largest share minus the smallest across the formulas that apply.
    ``unavailable`` says, for a formula that cannot apply yet, why (a missing fact). ``index``:
    a loaded exposure index (a server's), instead of loading one for the exposure formula.
    """
    pool = store.fund_pool(pool_id)
    facts, problems = _facts(store, pool, settings=settings, index=index)
    chosen = list(formulas or FORMULAS)
    shares: dict[str, dict[str, int]] = {}
    weights: dict[str, dict[str, Fraction]] = {}
    unavailable: dict[str, str] = {}
    for formula in chosen:
        try:
            weights[formula] = _weights(formula, facts, problems)
            shares[formula] = allocate(int(pool["amount_cents"]), weights[formula])
        except DataValidationError as exc:
            unavailable[formula] = str(exc)
    rows = []
    for school_id, fact in facts.items():
        by_formula = {f: shares[f][school_id] for f in shares}
        rows.append(
            {
                "school_id": school_id,
                "name": fact["name"],
                "officers_removed": fact["officers_removed"],
                "officers_from": fact["officers_from"],
                "enrollment": fact["enrollment"],
                "victims": fact["victims"],
                "need": None if fact["need"] is None else str(fact["need"]),
                "weights": {f: str(weights[f][school_id]) for f in weights},
                "shares": by_formula,
                "difference": (max(by_formula.values()) - min(by_formula.values()))
                if by_formula
                else 0,
            }
        )
    latest = store.latest_allocations().get(pool_id)
    return {
        "pool": {**pool, "adopted_version": latest},
        "formulas": [f for f in chosen if f in shares],
        "unavailable": unavailable,
        "totals": {f: sum(s.values()) for f, s in shares.items()},
        "rows": rows,
    }


def adopt(
    store: Store,
    user: User | None,
    pool_id: int,
    *,
    formula: str,
    settings: Settings,
    now: Clock | None = None,
    index: ExposureIndex | None = None,
) -> dict[str, Any]:
    """Adopt a formula (administrators): the shares are frozen as the pool's next version."""
    actor = check_can_edit(user, None, what="the fund allocations")
    if formula not in FORMULAS:
        msg = f"Unknown formula {formula!r}; choose one of {', '.join(FORMULAS)}."
        raise DataValidationError(msg)
    pool = store.fund_pool(pool_id)
    facts, problems = _facts(store, pool, settings=settings, index=index)
    weights = _weights(formula, facts, problems)
    shares = allocate(int(pool["amount_cents"]), weights)
    rows = [
        {
            "school_id": s,
            "weight": str(weights[s]),
            "officers_removed": facts[s]["officers_removed"],
            "enrollment": facts[s]["enrollment"],
            "victims": facts[s]["victims"],
            "need": None if facts[s]["need"] is None else str(facts[s]["need"]),
            "share_cents": shares[s],
        }
        for s in sorted(shares)
    ]
    at = clock_of(settings, now)()
    with store.transaction() as conn:
        current = store.fund_pool(pool_id, conn)
        if current["version"] != pool["version"]:
            msg = (
                f"Fund pool #{pool_id} changed while the shares were computed (version "
                f"{pool['version']}); adopt again."
            )
            raise ConflictError(msg)
        version = store.add_allocation(
            conn,
            pool_id=pool_id,
            formula=formula,
            amount_cents=int(pool["amount_cents"]),
            exposure_preset=pool["exposure_preset"],
            adopted_at=at,
            adopted_by=actor.email,
            shares=rows,
        )
        store.add_audit(
            conn,
            at=at,
            user=actor,
            action="adopt",
            entity="fund_allocation",
            entity_key=f"{pool_id}/v{version}",
            school_id=None,
            before=None if version == 1 else {"version": version - 1},
            after={"version": version, "formula": formula, "shares": shares},
        )
    return allocation(store, pool_id, version=version)


def allocation(store: Store, pool_id: int, *, version: int | None = None) -> dict[str, Any]:
    """An adopted allocation (the newest unless ``version``) with its shares, by school."""
    versions = {a["version"]: a for a in store.allocations(pool_id)}
    if not versions:
        store.fund_pool(pool_id)
        msg = f"Pool #{pool_id} has no adopted allocation yet; adopt one with `funds adopt`."
        raise NotFoundError(msg)
    chosen = max(versions) if version is None else version
    if chosen not in versions:
        msg = f"Pool #{pool_id} has versions {', '.join(map(str, sorted(versions)))}, not {chosen}."
        raise NotFoundError(msg)
    names = _names(store, store.fund_pool(pool_id)["school_year"])
    shares = [
        {**s, "name": names.get(s["school_id"])}
        for s in store.shares(pool_id=pool_id, version=chosen)
    ]
    return {
        **versions[chosen],
        "current": chosen == max(versions),
        "total_cents": sum(int(s["share_cents"]) for s in shares),
        "shares": shares,
    }


def _names(store: Store, school_year: str | None = None) -> dict[str, str]:
    return {s.school_id: s.name for s in store.schools(school_year=school_year)}


# ---------------------------------------------------------------------- catalog and spending
def catalog(store: Store) -> list[dict[str, Any]]:
    """The positions and programs a school can spend on, with the district's costs."""
    return store.spending_items()


def update_catalog_item(
    store: Store,
    user: User | None,
    code: str,
    *,
    version: int,
    cost_cents: int | None = None,
    label: str | None = None,
    note: str | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Set the district's cost (or label, note) of a catalog item (administrators)."""
    actor = check_can_edit(user, None, what="the spending catalog")
    values: dict[str, Any] = {}
    if cost_cents is not None:
        values["cost_cents"] = _cents(cost_cents, "A cost")
    if label is not None:
        values["label"] = label
    if note is not None:
        values["note"] = note
    at = clock_of(settings, now)()
    with store.transaction() as conn:
        items = {i["code"]: i for i in store.spending_items(conn)}
        if code not in items:
            msg = f"No catalog item {code!r}; use one of {', '.join(items)}."
            raise NotFoundError(msg)
        store.update_spending_item(conn, code, read_version=version, values=values)
        after = {i["code"]: i for i in store.spending_items(conn)}[code]
        store.add_audit(
            conn,
            at=at,
            user=actor,
            action="update",
            entity="spending_item",
            entity_key=code,
            school_id=None,
            before=items[code],
            after=after,
        )
    return after


def _line_total(line: Mapping[str, Any]) -> int:
    return int(line["quantity"]) * int(line["unit_cost_cents"])


def _share_for(
    store: Store, conn: Any, school_id: str, pool_id: int | None
) -> tuple[int, dict[str, Any]]:
    """The newest adopted share of ``school_id`` (in ``pool_id``, or the newest pool), locked."""
    latest = store.latest_allocations()
    candidates = [pool_id] if pool_id is not None else sorted(latest, reverse=True)
    for pid in candidates:
        version = latest.get(pid)
        if version is None:
            continue
        found = store.shares(
            pool_id=pid, version=version, school_id=school_id, conn=conn, lock=True
        )
        if found:
            return pid, found[0]
    where = f"pool #{pool_id}" if pool_id is not None else "any adopted pool"
    msg = f"School {school_id} has no share in {where}; the district adopts an allocation first."
    raise NotFoundError(msg)


def _check_within(share: Mapping[str, Any], spent: int, adding: int, school_id: str) -> None:
    share_cents = int(share["share_cents"])
    if spent + adding > share_cents:
        excess = spent + adding - share_cents
        msg = (
            f"This would take school {school_id}'s plan over its share: share "
            f"{dollars(share_cents)}, already planned {dollars(spent)}, this line "
            f"{dollars(adding)}, excess {dollars(excess)}. Lower the quantity or cost, or "
            "remove another line."
        )
        raise DataValidationError(msg)


def add_plan_line(
    store: Store,
    user: User | None,
    school_id: str,
    *,
    item: str,
    quantity: int = 1,
    cost_cents: int | None = None,
    note: str | None = None,
    pool_id: int | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Add a line to a school's spending plan (its editors or an administrator).

    ``cost_cents`` overrides the catalog's unit cost. A line that would take the plan over the
    school's adopted share is refused (DataValidationError naming the share, the spent and the
    excess).
    """
    actor = check_can_edit(user, school_id, what="the spending plan")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        msg = f"The quantity must be a whole number, 1 or more, not {quantity!r}."
        raise DataValidationError(msg)
    at = clock_of(settings, now)()
    with store.transaction() as conn:
        items = {i["code"]: i for i in store.spending_items(conn)}
        if item not in items:
            msg = f"No catalog item {item!r}; use one of {', '.join(items)}."
            raise NotFoundError(msg)
        unit = items[item]["cost_cents"] if cost_cents is None else _cents(cost_cents, "A cost")
        if unit <= 0:
            msg = f"{items[item]['label']} has no cost in the catalog; give the line's cost."
            raise DataValidationError(msg)
        pid, share = _share_for(store, conn, school_id, pool_id)
        spent = sum(
            _line_total(line)
            for line in store.spending_lines(pool_id=pid, school_id=school_id, conn=conn)
        )
        _check_within(share, spent, quantity * int(unit), school_id)
        values = {
            "pool_id": pid,
            "school_id": school_id,
            "item_code": item,
            "quantity": quantity,
            "unit_cost_cents": int(unit),
            "cost_override": cost_cents is not None,
            "note": note,
        }
        line_id = store.add_spending_line(conn, values)
        line = store.spending_line(line_id, conn)
        store.add_audit(
            conn,
            at=at,
            user=actor,
            action="create",
            entity="spending_line",
            entity_key=str(line_id),
            school_id=school_id,
            before=None,
            after=line,
        )
    return {**line, "total_cents": _line_total(line)}


def update_plan_line(
    store: Store,
    user: User | None,
    line_id: int,
    *,
    version: int,
    quantity: int | None = None,
    cost_cents: int | None = None,
    note: str | None = None,
    remove: bool = False,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Change or remove (kept, marked inactive) a plan line read at ``version``."""
    at = clock_of(settings, now)()
    with store.transaction() as conn:
        before = store.spending_line(line_id, conn)
        school_id = before["school_id"]
        actor = check_can_edit(user, school_id, what="the spending plan")
        if not before["active"]:
            msg = f"Spending plan line #{line_id} was removed; add a new line instead."
            raise ConflictError(msg)
        values: dict[str, Any] = {}
        if remove:
            values["active"] = False
        if quantity is not None:
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
                msg = f"The quantity must be a whole number, 1 or more, not {quantity!r}."
                raise DataValidationError(msg)
            values["quantity"] = quantity
        if cost_cents is not None:
            values["unit_cost_cents"] = _cents(cost_cents, "A cost")
            values["cost_override"] = True
        if note is not None:
            values["note"] = note
        if not remove:
            new = {**before, **values}
            _pid, share = _share_for(store, conn, school_id, int(before["pool_id"]))
            others = sum(
                _line_total(line)
                for line in store.spending_lines(
                    pool_id=before["pool_id"], school_id=school_id, conn=conn
                )
                if line["id"] != line_id
            )
            _check_within(share, others, _line_total(new), school_id)
        store.update_spending_line(conn, line_id, read_version=version, values=values)
        after = store.spending_line(line_id, conn)
        store.add_audit(
            conn,
            at=at,
            user=actor,
            action="delete" if remove else "update",
            entity="spending_line",
            entity_key=str(line_id),
            school_id=school_id,
            before=before,
            after=after,
        )
    return {**after, "total_cents": _line_total(after)}


def spending_line_school(store: Store, line_id: int) -> str:
    """The school a plan line belongs to."""
    with store.engine.connect() as conn:
        return str(store.spending_line(line_id, conn)["school_id"])


def spending_plan(store: Store, school_id: str) -> dict[str, Any]:
    """A school's shares (newest adopted version of each pool) and plan lines, with the money
    planned and remaining."""
    latest = store.latest_allocations()
    items = {i["code"]: i for i in store.spending_items()}
    pools = []
    for pid in sorted(latest, reverse=True):
        found = store.shares(pool_id=pid, version=latest[pid], school_id=school_id)
        if not found:
            continue
        pool = store.fund_pool(pid)
        lines = [
            {**line, "label": items[line["item_code"]]["label"], "total_cents": _line_total(line)}
            for line in store.spending_lines(pool_id=pid, school_id=school_id)
        ]
        share = int(found[0]["share_cents"])
        spent = sum(line["total_cents"] for line in lines)
        pools.append(
            {
                "pool_id": pid,
                "label": pool["label"],
                "school_year": pool["school_year"],
                "allocation_version": latest[pid],
                "share_cents": share,
                "spent_cents": spent,
                "remaining_cents": share - spent,
                "lines": lines,
            }
        )
    return {"school_id": school_id, "pools": pools}


def school_funds_section(store: Store, school_id: str) -> dict[str, Any] | None:
    """The "funds" section of a school's page (None when the school has no share yet)."""
    plan = spending_plan(store, school_id)
    if not plan["pools"]:
        return None
    return {"template": "sections/funds.html", **plan}


def funds_rollup(store: Store, *, pool_id: int | None = None) -> dict[str, Any]:
    """What the money bought across the district: by item (count and cents) and by school
    (share, planned, remaining), over the newest adopted version of each pool."""
    latest = store.latest_allocations()
    if pool_id is not None:
        store.fund_pool(pool_id)
        latest = {pool_id: latest[pool_id]} if pool_id in latest else {}
    items = {i["code"]: i for i in store.spending_items()}
    names = _names(store)
    by_item: dict[str, dict[str, Any]] = {}
    by_school: dict[str, dict[str, Any]] = {}
    pooled = 0
    for pid, version in latest.items():
        for share in store.shares(pool_id=pid, version=version):
            row = by_school.setdefault(
                share["school_id"],
                {
                    "school_id": share["school_id"],
                    "name": names.get(share["school_id"]),
                    "share_cents": 0,
                    "spent_cents": 0,
                },
            )
            row["share_cents"] += int(share["share_cents"])
            pooled += int(share["share_cents"])
        for line in store.spending_lines(pool_id=pid):
            total = _line_total(line)
            entry = by_item.setdefault(
                line["item_code"],
                {
                    "item": line["item_code"],
                    "label": items[line["item_code"]]["label"],
                    "count": 0,
                    "cents": 0,
                },
            )
            entry["count"] += int(line["quantity"])
            entry["cents"] += total
            if line["school_id"] in by_school:
                by_school[line["school_id"]]["spent_cents"] += total
    for row in by_school.values():
        row["remaining_cents"] = row["share_cents"] - row["spent_cents"]
    return {
        "pools": sorted(latest),
        "allocated_cents": pooled,
        "spent_cents": sum(e["cents"] for e in by_item.values()),
        "by_item": sorted(by_item.values(), key=lambda e: (-e["cents"], e["item"])),
        "by_school": sorted(by_school.values(), key=lambda r: r["school_id"]),
    }


def funds_overview(store: Store) -> dict[str, Any]:
    """The district overview's funds summary: every pool (with its newest adopted version),
    the money adopted and planned, and what it bought by item (the roll-up)."""
    rollup = funds_rollup(store)
    return {
        "pools": list_pools(store),
        "allocated_cents": rollup["allocated_cents"],
        "spent_cents": rollup["spent_cents"],
        "by_item": rollup["by_item"],
    }


# ---------------------------------------------------------------------- CSV
def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def allocations_csv(store: Store, pool_id: int) -> str:
    """Every adopted version of a pool's allocation, one row per school and version."""
    header = ["pool_id", "version", "formula", "adopted_at", "school_id", "name", "weight",
              "share_cents"]  # fmt: skip
    rows = []
    for a in store.allocations(pool_id):
        for s in allocation(store, pool_id, version=a["version"])["shares"]:
            rows.append(
                [
                    pool_id,
                    a["version"],
                    a["formula"],
                    a["adopted_at"],
                    s["school_id"],
                    s["name"] or "",
                    s["weight"],
                    s["share_cents"],
                ]
            )
    if not rows:
        store.fund_pool(pool_id)
    return _csv(header, rows)


def plans_csv(store: Store) -> str:
    """Every live spending plan line of every school."""
    items = {i["code"]: i for i in store.spending_items()}
    names = _names(store)
    header = ["line_id", "pool_id", "school_id", "name", "item", "label", "quantity",
              "unit_cost_cents", "total_cents", "version"]  # fmt: skip
    rows = [
        [
            line["id"],
            line["pool_id"],
            line["school_id"],
            names.get(line["school_id"], ""),
            line["item_code"],
            items[line["item_code"]]["label"],
            line["quantity"],
            line["unit_cost_cents"],
            _line_total(line),
            line["version"],
        ]
        for line in store.spending_lines()
    ]
    return _csv(header, rows)
