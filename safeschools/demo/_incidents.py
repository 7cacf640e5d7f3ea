"""Incidents recorded by the demo city's schools, and the restorative cases opened from them.

Made up from the schools of the last demo school year (their ids, grades and enrollment) and the
officers' history, with a generator of its own (so the rest of the city is the same with or
without them):

- **School years** 2021-22 to 2025-26, school months only (September to June), on weekdays
  between 7:30 and 16:00.
- **How many.** Per school and month a Poisson draw around a rate that grows with enrollment
  (high schools more than elementary schools); most schools have months with one or two
  incidents, which the public pages must hide under the minimum cell size, while the two
  largest high schools are busy enough (about 22 a month) for many monthly counts to show.
- **Categories and places** drawn with fixed shares (fights and bullying the most common).
- **Responses.** While a school has officers (the demo's officer history), a fight gets a
  restorative response (conference or mediation) in about a quarter of cases, a suspension in
  half, police in a third; once the officers are gone, restorative responses rise to more than
  half and suspensions and police calls fall. Schools that never had officers sit in between.
- **Cases.** A share of the fights with a restorative response open a case: a conference a few
  days later with roles (never people), a synthetic agreement, one or two follow-ups, closed
  within about two months with an outcome; "involved again within 90 days" is answered once 90
  days have passed (:data:`DEMO_AS_OF` is the demo's "today").

Every incident's id (``external_id``) begins with ``demo-synthetic:`` and its staff note, like
every case's agreement, says SYNTHETIC.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import numpy as np

from safeschools.model import School
from safeschools.model.incidents import CASE_PARTICIPANT_ROLES, Incident
from safeschools.model.officers import SroAssignment

__all__ = [
    "DEMO_AS_OF",
    "DEMO_INCIDENT_PREFIX",
    "DEMO_INCIDENT_YEARS",
    "DemoCase",
    "make_incidents",
]

#: The school years of the demo's incidents.
DEMO_INCIDENT_YEARS = ("2021-22", "2022-23", "2023-24", "2024-25", "2025-26")
#: The demo's "today" for its cases: the end of its last school year.
DEMO_AS_OF = date(2026, 6, 30)
#: How every demo incident's ``external_id`` begins.
DEMO_INCIDENT_PREFIX = "demo-synthetic:"
SYNTHETIC_NOTE = "SYNTHETIC: a made-up incident of the demo city; not real data."
SYNTHETIC_AGREEMENT = "SYNTHETIC: a made-up agreement of the demo city; not real data."

_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6)
_CATEGORIES = ("fight", "fight_injury", "weapon", "threat", "bullying", "trespass", "other")
_CATEGORY_SHARES = (0.32, 0.07, 0.04, 0.13, 0.26, 0.04, 0.14)
_PLACES = ("inside", "grounds", "bus", "near_school")
_PLACE_SHARES = (0.6, 0.2, 0.07, 0.13)
# incidents per school month per 1,000 students, by grade category
_RATE = {"HS": 1.8, "MS": 1.4, "ES": 0.8}
#: The largest high schools are busy: this many incidents a month on average.
_BUSY_RATE = 22.0
_BUSY_SCHOOLS = 2
# a fight's chances of a restorative response, a suspension and a police call
_WITH_OFFICERS = (0.25, 0.5, 0.32)
_NEVER_HAD = (0.4, 0.35, 0.15)
_AFTER_OFFICERS = (0.58, 0.28, 0.1)
_CASE_SHARE = 0.6  # of fights with a restorative response
_OUTCOMES = ("repaired", "partly", "not_repaired")
_OUTCOME_SHARES = (0.55, 0.3, 0.15)
_RECURRENCE = 0.18
_NOTES = ("Check in with each student", "Call home", "Review the agreement together")


@dataclass(frozen=True)
class DemoCase:
    """The case opened from the demo incident ``external_id`` (fields of
    :func:`safeschools.model.cases.case_from_dict`)."""

    external_id: str
    data: dict[str, object]


def _calendar_year(school_year: str, month: int) -> int:
    start = int(school_year[:4])
    return start if month >= 9 else start + 1


def _officer_years(officers: Sequence[SroAssignment]) -> dict[str, dict[str, int]]:
    years: dict[str, dict[str, int]] = {}
    for a in officers:
        if a.kind == "sro":
            years.setdefault(a.school_id, {})[a.school_year] = a.officers
    return years


def _chances(history: dict[str, int] | None, school_year: str) -> tuple[float, float, float]:
    if not history or not any(history.values()):
        return _NEVER_HAD
    # the officer history ends in 2024-25 (none anywhere from then on)
    return _WITH_OFFICERS if history.get(school_year, 0) > 0 else _AFTER_OFFICERS


@cache
def _weekdays(year: int, month: int) -> tuple[int, ...]:
    last = calendar.monthrange(year, month)[1]
    return tuple(d for d in range(1, last + 1) if date(year, month, d).weekday() < 5)


def _pick(rng: np.random.Generator, shares: tuple[float, ...]) -> int:
    """An index drawn with the given shares (they add up to 1)."""
    draw, total = rng.random(), 0.0
    for index, share in enumerate(shares):
        total += share
        if draw < total:
            return index
    return len(shares) - 1


def _day(rng: np.random.Generator, year: int, month: int) -> datetime:
    days = _weekdays(year, month)
    day = days[int(rng.integers(len(days)))]
    minutes = int(rng.integers(7 * 60 + 30, 16 * 60))
    return datetime.combine(date(year, month, day), time(minutes // 60, minutes % 60))


def _responses(
    rng: np.random.Generator, category: str, chances: tuple[float, float, float]
) -> tuple[tuple[str, ...], bool]:
    """The school's responses and whether police were called."""
    restorative, suspension, police = chances
    fight = category in ("fight", "fight_injury")
    out: list[str] = []
    if fight:
        if rng.random() < restorative:
            out.append("restorative_conference" if rng.random() < 0.7 else "mediation")
        if rng.random() < suspension:
            out.append("suspension")
    elif rng.random() < 0.3:
        out.append("mediation" if category == "bullying" else "counselling")
    if rng.random() < 0.5:
        out.append("parent_meeting")
    if rng.random() < 0.25:
        out.append("counselling")
    order = (
        "restorative_conference",
        "mediation",
        "counselling",
        "parent_meeting",
        "suspension",
        "other",
    )
    chosen = tuple(r for r in order if r in out) or ("other",)
    base = {"weapon": 0.7, "fight_injury": police * 1.5, "fight": police}.get(category, 0.03)
    return chosen, bool(rng.random() < min(base, 0.95))


