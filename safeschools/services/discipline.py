"""Use cases of discipline data: import the publishers' files (CPS misconduct report, CPS
20th-day demographics, ISBE end-of-year discipline, CRDC), keep the ISBE name crosswalk.

Each importer in :mod:`safeschools.ingest` is a *parser* registered in :data:`PARSERS`: a
function ``parse(path, context) -> ParseResult`` whose records are
:class:`~safeschools.model.discipline.DisciplineFigure`,
:class:`~safeschools.model.discipline.Enrollment` or
:class:`~safeschools.model.discipline.NameMatch` objects (any mix). An import is one
transaction with its rejected rows and import record
(:func:`safeschools.services.record_parse_result`);
the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from safeschools.errors import DataValidationError, SourceError
from safeschools.ingest.base import ParseResult, file_checksum
from safeschools.ingest.context import ParseContext
from safeschools.ingest.cps_demographics import demographics_from_xlsx
from safeschools.ingest.cps_misconduct import misconduct_from_xlsx
from safeschools.ingest.crdc import records_from_crdc
from safeschools.ingest.isbe_eoy import figures_from_isbe_eoy
from safeschools.ingest.name_crosswalk import read_crosswalk
from safeschools.model.discipline import DisciplineFigure, Enrollment, NameMatch
from safeschools.services.base import clock_of
from safeschools.services.crosswalk import school_names
from safeschools.services.imports import (
    IngestReport,
    Writer,
    checked_school_year,
    record_parse_result,
    skip_if_imported,
)
from safeschools.settings import Settings
from safeschools.storage import Store, UpsertCounts

__all__ = ["PARSERS", "ParseContext", "ingest_discipline_file"]

Clock = Callable[[], datetime]


Parser = Callable[[Path, ParseContext], ParseResult[Any]]

#: Importers by kind, e.g. ``PARSERS["cps-misconduct"]``; the CLI's ``ingest discipline``
#: offers these kinds. A kind is the name of its source (its stored crosswalk is read by it).
PARSERS: dict[str, Parser] = {}


def _parse_cps_misconduct(path: Path, context: ParseContext) -> ParseResult[Any]:
    if context.school_year is not None:
        msg = (
            f"{path.name}: the misconduct report covers every school year it lists; "
            "drop --school-year."
        )
        raise DataValidationError(msg)
    return misconduct_from_xlsx(path)


def _parse_cps_demographics(path: Path, context: ParseContext) -> ParseResult[Any]:
    return demographics_from_xlsx(path, school_year=context.school_year)


PARSERS["cps-misconduct"] = _parse_cps_misconduct
PARSERS["cps-demographics"] = _parse_cps_demographics
PARSERS["isbe-eoy"] = figures_from_isbe_eoy
PARSERS["crdc"] = records_from_crdc


def _writer(store: Store) -> Writer:
    def write(records: list[Any], import_id: int, *, conn: Connection) -> UpsertCounts:
        figures = [r for r in records if isinstance(r, DisciplineFigure)]
        enrollments = [r for r in records if isinstance(r, Enrollment)]
        matches = [r for r in records if isinstance(r, NameMatch)]
        counts = UpsertCounts(*store.upsert_discipline_figures(figures, import_id, conn=conn))
        counts += UpsertCounts(*store.upsert_enrollments(enrollments, import_id, conn=conn))
        counts += UpsertCounts(*store.upsert_name_matches(matches, import_id, conn=conn))
        return counts

    return write


def ingest_discipline_file(
    store: Store,
    kind: str,
    path: Path | str,
    *,
    settings: Settings,
    force: bool = False,
    now: Clock | None = None,
    school_year: str | None = None,
    crosswalk: Path | str | None = None,
    accept_fuzzy: bool = False,
) -> IngestReport:
    """Import one discipline or enrollment file of ``kind`` (a key of :data:`PARSERS`).

    The parser gets a :class:`ParseContext`: the school ids and names of the store, the
    ``crosswalk`` file's rows when one is given (a reviewed name crosswalk, see
    :func:`~safeschools.ingest.name_crosswalk.read_crosswalk`) or else the crosswalk stored
    for the kind's source, ``accept_fuzzy`` and ``school_year``.

    The whole import is one transaction: figures, enrollments, crosswalk rows, rejected rows
    and the import record land together or not at all. A file imported before with the same
    kind and options is not read again unless ``force`` is set; importing the same rows again
    changes nothing either way.
    """
    if kind not in PARSERS:
        msg = f"Unknown discipline file kind {kind!r}; use one of {', '.join(sorted(PARSERS))}."
        raise DataValidationError(msg)
    path = Path(path)
    clock = clock_of(settings, now)
    if not path.is_file():
        msg = f"{path} does not exist or is not a file; check the path."
        raise SourceError(msg)
    crosswalk_path = None if crosswalk is None else Path(crosswalk)
    if crosswalk_path is not None and not crosswalk_path.is_file():
        msg = f"The crosswalk file {crosswalk_path} does not exist; check the --crosswalk path."
        raise SourceError(msg)
    if school_year is not None:
        school_year = _year(school_year)
    checksum = _import_key(
        path, kind, school_year=school_year, crosswalk=crosswalk_path, accept_fuzzy=accept_fuzzy
    )
    if not force:
        skipped = skip_if_imported(store, kind=kind, checksum=checksum, location=str(path))
        if skipped is not None:
            return skipped
    context = ParseContext(
        schools=_school_names(store),
        crosswalk=(
            read_crosswalk(crosswalk_path)
            if crosswalk_path is not None
            else store.name_matches(kind)
        ),
        accept_fuzzy=accept_fuzzy,
        school_year=school_year,
    )
    result = PARSERS[kind](path, context)
    result.notes.extend(_unknown_schools_note(result.records, context.schools))
    return record_parse_result(
        store,
        result,
        kind=kind,
        location=str(path),
        checksum=checksum,
        writer=_writer(store),
        now=clock,
    )


def _year(school_year: str) -> str:
    return checked_school_year(school_year, example="2022-23")


def _import_key(
    path: Path, kind: str, *, school_year: str | None, crosswalk: Path | None, accept_fuzzy: bool
) -> str:
    """The file's SHA-256 with the kind and the options that change what is read from it:
    the same bytes read as another kind, for another school year, with another crosswalk or
    accepting fuzzy matches are another import, not a duplicate."""
    parts = [file_checksum(path), f"kind={kind}"]
    if school_year is not None:
        parts.append(f"school_year={school_year}")
    if crosswalk is not None:
        parts.append(f"crosswalk={file_checksum(crosswalk)}")
    if accept_fuzzy:
        parts.append("accept_fuzzy")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _school_names(store: Store) -> dict[str, list[str]]:
    """Every school id in the store with all its names, newest first (schools are stored per
    year; ISBE and CRDC names match best against short and long names of every year)."""
    return school_names(store)


def _unknown_schools_note(records: Sequence[Any], schools: Mapping[str, object]) -> list[str]:
    """A note naming how many school ids of the file the store does not know (none when no
    schools are stored yet: then every id would be unknown)."""
    if not schools:
        return []
    ids = {r.school_id for r in records if isinstance(r, DisciplineFigure | Enrollment)}
    unknown = sorted(ids - set(schools))
    if not unknown:
        return []
    shown = ", ".join(unknown[:5]) + (", ..." if len(unknown) > 5 else "")
    return [
        f"{len(unknown)} of {len(ids)} school ids are not among the stored schools ({shown}); "
        "their figures are kept (import the school locations of their years to name them)"
    ]
