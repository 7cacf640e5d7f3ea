"""Illinois State Board of Education "End of Year Student Discipline Report" (.xlsx).

The state publishes one workbook for all Illinois districts (see
``data/real/isbe-eoy-student-discipline/SOURCE.md``): one sheet per school year, named by the
year it ends (``2018`` is 2017-18), a title row and a notes row above the header row (found by
its columns ``District Name``, ``School Name``, ``ActionDesc``, ``Total Incidents``, ``Total
Students``, not by position), then one row per school and disciplinary action. Only Chicago
rows are read (``District Name`` containing ``City of Chicago SD 299``; charter campuses are
among them, with ``Chtr`` in the school name).

Each row becomes :class:`~safeschools.model.discipline.DisciplineFigure` records (period
``EOY``) by its ``ActionDesc``:

=================================================  ===============  ======================
ActionDesc                                         incidents        students (group all)
=================================================  ===============  ======================
In-School Suspension                               ``iss``          ``students_iss``
Out-of School Suspension                           ``oss``          ``students_oss``
Expulsion - Received / Did not Receive
Educational Services (summed, see below)           ``expulsions``   ``students_expelled``
=================================================  ===============  ======================

``Total Incidents`` is the incidents measure for group ``all``; ``Total Students`` the students
measure. The columns Female, Male, the seven race columns, Grade K thru 8, Grade 9 thru 12 and
EL are kept as the *incidents* measure of groups ``female``, ``male``, ``hispanic``,
``american_indian``, ``black``, ``asian``, ``pacific_islander``, ``white``, ``multiracial``,
``grades_k_8``, ``grades_9_12`` and ``el``: they count incidents, not students. Evidence
(whole statewide file, rows where Total Incidents differs from Total Students): Female + Male
equals Total Incidents in every such row without a redacted cell (3,720 of 3,720 in 2017-18,
3,488 in 2018-19, 2,972 in 2019-20) and Total Students in none; the race columns, the incident
types and the duration buckets likewise add up to Total Incidents. The file's own note says
"Discipline counts are by incident". Risk (unduplicated students) by race or sex can therefore
not be computed from this file; the CPS and CRDC files give students.

The two expulsion rows of a school (with and without educational services) are summed into one
figure per measure and group, with a note saying so; if either row's cell is redacted the sum
is unknown (``None``). ``students_expelled`` is a sum of two unduplicated counts, so a student
expelled once with and once without services would count twice (an upper bound; expulsions
are few and a second expulsion in the same year rarer still).

A ``NULL`` cell was redacted by the state under FERPA; it is kept as ``None`` with the note
"redacted at source (FERPA); not necessarily under 10" (the file says redacted values "are
not necessarily <10 and can be equal to 0"). A blank cell is ``None`` with "blank at source".

The file has no school id. School names are matched to CPS school ids with
:func:`safeschools.ingest.name_crosswalk.match_names` (reviewed crosswalk rows win; fuzzy
matches count only when the import accepts them). Every row of a school without an accepted
match is a rejected row, never silently dropped, and the name matches are returned with the
figures so the store keeps the crosswalk. The incident-type and duration columns are not read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from safeschools.errors import DataValidationError, SourceSchemaError
from safeschools.ingest.base import ParseResult
from safeschools.ingest.context import ParseContext
from safeschools.ingest.name_crosswalk import match_names, usable_match
from safeschools.ingest.workbook import cell_text, header_key, open_workbook
from safeschools.model import RejectedRow, school_year_label
from safeschools.model.discipline import DisciplineFigure, NameMatch

__all__ = [
    "ACTION_MEASURES",
    "CHICAGO_DISTRICT",
    "GROUP_COLUMNS",
    "REDACTED_NOTE",
    "SOURCE",
    "chicago_school_names",
    "figures_from_isbe_eoy",
]

SOURCE = {
    "name": "isbe-eoy",
    "title": "ISBE End of Year Student Discipline Report (by school, action, race, gender)",
    "publisher": "Illinois State Board of Education",
    "url": "https://www.isbe.net/Pages/Expulsions-Suspensions-and-Truants-by-District.aspx",
    "license": "no license stated by the publisher",
    "coverage": (
        "every Illinois school, one sheet per school year; Chicago (City of Chicago SD 299) "
        "rows read; counts by incident; no school id (name crosswalk)"
    ),
}

#: The district whose rows are read.
CHICAGO_DISTRICT = "city of chicago sd 299"
REDACTED_NOTE = "redacted at source (FERPA); not necessarily under 10"
BLANK_NOTE = "blank at source"
EXPULSION_NOTE = "sum of the two expulsion rows (received / did not receive educational services)"

#: ActionDesc (lower case, spaces collapsed, without the expulsion kind) to
#: (incidents measure, students measure).
ACTION_MEASURES = {
    "in-school suspension": ("iss", "students_iss"),
    "out-of school suspension": ("oss", "students_oss"),
    "out-of-school suspension": ("oss", "students_oss"),
    "expulsion": ("expulsions", "students_expelled"),
}
#: Header (as :func:`~safeschools.ingest.workbook.header_key` gives it) to student group; all
#: of these count incidents (see the module docstring).
GROUP_COLUMNS = {
    "total incidents": "all",
    "female": "female",
    "male": "male",
    "hispanic or latino": "hispanic",
    "american indian or alaska native": "american_indian",
    "black or african american": "black",
    "asian": "asian",
    "native hawaiian or other pacific islander": "pacific_islander",
    "white": "white",
    "two or more races": "multiracial",
    "grade k thru 8": "grades_k_8",
    "grade 9 thru 12": "grades_9_12",
    "el": "el",
}
_REQUIRED = ("district name", "school name", "actiondesc", "total incidents", "total students")
#: The columns a rejected row keeps: the ones this importer reads.
_KEPT = frozenset({*_REQUIRED, *GROUP_COLUMNS})
_SHEET_YEAR = re.compile(r"^\s*(?:SY\s*)?(\d{4})\s*$", re.IGNORECASE)

_Value = tuple[float | None, str | None]


def _sheet_year(name: str) -> str | None:
    match = _SHEET_YEAR.match(name)
    if match is None:
        return None
    end = int(match.group(1))
    return school_year_label(f"{end - 1}-{end}")


def _value(cell: Any, column: str) -> _Value:
    """(value, note) of one count cell; raises ValueError for a value that is not a count."""
    text = cell_text(cell)
    if text is None:
        return None, BLANK_NOTE
    if text.upper() == "NULL":
        return None, REDACTED_NOTE
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a number") from None
    if value < 0 or value != int(value):
        raise ValueError(f"{column} {text!r} is not a whole count")
    return value, None


def _action(desc: str) -> tuple[str, str] | None:
    key = re.sub(r"\s+", " ", desc).strip().lower()
    if key.startswith("expulsion"):
        key = "expulsion"
    return ACTION_MEASURES.get(key)


def _why_unusable(match: NameMatch | None, name: str) -> str:
    if match is not None and match.method == "fuzzy":
        return (
            f"ISBE name {name!r} matches CPS school {match.school_id} ({match.cps_name}) only "
            f"fuzzily (score {match.score:g}); confirm it in the crosswalk (method reviewed) "
            "or import with --accept-fuzzy"
        )
    note = f" ({match.note})" if match is not None and match.note else ""
    return f"no CPS school id for ISBE name {name!r}{note} (add it to the crosswalk)"


class _Sheet:
    """The Chicago rows of one year's sheet: (line, raw cells by header)."""

    def __init__(self, year: str, header: list[str], rows: list[tuple[int, dict[str, Any]]]):
        self.year = year
        self.header = header
        self.rows = rows


