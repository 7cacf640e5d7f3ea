"""Federal Civil Rights Data Collection (CRDC), school-level public-use CSV files.

The U.S. Department of Education's Office for Civil Rights publishes the CRDC every other
school year as one CSV per topic (``Enrollment.csv``, ``Suspensions.csv``, ``Expulsions.csv``,
``Referrals and Arrests.csv``, ``School Support.csv``, ...; older years as one flat file). Every
file starts with the same identifying columns, then one column per count:

=====================  ==============================================================
column                 meaning
=====================  ==============================================================
``LEA_STATE``          state, two letters
``LEAID``              NCES district id, 7 digits (Chicago Public Schools: ``1709930``)
``LEA_NAME``           district name
``SCHID``              NCES school number within the district, 5 digits
``SCH_NAME``           school name
``COMBOKEY``           ``LEAID`` + ``SCHID``: the 12-digit NCES school id
=====================  ==============================================================

Count columns are named ``SCH_<topic>_<race>_<sex>`` with race ``HI`` (Hispanic), ``AM``
(American Indian or Alaska Native), ``AS`` (Asian), ``HP`` (Native Hawaiian or Other Pacific
Islander), ``BL`` (Black), ``WH`` (White), ``TR`` (two or more races), or ``LEP`` (English
learners) / ``IDEA`` (students with disabilities served under IDEA), and sex ``M``/``F``.
What is read:

- Enrollment (:class:`~safeschools.model.discipline.Enrollment`): ``SCH_ENR_<race>_<sex>``
  (groups by race, by sex, and ``all``: their sums), ``SCH_ENR_LEP_<sex>`` (``el``),
  ``SCH_ENR_IDEA_<sex>`` (``disability``).
- Discipline (:class:`~safeschools.model.discipline.DisciplineFigure`, period ``EOY``), each a
  count of *students* with at least one such action (CRDC counts instances separately;
  risk uses students). ``SCH_DISCWODIS_<kind>_<race>_<sex>`` counts students without
  disabilities (including Section 504-only students) and ``SCH_DISCWDIS_<kind>_IDEA_<race>_<sex>``
  students with disabilities (IDEA); the two are disjoint and are summed into one count per
  group. Where the file has only the first, the figure says "students without disabilities
  only". Kinds: ``ISS`` (``students_iss``), ``SINGOOS`` + ``MULTOOS`` (one, or more than one,
  out-of-school suspension: ``students_oss``, and the same count as ``students_suspended``,
  the CRDC's "suspended" outcome; ISS is not in it since the CRDC gives no unduplicated
  ISS-or-OSS count), ``EXPWE`` + ``EXPWOE`` (expelled with / without educational services:
  ``students_expelled``; ``EXPZT``, zero-tolerance expulsions, is a subset and not added),
  ``REF`` (referred to law enforcement: ``students_referred_law_enforcement``), ``ARR``
  (school-related arrest: ``students_arrested``), ``CORP`` (corporal punishment:
  ``students_corporal_punishment``). Groups: the races, ``female``, ``male``, ``all``,
  ``disability`` (the IDEA cells) and ``el`` (``SCH_DISCWODIS_<kind>_LEP_<sex>`` +
  ``SCH_DISCWDIS_<kind>_LEP_<sex>``).
- Staff (``School Support`` file): ``SCH_FTESECURITY_LEO`` sworn law enforcement officers
  (``sworn_officers``) and ``SCH_FTESECURITY_GUA`` security guards (``security_guards``), in
  full-time equivalents.

Instance counts (``SCH_OOSINSTANCES_*``, ``SCH_PSCORPINSTANCES_*``) and the preschool columns
are not read.

Reserve codes: a negative number is a code, not a count, and the value is kept as ``None``
with the meaning as its note (:data:`RESERVE_CODES`): -3 skip logic failure, -5 action plan,
-6 force certified, -8 EDFacts missing data, -9 not applicable / skipped, -11 suppressed for
privacy. A sum with one coded cell is ``None`` with that cell's note. Any other value that is
not a number makes the row a rejected row.

Only rows of Chicago's district (``LEAID`` :data:`CHICAGO_LEAID`) are read. The CRDC has no
CPS school id: the import looks the school up in the crosswalk of source ``crdc`` first by its
``COMBOKEY`` (a reviewed crosswalk row whose ``source_name`` is the 12-digit NCES id: the
NCES to CPS id mapping), then by ``SCH_NAME`` through
:func:`~safeschools.ingest.name_crosswalk.match_names`; a school without an accepted id has
its row rejected ("add it to the crosswalk"). The school year comes from the file name
(``2017-18``, ``2017_18``, ``1718``) or the import's ``--school-year``; a file whose year is
unknown is refused with a sentence saying so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from safeschools.errors import DataValidationError, SourceSchemaError
from safeschools.ingest.base import ParseResult, TableFile, public_raw, read_table
from safeschools.ingest.context import ParseContext
from safeschools.ingest.encoding import encoding_note
from safeschools.ingest.name_crosswalk import match_names, usable_match
from safeschools.model import RejectedRow, school_year_label
from safeschools.model.discipline import DisciplineFigure, Enrollment, NameMatch

__all__ = [
    "CHICAGO_LEAID",
    "DISCIPLINE_KINDS",
    "RACES",
    "RESERVE_CODES",
    "SOURCE",
    "crdc_school_names",
    "records_from_crdc",
]

SOURCE = {
    "name": "crdc",
    "title": "Civil Rights Data Collection (CRDC), school-level public-use files",
    "publisher": "U.S. Department of Education, Office for Civil Rights",
    "url": "https://civilrightsdata.ed.gov/data",
    "license": "U.S. federal government data (public domain)",
    "coverage": (
        "every public school, every other school year; enrollment and students disciplined "
        "by race, sex, disability, English learners; referrals, arrests; sworn officers"
    ),
}

CHICAGO_LEAID = "1709930"
#: CRDC race codes to student groups.
RACES = {
    "HI": "hispanic",
    "AM": "american_indian",
    "AS": "asian",
    "HP": "pacific_islander",
    "BL": "black",
    "WH": "white",
    "TR": "multiracial",
}
SEXES = {"F": "female", "M": "male"}
#: Reserve codes of the public-use files and what they mean.
RESERVE_CODES = {
    -3: "CRDC reserve code -3: skip logic failure (value not reported)",
    -5: "CRDC reserve code -5: action plan (data to be reported later)",
    -6: "CRDC reserve code -6: force certified (value not reported)",
    -8: "CRDC reserve code -8: EDFacts missing data",
    -9: "CRDC reserve code -9: not applicable / skipped",
    -11: "CRDC reserve code -11: suppressed for privacy",
}
#: Measure to the CRDC discipline kinds whose students it adds up.
DISCIPLINE_KINDS: dict[str, tuple[str, ...]] = {
    "students_iss": ("ISS",),
    "students_oss": ("SINGOOS", "MULTOOS"),
    "students_suspended": ("SINGOOS", "MULTOOS"),
    "students_expelled": ("EXPWE", "EXPWOE"),
    "students_referred_law_enforcement": ("REF",),
    "students_arrested": ("ARR",),
    "students_corporal_punishment": ("CORP",),
}
STAFF = {"SCH_FTESECURITY_LEO": "sworn_officers", "SCH_FTESECURITY_GUA": "security_guards"}
WITHOUT_IDEA_NOTE = "students without disabilities only (the file has no IDEA columns)"
_YEAR_IN_NAME = re.compile(r"(20\d{2})\s*[-_ ]\s*(?:20)?(\d{2})(?!\d)|(?<!\d)(\d{2})(\d{2})(?!\d)")

_Cell = tuple[float | None, str | None]


class _BadValue(ValueError):
    pass


def _year_from_name(path: Path) -> str | None:
    match = _YEAR_IN_NAME.search(path.stem)
    if match is None:
        return None
    if match.group(1):
        start, end = int(match.group(1)), int(match.group(2))
    else:
        start, end = 2000 + int(match.group(3)), int(match.group(4))
    if (start + 1) % 100 != end:
        return None
    return school_year_label(f"{start}-{end:02d}")


def _cell(row: Mapping[str, str], column: str) -> _Cell:
    text = (row.get(column) or "").strip()
    if not text:
        return None, "blank at source"
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise _BadValue(f"{column} {text!r} is not a number") from None
    if value < 0:
        note = RESERVE_CODES.get(int(value)) if value == int(value) else None
        if note is None:
            raise _BadValue(f"{column} {text!r} is negative and not a CRDC reserve code")
        return None, note
    return value, None


def _sum(cells: Sequence[_Cell]) -> _Cell:
    total = 0.0
    for value, note in cells:
        if value is None:
            return None, note
        total += value
    return total, None


#: The columns a rejected row keeps: the ones this importer reads (identification, enrollment,
#: discipline and security staff), by exact name or prefix.
_READ_COLUMNS = frozenset({"LEA_STATE", "LEAID", "LEA_NAME", "SCHID", "SCH_NAME", "COMBOKEY", "JJ"})
_READ_PREFIXES = ("SCH_ENR_", "SCH_DISCWODIS_", "SCH_DISCWDIS_", "SCH_FTESECURITY_")


def _read_columns(table: TableFile) -> set[str]:
    return {
        c
        for c in table.columns
        if c.strip().upper() in _READ_COLUMNS or c.strip().upper().startswith(_READ_PREFIXES)
    }


class _Layout:
    """Which of the known columns a file has (upper-cased name to the file's spelling)."""

    def __init__(self, table: TableFile) -> None:
        self.columns = {c.strip().upper(): c for c in table.columns}

    def get(self, name: str) -> str | None:
        return self.columns.get(name)

    def has_kind(self, kind: str) -> bool:
        return any(f"SCH_DISCWODIS_{kind}_{r}_M" in self.columns for r in RACES)

    def has_idea(self, kind: str) -> bool:
        return any(f"SCH_DISCWDIS_{kind}_IDEA_{r}_M" in self.columns for r in RACES)


def _enrollments(row: Mapping[str, str], lay: _Layout) -> dict[str, _Cell]:
    cells: dict[tuple[str, str], _Cell] = {}
    for code in RACES:
        for sex in SEXES:
            column = lay.get(f"SCH_ENR_{code}_{sex}")
            if column is not None:
                cells[(code, sex)] = _cell(row, column)
    if not cells:
        return {}
    out = {RACES[c]: _sum([cells[(c, s)] for s in SEXES if (c, s) in cells]) for c in RACES}
    for sex, group in SEXES.items():
        out[group] = _sum([cells[(c, sex)] for c in RACES if (c, sex) in cells])
    out["all"] = _sum(list(cells.values()))
    for code, group in (("LEP", "el"), ("IDEA", "disability")):
        columns = [lay.get(f"SCH_ENR_{code}_{s}") for s in SEXES]
        if all(columns):
            out[group] = _sum([_cell(row, c) for c in columns if c])
    return out


def _discipline(row: Mapping[str, str], lay: _Layout, kinds: Sequence[str]) -> dict[str, _Cell]:
    """Students by group for one measure: without + with disabilities, summed over kinds."""
    by_group: dict[str, list[_Cell]] = {}
    for kind in kinds:
        idea = lay.has_idea(kind)
        for code, race in RACES.items():
            for sex, sex_group in SEXES.items():
                parts = [f"SCH_DISCWODIS_{kind}_{code}_{sex}"]
                if idea:
                    parts.append(f"SCH_DISCWDIS_{kind}_IDEA_{code}_{sex}")
                cells = [_cell(row, lay.get(p) or p) for p in parts]
                for group in (race, sex_group, "all"):
                    by_group.setdefault(group, []).extend(cells)
                if idea:
                    by_group.setdefault("disability", []).append(cells[1])
        lep = [lay.get(f"SCH_DISCWODIS_{kind}_LEP_{s}") for s in SEXES]
        lep += [lay.get(f"SCH_DISCWDIS_{kind}_LEP_{s}") for s in SEXES] if idea else []
        if all(lep):
            by_group.setdefault("el", []).extend(_cell(row, c) for c in lep if c)
    return {group: _sum(cells) for group, cells in by_group.items()}


def _check_layout(table: TableFile, lay: _Layout) -> None:
    missing = [c for c in ("LEAID", "SCH_NAME") if lay.get(c) is None]
    if lay.get("COMBOKEY") is None and lay.get("SCHID") is None:
        missing.append("COMBOKEY or SCHID")
    if missing:
        msg = (
            f"{table.path.name} is not a CRDC school-level file: it lacks the column(s) "
            f"{', '.join(missing)}."
        )
        raise SourceSchemaError(msg)
    known = (
        lay.get("SCH_ENR_HI_M") is not None
        or any(lay.has_kind(k) for kinds in DISCIPLINE_KINDS.values() for k in kinds)
        or any(lay.get(c) for c in STAFF)
    )
    if not known:
        msg = (
            f"{table.path.name} has the CRDC id columns but none this import reads "
            "(SCH_ENR_<race>_<sex>, SCH_DISCWODIS_<kind>_<race>_<sex>, SCH_FTESECURITY_LEO); "
            "import the Enrollment, Suspensions, Expulsions, Referrals and Arrests or School "
            "Support file."
        )
        raise SourceSchemaError(msg)


def _combokey(row: Mapping[str, str], lay: _Layout) -> str:
    combo = lay.get("COMBOKEY")
    if combo is not None and (row.get(combo) or "").strip():
        return (row.get(combo) or "").strip().zfill(12)
    lea = (row.get(lay.get("LEAID") or "") or "").strip().zfill(7)
    sch = (row.get(lay.get("SCHID") or "") or "").strip().zfill(5)
    return lea + sch


def _chicago_rows(table: TableFile, lay: _Layout) -> tuple[list[tuple[int, dict[str, str]]], int]:
    rows: list[tuple[int, dict[str, str]]] = []
    read = 0
    lea = lay.get("LEAID") or "LEAID"
    for line, row in table.rows:
        read += 1
        if (row.get(lea) or "").strip().zfill(7) == CHICAGO_LEAID:
            rows.append((line, row))
    return rows, read


def crdc_school_names(path: Path | str) -> list[str]:
    """The distinct ``SCH_NAME`` values of Chicago rows in a CRDC file."""
    with read_table(path) as table:
        lay = _Layout(table)
        _check_layout(table, lay)
        rows, _ = _chicago_rows(table, lay)
    name = lay.get("SCH_NAME") or "SCH_NAME"
    return list(dict.fromkeys((r.get(name) or "").strip() for _, r in rows if r.get(name)))


def records_from_crdc(path: Path, context: ParseContext) -> ParseResult[Any]:
    """Read the Chicago rows of a CRDC school-level CSV (see the module docstring); records
    are Enrollment, DisciplineFigure and NameMatch objects.

    Raises
    ------
    SourceError, SourceSchemaError
        Not a readable CSV, or not a CRDC school-level layout.
    DataValidationError
        The school year is neither in the file name nor given.
    """
    path = Path(path)
    year = _school_year(path, context)
    with read_table(path) as table:
        lay = _Layout(table)
        _check_layout(table, lay)
        rows, rows_read = _chicago_rows(table, lay)
        kept = _read_columns(table)
        encoding = table.encoding
    name_col = lay.get("SCH_NAME") or "SCH_NAME"
    by_key, by_name = _name_matches([(r.get(name_col) or "").strip() for _, r in rows], context)
    kinds = {m: k for m, k in DISCIPLINE_KINDS.items() if all(lay.has_kind(x) for x in k)}
    records: list[Any] = []
    rejects: list[RejectedRow] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        raw = public_raw(row, kept)
        if row.get("__error__"):
            rejects.append(RejectedRow(line, row["__error__"], raw, path.name))
            continue
        combokey = _combokey(row, lay)
        name = (row.get(name_col) or "").strip()
        match = by_key.get(combokey) or by_name.get(name)
        if match is None or not usable_match(match, accept_fuzzy=context.accept_fuzzy):
            reason = _unmatched(combokey, name, match)
            rejects.append(RejectedRow(line, reason, raw, path.name))
            continue
        school_id = match.school_id or ""
        if school_id in seen:
            reason = f"a second row for CPS school {school_id} (first on line {seen[school_id]})"
            rejects.append(RejectedRow(line, reason, raw, path.name))
            continue
        try:
            records.extend(_school_records(row, lay, kinds, school_id=school_id, year=year))
        except _BadValue as exc:
            rejects.append(RejectedRow(line, str(exc), raw, path.name))
            continue
        seen[school_id] = line
    methods = Counter(m.method for m in by_name.values())
    notes = [
        *encoding_note(encoding),
        f"{len(rows)} Chicago rows (LEAID {CHICAGO_LEAID}) of {rows_read}",
        f"{len(by_name)} school names: " + ", ".join(f"{k} {methods[k]}" for k in sorted(methods)),
    ]
    return ParseResult(
        source=SOURCE["name"],
        records=[*records, *by_name.values()],
        rejects=rejects,
        format="CRDC school-level CSV: "
        + ", ".join(["enrollment"] * (lay.get("SCH_ENR_HI_M") is not None) + sorted(kinds))
        + (", staff" if any(lay.get(c) for c in STAFF) else ""),
        rows_read=rows_read,
        school_year=year,
        notes=notes,
    )


def _school_year(path: Path, context: ParseContext) -> str:
    """The school year given, or the one in the file name."""
    year = school_year_label(context.school_year) if context.school_year else _year_from_name(path)
    if year is None:
        msg = (
            f"Cannot tell which school year {path.name} is for (the CRDC file name usually "
            "says, e.g. 2017-18); pass --school-year 2017-18."
        )
        raise DataValidationError(msg)
    return year


def _name_matches(
    names: list[str], context: ParseContext
) -> tuple[dict[str, NameMatch], dict[str, NameMatch]]:
    """The reviewed matches by CRDC combokey, and a match for every school name (a stored
    match with a school id kept where matching the name anew finds none)."""
    reviewed = [m for m in context.crosswalk if m.method == "reviewed"]
    by_key = {m.source_name: m for m in reviewed if m.source_name.isdigit()}
    matches = match_names(
        SOURCE["name"], [n for n in names if n], context.schools, reviewed=reviewed
    )
    stored = {m.source_name: m for m in context.crosswalk if m.source == SOURCE["name"]}
    by_name: dict[str, NameMatch] = {}
    for m in matches:
        kept = stored.get(m.source_name)
        by_name[m.source_name] = kept if m.school_id is None and kept and kept.school_id else m
    return by_key, by_name


def _unmatched(combokey: str, name: str, match: NameMatch | None) -> str:
    """Why a row has no CPS school id, with the match that was not good enough."""
    how = f" ({match.note})" if match is not None and match.note else ""
    if match is not None and match.method == "fuzzy":
        how = f" (fuzzy match {match.school_id} {match.cps_name}, score {match.score:g})"
    return f"no CPS school id for CRDC school {combokey} {name!r}{how} (add it to the crosswalk)"


def _school_records(
    row: dict[str, str],
    lay: _Layout,
    kinds: dict[str, tuple[str, ...]],
    *,
    school_id: str,
    year: str,
) -> list[Any]:
    """One school's enrollments and discipline and staff figures; :class:`_BadValue` for a
    cell that is not a count."""
    enrolled = _enrollments(row, lay)
    figures = {m: _discipline(row, lay, k) for m, k in kinds.items()}
    staff = {m: _cell(row, c) for col, m in STAFF.items() if (c := lay.get(col))}
    records: list[Any] = []
    for group, (value, note) in enrolled.items():
        students = None if value is None else int(value)
        records.append(Enrollment(SOURCE["name"], school_id, year, group, students, note))
    for measure, groups in figures.items():
        partial = not all(lay.has_idea(k) for k in kinds[measure])
        for group, (value, note) in groups.items():
            if partial and note is None:
                note = WITHOUT_IDEA_NOTE
            records.append(
                DisciplineFigure(
                    SOURCE["name"], school_id, year, "EOY", measure, group, value, note
                )
            )
    for measure, (value, note) in staff.items():
        records.append(
            DisciplineFigure(SOURCE["name"], school_id, year, "EOY", measure, "all", value, note)
        )
    return records
