"""Use cases of School Resource Officer assignments: import the compiled decisions and district
figures, each school's history, the district series, edits with version checks, CSV export.

Every write checks the account (:func:`~safeschools.policy.accounts.check_can_edit`), names the
version it read, and records an audit entry in the same transaction.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from safeschools.errors import ConflictError, DataValidationError, SourceError
from safeschools.ingest.base import file_checksum
from safeschools.ingest.cps_sro_decisions import (
    SOURCE,
    assignments_from_decisions,
    sro_file_from_path,
)
from safeschools.model import User
from safeschools.model.officers import OFFICER_KINDS, SroAggregate, SroAssignment, SroDecision
from safeschools.services.base import Clock, Write, audited, clock_of
from safeschools.services.imports import (
    IngestReport,
    checked_school_year,
    record_parse_result,
    skip_if_imported,
)
from safeschools.services.outcomes import year_span
from safeschools.settings import Settings
from safeschools.spreadsheet import csv_writer
from safeschools.storage import Store, UpsertCounts

__all__ = [
    "ASSIGNMENT_CSV_COLUMNS",
    "FIGURE_UNITS",
    "add_published_figure",
    "district_officers",
    "ingest_officers_file",
    "officers_csv",
    "officers_overview",
    "put_officers",
    "school_officers",
    "set_officers",
]

#: Columns of the officers CSV export.
ASSIGNMENT_CSV_COLUMNS = (
    "school_id",
    "school_year",
    "kind",
    "officers",
    "source",
    "note",
    "version",
)


# ---------------------------------------------------------------------- import
def ingest_officers_file(
    store: Store,
    path: Path | str,
    *,
    settings: Settings,
    force: bool = False,
    now: Clock | None = None,
) -> IngestReport:
    """Import ``sro_decisions.csv`` or ``sro_aggregates.csv`` (recognised from the columns).

    Decisions are kept as records; those with a school id and an ``officers_after`` count set
    the school's SRO assignment for that school year, unless someone edited it in the app (an
    edit wins over a file; the import never overwrites it). Changed assignments are audited.
    """
    path = Path(path)
    clock = clock_of(settings, now)
    if not path.is_file():
        msg = f"{path} does not exist or is not a file; check the path."
        raise SourceError(msg)
    checksum = file_checksum(path)
    if not force:
        skipped = skip_if_imported(
            store, kind="officers", checksum=checksum, location=str(path), source=SOURCE["name"]
        )
        if skipped is not None:
            return skipped
    result = sro_file_from_path(path)

    def writer(records: list[Any], import_id: int, *, conn: Connection) -> UpsertCounts:
        decisions = [r for r in records if isinstance(r, SroDecision)]
        aggregates = [r for r in records if isinstance(r, SroAggregate)]
        counts = UpsertCounts(*store.upsert_sro_decisions(decisions, import_id, conn=conn))
        counts += UpsertCounts(*store.upsert_sro_aggregates(aggregates, import_id, conn=conn))
        write = Write(store, conn, clock(), None)
        for assignment in assignments_from_decisions(decisions):
            current = store.sro_assignment(
                assignment.school_id, assignment.school_year, assignment.kind, conn=conn
            )
            if current is not None and (
                current.source != SOURCE["name"]
                or (current.officers, current.note) == (assignment.officers, assignment.note)
            ):
                continue
            _write(write, assignment, None, action="import")
        return counts

    return record_parse_result(
        store,
        result,
        kind="officers",
        location=str(path),
        checksum=checksum,
        writer=writer,
        now=clock,
    )


# ---------------------------------------------------------------------- reads
def school_officers(store: Store, school_id: str) -> dict[str, Any]:
    """One school's officers year by year, and the decisions behind them."""
    assignments = store.sro_assignments(school_id=school_id)
    decisions = store.sro_decisions(school_id=school_id)
    return {
        "school_id": school_id,
        "assignments": [asdict(a) for a in assignments],
        "decisions": [asdict(d) for d in decisions],
    }


#: The unit of each district figure of ``sro_aggregates.csv``, so that a value that is a whole
#: number is shown as dollars, officers, schools or a date; any other value stays text.
FIGURE_UNITS = {
    "sro_contract_usd": "usd",
    "funds_to_schools_that_removed_officers_usd": "usd",
    "schools_with_sros_voting": "schools",
    "schools_with_sros_before_vote": "schools",
    "schools_voting_keep": "schools",
    "schools_voting_remove": "schools",
    "schools_reducing": "schools",
    "schools_keep_one": "schools",
    "schools_remove_both": "schools",
    "schools_keep_both": "schools",
    "schools_changed_in_2023_vote": "schools",
    "schools_with_two_sros_feb_2024": "schools",
    "schools_with_one_sro_feb_2024": "schools",
    "schools_with_sros_feb_2024": "schools",
    "officers_in_program_july_2020": "officers",
    "officers_and_schools_2020": "officers",
    "officers_and_schools": "officers",
    "board_vote_end_sro_program": "date",
    "whole_school_safety_policy_approved": "date",
}