def _read_sheets(path: Path, school_year: str | None) -> tuple[list[_Sheet], int]:
    sheets: list[_Sheet] = []
    rows_read = 0
    with open_workbook(path, what="ISBE end-of-year discipline workbook") as book:
        years = {name: _sheet_year(name) for name in book.sheet_names}
        wanted = [n for n, y in years.items() if y is not None]
        if school_year is not None:
            wanted = [n for n in wanted if years[n] == school_year]
            if not wanted:
                have = ", ".join(y for y in years.values() if y) or "none"
                msg = (
                    f"{path.name} has no sheet for school year {school_year} "
                    f"(it has {have}); leave out --school-year to import every year."
                )
                raise DataValidationError(msg)
        if not wanted:
            msg = (
                f"{path.name} has no sheet named by a year (like 2018 for 2017-18); "
                "it is not the ISBE end-of-year discipline workbook."
            )
            raise SourceSchemaError(msg)
        for name in wanted:
            found = book.find_header(name, lambda keys: all(k in keys for k in _REQUIRED))
            if found is None:
                msg = (
                    f"{path.name}, sheet {name}: no header row with the columns District "
                    "Name, School Name, ActionDesc, Total Incidents and Total Students; "
                    "it is not the ISBE end-of-year discipline layout."
                )
                raise SourceSchemaError(msg)
            header_line, header_cells = found
            header = [header_key(v) for v in header_cells]
            district = header.index("district name")
            chicago: list[tuple[int, dict[str, Any]]] = []
            for line, values in book.rows(name):
                if line <= header_line or not any(v is not None for v in values):
                    continue
                rows_read += 1
                text = cell_text(values[district]) if district < len(values) else None
                if text is None or CHICAGO_DISTRICT not in text.lower():
                    continue
                chicago.append((line, dict(zip(header, values, strict=False))))
            sheets.append(_Sheet(years[name] or "", header, chicago))
    return sheets, rows_read


