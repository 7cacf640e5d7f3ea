"""A school calendar fact: one dated entry of a district's school-year calendar.

A school year runs from July 1 to June 30 and is written ``2023-24``. A calendar lists, per
school year, the first and last student day and the weekdays in between on which students had
(or were meant to have) no classes; a :class:`CalendarDay` is one such entry.

Kinds (:data:`CALENDAR_KINDS`):

``first_day`` / ``last_day``
    The first and the last student day (both are school days).
``no_school``
    A planned day without students: holiday, vacation, School Improvement Day, professional
    development or parent-teacher conference day.
``unplanned_closure``
    Classes canceled after the calendar was set (cold days, strikes, the 2020 COVID closure).
``makeup_school_day``
    A day first planned without school and turned into a student day.

``grades`` says whom an entry concerns (:data:`CALENDAR_GRADES`): ``all`` students, or only
elementary (``ES``) or only high-school (``HS``) students.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from safeschools.errors import DataValidationError
from safeschools.model.schools import school_year_label

__all__ = [
    "CALENDAR_CONFIDENCES",
    "CALENDAR_GRADES",
    "CALENDAR_KINDS",
    "CalendarDay",
    "school_year_bounds",
    "school_year_of",
]

#: What a calendar entry says about its day.
CALENDAR_KINDS = ("first_day", "last_day", "no_school", "unplanned_closure", "makeup_school_day")
#: Whom it concerns: every student, or only elementary or only high-school students.
CALENDAR_GRADES = ("all", "ES", "HS")
#: How sure the compiler of the calendar was.
CALENDAR_CONFIDENCES = ("high", "medium", "low")


def school_year_of(day: date) -> str:
    """The school year (July 1 .. June 30) a date falls in.

    Examples
    --------
    >>> school_year_of(date(2023, 7, 1))
    '2023-24'
    >>> school_year_of(date(2024, 6, 30))
    '2023-24'
    """
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def school_year_bounds(school_year: str) -> tuple[date, date]:
    """The first and last date (July 1, June 30) of a school year.

    Examples
    --------
    >>> school_year_bounds("2023-24")
    (datetime.date(2023, 7, 1), datetime.date(2024, 6, 30))
    """
    start = int(school_year_label(school_year)[:4])
    return date(start, 7, 1), date(start + 1, 6, 30)


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One entry of a school calendar: on ``day`` of ``school_year``, ``kind`` for ``grades``.

    ``note`` keeps what the calendar says about the day (its label, caveats, sources).

    Raises
    ------
    DataValidationError
        An unknown kind, grades or confidence, or a day outside its school year.

    Examples
    --------
    >>> CalendarDay("2024-25", date(2024, 11, 28), "no_school", note="Thanksgiving")
    CalendarDay(school_year='2024-25', day=datetime.date(2024, 11, 28), kind='no_school', \
grades='all', confidence=None, note='Thanksgiving')
    """

    school_year: str
    day: date
    kind: str
    grades: str = "all"
    confidence: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in CALENDAR_KINDS:
            msg = f"Unknown calendar kind {self.kind!r}; use one of: {', '.join(CALENDAR_KINDS)}."
            raise DataValidationError(msg)
        if self.grades not in CALENDAR_GRADES:
            msg = f"Unknown grades {self.grades!r}; use one of: {', '.join(CALENDAR_GRADES)}."
            raise DataValidationError(msg)
        if self.confidence is not None and self.confidence not in CALENDAR_CONFIDENCES:
            msg = (
                f"Unknown confidence {self.confidence!r}; use one of: "
                f"{', '.join(CALENDAR_CONFIDENCES)} (or leave it empty)."
            )
            raise DataValidationError(msg)
        if school_year_of(self.day) != self.school_year:
            msg = (
                f"{self.day.isoformat()} is not in school year {self.school_year} "
                f"(July 1 .. June 30); it belongs to {school_year_of(self.day)}."
            )
            raise DataValidationError(msg)
