"""What the data covers of a definition's question, and whether it can answer it at all.

A definition asks about a window of days (``since..until``, resolved: an open end is the data's
own first or last day) and may need fields the data does not have (an age filter needs age bands,
an hours filter a time of day). :func:`coverage_block` compares the question with the
:class:`~safeschools.model.coverage.VictimCoverage` of the sources it counts:

- **not answerable** when no victims data is loaded, when the window lies wholly outside the
  data's first and last day, or when a filter needs a field that no row has: the counts are then
  absent (``None``), never 0, and ``reasons`` say why in words;
- **partial** when only part of the window lies inside the data: the result is a count over the
  covered part only, and says so ("covers 11 of 60 months");
- fields a filter needs that only some rows have are listed with their share (victims without the
  field are left out by the filter).

:func:`period_coverage` marks the periods of a trend (a calendar year, a month) that the data and
the window cover only in part, so that a partial year is never read as a whole one.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from safeschools.model.coverage import VictimCoverage
from safeschools.proximity.definition import Definition

__all__ = [
    "DAYS_PER_MONTH",
    "coverage_block",
    "covered_range",
    "month_coverage",
    "period_coverage",
    "share_text",
]

#: The mean length of a month, for "covers 5 of 12 months".
DAYS_PER_MONTH = 365.25 / 12

#: The fields a definition's filters need, by the filter's name.
_NEEDS = {"ages": "age_band", "hours": "time_of_day", "types": "fatal"}
_FIELD_WORDS = {
    "age_band": "an age band",
    "time_of_day": "a time of day",
    "fatal": "a fatal flag",
    "location": "a location",
}


def _days(since: date, until: date) -> int:
    return (until - since).days + 1


def share_text(covered_days: int, asked_days: int) -> str:
    """``11 of 60 months`` (``20 of 31 days`` for windows under about two months)."""
    if asked_days < 2 * DAYS_PER_MONTH:
        return f"{covered_days} of {asked_days} days"
    covered = round(covered_days / DAYS_PER_MONTH)
    if covered == 0 and covered_days:
        return f"{covered_days} days of {round(asked_days / DAYS_PER_MONTH)} months"
    return f"{covered} of {round(asked_days / DAYS_PER_MONTH)} months"


def covered_range(
    d: Definition, coverage: VictimCoverage, newest: date | None
) -> tuple[date, date] | None:
    """The days of the definition's window that lie inside the data (None when none do)."""
    if coverage.first_day is None or coverage.last_day is None:
        return None
    since, until = d.window(newest)
    lo = max(since or coverage.first_day, coverage.first_day)
    hi = min(until or coverage.last_day, coverage.last_day)
    return (lo, hi) if lo <= hi else None


