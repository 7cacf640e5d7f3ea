"""Trade-in fund pools and their allocation: the use cases behind ``safeschools funds pool``
and ``funds adopt``, the ``/api/funds`` pool routes and the funds pages.

The district (an administrator) creates a pool for a school year, enters each school's facts,
compares the formulas of :data:`safeschools.policy.funding.FORMULAS` school by school
(:func:`what_if`), and adopts one (:func:`adopt`): the allocation is frozen as version N, and
re-allocating makes version N+1 while the old one stays readable. What each school then spends
of its share is :mod:`safeschools.services.spending`. Every write is audited in its own
transaction. Money is integer cents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from safeschools.errors import ConfigError, ConflictError, DataValidationError, NotFoundError
from safeschools.model import User
from safeschools.model.funds import FundPool, PoolSchool
from safeschools.policy.accounts import check_can_edit
from safeschools.policy.funding import FORMULAS, allocate, weights_for
from safeschools.proximity.engine import ExposureIndex
from safeschools.proximity.params import resolve_definition
from safeschools.services.base import Clock, Write, audited, clock_of, recorded
from safeschools.services.exposure import exposure
from safeschools.services.spending import (
    checked_cents,
    csv_text,
    dollars,
    funds_rollup,
    school_names,
)
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "adopt",
    "allocation",
    "allocations_csv",
    "create_pool",
    "dollars",
    "funds_overview",
    "get_pool",
    "list_pools",
    "set_school_facts",
    "update_pool",
    "what_if",
]

#: The fact each formula weighs by (``equal`` needs none).
FORMULA_FACTS = {
    "per_officer": "officers_removed",
    "enrollment": "enrollment",
    "exposure": "victims",
    "need": "need",
}


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
    checked_cents(amount_cents, "The pool")
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
    with recorded(store, actor, clock=clock_of(settings, now)) as write:
        pool = store.add_pool(
            school_year=school_year,
            label=label.strip(),
            amount_cents=amount_cents,
            source_note=source_note,
            exposure_preset=exposure_preset,
            created_at=write.now,
            created_by=actor.email,
            conn=write.conn,
        )
        rows = [{"school_id": s, "officers_removed": None, "need": None} for s in chosen]
        store.add_pool_schools(pool.id, rows, conn=write.conn)
        write.record("create", "fund_pool", pool.id, after={**asdict(pool), "school_ids": chosen})
    return asdict(pool)


def list_pools(store: Store) -> list[dict[str, Any]]:
    """Every pool, newest first, with its newest adopted version (None before adoption)."""
    latest = store.latest_allocations()
    return [{**asdict(p), "adopted_version": latest.get(p.id)} for p in store.fund_pools()]


def get_pool(store: Store, pool_id: int) -> dict[str, Any]:
    """A pool, its schools' facts and every adopted version (without shares)."""
    pool = store.fund_pool(pool_id)
    allocations = store.allocations(pool_id)
    return {
        **asdict(pool),
        "adopted_version": allocations[-1].version if allocations else None,
        "schools": [asdict(r) for r in store.pool_schools(pool_id)],
        "allocations": [asdict(a) for a in allocations],
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
    clock = clock_of(settings, now)
    with audited(store, user, None, what="the fund pools", clock=clock) as write:
        changes: dict[str, Any] = {}
        if label is not None:
            changes["label"] = label.strip()
        if amount_cents is not None:
            changes["amount_cents"] = checked_cents(amount_cents, "The pool")
        if source_note is not None:
            changes["source_note"] = source_note
        if exposure_preset is not None:
            changes["exposure_preset"] = exposure_preset or None
        before = store.fund_pool(pool_id, conn=write.conn)
        new_amount = changes.get("amount_cents", before.amount_cents)
        if new_amount != before.amount_cents and store.shares(pool_id=pool_id, conn=write.conn):
            msg = (
                f"Pool #{pool_id} has an adopted allocation, which is frozen at "
                f"{dollars(before.amount_cents)}; its amount cannot change. Create a new "
                "pool for new money."
            )
            raise ConflictError(msg)
        after = store.update_pool(pool_id, read_version=version, values=changes, conn=write.conn)
        write.record("update", "fund_pool", pool_id, before=before, after=after)
    return asdict(after)


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
    clock = clock_of(settings, now)
    with audited(store, user, None, what="the facts of a fund pool", clock=clock) as write:
        values = {"officers_removed": _officers(officers_removed), "need": _need(need)}
        before = _pool_school(store, pool_id, school_id, write)
        if before is None:
            store.fund_pool(pool_id, conn=write.conn)  # NotFoundError for an unknown pool
            msg = f"School {school_id} is not in pool #{pool_id}."
            raise NotFoundError(msg)
        store.update_pool_school(
            pool_id, school_id, read_version=version, values=values, conn=write.conn
        )
        after = _pool_school(store, pool_id, school_id, write)
        assert after is not None
        key = f"{pool_id}/{school_id}"
        write.record(
            "update", "fund_pool_school", key, before=before, after=after, school_id=school_id
        )
    return asdict(after)


def _pool_school(store: Store, pool_id: int, school_id: str, write: Write) -> PoolSchool | None:
    return next(
        (r for r in store.pool_schools(pool_id, conn=write.conn) if r.school_id == school_id),
        None,
    )


# ---------------------------------------------------------------------- what-if and adoption
def _facts(
    store: Store,
    pool: FundPool,
    *,
    settings: Settings,
    index: ExposureIndex | None = None,
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Each school's facts for the pool, and why a fact is missing for every school."""
    year = pool.school_year
    schools = {s.school_id: s for s in store.schools(school_year=year)}
    rows = store.pool_schools(pool.id)
    victims: dict[str, int] = {}
    problems: dict[str, str] = {}
    preset_name = pool.exposure_preset
    if preset_name:
        try:
            definition = resolve_definition(
                settings=settings, preset_name=preset_name, school_year=year
            )
            result = exposure(store, definition, settings=settings, index=index)
            if result.answerable:
                victims = {r["school_id"]: int(r["victims"]) for r in result.all_schools}
            else:
                problems["victims"] = (
                    f"the data cannot answer the exposure under {preset_name}: "
                    + " ".join(result.reasons)
                )
        except (ConfigError, NotFoundError, DataValidationError) as exc:
            problems["victims"] = f"the exposure under {preset_name} is not available: {exc}"
    else:
        problems["victims"] = "choose an exposure preset for the pool first"
    recorded = _officers_given_up(store, year)
    facts: dict[str, dict[str, Any]] = {}
    for r in rows:
        school = schools.get(r.school_id)
        entered = r.officers_removed
        facts[r.school_id] = {
            "name": None if school is None else school.name,
            "officers_removed": entered if entered is not None else recorded.get(r.school_id),
            "officers_from": "entered" if entered is not None else "assignments",
            "enrollment": None if school is None else school.enrollment,
            "victims": victims.get(r.school_id, 0) if "victims" not in problems else None,
            "need": None if r.need is None else Decimal(r.need),
            "version": r.version,
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
            shares[formula] = allocate(pool.amount_cents, weights[formula])
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
        "pool": {**asdict(pool), "adopted_version": latest},
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
    shares = allocate(pool.amount_cents, weights)
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
    with recorded(store, actor, clock=clock_of(settings, now)) as write:
        version = store.add_allocation(
            pool,
            formula=formula,
            adopted_at=write.now,
            adopted_by=actor.email,
            shares=rows,
            conn=write.conn,
        )
        write.record(
            "adopt",
            "fund_allocation",
            f"{pool_id}/v{version}",
            before=None if version == 1 else {"version": version - 1},
            after={"version": version, "formula": formula, "shares": shares},
        )
    return allocation(store, pool_id, version=version)


def allocation(store: Store, pool_id: int, *, version: int | None = None) -> dict[str, Any]:
    """An adopted allocation (the newest unless ``version``) with its shares, by school."""
    versions = {a.version: a for a in store.allocations(pool_id)}
    if not versions:
        store.fund_pool(pool_id)
        msg = f"Pool #{pool_id} has no adopted allocation yet; adopt one with `funds adopt`."
        raise NotFoundError(msg)
    chosen = max(versions) if version is None else version
    if chosen not in versions:
        msg = f"Pool #{pool_id} has versions {', '.join(map(str, sorted(versions)))}, not {chosen}."
        raise NotFoundError(msg)
    names = school_names(store, store.fund_pool(pool_id).school_year)
    shares = [
        {**asdict(s), "name": names.get(s.school_id)}
        for s in store.shares(pool_id=pool_id, version=chosen)
    ]
    return {
        **asdict(versions[chosen]),
        "current": chosen == max(versions),
        "total_cents": sum(int(s["share_cents"]) for s in shares),
        "shares": shares,
    }


def allocations_csv(store: Store, pool_id: int) -> str:
    """Every adopted version of a pool's allocation, one row per school and version."""
    header = ["pool_id", "version", "formula", "adopted_at", "school_id", "name", "weight",
              "share_cents"]  # fmt: skip
    rows = []
    for a in store.allocations(pool_id):
        for s in allocation(store, pool_id, version=a.version)["shares"]:
            rows.append(
                [
                    pool_id,
                    a.version,
                    a.formula,
                    a.adopted_at,
                    s["school_id"],
                    s["name"] or "",
                    s["weight"],
                    s["share_cents"],
                ]
            )
    if not rows:
        store.fund_pool(pool_id)
    return csv_text(header, rows)


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
