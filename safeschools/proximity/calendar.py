"""School days: which dates students were in school, from a district calendar or from rules.

Method
------
A school year runs from July 1 to June 30 (2023-07-01 .. 2024-06-30 is ``2023-24``).

**A school year the calendar file covers** (it has a ``first_day`` and a ``last_day``):

1. take the weekdays (Monday to Friday) from the first day to the last day, inclusive;
2. remove the ``no_school`` days and add back the ``makeup_school_day`` days;
3. remove the ``unplanned_closure`` days (cold days, strikes, the 2020 COVID closure), unless
   ``as_planned=True`` asks for the calendar as it was planned. A closure that falls on a
   make-up day removes it: the closure came later.

Only the entries that concern the chosen ``grades`` count: entries for ``all`` students always
do; ``ES`` or ``HS`` entries only for that level. With ``grades="all"`` only entries for all
students count, so a day off for one level only stays a school day (some students were in
school); the first and last days are then the earliest first and latest last day of any level.

**Any other school year** follows the *rules* (an approximation, documented in
:data:`RULES_DESCRIPTION`): the weekdays from the day after Labor Day to June 15, less the US
federal and Illinois public holidays of the :mod:`holidays` package
(``holidays.US(subdiv="IL")``: New Year's Day, Martin Luther King Jr. Day, Lincoln's Birthday,
Washington's Birthday, Casimir Pulaski Day, Memorial Day, Columbus Day, Election Day in general
election years, Veterans Day, Thanksgiving, Christmas, and their observed days), less the Friday
after Thanksgiving, a winter break from December 24 to January 1, and a spring break: Monday to
Friday of the week that starts on the first Monday of April. CPS in fact started in August
from 2021-22 on and its spring breaks moved between late March and mid April, so a rules year is
off by several days; :meth:`SchoolCalendar.caveats` says which years are ruled.

Caveats
-------
A compiled calendar is only as complete as its file: a day off it does not list counts as a
school day, so a year's count is an upper bound when days are missing.

Examples
--------
>>> import numpy as np
>>> cal = SchoolCalendar.rules_only()
>>> cal.school_day_mask(np.array(["2030-09-02", "2030-09-03", "2030-09-07"], "datetime64[D]"))
array([False,  True, False])
>>> cal.source_of("2030-31")
'rules'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt

from safeschools.errors import ConfigError
from safeschools.model import CALENDAR_CONFIDENCES, CALENDAR_GRADES, CalendarDay, school_year_label

__all__ = [
    "RULES_DESCRIPTION",
    "SchoolCalendar",
    "rules_school_days",
    "school_year_start",
]

#: The approximation used for a school year no calendar covers.
RULES_DESCRIPTION = (
    "weekdays from the day after Labor Day to June 15, less US federal and Illinois public "
    "holidays, the Friday after Thanksgiving, a winter break from December 24 to January 1 and "
    "a spring break in the week that starts on the first Monday of April"
)

Source = Literal["file", "rules"]
_NAT = np.iinfo(np.int64).min


def school_year_start(days: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """The calendar year each date's school year starts in (2023 for 2024-03-01), vectorised.

    Examples
    --------
    >>> school_year_start(np.array(["2023-07-01", "2024-06-30"], "datetime64[D]"))
    array([2023, 2023])
    """
    d = np.asarray(days, dtype="datetime64[D]")
    months = d.astype("datetime64[M]").astype(np.int64)
    year = months // 12 + 1970
    return np.where(months % 12 >= 6, year, year - 1).astype(np.int64)


def _label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _start_of(school_year: str) -> int:
    return int(school_year_label(school_year)[:4])


def _ordinal(day: date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def _weekdays(first: date, last: date) -> npt.NDArray[np.int64]:
    """Days since 1970-01-01 of the weekdays from ``first`` to ``last`` inclusive."""
    if last < first:
        return np.empty(0, dtype=np.int64)
    span = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + np.timedelta64(1, "D"))
    return span[np.is_busday(span)].astype(np.int64)


def _nth_weekday(year: int, month: int, weekday: int, n: int = 1) -> date:
    """The n-th ``weekday`` (Monday = 0) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def rules_school_days(school_year: str) -> list[date]:
    """The school days of a year by the rules (see :data:`RULES_DESCRIPTION`), in order.

    Examples
    --------
    >>> days = rules_school_days("2030-31")
    >>> days[0], days[-1], len(days)
    (datetime.date(2030, 9, 3), datetime.date(2031, 6, 13), 182)
    """
    import holidays  # imported here: it takes a while and only ruled years need it

    start = _start_of(school_year)
    labor_day = _nth_weekday(start, 9, 0)
    first, last = labor_day + timedelta(days=1), date(start + 1, 6, 15)
    off = set(holidays.country_holidays("US", subdiv="IL", years=(start, start + 1)))
    off.add(_nth_weekday(start, 11, 3, 4) + timedelta(days=1))  # the Friday after Thanksgiving
    winter = date(start, 12, 24)
    off.update(winter + timedelta(days=i) for i in range(9))  # Dec 24 .. Jan 1
    spring = _nth_weekday(start + 1, 4, 0)
    off.update(spring + timedelta(days=i) for i in range(5))  # Monday .. Friday
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5 and d not in off]


