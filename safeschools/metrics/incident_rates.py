"""Incidents recorded by schools, by month and school year, and the response rates.

Method
------
Counts come grouped by school, month and category (:mod:`safeschools.storage.incident_rollups`;
withdrawn incidents left out). For every school and period (a month ``YYYY-MM`` or a school year
``YYYY-YY``, 1 July to 30 June) the *measures* are:

- incidents per category, and their ``total``;
- ``fights`` (the categories of :data:`~safeschools.model.incidents.FIGHT_CATEGORIES`), and
  among them those with a restorative response (a restorative conference or a mediation), with
  a suspension, with police called, each with its complement ("not ...");
- restorative cases by the month of their incident: opened, closed, closed repaired (and closed
  otherwise), and staff's answers to "involved again within 90 days?": yes, no (together
  ``answered``) and not yet known (``unknown``, never counted as no).

The rates (:data:`RATES`) divide one measure by another: the share of fights with a restorative
response, suspensions per fight and police calls per fight (each is the share of fights with
that response, so at most 1), the share of closed cases closed repaired, and recurrence within
90 days (yes among the cases answered).

A period before a school's first recorded incident is *not recording*: the school recorded
nothing yet, so its counts are unknown, not 0. A month with nothing recorded after the school
began recording is 0. The current month and the school year in progress are *partial*, and so is
a school year in which the school began recording after July.

Publication (:func:`publish`) follows the small-count rule of discipline: every count under the
minimum cell size is hidden, and so is whatever would give it away
(:func:`~safeschools.metrics.suppression_tables.suppress_publication` on one publication per
school year: a row per school, a column per month x measure and year x measure, the lines of
:func:`equations` and the district's row); a rate is shown only when both its counts are shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from safeschools.metrics.suppression_tables import DISTRICT, Equation, suppress_publication
from safeschools.model.incidents import FIGHT_CATEGORIES
from safeschools.storage.incident_rollups import CaseMonthCounts, IncidentMonthCounts

__all__ = [
    "CASE_MEASURES",
    "DEFINITIONS",
    "DISTRICT",
    "FIGHT_MEASURES",
    "RATES",
    "Published",
    "equations",
    "month_counts",
    "months_of_school_year",
    "publish",
    "rate",
    "school_year_of_month",
]

#: Measures of fights: each response and its complement add up to ``fights``.
FIGHT_MEASURES = (
    "fights",
    "fights_restorative",
    "fights_not_restorative",
    "fights_suspended",
    "fights_not_suspended",
    "fights_police",
    "fights_no_police",
)
#: Measures of restorative cases (by the month of their incident).
CASE_MEASURES = (
    "cases_opened",
    "cases_closed",
    "cases_repaired",
    "cases_not_repaired",
    "recurred_yes",
    "recurred_no",
    "recurred_answered",
    "recurred_unknown",
)

#: Each rate: (numerator, denominator).
RATES: dict[str, tuple[str, str]] = {
    "restorative_share": ("fights_restorative", "fights"),
    "suspensions_per_fight": ("fights_suspended", "fights"),
    "police_per_fight": ("fights_police", "fights"),
    "repaired_share": ("cases_repaired", "cases_closed"),
    "recurrence_share": ("recurred_yes", "recurred_answered"),
}

#: Every figure's definition, in words.
DEFINITIONS: dict[str, str] = {
    "incidents": "Incidents the school's staff recorded in the period, by category "
    "(withdrawn records are not counted).",
    "restorative_share": "Fights (with or without injury) that had a restorative response "
    "(a restorative conference or a mediation), out of all fights.",
    "suspensions_per_fight": "Fights after which a student was suspended, out of all fights.",
    "police_per_fight": "Fights for which the police were called, out of all fights.",
    "repaired_share": "Restorative cases closed with the harm repaired, out of the cases "
    "closed, by the month of the incident.",
    "recurrence_share": "Cases whose students were involved again within 90 days, out of the "
    "cases where staff answered yes or no; cases not yet answered are counted apart as "
    "unknown, never as no.",
}

Counts = dict[str, int]


def school_year_of_month(month: str) -> str:
    """The school year (July to June) of a month ``YYYY-MM``.

    >>> school_year_of_month("2024-06"), school_year_of_month("2024-07")
    ('2023-24', '2024-25')
    """
    y, m = int(month[:4]), int(month[5:7])
    start = y if m >= 7 else y - 1
    return f"{start}-{(start + 1) % 100:02d}"


def months_of_school_year(school_year: str) -> list[str]:
    """The twelve months of a school year, July first."""
    start = int(school_year[:4])
    return [f"{start + (m < 7)}-{m:02d}" for m in (*range(7, 13), *range(1, 7))]


def _empty(categories: Sequence[str]) -> Counts:
    return dict.fromkeys([*categories, "total", *FIGHT_MEASURES, *CASE_MEASURES], 0)


def month_counts(
    incidents: Iterable[IncidentMonthCounts],
    cases: Iterable[CaseMonthCounts],
    *,
    categories: Sequence[str],
) -> dict[str, dict[str, Counts]]:
    """``{school_id: {month: {measure: count}}}`` for the months with a record (every
    measure of :func:`equations`, 0 where nothing was counted)."""
    out: dict[str, dict[str, Counts]] = defaultdict(dict)

    def at(school: str, month: str) -> Counts:
        if month not in out[school]:
            out[school][month] = _empty(categories)
        return out[school][month]

    for r in incidents:
        c = at(r.school_id, r.month)
        for category, n in r.by_category.items():
            c[category] = c.get(category, 0) + n
            c["total"] += n
            if category in FIGHT_CATEGORIES:
                c["fights"] += n
        c["fights_restorative"] += r.fights_restorative
        c["fights_suspended"] += r.fights_suspended
        c["fights_police"] += r.fights_police
    for k in cases:
        c = at(k.school_id, k.month)
        c["cases_opened"] += k.opened
        c["cases_closed"] += k.closed
        c["cases_repaired"] += k.repaired
        c["recurred_yes"] += k.recurred_yes
        c["recurred_no"] += k.recurred_no
    for months in out.values():
        for c in months.values():
            c["fights_not_restorative"] = c["fights"] - c["fights_restorative"]
            c["fights_not_suspended"] = c["fights"] - c["fights_suspended"]
            c["fights_no_police"] = c["fights"] - c["fights_police"]
            c["cases_not_repaired"] = c["cases_closed"] - c["cases_repaired"]
            c["recurred_answered"] = c["recurred_yes"] + c["recurred_no"]
            c["recurred_unknown"] = c["cases_opened"] - c["recurred_answered"]
    return dict(out)


def _period_equations(categories: Sequence[str]) -> list[tuple[list[str], str]]:
    others = [c for c in categories if c not in FIGHT_CATEGORIES]
    return [
        (list(categories), "total"),
        (list(FIGHT_CATEGORIES), "fights"),
        # the two lines above together: with the fights shown and the fight categories hidden,
        # a lone hidden other category is the total minus the fights and the rest
        (["fights", *others], "total"),
        (["fights_restorative", "fights_not_restorative"], "fights"),
        (["fights_suspended", "fights_not_suspended"], "fights"),
        (["fights_police", "fights_no_police"], "fights"),
        (["cases_repaired", "cases_not_repaired"], "cases_closed"),
        (["recurred_yes", "recurred_no"], "recurred_answered"),
        (["recurred_answered", "recurred_unknown"], "cases_opened"),
    ]


def equations(
    school_year: str, categories: Sequence[str], months: Sequence[str] | None = None
) -> list[Equation]:
    """The lines of one school year's publication: in every period the parts of each measure
    add up to it, and every measure's months add up to its school year. Columns are
    ``"<period>|<measure>"``; ``months``: those published (all twelve by default)."""
    months = list(months_of_school_year(school_year) if months is None else months)
    periods = [*months, school_year]
    out: list[Equation] = []
    for p in periods:
        for parts, total in _period_equations(categories):
            out.append(([f"{p}|{x}" for x in parts], f"{p}|{total}"))
    for measure in _empty(categories):
        out.append(([f"{m}|{measure}" for m in months], f"{school_year}|{measure}"))
    return out


@dataclass(frozen=True)
class Published:
    """One school year's publication: every count as shown (None: hidden or not recording).

    ``values[(row, "<period>|<measure>")]`` for the schools and :data:`DISTRICT`;
    ``status`` of each: ``shown``, ``suppressed`` or ``not_recording``."""

    school_year: str
    months: tuple[str, ...]
    values: dict[tuple[str, str], int | None]
    status: dict[tuple[str, str], str]
    min_cell: int

    def cell(self, row: str, period: str, measure: str) -> dict[str, Any]:
        key = (row, f"{period}|{measure}")
        return {"count": self.values.get(key), "status": self.status.get(key, "not_recording")}


def publish(
    counts: Mapping[str, Mapping[str, Counts]],
    *,
    school_year: str,
    recording_from: Mapping[str, str],
    today: date,
    categories: Sequence[str],
    min_cell: int,
    max_rounds: int = 20,
) -> Published:
    """One school year's counts ready to publish, the small ones and their givers-away hidden.

    ``counts`` from :func:`month_counts`; ``recording_from``: each school's first month with
    a record (earlier months are not recording, unknown, not 0). Months after ``today`` are
    left out; a school that does not record in the school year has no row."""
    this_month = today.strftime("%Y-%m")
    months = [m for m in months_of_school_year(school_year) if m <= this_month]
    measures = list(_empty(categories))
    table: dict[str, dict[str, int]] = {}
    before: set[str] = set()  # (school|month) not recording yet: 0 in the lines, never shown
    for school, first in recording_from.items():
        if not any(mo >= first for mo in months):
            continue
        row: dict[str, int] = {}
        have = counts.get(school, {})
        for mo in months:
            if mo < first:
                before.add(f"{school}|{mo}")
        for measure in measures:
            year_sum = 0
            for mo in months:
                v = have.get(mo, {}).get(measure, 0) if mo >= first else 0
                row[f"{mo}|{measure}"] = v
                year_sum += v
            row[f"{school_year}|{measure}"] = year_sum
        table[school] = row
    if not table:
        return Published(school_year, tuple(months), {}, {}, min_cell)
    hidden = suppress_publication(
        table,
        equations=equations(school_year, categories, months),
        min_cell=min_cell,
        max_rounds=max_rounds,
    )
    values: dict[tuple[str, str], int | None] = {}
    status: dict[tuple[str, str], str] = {}
    district: dict[str, int] = defaultdict(int)
    for school, row in table.items():
        for column, v in row.items():
            district[column] += v
            key = (school, column)
            if f"{school}|{column.partition('|')[0]}" in before:
                values[key], status[key] = None, "not_recording"
                continue
            values[key] = None if key in hidden else v
            status[key] = "suppressed" if key in hidden else "shown"
    for column, v in district.items():
        key = (DISTRICT, column)
        period = column.partition("|")[0]
        if period != school_year and all(f"{s}|{period}" in before for s in table):
            values[key], status[key] = None, "not_recording"
            continue
        values[key] = None if key in hidden else v
        status[key] = "suppressed" if key in hidden else "shown"
    return Published(school_year, tuple(months), values, status, min_cell)


def rate(published: Published, row: str, period: str, name: str) -> dict[str, Any]:
    """A rate of :data:`RATES` as published: ``value`` (0 to 1) with ``status`` ``shown``;
    ``suppressed`` when a count it is computed from is hidden; ``not_recording``; or
    ``no_denominator`` when there is nothing to divide by (no fights, no closed cases)."""
    top, bottom = RATES[name]
    n, d = published.cell(row, period, top), published.cell(row, period, bottom)
    for part in (d, n):
        if part["status"] != "shown":
            return {"value": None, "status": part["status"], "numerator": None, "denominator": None}
    if not d["count"]:
        return {
            "value": None,
            "status": "no_denominator",
            "numerator": n["count"],
            "denominator": d["count"],
        }
    return {
        "value": n["count"] / d["count"],
        "status": "shown",
        "numerator": n["count"],
        "denominator": d["count"],
    }