def _typed(figure: SroAggregate) -> dict[str, Any]:
    """A published figure with its unit and, when the value is a whole number (or a date),
    that number: ``{"unit": "usd", "amount": 33000000}``; else the text stays as published."""
    row = asdict(figure)
    unit = FIGURE_UNITS.get(figure.metric) or ("usd" if figure.metric.endswith("_usd") else "text")
    value = figure.value.strip()
    amount: int | None = int(value) if value.isdigit() else None
    if unit == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            unit = "text"
    elif amount is None:
        unit = "text"  # "about 70", "144 SROs + 48 mobile officers + ...": as published
    return {**row, "unit": unit, "amount": amount}


def district_officers(store: Store) -> dict[str, Any]:
    """The district series, one row per school year from the first to the last year anything
    is known, so that a year with no record is listed as unknown (``recorded`` None), never 0:

    - ``published``: the district's figures of the year, as published, with their unit;
    - ``recorded``: the officers at the schools whose count is recorded here that year
      (``schools_recorded``), and how many of those had officers; a total of those schools
      only, never of the district;
    - ``decisions``: the schools with an imported council decision that year.

    ``published`` and ``recorded`` (the years with a record) are also given on their own."""
    by_year: dict[str, int] = defaultdict(int)
    schools_seen: dict[str, set[str]] = defaultdict(set)
    recorded_schools: dict[str, set[str]] = defaultdict(set)
    for a in store.sro_assignments():
        if a.kind != "sro":
            continue
        by_year[a.school_year] += a.officers
        recorded_schools[a.school_year].add(a.school_id)
        if a.officers > 0:
            schools_seen[a.school_year].add(a.school_id)
    recorded = [
        {
            "school_year": year,
            "officers": by_year[year],
            "schools_with_officers": len(schools_seen[year]),
            "schools_recorded": len(recorded_schools[year]),
        }
        for year in sorted(recorded_schools)
    ]
    published = [_typed(a) for a in store.sro_aggregates()]
    decided: dict[str, int] = defaultdict(int)
    for d in store.sro_decisions():
        decided[d.school_year] += 1
    by_recorded: dict[str, dict[str, Any]] = {str(r["school_year"]): r for r in recorded}
    known: list[str] = [*by_recorded, *(str(f["school_year"]) for f in published), *decided]
    years = year_span(known)
    return {
        "years": [
            {
                "school_year": year,
                "recorded": by_recorded.get(year),
                "published": [f for f in published if f["school_year"] == year],
                "decisions": decided.get(year, 0),
            }
            for year in years
        ],
        "published": published,
        "recorded": recorded,
        "unknown_years": [y for y in years if y not in by_recorded],
        "caveat": "Recorded counts cover only the schools whose counts were published or "
        "entered here; a school year with no record is unknown, not 0. The published figures "
        "are the district's own, as printed.",
    }