def _raw(row: dict[str, Any]) -> dict[str, str]:
    """A row as a rejected row keeps it: only the columns this importer reads."""
    return {k: cell_text(v) or "" for k, v in row.items() if k in _KEPT}


def chicago_school_names(path: Path | str) -> list[str]:
    """Every distinct Chicago school name of the workbook, in order of first appearance."""
    sheets, _ = _read_sheets(Path(path), None)
    names: dict[str, None] = {}
    for sheet in sheets:
        for _, row in sheet.rows:
            name = cell_text(row.get("school name"))
            if name:
                names.setdefault(name, None)
    return list(names)


def _resolve(
    names: Sequence[str], context: ParseContext
) -> tuple[list[NameMatch], dict[str, NameMatch]]:
    """Match the names; a stored match fills in where the store's schools give none."""
    matches = match_names(SOURCE["name"], names, context.schools, reviewed=context.crosswalk)
    stored = {m.source_name: m for m in context.crosswalk if m.source == SOURCE["name"]}
    resolved: list[NameMatch] = []
    for match in matches:
        kept = stored.get(match.source_name)
        if match.school_id is None and kept is not None and kept.school_id is not None:
            match = kept
        resolved.append(match)
    return resolved, {m.source_name: m for m in resolved}


def figures_from_isbe_eoy(path: Path, context: ParseContext) -> ParseResult[Any]:
    """Read the Chicago rows of an ISBE end-of-year discipline workbook (see the module
    docstring); records are DisciplineFigure and NameMatch objects.

    ``context.school_year`` (``2018-19``) reads only that year's sheet.

    Raises
    ------
    SourceError, SourceSchemaError
        Not a readable workbook, or no year sheet with the expected header.
    DataValidationError
        No sheet for the school year asked for.
    """
    path = Path(path)
    school_year = school_year_label(context.school_year) if context.school_year else None
    sheets, rows_read = _read_sheets(path, school_year)
    names = [cell_text(row.get("school name")) or "" for sheet in sheets for _, row in sheet.rows]
    matches, by_name = _resolve([n for n in names if n], context)
    rejects: list[RejectedRow] = []
    cells: _Cells = {}
    first_row: dict[tuple[str, str, str], int] = {}
    location = path.name
    for sheet in sheets:
        where = f"{location} sheet {sheet.year}"
        for line, row in sheet.rows:
            name = cell_text(row.get("school name"))
            desc = cell_text(row.get("actiondesc")) or ""
            raw = _raw(row)
            if not name:
                rejects.append(RejectedRow(line, "the school name is empty", raw, where))
                continue
            action = _action(desc)
            if action is None:
                reason = f"unknown ActionDesc {desc!r} (expected a suspension or expulsion)"
                rejects.append(RejectedRow(line, reason, raw, where))
                continue
            match = by_name.get(name)
            if match is None or not usable_match(match, accept_fuzzy=context.accept_fuzzy):
                rejects.append(RejectedRow(line, _why_unusable(match, name), raw, where))
                continue
            school_id = match.school_id or ""
            try:
                values = {
                    (action[0], group): _value(row.get(column), column)
                    for column, group in GROUP_COLUMNS.items()
                    if column in sheet.header
                }
                values[(action[1], "all")] = _value(row.get("total students"), "total students")
            except ValueError as exc:
                rejects.append(RejectedRow(line, str(exc), raw, where))
                continue
            key = (sheet.year, school_id, desc.lower())
            if key in first_row:
                reason = (
                    f"repeats {desc} for CPS school {school_id} in {sheet.year} "
                    f"(first on line {first_row[key]}; two ISBE names for one school?)"
                )
                rejects.append(RejectedRow(line, reason, raw, where))
                continue
            first_row[key] = line
            _add_cells(cells, sheet.year, school_id, values)
    figures = _figures(cells)
    notes = _notes(sheets, matches, accept_fuzzy=context.accept_fuzzy)
    years = sorted({s.year for s in sheets})
    return ParseResult(
        source=SOURCE["name"],
        records=[*figures, *matches],
        rejects=rejects,
        format="ISBE end-of-year discipline workbook (xlsx), sheets " + ", ".join(years),
        rows_read=rows_read,
        school_year=years[0] if len(years) == 1 else None,
        notes=notes,
    )