def coverage_block(d: Definition, coverage: VictimCoverage, newest: date | None) -> dict[str, Any]:
    """The coverage of one definition's question: JSON-ready, with ``answerable`` and reasons.

    Keys: ``asked`` (since, until, days), ``data`` (what the sources cover), ``covered`` (since,
    until, days, share, text) or None, ``partial``, ``missing_fields`` (field, share, needed_by),
    ``answerable``, ``reasons`` (English sentences; the pages translate them) and ``needs`` (what
    data would answer the question, or None).
    """
    since, until = d.window(newest)
    data = coverage.to_dict()
    first, last = coverage.first_day, coverage.last_day
    asked_since = since or first
    asked_until = until or last
    asked_days = _days(asked_since, asked_until) if asked_since and asked_until else None
    reasons: list[str] = []
    needs: list[str] = []
    covered = covered_range(d, coverage, newest)
    covered_block: dict[str, Any] | None = None
    partial = False
    if first is None or last is None or not coverage.rows:
        reasons.append("No victims data is loaded for this definition; import a victims file.")
        needs.append("victims data")
    elif covered is None:
        reasons.append(
            f"The data covers {first.isoformat()} to {last.isoformat()}; the window asked, "
            f"{_iso(asked_since)} to {_iso(asked_until)}, lies wholly outside it."
        )
        needs.append(f"victims data covering {_iso(asked_since)} to {_iso(asked_until)}")
    else:
        n = _days(*covered)
        assert asked_days is not None
        covered_block = {
            "since": covered[0].isoformat(),
            "until": covered[1].isoformat(),
            "days": n,
            "share": round(n / asked_days, 4),
            "text": share_text(n, asked_days),
        }
        partial = n < asked_days
    missing: list[dict[str, Any]] = []
    for needed_by, name in _NEEDS.items():
        value = getattr(d, needed_by)
        if needed_by == "types" and value == "all":
            continue
        if not value:
            continue
        share = coverage.share(name)
        if share is None or share >= 1:
            continue
        missing.append({"field": name, "share": round(share, 4), "needed_by": needed_by})
        if share == 0:
            reasons.append(_no_field_reason(d, name))
            needs.append(f"with {_FIELD_WORDS[name].split(' ', 1)[1]}s")
    answerable = not reasons
    if answerable and partial and covered_block is not None:
        reasons.append(
            f"Partial: the data covers {covered_block['since']} to {covered_block['until']}, "
            f"{covered_block['text']} of the window asked "
            f"({_iso(asked_since)} to {_iso(asked_until)})."
        )
    return {
        "asked": {
            "since": _iso(asked_since),
            "until": _iso(asked_until),
            "days": asked_days,
        },
        "data": data,
        "covered": covered_block,
        "partial": partial and answerable,
        "missing_fields": missing,
        "answerable": answerable,
        "reasons": reasons,
        "needs": _needs_sentence(needs) if not answerable else None,
    }


def _no_field_reason(d: Definition, name: str) -> str:
    if name == "age_band":
        return (
            "No row of the data has an age band, and this definition counts only victims aged "
            + ", ".join(d.ages)
            + "."
        )
    if name == "time_of_day":
        return "No row of the data has a time of day, and this definition counts only some hours."
    return "No row of the data says whether the victim died, and this definition needs it."


def _needs_sentence(parts: list[str]) -> str:
    """``Needs victims data covering 2019-02-01 to 2024-01-31, with age bands.``"""
    base = next((p for p in parts if p.startswith("victims data")), "victims data")
    extras = [p for p in parts if not p.startswith("victims data")]
    return "Needs " + ", ".join([base, *extras]) + "."


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def period_coverage(start: date, end: date, covered: tuple[date, date] | None) -> dict[str, Any]:
    """How much of the period ``start..end`` (inclusive) lies in the covered days.

    ``partial`` is true when some but not all of the period is covered.
    """
    days = _days(start, end)
    if covered is None:
        return {"covered_from": None, "covered_to": None, "covered_days": 0, "days": days}
    lo, hi = max(start, covered[0]), min(end, covered[1])
    if lo > hi:
        return {"covered_from": None, "covered_to": None, "covered_days": 0, "days": days}
    n = _days(lo, hi)
    return {
        "covered_from": lo.isoformat(),
        "covered_to": hi.isoformat(),
        "covered_days": n,
        "days": days,
        "partial": n < days,
    }


def month_coverage(month: int, covered: tuple[date, date] | None) -> dict[str, Any]:
    """Coverage of one month of the year (all its years together) by the covered days.

    ``covered_days`` adds up the month's covered days over the years; ``months`` is how many
    of those year-months are covered at all; ``partial`` is true when one of them is cut.
    """
    if covered is None:
        return {"covered_days": 0, "months": 0, "partial": False}
    total = months = 0
    partial = False
    for year in range(covered[0].year, covered[1].year + 1):
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        lo, hi = max(first, covered[0]), min(last, covered[1])
        if lo > hi:
            continue
        n = _days(lo, hi)
        total += n
        months += 1
        partial = partial or n < _days(first, last)
    return {"covered_days": total, "months": months, "partial": partial}
