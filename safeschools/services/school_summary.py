"""A school's page in one glance, and its governance history as one timeline.

Both are built from what :func:`safeschools.services.profile.school_profile` already gathered
(the exposure result of the definition and the sections of the domain modules), so they cost
no query of their own: a median over the considered schools and a few sorts.

The summary says, part by part, what is known and what is not: a part with no record is
``{"recorded": False}`` (never a zero), and victims the data cannot count are ``None`` with the
reasons. Everything stays codes and numbers; the pages put them in words
(:mod:`safeschools.render.summary_views`).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

__all__ = ["governance_timeline", "school_summary", "school_year_of"]


def school_year_of(day: date | str) -> str:
    """The school year (1 July to 30 June) a day falls in.

    Examples
    --------
    >>> school_year_of("2024-06-30"), school_year_of(date(2024, 7, 1))
    ('2023-24', '2024-25')
    """
    d = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    start = d.year if d.month >= 7 else d.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _median(values: Sequence[int | None]) -> float | None:
    counted = [v for v in values if v is not None]
    return float(statistics.median(counted)) if counted else None


def _victims_part(
    exposure: Mapping[str, Any],
    all_schools: Sequence[Mapping[str, Any]],
    *,
    answerable: bool,
    rank: int | None,
    schools_ranked: int | None,
    radius_m: float,
    reasons: Sequence[str],
) -> dict[str, Any]:
    """Victims near the school, its rank and the district median (None when not answerable)."""
    return {
        "answerable": answerable and exposure.get("victims") is not None,
        "victims": exposure.get("victims"),
        "fatal": exposure.get("fatal"),
        "radius_m": radius_m,
        "rank": rank,
        "schools_ranked": schools_ranked,
        "schools_considered": len(all_schools),
        "district_median": _median([r.get("victims") for r in all_schools]) if answerable else None,
        "reasons": list(reasons),
    }


def _period(coverage: Mapping[str, Any]) -> dict[str, Any]:
    """The dates the count covers: the asked window cut to the data (None when no data)."""
    covered = coverage.get("covered") or None
    data = coverage.get("data") or {}
    asked = coverage.get("asked") or {}
    return {
        "since": covered["since"] if covered else None,
        "until": covered["until"] if covered else None,
        "partial": bool(coverage.get("partial")),
        "asked_since": asked.get("since"),
        "asked_until": asked.get("until"),
        "data_first_day": data.get("first_day"),
        "data_last_day": data.get("last_day"),
    }


def _officers_part(officers: Mapping[str, Any] | None) -> dict[str, Any]:
    """The officers the school had, year by year (only the years with a record)."""
    years: dict[str, dict[str, int]] = {}
    for a in (officers or {}).get("assignments", []):
        years.setdefault(a["school_year"], {})[a["kind"]] = int(a["officers"])
    rows = [
        {"school_year": y, "by_kind": kinds, "officers": sum(kinds.values())}
        for y, kinds in sorted(years.items())
    ]
    return {"recorded": bool(rows), "years": rows}


def _decisions_part(
    officers: Mapping[str, Any] | None, council: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The council's decisions on officers: imported rounds and officer motions voted here,
    newest first."""
    found: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    imported = [*(council or {}).get("imported", []), *(officers or {}).get("decisions", [])]
    for d in imported:
        key = (d["school_year"], d["decision_round"])
        if key in seen:
            continue
        seen.add(key)
        found.append(
            {
                "kind": "imported",
                "school_year": d["school_year"],
                "round": d["decision_round"],
                "decision": d.get("decision"),
                "officers_after": d.get("officers_after"),
                "date": _iso(d.get("vote_date")),
            }
        )
    for m in (council or {}).get("motions", []):
        if m.get("topic") != "officers":
            continue
        found.append(
            {
                "kind": "motion",
                "school_year": m.get("school_year") or school_year_of(m["meeting_date"]),
                "motion_id": m["id"],
                "officers_after": m.get("officer_decision"),
                "result": m["result"],
                "date": _iso(m["meeting_date"]),
            }
        )
    found.sort(key=lambda d: (d["school_year"], d.get("date") or ""), reverse=True)
    return {"recorded": bool(found), "decisions": found}


def _funds_part(funds: Mapping[str, Any] | None) -> dict[str, Any]:
    """The school's trade-in shares and what its plan buys, added over its pools."""
    pools = (funds or {}).get("pools", [])
    if not pools:
        return {"recorded": False}
    items: dict[str, dict[str, Any]] = {}
    for p in pools:
        for line in p.get("lines", []):
            entry = items.setdefault(
                line["item_code"],
                {"item": line["item_code"], "label": line["label"], "quantity": 0, "cents": 0},
            )
            entry["quantity"] += int(line["quantity"])
            entry["cents"] += int(line["total_cents"])
    return {
        "recorded": True,
        "pools": [{"label": p["label"], "school_year": p["school_year"]} for p in pools],
        "share_cents": sum(int(p["share_cents"]) for p in pools),
        "planned_cents": sum(int(p["spent_cents"]) for p in pools),
        "remaining_cents": sum(int(p["remaining_cents"]) for p in pools),
        "items": sorted(items.values(), key=lambda e: (-e["cents"], e["item"])),
    }