#: (year, school id, measure, group) -> (value, note, rows summed)
_Cells = dict[tuple[str, str, str, str], tuple[float | None, str | None, int]]


def _add_cells(
    cells: _Cells,
    year: str,
    school_id: str,
    values: dict[tuple[str, str], _Value],
) -> None:
    """Add one row's values; a school's second expulsion row is summed with the first."""
    for (measure, group), (value, note) in values.items():
        cell = (year, school_id, measure, group)
        if cell not in cells:
            cells[cell] = (value, note, 1)
            continue
        old_value, old_note, count = cells[cell]
        if old_value is None or value is None:
            cells[cell] = (None, old_note or note, count + 1)
        else:
            cells[cell] = (old_value + value, None, count + 1)


def _figures(cells: _Cells) -> list[DisciplineFigure]:
    """One figure per cell, in order; a sum of expulsion rows says so in its note."""
    return [
        DisciplineFigure(
            SOURCE["name"],
            school_id,
            year,
            "EOY",
            measure,
            group,
            value,
            note if count == 1 else "; ".join(filter(None, (note, EXPULSION_NOTE))),
        )
        for (year, school_id, measure, group), (value, note, count) in sorted(cells.items())
    ]


def _notes(sheets: list[_Sheet], matches: list[NameMatch], *, accept_fuzzy: bool) -> list[str]:
    """Rows per sheet, how the names were matched, and the names without a usable match."""
    methods = Counter(m.method for m in matches)
    used = sum(usable_match(m, accept_fuzzy=accept_fuzzy) for m in matches)
    unmatched = sorted(
        m.source_name for m in matches if not usable_match(m, accept_fuzzy=accept_fuzzy)
    )
    notes = [
        "Chicago rows: " + ", ".join(f"{s.year} {len(s.rows)}" for s in sheets),
        f"{len(matches)} Chicago school names: "
        + ", ".join(f"{k} {methods[k]}" for k in sorted(methods))
        + f"; {used} used",
    ]
    if unmatched:
        notes.append(
            f"{len(unmatched)} names without an accepted CPS school id (their rows are "
            f"rejected; add them to the crosswalk): {'; '.join(unmatched)}"
        )
    return notes
