"""CPS school-year calendars, compiled one row per date.

The file has the columns ``school_year``, ``date`` (ISO), ``kind`` and optionally ``weekday``,
``label``, ``grades``, ``confidence``, ``sources`` and ``note`` (see
``data/real/cps-calendars/SOURCE.md``). Each row becomes a
:class:`~safeschools.model.CalendarDay`; its ``note`` keeps the label, the caveat and the source
keys, so nothing the file says is lost.

A row is rejected, with its reason, when its date is not a date, is outside its school year
(July 1 .. June 30), does not fall on the weekday the row gives, or when its kind, grades or
confidence is unknown. One date may carry several facts (2020-06-18 is both the last day and a
make-up day), so rows are told apart by (school_year, date, grades, kind); a second row with the
same four values, or a second first or last day for the same grades in one school year, is
rejected as a duplicate.
A school year without a first or a last day gets a note: the calendar then falls back to rules
for that year (see :mod:`safeschools.proximity.calendar`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

from safeschools.errors import DataValidationError
from safeschools.ingest.base import (
    ParseResult,
    RowError,
    TableFile,
    parse_rows,
    read_table,
    require_columns,
)
from safeschools.ingest.encoding import encoding_note
from safeschools.model import CalendarDay, school_year_label

__all__ = ["SOURCE", "calendar_day_key", "calendars_from_file", "calendars_from_table"]

SOURCE = {
    "name": "cps-calendars",
    "title": "CPS school-year calendars (compiled)",
    "publisher": "Chicago Public Schools, compiled from news reports and CPS releases",
    "url": "https://www.cps.edu/calendar",
    "license": "facts compiled from public reports; see the file's SOURCE.md",
    "coverage": "SY2018-19 to SY2024-25: first and last student day, days without school "
    "(all students, or elementary / high school only), unplanned closures and make-up days; "
    "each date with a confidence level; some years miss 1-3 days off",
}

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def calendar_day_key(day: CalendarDay) -> str:
    """What tells two calendar rows apart: one first and one last day per school year and
    grades, and otherwise one row per (school_year, date, grades, kind).

    Examples
    --------
    >>> calendar_day_key(CalendarDay("2019-20", date(2020, 6, 18), "makeup_school_day"))
    '2019-20 2020-06-18 all makeup_school_day'
    >>> calendar_day_key(CalendarDay("2019-20", date(2020, 6, 18), "last_day"))
    '2019-20 all last_day'
    """
    if day.kind in ("first_day", "last_day"):
        return f"{day.school_year} {day.grades} {day.kind}"
    return f"{day.school_year} {day.day.isoformat()} {day.grades} {day.kind}"


def _make(table: TableFile) -> Callable[[dict[str, str]], CalendarDay]:
    col_year = table.column("school_year")
    col_date = table.column("date", "day")
    col_kind = table.column("kind")
    col_weekday = table.column("weekday")
    col_label = table.column("label")
    col_grades = table.column("grades")
    col_conf = table.column("confidence")
    col_sources = table.column("sources")
    col_note = table.column("note")

    def get(row: dict[str, str], column: str | None) -> str:
        return (row.get(column) or "").strip() if column else ""

    def make(row: dict[str, str]) -> CalendarDay:
        try:
            school_year = school_year_label(get(row, col_year))
        except DataValidationError as exc:
            raise RowError(str(exc)) from None
        text = get(row, col_date)
        if not text:
            raise RowError("date is empty")
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise RowError(f"date {text!r} is not a date (expected YYYY-MM-DD)") from None
        weekday = get(row, col_weekday)
        if weekday and weekday[:3].title() != _WEEKDAYS[day.weekday()]:
            raise RowError(
                f"weekday {weekday!r} does not match {text} (a {_WEEKDAYS[day.weekday()]}); "
                "check the date"
            )
        note_parts = [p for p in (get(row, col_label), get(row, col_note)) if p]
        sources = get(row, col_sources)
        note = ". ".join(note_parts)
        if sources:
            note = f"{note} (sources: {sources})" if note else f"sources: {sources}"
        try:
            return CalendarDay(
                school_year=school_year,
                day=day,
                kind=get(row, col_kind),
                grades=get(row, col_grades) or "all",
                confidence=get(row, col_conf).lower() or None,
                note=note or None,
            )
        except DataValidationError as exc:
            raise RowError(str(exc)) from None

    return make


def calendars_from_table(
    table: TableFile, *, source: str = SOURCE["name"]
) -> ParseResult[CalendarDay]:
    """Read an already opened calendar table; see the module docstring for the rules."""
    require_columns(table, "school calendar", [("school_year",), ("date", "day"), ("kind",)])
    records, rejects, rows_read = parse_rows(table, _make(table), key=calendar_day_key)
    notes: list[str] = []
    years = sorted({r.school_year for r in records})
    if years:
        notes.append(f"{len(years)} school year(s): {', '.join(years)}")
    ends: dict[str, dict[str, date]] = {}
    for r in records:
        if r.kind in ("first_day", "last_day"):
            ends.setdefault(r.school_year, {})[r.kind] = r.day
    for year in years:
        found = ends.get(year, {})
        missing = [k for k in ("first_day", "last_day") if k not in found]
        if missing:
            notes.append(
                f"{year} has no {' or '.join(missing)} row: school days of {year} will "
                "follow the rules, not this file"
            )
        elif found["first_day"] > found["last_day"]:
            notes.append(
                f"{year}: first_day {found['first_day']} is after last_day "
                f"{found['last_day']}; the year will have no school days"
            )
    kinds = Counter(r.kind for r in records)
    if kinds:
        notes.append(", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    return ParseResult(
        source=source,
        records=records,
        rejects=rejects,
        format=f"{source}: calendar CSV",
        rows_read=rows_read,
        notes=notes,
    )


def calendars_from_file(path: Path | str) -> ParseResult[CalendarDay]:
    """Read a compiled school calendar file (CSV or JSON rows).

    Examples
    --------
    >>> from safeschools.testing import real_data
    >>> result = calendars_from_file(real_data("cps-calendars", "calendars.csv"))
    >>> result.rows_read, len(result.records), result.rejects
    (256, 256, [])
    """
    with read_table(path) as table:
        result = calendars_from_table(table)
    result.notes.extend(encoding_note(table.encoding))
    return result