def _plan_part(plan: Mapping[str, Any] | None) -> dict[str, Any]:
    """The newest safety plan's status and approval."""
    if not plan:
        return {"recorded": False}
    approval = plan.get("approval") or {}
    return {
        "recorded": True,
        "school_year": plan["school_year"],
        "status": plan["status"],
        "approved_on": approval.get("approved_on"),
        "approved_by": approval.get("approved_by"),
    }


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def school_summary(
    school: Mapping[str, Any],
    *,
    exposure: Mapping[str, Any],
    all_schools: Sequence[Mapping[str, Any]],
    answerable: bool,
    coverage: Mapping[str, Any],
    reasons: Sequence[str],
    rank: int | None,
    schools_ranked: int | None,
    radius_m: float,
    sections: Mapping[str, Any],
) -> dict[str, Any]:
    """The summary card of a school: who, which dates, victims near it (rank and district
    median), officers by year, the council's decisions, its trade-in share and what the plan
    buys, and its safety plan's status.

    ``all_schools`` are the schools the definition considers, with their counts (zeros
    included): the district median is over them. A part with nothing recorded says so
    (``recorded`` false); victims the data cannot count are None, never 0.

    Examples
    --------
    >>> s = school_summary({"school_id": "1", "name": "A", "school_year": "2024-25"},
    ...     exposure={"victims": 3, "fatal": 1}, all_schools=[{"victims": 3}, {"victims": 0},
    ...     {"victims": 1}], answerable=True, coverage={}, reasons=[], rank=1, schools_ranked=2,
    ...     radius_m=457.2, sections={})
    >>> s["victims"]["district_median"], s["officers"], s["funds"]
    (1.0, {'recorded': False, 'years': []}, {'recorded': False})
    """
    return {
        "school_id": school["school_id"],
        "name": school.get("name"),
        "school_year": school.get("school_year"),
        "period": _period(coverage),
        "victims": _victims_part(
            exposure,
            all_schools,
            answerable=answerable,
            rank=rank,
            schools_ranked=schools_ranked,
            radius_m=radius_m,
            reasons=reasons,
        ),
        "officers": _officers_part(sections.get("officers")),
        "decisions": _decisions_part(sections.get("officers"), sections.get("council_votes")),
        "funds": _funds_part(sections.get("funds")),
        "safety_plan": _plan_part(sections.get("safety_plan")),
    }


def governance_timeline(sections: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The school's governance history as one list of events, oldest first: officers per
    school year, the council's decisions (imported rounds and votes recorded here), the money
    (each pool's share and plan lines) and the safety plan. Each event has ``school_year``,
    ``date`` (ISO, or None when only the year is known), ``kind`` and its facts as codes."""
    events: list[dict[str, Any]] = []
    officers = sections.get("officers") or {}
    by_year: dict[str, dict[str, int]] = {}
    for a in officers.get("assignments", []):
        by_year.setdefault(a["school_year"], {})[a["kind"]] = int(a["officers"])
    for year, kinds in by_year.items():
        events.append({"kind": "officers", "school_year": year, "date": None, "by_kind": kinds})
    council = sections.get("council_votes") or {}
    seen: set[tuple[str, str]] = set()
    for d in [*council.get("imported", []), *officers.get("decisions", [])]:
        key = (d["school_year"], d["decision_round"])
        if key in seen:
            continue
        seen.add(key)
        events.append(
            {
                "kind": "decision",
                "school_year": d["school_year"],
                "date": _iso(d.get("vote_date")),
                "round": d["decision_round"],
                "decision": d.get("decision"),
                "officers_after": d.get("officers_after"),
                "vote_keep": d.get("vote_keep"),
                "vote_remove": d.get("vote_remove"),
                "vote_abstain": d.get("vote_abstain"),
            }
        )
    for m in council.get("motions", []):
        outcome = m.get("outcome") or {}
        events.append(
            {
                "kind": "vote",
                "school_year": school_year_of(m["meeting_date"]),
                "date": _iso(m["meeting_date"]),
                "motion_id": m["id"],
                "topic": m["topic"],
                "text": m["text"],
                "officers_after": m.get("officer_decision"),
                "result": m["result"],
                "yes": outcome.get("yes"),
                "no": outcome.get("no"),
                "abstain": outcome.get("abstain"),
                "absent": outcome.get("absent"),
            }
        )
    for p in (sections.get("funds") or {}).get("pools", []):
        events.append(
            {
                "kind": "money",
                "school_year": p["school_year"],
                "date": None,
                "pool": p["label"],
                "share_cents": p["share_cents"],
                "planned_cents": p["spent_cents"],
                "items": [
                    {"item": ln["item_code"], "label": ln["label"], "quantity": ln["quantity"],
                     "cents": ln["total_cents"]}
                    for ln in p.get("lines", [])
                ],
            }
        )  # fmt: skip
    plan = sections.get("safety_plan")
    if plan:
        approval = plan.get("approval") or {}
        events.append(
            {
                "kind": "plan",
                "school_year": plan["school_year"],
                "date": approval.get("approved_on"),
                "status": plan["status"],
                "approved_by": approval.get("approved_by"),
            }
        )
    order = {"officers": 0, "decision": 1, "vote": 2, "money": 3, "plan": 4}
    events.sort(key=lambda e: (e["school_year"], e["date"] or "", order[e["kind"]]))
    return events