def _police_reason(category: str) -> str:
    return {"weapon": "weapon", "fight_injury": "serious_injury"}.get(category, "immediate_danger")


def _case(rng: np.random.Generator, incident: Incident, external_id: str) -> DemoCase:
    occurred = incident.occurred_at.date()
    opened = occurred + timedelta(days=int(rng.integers(0, 3)))
    conference = opened + timedelta(days=int(rng.integers(1, 8)))
    others = [r for r in CASE_PARTICIPANT_ROLES if r != "students_involved"]
    picked = rng.choice(len(others), size=int(rng.integers(2, 4)), replace=False)
    participants = ["students_involved", *(others[int(i)] for i in sorted(picked))]
    followups = []
    for k in range(int(rng.integers(1, 3))):
        due = conference + timedelta(days=7 * (k + 1))
        done = due if due <= DEMO_AS_OF and rng.random() < 0.85 else None
        followups.append({"due": due, "done_on": done, "note": _NOTES[k % len(_NOTES)]})
    closed = conference + timedelta(days=int(rng.integers(14, 60)))
    data: dict[str, object] = {
        "opened_on": opened,
        "conference_on": conference if conference <= DEMO_AS_OF else None,
        "participants": participants if conference <= DEMO_AS_OF else [],
        "agreement": SYNTHETIC_AGREEMENT if conference <= DEMO_AS_OF else "",
        "followups": followups,
    }
    if closed <= DEMO_AS_OF:
        outcome = _OUTCOMES[_pick(rng, _OUTCOME_SHARES)]
        data.update(status="closed", closed_on=closed, outcome=outcome)
    again = bool(rng.random() < _RECURRENCE)
    if occurred + timedelta(days=90) <= DEMO_AS_OF:
        data["recurred_within_90_days"] = "yes" if again else "no"
    return DemoCase(external_id, data)


def make_incidents(
    seed: int, schools: Sequence[School], officers: Sequence[SroAssignment]
) -> tuple[list[Incident], list[DemoCase]]:
    """The demo schools' incidents of :data:`DEMO_INCIDENT_YEARS` (oldest first) and the cases
    opened from some of their fights. Pure: the same arguments always give equal records.

    Examples
    --------
    >>> school = School("900001", "2024-25", "Demo High (synthetic)", lat=41.8, lon=-87.6,
    ...                 grade_category="HS", enrollment=1200)
    >>> incidents, cases = make_incidents(2024, [school], [])
    >>> incidents[0].external_id.startswith("demo-synthetic:900001:")
    True
    """
    rng = np.random.default_rng([seed, 14])
    last_year = max(s.school_year for s in schools)
    current = sorted((s for s in schools if s.school_year == last_year), key=lambda s: s.school_id)
    history = _officer_years(officers)
    incidents: list[Incident] = []
    cases: list[DemoCase] = []
    high = [s for s in current if s.grade_category == "HS"]
    busy = {s.school_id for s in sorted(high, key=lambda s: -(s.enrollment or 0))[:_BUSY_SCHOOLS]}
    for school in current:
        rate = _RATE.get(school.grade_category or "ES", 1.6) * (school.enrollment or 400) / 1000
        rate = _BUSY_RATE if school.school_id in busy else rate
        n = 0
        for school_year in DEMO_INCIDENT_YEARS:
            chances = _chances(history.get(school.school_id), school_year)
            for month in _MONTHS:
                year = _calendar_year(school_year, month)
                for _ in range(int(rng.poisson(rate))):
                    n += 1
                    category = _CATEGORIES[_pick(rng, _CATEGORY_SHARES)]
                    responses, police = _responses(rng, category, chances)
                    fight = category in ("fight", "fight_injury")
                    external_id = f"{DEMO_INCIDENT_PREFIX}{school.school_id}:{n}"
                    incident = Incident(
                        school_id=school.school_id,
                        occurred_at=_day(rng, year, month),
                        category=category,
                        place=_PLACES[_pick(rng, _PLACE_SHARES)],
                        students_involved=int(rng.integers(2, 5) if fight else rng.integers(1, 4)),
                        injuries=int(rng.integers(1, 3)) if category == "fight_injury" else 0,
                        police_called=police,
                        police_reason=_police_reason(category) if police else None,
                        responses=responses,
                        staff_note=SYNTHETIC_NOTE,
                        source="import",
                        external_id=external_id,
                    )
                    incidents.append(incident)
                    if fight and incident.restorative and rng.random() < _CASE_SHARE:
                        cases.append(_case(rng, incident, external_id))
    incidents.sort(key=lambda i: (i.occurred_at, i.external_id or ""))
    return incidents, cases
