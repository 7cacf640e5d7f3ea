"""Spending plans of the trade-in funds: the catalog, each school's plan lines against its
adopted share, and what the money bought across the district (the use cases behind
``safeschools funds plan``, ``funds catalog``, the ``/api/funds`` plan routes and the funds
pages).

Each school (its editors or an administrator) spends its share of the newest adopted version
of a pool (:mod:`safeschools.services.funds`, which re-exports these use cases) on items of
the catalog; a line that would take the plan over the share is refused. Every write is
audited in its own transaction. Money is integer cents.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import Connection

from safeschools.errors import ConflictError, DataValidationError, NotFoundError
from safeschools.model import User
from safeschools.model.funds import FundShare, SpendingLine
from safeschools.services.base import Clock, audited, clock_of, recorded
from safeschools.settings import Settings
from safeschools.spreadsheet import csv_writer
from safeschools.storage import Store

__all__ = [
    "add_plan_line",
    "catalog",
    "checked_cents",
    "csv_text",
    "dollars",
    "funds_rollup",
    "plans_csv",
    "school_funds_section",
    "school_names",
    "spending_line_school",
    "spending_plan",
    "update_catalog_item",
    "update_plan_line",
]


def checked_cents(value: Any, what: str) -> int:
    """``value`` if it is a whole, non-negative number of cents."""
    if isinstance(value, bool) or not isinstance(value, int):
        msg = (
            f"{what} must be a whole number of cents (e.g. 1000000 for $10,000.00), not {value!r}."
        )
        raise DataValidationError(msg)
    if value < 0:
        msg = f"{what} cannot be negative ({value} cents)."
        raise DataValidationError(msg)
    return value


def dollars(cents: int) -> str:
    """``$1,234.56`` for 123456 cents."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"


def school_names(store: Store, school_year: str | None = None) -> dict[str, str]:
    """Each school's name by id (of one school year, or the newest name of every year)."""
    return {s.school_id: s.name for s in store.schools(school_year=school_year)}


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A header and rows as CSV text."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


# ---------------------------------------------------------------------- catalog
def catalog(store: Store) -> list[dict[str, Any]]:
    """The positions and programs a school can spend on, with the district's costs."""
    return [asdict(i) for i in store.spending_items()]


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
    clock = clock_of(settings, now)
    with audited(store, user, None, what="the spending catalog", clock=clock) as write:
        values: dict[str, Any] = {}
        if cost_cents is not None:
            values["cost_cents"] = checked_cents(cost_cents, "A cost")
        if label is not None:
            values["label"] = label
        if note is not None:
            values["note"] = note
        items = {i.code: i for i in store.spending_items(conn=write.conn)}
        if code not in items:
            msg = f"No catalog item {code!r}; use one of {', '.join(items)}."
            raise NotFoundError(msg)
        store.update_spending_item(code, read_version=version, values=values, conn=write.conn)
        after = {i.code: i for i in store.spending_items(conn=write.conn)}[code]
        write.record("update", "spending_item", code, before=items[code], after=after)
    return asdict(after)


# ---------------------------------------------------------------------- plan lines
def _line_total(line: SpendingLine) -> int:
    return line.quantity * line.unit_cost_cents


def _quantity(quantity: Any) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        msg = f"The quantity must be a whole number, 1 or more, not {quantity!r}."
        raise DataValidationError(msg)
    return quantity


def _share_for(
    store: Store, school_id: str, pool_id: int | None, *, conn: Connection
) -> tuple[int, FundShare]:
    """The newest adopted share of ``school_id`` (in ``pool_id``, or the newest pool), locked."""
    latest = store.latest_allocations()
    candidates = [pool_id] if pool_id is not None else sorted(latest, reverse=True)
    for pid in candidates:
        version = latest.get(pid)
        if version is None:
            continue
        found = store.shares(
            pool_id=pid, version=version, school_id=school_id, lock=True, conn=conn
        )
        if found:
            return pid, found[0]
    where = f"pool #{pool_id}" if pool_id is not None else "any adopted pool"
    msg = f"School {school_id} has no share in {where}; the district adopts an allocation first."
    raise NotFoundError(msg)


def _check_within(share: FundShare, spent: int, adding: int, school_id: str) -> None:
    if spent + adding > share.share_cents:
        excess = spent + adding - share.share_cents
        msg = (
            f"This would take school {school_id}'s plan over its share: share "
            f"{dollars(share.share_cents)}, already planned {dollars(spent)}, this line "
            f"{dollars(adding)}, excess {dollars(excess)}. Lower the quantity or cost, or "
            "remove another line."
        )
        raise DataValidationError(msg)


