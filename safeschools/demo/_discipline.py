"""Officers, enrollments and discipline of the demo city's schools, with a known effect.

Made up from the schools (their ids, governance, grades and enrollment) and a generator of its
own, so the rest of the city is the same with or without them:

- **School years** 2016-17 to 2023-24 (from 2016-17 for the schools of 2020-21, then each
  year's own schools), end-of-year figures only.
- **Officers.** Every district high school has 2 school resource officers until it removes them:
  a quarter in 2020-21, a quarter in 2021-22, a quarter in 2023-24, the rest in 2024-25 (when
  every school is without officers, as in Chicago). No other school has officers.
- **Enrollment** by race (black, hispanic, white, asian, multiracial), sex, disability and
  English learners, drawn around the school's enrollment.
- **Discipline.** Students with at least one out-of-school suspension, in-school suspension,
  police notification or expulsion, per group: binomial draws of a base risk times a group
  factor (black students 2.5x, students with disabilities 1.8x, boys 1.5x the base), so the
  disparity pages have something to find; incident counts (misconducts, suspensions, police
  notifications) follow from them. Small schools give counts under 10, which public pages
  must suppress.
- **The known effect.** While a school has officers its police-notification risk is
  :data:`OFFICER_EFFECT` times what it would be; suspensions do not depend on officers. The
  evaluation page should find a drop in police notifications after removal and none in
  suspensions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from safeschools.model import School
from safeschools.model.discipline import DisciplineFigure, Enrollment
from safeschools.model.officers import SroAssignment

__all__ = ["DEMO_DISCIPLINE_YEARS", "OFFICER_EFFECT", "make_discipline"]

DEMO_DISCIPLINE_YEARS = (
    "2016-17",
    "2017-18",
    "2018-19",
    "2019-20",
    "2020-21",
    "2021-22",
    "2022-23",
    "2023-24",
)
#: Police-notification risk with officers, as a multiple of the risk without them.
OFFICER_EFFECT = 1.6
_SOURCE = "demo-synthetic"
_REMOVAL_YEARS = ("2020-21", "2021-22", "2023-24", "2024-25")
_RACE_SHARES = {"black": 0.36, "hispanic": 0.46, "white": 0.11, "asian": 0.04, "multiracial": 0.03}
_RACE_FACTOR = {"black": 2.5, "hispanic": 1.0, "white": 0.7, "asian": 0.5, "multiracial": 1.2}
# Base risks of a student with no group factor: (out-of-school, in-school, police, expelled).
_BASE = {
    "students_oss": 0.035,
    "students_iss": 0.03,
    "students_police_notification": 0.014,
    "students_expelled": 0.0015,
}
_YEAR_TREND = {"2020-21": 0.4}  # remote learning: far less discipline that year


def _year_index(year: str) -> int:
    return int(year[:4])


def _officers(rng: np.random.Generator, schools: Sequence[School]) -> list[SroAssignment]:
    high = sorted(
        {s.school_id for s in schools if s.governance == "district" and s.grade_category == "HS"}
    )
    order = rng.permutation(len(high))
    out: list[SroAssignment] = []
    for rank, index in enumerate(order):
        removal = _REMOVAL_YEARS[rank * len(_REMOVAL_YEARS) // len(high)]
        for year in (*DEMO_DISCIPLINE_YEARS, "2024-25"):
            officers = 2 if _year_index(year) < _year_index(removal) else 0
            out.append(SroAssignment(high[index], year, "sro", officers, _SOURCE, "synthetic"))
    return out


def make_discipline(
    seed: int, schools: Sequence[School]
) -> tuple[list[SroAssignment], list[Enrollment], list[DisciplineFigure]]:
    """Officer assignments, enrollments and discipline figures for the demo ``schools``."""
    rng = np.random.default_rng([seed, 6])
    by_year: dict[str, list[School]] = {}
    first = min(s.school_year for s in schools)
    for year in DEMO_DISCIPLINE_YEARS:
        source_year = year if _year_index(year) >= _year_index(first) else first
        by_year[year] = sorted(
            (s for s in schools if s.school_year == source_year), key=lambda s: s.school_id
        )
    assignments = _officers(rng, [s for s in schools if s.school_year == first])
    with_officers = {(a.school_id, a.school_year) for a in assignments if a.officers > 0}
    enrollments: list[Enrollment] = []
    figures: list[DisciplineFigure] = []
    shares = np.array(list(_RACE_SHARES.values()))
    for year in DEMO_DISCIPLINE_YEARS:
        for school in by_year[year]:
            sid = school.school_id
            floor = 700 if school.grade_category == "HS" else 60  # high schools are big
            total = int(max(floor, rng.normal(school.enrollment or 500, 40)))
            mix = rng.dirichlet(shares * 40)
            race_n = dict(zip(_RACE_SHARES, rng.multinomial(total, mix).tolist(), strict=True))
            female = int(rng.binomial(total, 0.5))
            disability = int(rng.binomial(total, 0.15))
            el = int(rng.binomial(total, 0.2))
            groups_n = {
                "all": total,
                **race_n,
                "female": female,
                "male": total - female,
                "disability": disability,
                "el": el,
            }
            for group, n in groups_n.items():
                enrollments.append(Enrollment(_SOURCE, sid, year, group, n, "synthetic"))
            high = school.grade_category == "HS"
            students: dict[str, int] = {}
            for measure, base in _BASE.items():
                risk = base * (1.8 if high else 1.0) * _YEAR_TREND.get(year, 1.0)
                if measure == "students_police_notification" and (sid, year) in with_officers:
                    risk *= OFFICER_EFFECT
                race_a = {
                    g: int(rng.binomial(n, min(0.9, risk * _RACE_FACTOR[g])))
                    for g, n in race_n.items()
                }
                all_a = students[measure] = sum(race_a.values())
                female_a = int(rng.binomial(all_a, 0.4))
                counts = {
                    "all": all_a,
                    **race_a,
                    "female": female_a,
                    "male": all_a - female_a,
                    "disability": min(disability, int(rng.binomial(all_a, 0.27))),
                    "el": min(el, int(rng.binomial(all_a, 0.18))),
                }
                for group, a in counts.items():
                    figures.append(
                        DisciplineFigure(_SOURCE, sid, year, "EOY", measure, group, float(a))
                    )
            figures.extend(_incidents(rng, sid, year, students))
    return assignments, enrollments, figures


def _incidents(
    rng: np.random.Generator, school_id: str, year: str, students: dict[str, int]
) -> list[DisciplineFigure]:
    """School-wide incident counts that follow from the students counted (a student is
    disciplined 1.4 times on average; misconducts are 4 times the suspensions)."""
    oss = students["students_oss"] + int(rng.poisson(0.4 * students["students_oss"]))
    iss = students["students_iss"] + int(rng.poisson(0.4 * students["students_iss"]))
    police = students["students_police_notification"] + int(
        rng.poisson(0.2 * students["students_police_notification"])
    )
    suspensions = oss + iss
    misconducts = 4 * suspensions + int(rng.poisson(10))
    values = {
        "misconducts": misconducts,
        "suspensions": suspensions,
        "oss": oss,
        "iss": iss,
        "police_notifications": police,
        "expulsions": students["students_expelled"],
    }
    return [
        DisciplineFigure(_SOURCE, school_id, year, "EOY", m, "all", float(v))
        for m, v in values.items()
    ]
