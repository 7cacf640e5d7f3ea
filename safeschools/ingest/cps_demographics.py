"""CPS 20th-day demographics by school (.xlsx): race and ethnicity; English learners, special
education and low income.

The district publishes two workbooks a year (see ``data/real/cps-demographics/SOURCE.md``),
each with a ``Schools`` sheet whose header takes two rows: a category row (``White``,
``African American``, ... or ``Bilingual``, ``SpED``, ``Free/Reduced Lunch``) above a row of
``School ID``, ..., ``Total``, then ``No``/``N`` and ``Pct``/``%`` under each category. Which of
the two files it is comes from the categories it names; the header rows are found by their
cells, not by their position.

Each school row gives :class:`~safeschools.model.discipline.Enrollment` counts (the ``Pct``
columns are the count over ``Total`` and are not read):

==========================================  =========================
column                                      group
==========================================  =========================
Total                                       ``all``
White                                       ``white``
African American                            ``black``
Asian/Pacific Islander (Retired)            ``asian_pacific_islander``
Native American/Alaskan                     ``american_indian``
Hispanic                                    ``hispanic``
Multi-Racial (spelled "Mulit-Racial")       ``multiracial``
Asian                                       ``asian``
Hawaiian/Pacific Islander                   ``pacific_islander``
Not Available                               ``race_not_available``
Bilingual                                   ``el`` (English learners)
SpED                                        ``disability``
Free/Reduced Lunch                          ``low_income``
==========================================  =========================

Both files carry ``Total``; imported together they agree, and the second leaves it unchanged.

The first row under the header, "District Total 2022-2023" (no school id), is not stored: the
district is the sum of its schools, and the import checks that the schools add up to it and
says so in a note. The school year comes from that row (or from a "20th Day 2022-2023" title
in the file); a school year given by the user must agree with it, and is needed when the file
names none.

A row is kept aside, with its line and reason, when its school id is not a number, a count is
not a whole non-negative number, or it repeats the school id of an earlier row. A blank count
is kept as ``None`` with a note.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from safeschools.errors import DataValidationError, SourceSchemaError
from safeschools.ingest.base import ParseResult, RowError
from safeschools.ingest.workbook import Workbook, cell_text, header_key, open_workbook
from safeschools.model import RejectedRow, school_year_label
from safeschools.model.discipline import Enrollment

__all__ = ["CATEGORY_GROUPS", "SHEET", "SOURCE", "demographics_from_xlsx"]

SOURCE = {
    "name": "cps-demographics",
    "title": "CPS 20th-day demographics by school (race and ethnicity; bilingual, SpEd, "
    "free/reduced lunch)",
    "publisher": "Chicago Public Schools, District Data / Demographics",
    "url": "https://www.cps.edu/about/district-data/demographics/",
    "license": "no license stated by the publisher",
    "coverage": "every CPS school (district-run, charter, contract, options), students "
    "enrolled on the 20th day of each school year, by race and ethnicity and by English "
    "learner, special education and free/reduced lunch status",
}

#: The sheet the district names; other sheets are searched when it is missing.
SHEET = "Schools"

#: Category heading (letters only, lower case) to group.
CATEGORY_GROUPS: dict[str, str] = {
    "white": "white",
    "africanamerican": "black",
    "black": "black",
    "asianpacificislander": "asian_pacific_islander",
    "nativeamericanalaskan": "american_indian",
    "hispanic": "hispanic",
    "multiracial": "multiracial",
    "mulitracial": "multiracial",
    "asian": "asian",
    "hawaiianpacificislander": "pacific_islander",
    "notavailable": "race_not_available",
    "bilingual": "el",
    "sped": "disability",
    "freereducedlunch": "low_income",
}
_RACE = {"white", "black", "hispanic", "asian", "multiracial"}
_PROGRAM = {"el", "disability", "low_income"}
_WHAT = "CPS 20th-day demographics file"
_YEAR_IN_TEXT = re.compile(r"(\d{4})\s*-\s*(\d{2,4})")


def _category(value: object) -> str | None:
    text = re.sub(r"\([^)]*\)", "", cell_text(value) or "")
    return CATEGORY_GROUPS.get(re.sub(r"[^a-z]", "", text.lower()))


def _is_header(keys: list[str]) -> bool:
    return "school id" in keys and "total" in keys


def _find_sheet(book: Workbook) -> tuple[str, int]:
    names = book.sheet_names
    ordered = [n for n in names if n.strip().lower() == SHEET.lower()]
    ordered += [n for n in names if n not in ordered]
    for name in ordered:
        found = book.find_header(name, _is_header)
        if found is not None and found[0] > 1:
            return name, found[0]
    msg = (
        f"{book.path.name} is not a {_WHAT}: no sheet (it has {', '.join(names)}) has the "
        "two header rows (categories such as White or Bilingual above School ID ... Total); "
        "check the file."
    )
    raise SourceSchemaError(msg)


def _year_in(value: object) -> str | None:
    match = _YEAR_IN_TEXT.search(cell_text(value) or "")
    if match is None:
        return None
    try:
        return school_year_label(f"{match.group(1)}-{match.group(2)}")
    except DataValidationError:
        return None


def _count(raw: Any, header: str) -> int | None:
    if isinstance(raw, bool):
        raise RowError(f"{header} {raw!r} is not a number")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = cell_text(raw)
        if text is None:
            return None
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            raise RowError(f"{header} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise RowError(f"{header} {raw!r} is not a finite number")
    if value < 0:
        raise RowError(f"{header} {raw!r} is negative")
    if not value.is_integer():
        raise RowError(f"{header} {raw!r} is not a whole number of students")
    return int(value)


def _school_year(found: str | None, given: str | None, name: str) -> str:
    if given is not None:
        try:
            given = school_year_label(given)
        except DataValidationError as exc:
            msg = f"{exc} Pass the school year like 2022-23."
            raise DataValidationError(msg) from None
    if found is not None and given is not None and found != given:
        msg = (
            f"{name} is for school year {found}, not {given}; drop --school-year or check the file."
        )
        raise DataValidationError(msg)
    year = found or given
    if year is None:
        msg = f"{name} does not name its school year; pass it with --school-year 2022-23."
        raise DataValidationError(msg)
    return year


def demographics_from_xlsx(
    path: Path | str, *, school_year: str | None = None, source: str = SOURCE["name"]
) -> ParseResult[Any]:
    """Read a 20th-day demographics workbook into enrollments (see the module text).

    Examples
    --------
    >>> from safeschools.testing import real_data
    >>> result = demographics_from_xlsx(real_data(
    ...     "cps-demographics", "demographics_racialethnic_20thday_2023.xlsx"))
    >>> result.school_year, result.rows_read, len(result.rejects)
    ('2022-23', 648, 0)
    """
    with open_workbook(path, what=_WHAT) as book:
        sheet, header_line = _find_sheet(book)
        rows = list(book.rows(sheet))
        category_row = rows[header_line - 2][1]
        header = rows[header_line - 1][1]
        keys = [header_key(v) for v in header]
        columns = _columns(book.path.name, category_row, keys)
        groups = {g for _, _, g in columns}
        id_col = keys.index("school id")
        kept = {id_col, *(i for i, _, _ in columns)}
        if "school name" in keys:
            kept.add(keys.index("school name"))
        found_year: str | None = None
        for _, values in rows[: header_line - 1]:
            found_year = found_year or next(filter(None, map(_year_in, values)), None)
        district: tuple[int, dict[str, int | None]] | None = None
        candidates: list[tuple[int, tuple[Any, ...]]] = []
        for line, values in rows[header_line:]:
            if all(cell_text(v) is None for v in values):
                continue
            if cell_text(values[id_col] if id_col < len(values) else None) is None and any(
                "district total" in (cell_text(v) or "").lower() for v in values
            ):
                found_year = next(filter(None, map(_year_in, values)), None) or found_year
                totals = {g: _safe_count(values, i) for i, _, g in columns}
                district = (line, totals)
                continue
            candidates.append((line, values))
    year = _school_year(found_year, school_year, Path(path).name)
    name = Path(path).name
    records: list[Enrollment] = []
    rejects: list[RejectedRow] = []
    seen: dict[str, int] = {}
    sums: dict[str, int] = dict.fromkeys(groups, 0)
    for line, values in candidates:
        try:
            school_id, counts = _school_counts(values, id_col, columns, seen)
        except RowError as exc:
            raw = {
                cell_text(h) or f"column {i + 1}": "" if v is None else str(v)
                for i, (h, v) in enumerate(zip(header, values, strict=False))
                if i in kept
            }
            rejects.append(RejectedRow(line, str(exc), raw, name))
            continue
        seen[school_id] = line
        for group, students in counts:
            note = None if students is not None else "blank in the file"
            records.append(Enrollment(source, school_id, year, group, students, note))
            sums[group] += students or 0
    kind = "race and ethnicity" if groups & _RACE else "bilingual, SpED and free/reduced lunch"
    notes = [f"{len(seen)} schools, {kind}, 20th day of {year}"]
    if district is not None:
        notes.append(_district_note(*district, sums))
    return ParseResult(
        source=source,
        records=list(records),
        rejects=rejects,
        format=f"{source}: 20th-day {kind} (.xlsx, sheet {sheet!r})",
        rows_read=len(candidates),
        school_year=year,
        notes=notes,
    )


def _columns(file_name: str, category_row: Any, keys: list[str]) -> list[tuple[int, str, str]]:
    """(position, label, group) of the total and of each category column."""
    columns: list[tuple[int, str, str]] = [(keys.index("total"), "Total", "all")]
    for i, value in enumerate(category_row):
        group = _category(value)
        if group is not None and i < len(keys):
            label = re.sub(r"\s+", " ", cell_text(value) or "")
            columns.append((i, label, group))
    groups = {g for _, _, g in columns}
    if not (groups & _RACE or groups & _PROGRAM):
        msg = (
            f"{file_name} is not a {_WHAT}: its header names none of the race or "
            "program categories (White, Hispanic, ..., Bilingual, SpED, Free/Reduced Lunch)."
        )
        raise SourceSchemaError(msg)
    return columns


def _school_counts(
    values: tuple[Any, ...],
    id_col: int,
    columns: list[tuple[int, str, str]],
    seen: dict[str, int],
) -> tuple[str, list[tuple[str, int | None]]]:
    """A school row's id and students per group; :class:`RowError` for a row that is not one."""
    school_id = cell_text(values[id_col] if id_col < len(values) else None)
    if school_id is None:
        raise RowError("School ID is empty")
    if not school_id.isdigit():
        raise RowError(f"School ID {school_id!r} is not a CPS school id (digits only)")
    if school_id in seen:
        raise RowError(f"duplicate of line {seen[school_id]} (school {school_id})")
    counts = [(g, _count(values[i] if i < len(values) else None, label)) for i, label, g in columns]
    return school_id, counts


def _district_note(line: int, totals: dict[str, int | None], sums: dict[str, int]) -> str:
    """Whether the schools kept add up to the district total row (which is not stored)."""
    off = [g for g, n in totals.items() if n is not None and n != sums[g]]
    if off:
        return (
            f"the district total row (line {line}) was not stored; the schools kept do not "
            f"add up to it for {', '.join(sorted(off))}"
        )
    return (
        f"the district total row (line {line}, {totals['all']} students) was not "
        "stored; the schools add up to it in every column"
    )


def _safe_count(values: tuple[Any, ...], i: int) -> int | None:
    try:
        return _count(values[i] if i < len(values) else None, "")
    except RowError:
        return None