class SchoolCalendar:
    """School days of every school year: from calendar entries where a year has them, else
    from rules.

    Parameters
    ----------
    days
        Calendar entries (:class:`~safeschools.model.CalendarDay`) of any school years.
    grades
        ``HS`` (default) or ``ES``: entries for all students and for that level count;
        ``all``: only entries for all students count.
    as_planned
        ``True`` keeps unplanned closures as school days (the calendar as planned); the
        default removes them (the days students actually had classes).

    Examples
    --------
    >>> from safeschools.model import CalendarDay
    >>> cal = SchoolCalendar.from_days(
    ...     [
    ...         CalendarDay("2024-25", date(2024, 8, 26), "first_day"),
    ...         CalendarDay("2024-25", date(2024, 8, 30), "no_school", grades="ES"),
    ...         CalendarDay("2024-25", date(2024, 9, 6), "last_day"),
    ...     ]
    ... )
    >>> cal.count_school_days("2024-25"), cal.source_of("2024-25")
    (10, 'file')
    """

    def __init__(
        self,
        days: Iterable[CalendarDay] = (),
        *,
        grades: str = "HS",
        as_planned: bool = False,
    ) -> None:
        if grades not in CALENDAR_GRADES:
            msg = f"Unknown grades {grades!r}; use one of: {', '.join(CALENDAR_GRADES)}."
            raise ConfigError(msg)
        self.grades = grades
        self.as_planned = as_planned
        by_year: dict[int, list[CalendarDay]] = {}
        for d in days:
            by_year.setdefault(_start_of(d.school_year), []).append(d)
        self._entries = by_year
        self._days: dict[int, npt.NDArray[np.int64]] = {}
        self._from_file: dict[int, bool] = {}
        for start, entries in by_year.items():
            built = self._from_entries(entries)
            if built is not None:
                self._days[start] = built
                self._from_file[start] = True
        self._table = np.zeros(0, dtype=bool)
        self._table_base = 0
        self._table_years = (0, -1)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_days(
        cls, days: Iterable[CalendarDay], *, grades: str = "HS", as_planned: bool = False
    ) -> SchoolCalendar:
        """A calendar from stored or imported entries; years without entries follow rules."""
        return cls(days, grades=grades, as_planned=as_planned)

    @classmethod
    def rules_only(cls, *, grades: str = "HS") -> SchoolCalendar:
        """A calendar with no entries: every school year follows the rules."""
        return cls((), grades=grades)

    # ------------------------------------------------------------------ building
    def _applies(self, entry: CalendarDay) -> bool:
        return entry.grades == "all" or entry.grades == self.grades

    def _bound(self, entries: Sequence[CalendarDay], kind: str) -> date | None:
        rows = [e for e in entries if e.kind == kind]
        if self.grades == "all":
            found = [e.day for e in rows]
            if not found:
                return None
            return min(found) if kind == "first_day" else max(found)
        for wanted in (self.grades, "all"):
            hits = [e.day for e in rows if e.grades == wanted]
            if hits:
                return min(hits) if kind == "first_day" else max(hits)
        return None

    def _from_entries(self, entries: Sequence[CalendarDay]) -> npt.NDArray[np.int64] | None:
        first = self._bound(entries, "first_day")
        last = self._bound(entries, "last_day")
        if first is None or last is None:
            return None
        mine = [e for e in entries if self._applies(e)]
        days = set(_weekdays(first, last).tolist())
        days -= {_ordinal(e.day) for e in mine if e.kind == "no_school"}
        days |= {_ordinal(e.day) for e in mine if e.kind == "makeup_school_day"}
        if not self.as_planned:
            days -= {_ordinal(e.day) for e in mine if e.kind == "unplanned_closure"}
        return np.array(sorted(days), dtype=np.int64)

    def _year_days(self, start: int) -> npt.NDArray[np.int64]:
        days = self._days.get(start)
        if days is None:
            ruled = rules_school_days(_label(start))
            days = np.array([_ordinal(d) for d in ruled], dtype=np.int64)
            self._days[start] = days
        return days

    def _ensure_table(self, first_year: int, last_year: int) -> None:
        """A dense bool table of every day from July 1 of ``first_year`` to June 30 after
        ``last_year``, covering at least the years asked for."""
        lo, hi = self._table_years
        if lo <= first_year and last_year <= hi:
            return
        if hi >= lo:
            first_year, last_year = min(first_year, lo), max(last_year, hi)
        base = _ordinal(date(first_year, 7, 1))
        end = _ordinal(date(last_year + 1, 7, 1))
        table = np.zeros(end - base, dtype=bool)
        for start in range(first_year, last_year + 1):
            table[self._year_days(start) - base] = True
        self._table, self._table_base, self._table_years = table, base, (first_year, last_year)

    # ------------------------------------------------------------------ questions
    @property
    def file_years(self) -> list[str]:
        """School years whose school days come from calendar entries, oldest first."""
        return [_label(s) for s in sorted(self._from_file)]

    def source_of(self, school_year: str) -> Source:
        """``"file"`` when the year's school days come from calendar entries, else ``"rules"``."""
        return "file" if _start_of(school_year) in self._from_file else "rules"

    def school_days(self, school_year: str) -> npt.NDArray[np.datetime64]:
        """The school days of one school year, in order (``datetime64[D]``)."""
        return self._year_days(_start_of(school_year)).astype("datetime64[D]")

    def count_school_days(self, school_year: str) -> int:
        """How many school days one school year has."""
        return int(self._year_days(_start_of(school_year)).shape[0])

    def is_school_day(self, day: date) -> bool:
        """True when ``day`` is a school day."""
        return bool(self.school_day_mask(np.array([day], dtype="datetime64[D]"))[0])

    def school_day_mask(self, days: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """For each local date, True when it is a school day; NaT is never one.

        ``days`` is any array of ``datetime64`` (a finer unit is truncated to the local date)
        or of ISO date strings. Vectorised: one dense lookup table per span of school years,
        kept between calls.
        """
        d = np.asarray(days)
        if d.dtype != np.dtype("datetime64[D]"):
            d = d.astype("datetime64[D]")
        x = d.view(np.int64)
        nat = x == _NAT
        has_nat = bool(nat.any())
        if has_nat:
            if bool(nat.all()):
                return np.zeros(d.shape, dtype=bool)
            x = np.where(nat, x[~nat].min(), x)
        if x.size == 0:
            return np.zeros(d.shape, dtype=bool)
        lo, hi = int(x.min()), int(x.max())
        first_year = int(school_year_start(np.array([lo], dtype="datetime64[D]"))[0])
        last_year = int(school_year_start(np.array([hi], dtype="datetime64[D]"))[0])
        self._ensure_table(first_year, last_year)
        out = self._table[x - self._table_base]
        if has_nat:
            out[nat] = False
        return out

    def caveats(self, school_years: Iterable[str]) -> list[str]:
        """Plain sentences on where the school days of these years come from.

        One sentence per year from calendar entries (with the confidence of its entries), one
        for all ruled years together, and one on what a compiled calendar can miss.
        """
        starts = sorted({_start_of(y) for y in school_years})
        notes: list[str] = []
        level = {"HS": "high school", "ES": "elementary", "all": "all students"}[self.grades]
        closures = (
            "unplanned closures kept as school days"
            if self.as_planned
            else "unplanned closures removed"
        )
        filed = [s for s in starts if s in self._from_file]
        for start in filed:
            entries = [e for e in self._entries[start] if self._applies(e)]
            mix = Counter(e.confidence or "unrated" for e in entries)
            parts = [f"{mix[c]} {c}" for c in (*CALENDAR_CONFIDENCES, "unrated") if mix[c]]
            notes.append(
                f"{_label(start)}: {self.count_school_days(_label(start))} school days from the "
                f"imported calendar ({level}; {len(entries)} entries, confidence "
                f"{', '.join(parts)}; {closures})."
            )
        ruled = [s for s in starts if s not in self._from_file]
        if ruled:
            partial = [s for s in ruled if s in self._entries]
            extra = (
                " (" + ", ".join(_label(s) for s in partial) + " has calendar entries but no "
                "first or last day)"
                if partial
                else ""
            )
            notes.append(
                f"{', '.join(_label(s) for s in ruled)}: no imported calendar{extra}; school "
                f"days approximated as {RULES_DESCRIPTION}. Real calendars differ by several "
                "days (recent CPS years start in August)."
            )
        if filed:
            notes.append(
                "An imported calendar is only as complete as its file: a day off it does not "
                "list counts as a school day, so a year's count is an upper bound."
            )
        return notes