def officers_csv(store: Store, *, school_id: str | None = None) -> str:
    """The assignments (of one school, or all) as CSV text."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(ASSIGNMENT_CSV_COLUMNS)
    for a in store.sro_assignments(school_id=school_id):
        writer.writerow(
            ["" if v is None else v for v in (asdict(a)[c] for c in ASSIGNMENT_CSV_COLUMNS)]
        )
    return out.getvalue()


# ---------------------------------------------------------------------- writes
def _write(
    write: Write,
    assignment: SroAssignment,
    read_version: int | None,
    *,
    action: str,
    reason: str | None = None,
) -> SroAssignment:
    store, conn = write.store, write.conn
    before = store.sro_assignment(
        assignment.school_id, assignment.school_year, assignment.kind, conn=conn
    )
    stored = store.put_sro_assignment(
        assignment, read_version=read_version, at=write.now, conn=conn
    )
    after = asdict(stored)
    if reason:
        after["reason"] = reason
    write.record(
        action if before is not None or action == "import" else "create",
        "sro_assignment",
        f"{stored.school_id} {stored.school_year} {stored.kind}",
        before=before,
        after=after,
        school_id=stored.school_id,
    )
    return stored


def _check(officers: int, kind: str, school_year: str) -> str:
    if kind not in OFFICER_KINDS:
        msg = f"Unknown kind of officer {kind!r}; use one of {', '.join(OFFICER_KINDS)}."
        raise DataValidationError(msg)
    if officers < 0:
        msg = f"An officer count cannot be negative ({officers}); use 0 for none."
        raise DataValidationError(msg)
    return _year(school_year)


def _year(school_year: str) -> str:
    return checked_school_year(school_year, example="2024-25")


def put_officers(
    write: Write,
    *,
    school_id: str,
    school_year: str,
    officers: int,
    kind: str = "sro",
    note: str | None = None,
    read_version: int | None,
    source: str = "edit",
    reason: str | None = None,
) -> SroAssignment:
    """Set an assignment inside a write in progress (for other services: a council's officer
    decision). ``read_version`` None overwrites whatever version is stored."""
    year = _check(officers, kind, school_year)
    assignment = SroAssignment(school_id, year, kind, officers, source, note)
    return _write(write, assignment, read_version, action="update", reason=reason)


def set_officers(
    store: Store,
    user: User | None,
    *,
    school_id: str,
    school_year: str,
    officers: int,
    read_version: int | None,
    kind: str = "sro",
    note: str | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> SroAssignment:
    """Set a school's officers for a school year, as ``user`` (an editor of the school or an
    administrator).

    ``read_version`` is the version the change was based on: 0 (or None) to create a new
    assignment; a stored one changed by someone else since is a :class:`ConflictError`.
    """
    clock = clock_of(settings, now)
    with audited(store, user, school_id, what="officer assignments", clock=clock) as write:
        if not read_version:
            year = _check(officers, kind, school_year)
            current = store.sro_assignment(school_id, year, kind, conn=write.conn)
            if current is not None:
                msg = (
                    f"School {school_id} has a {kind} assignment for {year} already (version "
                    f"{current.version}); send the version you read to change it."
                )
                raise ConflictError(msg)
            read_version = 0
        return put_officers(
            write,
            school_id=school_id,
            school_year=school_year,
            officers=officers,
            kind=kind,
            note=note,
            read_version=read_version,
        )


def add_published_figure(
    store: Store,
    user: User | None,
    *,
    school_year: str,
    metric: str,
    value: str,
    sources: str,
    detail: str | None = None,
    note: str | None = None,
    replace: bool = False,
    settings: Settings,
    now: Clock | None = None,
) -> dict[str, Any]:
    """Record a district figure as published (administrators), e.g. metric ``officers``,
    value ``166``, detail ``at 74 schools``, with the source that printed it.

    The value stays text, exactly as published ("about 70"). One figure per school year and
    metric: an existing one is replaced only with ``replace`` (else :class:`ConflictError`
    shows the value stored). Audited with the value before and after.
    """
    clock = clock_of(settings, now)
    what = "the district's published figures"
    with audited(store, user, None, what=what, clock=clock) as write:
        year = _year(school_year)
        metric, value, sources = metric.strip(), value.strip(), sources.strip()
        if not metric or len(metric) > 64:
            msg = "Name the figure in 1 to 64 characters, e.g. officers or schools_with_officers."
            raise DataValidationError(msg)
        if not value:
            msg = "Give the value exactly as published, e.g. 166 or about 70."
            raise DataValidationError(msg)
        if not sources:
            msg = "Give the source of the figure (where it was published: a title, a URL)."
            raise DataValidationError(msg)
        figure = SroAggregate(year, metric, value, detail or None, sources, note or None)
        before = store.sro_aggregate(year, metric, conn=write.conn)
        stored = None
        if before is None or replace:
            stored = store.put_sro_aggregate(figure, replace=replace, conn=write.conn)
        if stored is None:  # stored before, or by someone else at this moment
            before = before or store.sro_aggregate(year, metric, conn=write.conn)
            assert before is not None
            msg = (
                f"{year} already has a published {metric!r}: {before.value!r} "
                f"({before.sources or 'no source'}); replace it explicitly to change it."
            )
            raise ConflictError(msg)
        action = "create" if before is None else "update"
        write.record(action, "sro_aggregate", f"{year} {metric}", before=before, after=stored)
    return asdict(stored)


def officers_overview(store: Store) -> dict[str, Any]:
    """The district overview's officers summary: the newest school year's published figures
    and the newest recorded count (empty lists when nothing is recorded)."""
    series = district_officers(store)
    published = series["published"]
    latest_year = max((f["school_year"] for f in published), default=None)
    return {
        "published_year": latest_year,
        "published": [f for f in published if f["school_year"] == latest_year],
        "recorded": series["recorded"][-1] if series["recorded"] else None,
    }


def officers_section(store: Store, school_id: str) -> dict[str, Any] | None:
    """The school page's "officers" section: assignments newest first and the decisions
    behind them; None when nothing is recorded for the school."""
    history = school_officers(store, school_id)
    if not history["assignments"] and not history["decisions"]:
        return None
    history["assignments"] = sorted(
        history["assignments"], key=lambda a: (a["school_year"], a["kind"]), reverse=True
    )
    history["decisions"] = sorted(
        history["decisions"], key=lambda d: d["school_year"], reverse=True
    )
    return history
