"""Discipline counts and enrollments by school, year and student group, from any publisher.

One long shape serves every source (the CPS misconduct report, CPS 20th-day demographics, the
Illinois State Board of Education end-of-year file, the federal Civil Rights Data Collection):
a :class:`DisciplineFigure` is one published number for one school, school year, reporting
period, measure and student group; an :class:`Enrollment` is the students of one group.

A value the publisher did not give (blank, ``--``, ``NULL``, redacted under FERPA) is ``None``
with a ``note`` saying why; it is never read as zero. Whether a count is of students
(unduplicated: one student suspended three times counts once) or of incidents is part of the
measure (:data:`MEASURE_UNITS`); risk uses students only.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DISCIPLINE_SOURCES",
    "GROUPS",
    "GROUP_KINDS",
    "MEASURE_UNITS",
    "PERIODS",
    "DisciplineFigure",
    "Enrollment",
    "NameMatch",
]

#: Publisher keys, as the importers declare them.
DISCIPLINE_SOURCES = ("cps-misconduct", "cps-demographics", "isbe-eoy", "crdc")

#: ``EOY``: the whole school year; ``S1``: its first semester only.
PERIODS = ("EOY", "S1")

#: Student groups and the dimension each belongs to; ``all`` is every student.
GROUP_KINDS: dict[str, str] = {
    "all": "all",
    "hispanic": "race",
    "american_indian": "race",
    "asian": "race",
    "pacific_islander": "race",
    "asian_pacific_islander": "race",
    "black": "race",
    "white": "race",
    "multiracial": "race",
    "race_not_available": "race",
    "female": "sex",
    "male": "sex",
    "el": "program",
    "disability": "program",
    "low_income": "program",
    "grades_k_8": "grade",
    "grades_9_12": "grade",
}
GROUPS = tuple(GROUP_KINDS)

#: Every measure and its unit: ``students`` (unduplicated), ``incidents``, ``per_100``
#: (published per 100 students), ``days`` (average length) or ``staff``.
MEASURE_UNITS: dict[str, str] = {
    "misconducts": "incidents",
    "misconducts_group_1_2": "incidents",
    "misconducts_group_3_4": "incidents",
    "misconducts_group_5_6": "incidents",
    "suspensions": "incidents",
    "iss": "incidents",
    "oss": "incidents",
    "expulsions": "incidents",
    "police_notifications": "incidents",
    "iss_per_100": "per_100",
    "oss_per_100": "per_100",
    "police_notifications_per_100": "per_100",
    "expulsions_per_100": "per_100",
    "iss_avg_days": "days",
    "oss_avg_days": "days",
    "students_iss": "students",
    "students_oss": "students",
    "students_suspended": "students",
    "students_police_notification": "students",
    "students_expelled": "students",
    "students_referred_law_enforcement": "students",
    "students_arrested": "students",
    "students_corporal_punishment": "students",
    "sworn_officers": "staff",
    "security_guards": "staff",
}


@dataclass(frozen=True)
class DisciplineFigure:
    """One published discipline number: ``value`` None when the publisher gave none
    (``note`` says why, e.g. "redacted at source (FERPA)" or "charters report only
    expulsions")."""

    source: str
    school_id: str
    school_year: str
    period: str
    measure: str
    group: str
    value: float | None
    note: str | None = None

    @property
    def unit(self) -> str:
        return MEASURE_UNITS[self.measure]


@dataclass(frozen=True)
class Enrollment:
    """Students of one group at one school in one school year (a count date such as the 20th
    day, or the CRDC's fall snapshot); ``students`` None when not given."""

    source: str
    school_id: str
    school_year: str
    group: str
    students: int | None
    note: str | None = None


@dataclass(frozen=True)
class NameMatch:
    """One row of a name crosswalk from a publisher's school name to a CPS school id.

    ``method``: ``exact``, ``normalized``, ``fuzzy`` (with ``score`` 0-100), ``reviewed``
    (confirmed or set by a person in the crosswalk file) or ``unmatched`` (``school_id``
    None). Only ``exact``, ``normalized`` and ``reviewed`` matches are used by an import
    unless the caller accepts fuzzy ones.
    """

    source: str
    source_name: str
    school_id: str | None
    method: str
    score: float | None = None
    cps_name: str | None = None
    note: str | None = None
