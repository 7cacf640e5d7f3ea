"""CPS "Misconduct, Police Notification and Expulsion Report", school level (.xlsx).

The district publishes one workbook (see ``data/real/cps-discipline-misconduct/SOURCE.md``):
an ``Overview`` sheet of definitions and a ``School Level Behavior Data`` sheet with one row per
school, school year and time period (``EOY``: the whole year; ``S1``: the first semester).
The header row is found by its columns (``School ID``, ``School Year``, ``Time Period``), not by
its position, and any sheet holding it is read (the named one first).

Each number of a row becomes a :class:`~safeschools.model.discipline.DisciplineFigure` for
group ``all`` (the report is school-wide, not by race):

======================================================  ==================================
column                                                  measure
======================================================  ==================================
# of Misconducts                                        ``misconducts``
# of Group 1-2 / 3-4 / 5-6 Misconducts                  ``misconducts_group_1_2`` / ...
# of Suspensions (includes ISS and OSS)                 ``suspensions``
# of ISS / # of OSS                                     ``iss`` / ``oss``
ISS / OSS per 100 Students                              ``iss_per_100`` / ``oss_per_100``
# of Unique Students Receiving ISS / OSS                ``students_iss`` / ``students_oss``
Average Length of ISS / OSS                             ``iss_avg_days`` / ``oss_avg_days``
# of Police Notifications                               ``police_notifications``
Police Notifications per 100 Students                   ``police_notifications_per_100``
# of Unique Students Receiving Police Notification      ``students_police_notification``
# of Students Expelled                                  ``students_expelled``
Expulsions per 100 Students                             ``expulsions_per_100``
======================================================  ==================================

The ``%`` columns are not read: "% of Misconducts Resulting in ..." is the count over
``misconducts``, and "% of Unique Students Receiving ..." is the unique students over the
enrollment the ``per 100`` figures already imply; both can be computed from what is kept.

A cell of ``--`` or a blank cell is kept as ``None`` with a note; for a charter school the note
says that charter schools report only expulsions (the report's Overview sheet). A row is kept
aside as a rejected row, with its line and reason, when its school id is missing or not a
number, its school year or time period is unknown, a cell is not a number, a count is negative
or not whole, or when it repeats the school, year and period of an earlier row.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

from safeschools.errors import DataValidationError, SourceSchemaError
from safeschools.ingest.base import ParseResult, RowError
from safeschools.ingest.workbook import Workbook, cell_text, header_key, open_workbook
from safeschools.model import RejectedRow, school_year_label
from safeschools.model.discipline import MEASURE_UNITS, PERIODS, DisciplineFigure

__all__ = ["COLUMN_MEASURES", "SHEET", "SOURCE", "misconduct_from_xlsx"]

SOURCE = {
    "name": "cps-misconduct",
    "title": "CPS Misconduct, Police Notification and Expulsion Report (school level)",
    "publisher": "Chicago Public Schools, District Data / Metrics",
    "url": "https://www.cps.edu/about/district-data/metrics/",
    "license": "no license stated by the publisher",
    "coverage": "every CPS school, SY2013-14 onwards, end of year (EOY) and first semester "
    "(S1): misconducts by group, suspensions (ISS, OSS), police notifications, expulsions; "
    "school-wide counts, not by student group; charter schools report only expulsions",
}

#: The sheet the district names; other sheets are searched when it is missing.
SHEET = "School Level Behavior Data"

#: Header (as :func:`~safeschools.ingest.workbook.header_key` reads it) to measure.
COLUMN_MEASURES: dict[str, str] = {
    "# of misconducts": "misconducts",
    "# of group 1-2 misconducts": "misconducts_group_1_2",
    "# of group 3-4 misconducts": "misconducts_group_3_4",
    "# of group 5-6 misconducts": "misconducts_group_5_6",
    "# of suspensions": "suspensions",
    "# of iss": "iss",
    "iss per 100 students": "iss_per_100",
    "# of unique students receiving iss": "students_iss",
    "average length of iss": "iss_avg_days",
    "# of oss": "oss",
    "oss per 100 students": "oss_per_100",
    "# of unique students receiving oss": "students_oss",
    "average length of oss": "oss_avg_days",
    "# of police notifications": "police_notifications",
    "police notifications per 100 students": "police_notifications_per_100",
    "# of unique students receiving police notification": "students_police_notification",
    "# of unique students receiving police notifications": "students_police_notification",
    "# of students expelled": "students_expelled",
    "expulsions per 100 students": "expulsions_per_100",
}
_ID, _NAME, _NETWORK, _YEAR, _PERIOD = (
    "school id",
    "school name",
    "school network",
    "school year",
    "time period",
)
_REQUIRED = (_ID, _YEAR, _PERIOD)
#: The columns a rejected row keeps: the ones this importer reads.
_KEPT = frozenset({_ID, _NAME, _NETWORK, _YEAR, _PERIOD, *COLUMN_MEASURES})
_WHAT = "CPS Misconduct, Police Notification and Expulsion Report"
_CHARTER_NOTE = "charter schools report only expulsions"


def _is_header(keys: list[str]) -> bool:
    return all(k in keys for k in _REQUIRED) and any(k in COLUMN_MEASURES for k in keys)


def _find_sheet(book: Workbook) -> tuple[str, int, tuple[Any, ...]]:
    names = book.sheet_names
    ordered = [n for n in names if n.strip().lower() == SHEET.lower()]
    ordered += [n for n in names if n not in ordered]
    for name in ordered:
        found = book.find_header(name, _is_header)
        if found is not None:
            return name, found[0], found[1]
    msg = (
        f"{book.path.name} is not the {_WHAT}: no sheet (it has {', '.join(names)}) has a "
        "header row with School ID, School Year, Time Period and the counts; check the file."
    )
    raise SourceSchemaError(msg)


def _value(raw: Any, header: str, measure: str) -> float | None:
    """A cell as a number; None for blank or ``--``; RowError for anything else wrong."""
    if isinstance(raw, bool):
        raise RowError(f"{header} {raw!r} is not a number")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = cell_text(raw)
        if text is None or text.strip("-–—") == "":
            return None
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            raise RowError(f"{header} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise RowError(f"{header} {raw!r} is not a finite number")
    if value < 0:
        raise RowError(f"{header} {raw!r} is negative")
    if MEASURE_UNITS[measure] in ("incidents", "students") and not value.is_integer():
        raise RowError(f"{header} {raw!r} is not a whole number")
    return value


def _school_id(raw: Any) -> str:
    text = cell_text(raw)
    if text is None:
        raise RowError("School ID is empty")
    if not text.isdigit():
        raise RowError(f"School ID {text!r} is not a CPS school id (digits only)")
    return text


def _school_year(raw: Any) -> str:
    text = cell_text(raw)
    if text is None:
        raise RowError("School Year is empty")
    try:
        return school_year_label(text)
    except DataValidationError as exc:
        raise RowError(str(exc)) from None


def _period(raw: Any) -> str:
    text = (cell_text(raw) or "").upper()
    if text not in PERIODS:
        shown = cell_text(raw)
        raise RowError(f"Time Period {shown!r} is unknown; the report uses EOY or S1")
    return text


def misconduct_from_xlsx(path: Path | str, *, source: str = SOURCE["name"]) -> ParseResult[Any]:
    """Read the school-level misconduct report into discipline figures (see the module text).

    Examples
    --------
    >>> from safeschools.testing import real_data
    >>> result = misconduct_from_xlsx(real_data(
    ...     "cps-discipline-misconduct",
    ...     "misconduct_police_notification_expulsion_report_thru_EOY2022_school_level.xlsx"))
    >>> result.rows_read, len(result.rejects)
    (9220, 0)
    """
    with open_workbook(path, what=_WHAT) as book:
        sheet, header_line, header = _find_sheet(book)
        keys = [header_key(v) for v in header]
        headers = {k: cell_text(v) or k for k, v in zip(keys, header, strict=True)}
        index = {k: i for i, k in reversed(list(enumerate(keys))) if k}
        measures = [(index[k], headers[k], m) for k, m in COLUMN_MEASURES.items() if k in index]
        figures: list[DisciplineFigure] = []
        rejects: list[RejectedRow] = []
        seen: dict[tuple[str, str, str], int] = {}
        rows_read = 0
        for line, values in book.rows(sheet):
            if line <= header_line or all(cell_text(v) is None for v in values):
                continue
            rows_read += 1

            def cell(key: str, values: tuple[Any, ...] = values) -> Any:
                i = index.get(key)
                return values[i] if i is not None and i < len(values) else None

            try:
                school_id = _school_id(cell(_ID))
                school_year = _school_year(cell(_YEAR))
                period = _period(cell(_PERIOD))
                numbers = [
                    (m, _value(values[i] if i < len(values) else None, h, m))
                    for i, h, m in measures
                ]
                first = seen.get((school_id, school_year, period))
                if first is not None:
                    raise RowError(
                        f"duplicate of line {first} (school {school_id}, {school_year} {period})"
                    )
            except RowError as exc:
                raw = {
                    headers.get(k, k): "" if v is None else str(v)
                    for k, v in zip(keys, values, strict=False)
                    if k in _KEPT
                }
                rejects.append(RejectedRow(line, str(exc), raw, Path(path).name))
                continue
            seen[(school_id, school_year, period)] = line
            network = (cell_text(cell(_NETWORK)) or "").lower()
            for measure, value in numbers:
                note = None
                if value is None:
                    note = (
                        _CHARTER_NOTE
                        if network == "charter"
                        else "not given in the report (blank or --)"
                    )
                figures.append(
                    DisciplineFigure(
                        source, school_id, school_year, period, measure, "all", value, note
                    )
                )
    missing = sorted({m for k, m in COLUMN_MEASURES.items() if m not in {x[2] for x in measures}})
    years = sorted({f.school_year for f in figures})
    periods = Counter(k[2] for k in seen)
    notes = [
        f"{len(seen)} school rows ({', '.join(f'{p} {n}' for p, n in sorted(periods.items()))})"
        f" gave {len(figures)} figures"
        + (f", school years {years[0]} to {years[-1]}" if years else "")
    ]
    if missing:
        notes.append(f"measures not in this file: {', '.join(missing)}")
    return ParseResult(
        source=source,
        records=list(figures),
        rejects=rejects,
        format=f"{source}: school-level report (.xlsx, sheet {sheet!r})",
        rows_read=rows_read,
        notes=notes,
    )