def _planned(
    store: Store, pool_id: int, school_id: str, *, leaving_out: int | None = None, conn: Connection
) -> int:
    """The cents a school's live lines of a pool plan (but the line ``leaving_out``)."""
    lines = store.spending_lines(pool_id=pool_id, school_id=school_id, conn=conn)
    return sum(_line_total(line) for line in lines if line.id != leaving_out)


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
    clock = clock_of(settings, now)
    with audited(store, user, school_id, what="the spending plan", clock=clock) as write:
        _quantity(quantity)
        items = {i.code: i for i in store.spending_items(conn=write.conn)}
        if item not in items:
            msg = f"No catalog item {item!r}; use one of {', '.join(items)}."
            raise NotFoundError(msg)
        unit = items[item].cost_cents if cost_cents is None else checked_cents(cost_cents, "A cost")
        if unit <= 0:
            msg = f"{items[item].label} has no cost in the catalog; give the line's cost."
            raise DataValidationError(msg)
        pid, share = _share_for(store, school_id, pool_id, conn=write.conn)
        spent = _planned(store, pid, school_id, conn=write.conn)
        _check_within(share, spent, quantity * unit, school_id)
        values = {
            "pool_id": pid,
            "school_id": school_id,
            "item_code": item,
            "quantity": quantity,
            "unit_cost_cents": unit,
            "cost_override": cost_cents is not None,
            "note": note,
        }
        line = store.add_spending_line(values, conn=write.conn)
        write.record("create", "spending_line", line.id, after=line)
    return {**asdict(line), "total_cents": _line_total(line)}


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
    with recorded(store, None, clock=clock_of(settings, now)) as write:
        before = store.spending_line(line_id, conn=write.conn)
        school_id = before.school_id
        write.may_edit(user, school_id, what="the spending plan")
        if not before.active:
            msg = f"Spending plan line #{line_id} was removed; add a new line instead."
            raise ConflictError(msg)
        values: dict[str, Any] = {}
        if remove:
            values["active"] = False
        if quantity is not None:
            values["quantity"] = _quantity(quantity)
        if cost_cents is not None:
            values["unit_cost_cents"] = checked_cents(cost_cents, "A cost")
            values["cost_override"] = True
        if note is not None:
            values["note"] = note
        if not remove:
            _pid, share = _share_for(store, school_id, before.pool_id, conn=write.conn)
            others = _planned(
                store, before.pool_id, school_id, leaving_out=line_id, conn=write.conn
            )
            _check_within(share, others, _line_total(replace(before, **values)), school_id)
        after = store.update_spending_line(
            line_id, read_version=version, values=values, conn=write.conn
        )
        action = "delete" if remove else "update"
        write.record(action, "spending_line", line_id, before=before, after=after)
    return {**asdict(after), "total_cents": _line_total(after)}


def spending_line_school(store: Store, line_id: int) -> str:
    """The school a plan line belongs to."""
    return store.spending_line(line_id).school_id


# ---------------------------------------------------------------------- plans and roll-ups
def spending_plan(store: Store, school_id: str) -> dict[str, Any]:
    """A school's shares (newest adopted version of each pool) and plan lines, with the money
    planned and remaining."""
    latest = store.latest_allocations()
    items = {i.code: i for i in store.spending_items()}
    pools = []
    for pid in sorted(latest, reverse=True):
        found = store.shares(pool_id=pid, version=latest[pid], school_id=school_id)
        if not found:
            continue
        pool = store.fund_pool(pid)
        lines = [
            {**asdict(line), "label": items[line.item_code].label, "total_cents": _line_total(line)}
            for line in store.spending_lines(pool_id=pid, school_id=school_id)
        ]
        share = found[0].share_cents
        spent = sum(line["total_cents"] for line in lines)
        pools.append(
            {
                "pool_id": pid,
                "label": pool.label,
                "school_year": pool.school_year,
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
    items = {i.code: i for i in store.spending_items()}
    names = school_names(store)
    by_item: dict[str, dict[str, Any]] = {}
    by_school: dict[str, dict[str, Any]] = {}
    pooled = 0
    for pid, version in latest.items():
        for share in store.shares(pool_id=pid, version=version):
            row = by_school.setdefault(
                share.school_id,
                {
                    "school_id": share.school_id,
                    "name": names.get(share.school_id),
                    "share_cents": 0,
                    "spent_cents": 0,
                },
            )
            row["share_cents"] += share.share_cents
            pooled += share.share_cents
        for line in store.spending_lines(pool_id=pid):
            total = _line_total(line)
            entry = by_item.setdefault(
                line.item_code,
                {
                    "item": line.item_code,
                    "label": items[line.item_code].label,
                    "count": 0,
                    "cents": 0,
                },
            )
            entry["count"] += line.quantity
            entry["cents"] += total
            if line.school_id in by_school:
                by_school[line.school_id]["spent_cents"] += total
    for row in by_school.values():
        row["remaining_cents"] = row["share_cents"] - row["spent_cents"]
    return {
        "pools": sorted(latest),
        "allocated_cents": pooled,
        "spent_cents": sum(e["cents"] for e in by_item.values()),
        "by_item": sorted(by_item.values(), key=lambda e: (-e["cents"], e["item"])),
        "by_school": sorted(by_school.values(), key=lambda r: r["school_id"]),
    }


def plans_csv(store: Store) -> str:
    """Every live spending plan line of every school."""
    items = {i.code: i for i in store.spending_items()}
    names = school_names(store)
    header = ["line_id", "pool_id", "school_id", "name", "item", "label", "quantity",
              "unit_cost_cents", "total_cents", "version"]  # fmt: skip
    rows = [
        [
            line.id,
            line.pool_id,
            line.school_id,
            names.get(line.school_id, ""),
            line.item_code,
            items[line.item_code].label,
            line.quantity,
            line.unit_cost_cents,
            _line_total(line),
            line.version,
        ]
        for line in store.spending_lines()
    ]
    return csv_text(header, rows)
