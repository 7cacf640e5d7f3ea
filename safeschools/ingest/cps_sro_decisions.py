"""CPS School Resource Officer decisions by school and round, and the district-wide figures.

Two compiled files (see ``data/real/cps-sro-decisions/SOURCE.md``), told apart by their columns:

- decisions (``decision_round``, ``school_name``, ``decision``, ...): one row per school per
  round (``2020_lsc_vote``, ``2021_wssp_vote``, ``2023_wssp_vote``, ``2024_board_resolution``).
  Each row becomes a :class:`~safeschools.model.officers.SroDecision`, blanks kept as None;
  a row whose school id is known and whose ``officers_after`` is given also sets that school's
  SRO assignment for the row's school year (:func:`assignments_from_decisions`).
- aggregates (``metric``, ``value``): district figures whose values stay text as published
  ("about 70", "57 officers at 39 high schools").

A decision row is rejected, with its reason, when its school year or round is unknown, when a
count or tally is not a whole number (or is negative), or when its date is not a date; a second
row for the same round and school name is a duplicate.
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
    parse_int,
    parse_rows,
    read_table,
    require_columns,
)
from safeschools.ingest.encoding import encoding_note
from safeschools.model import school_year_label
from safeschools.model.officers import SroAggregate, SroAssignment, SroDecision

__all__ = [
    "DECISION_ROUNDS",
    "SOURCE",
    "assignments_from_decisions",
    "sro_file_from_path",
    "sro_file_from_table",
]

SOURCE = {
    "name": "cps-sro-decisions",
    "title": "CPS School Resource Officer decisions by school, 2020-2024 (compiled)",
    "publisher": "Chicago Public Schools and news reports, compiled by hand",
    "url": "https://www.cps.edu/about/local-school-councils/school-resource-officer-program-information/",
    "license": "facts compiled from public reports; see the file's SOURCE.md",
    "coverage": "2020 LSC votes (57 schools), 2021 (10), 2023 (27) and the 2024 board "
    "resolution (26); district figures 2019-20 to 2024-25; no per-school 2022 results",
}

#: The rounds the decisions file knows.
DECISION_ROUNDS = (
    "2020_lsc_vote",
    "2021_wssp_vote",
    "2022_wssp_vote",
    "2023_wssp_vote",
    "2024_board_resolution",
)
_DECISIONS = (
    "keep",
    "remove",
    "keep_both",
    "keep_one",
    "remove_both",
    "remove_all",
    "program_ended",
)
_CONFIDENCE = ("high", "medium", "low")


def _get(row: dict[str, str], column: str | None) -> str | None:
    value = (row.get(column) or "").strip() if column else ""
    return value or None


def _count(row: dict[str, str], column: str | None, name: str) -> int | None:
    value = parse_int(_get(row, column), column=name)
    if value is not None and value < 0:
        raise RowError(f"{name} {value} is negative")
    return value


def _year(text: str | None) -> str:
    try:
        return school_year_label(text or "")
    except DataValidationError as exc:
        raise RowError(str(exc)) from None


def _decision_maker(table: TableFile) -> Callable[[dict[str, str]], SroDecision]:
    col = {
        name: table.column(name)
        for name in (
            "school_year",
            "decision_round",
            "school_name",
            "school_id",
            "decision",
            "decision_as_published",
            "officers_before",
            "officers_after",
            "vote_keep",
            "vote_remove",
            "vote_abstain",
            "vote_date",
            "vote_context",
            "vote_source",
            "confidence",
            "note",
        )
    }

    def make(row: dict[str, str]) -> SroDecision:
        school_year = _year(_get(row, col["school_year"]))
        decision_round = _get(row, col["decision_round"]) or ""
        if decision_round not in DECISION_ROUNDS:
            raise RowError(
                f"decision_round {decision_round!r} is unknown; use {', '.join(DECISION_ROUNDS)}"
            )
        school_name = _get(row, col["school_name"])
        if not school_name:
            raise RowError("school_name is empty")
        decision = _get(row, col["decision"])
        if decision is not None and decision not in _DECISIONS:
            raise RowError(f"decision {decision!r} is unknown; use {', '.join(_DECISIONS)}")
        confidence = (_get(row, col["confidence"]) or "").lower() or None
        if confidence is not None and confidence not in _CONFIDENCE:
            raise RowError(f"confidence {confidence!r} is unknown; use high, medium or low")
        text = _get(row, col["vote_date"])
        try:
            vote_date = None if text is None else date.fromisoformat(text)
        except ValueError:
            raise RowError(f"vote_date {text!r} is not a date (expected YYYY-MM-DD)") from None
        return SroDecision(
            school_year=school_year,
            decision_round=decision_round,
            school_name=school_name,
            school_id=_get(row, col["school_id"]),
            decision=decision,
            decision_as_published=_get(row, col["decision_as_published"]),
            officers_before=_count(row, col["officers_before"], "officers_before"),
            officers_after=_count(row, col["officers_after"], "officers_after"),
            vote_keep=_count(row, col["vote_keep"], "vote_keep"),
            vote_remove=_count(row, col["vote_remove"], "vote_remove"),
            vote_abstain=_count(row, col["vote_abstain"], "vote_abstain"),
            vote_date=vote_date,
            vote_context=_get(row, col["vote_context"]),
            sources=_get(row, col["vote_source"]),
            confidence=confidence,
            note=_get(row, col["note"]),
        )

    return make


def _aggregate_maker(table: TableFile) -> Callable[[dict[str, str]], SroAggregate]:
    col = {n: table.column(n) for n in ("school_year", "metric", "value", "detail", "source")}
    col_note = table.column("note")

    def make(row: dict[str, str]) -> SroAggregate:
        metric = _get(row, col["metric"])
        value = _get(row, col["value"])
        if not metric or value is None:
            raise RowError("metric and value must not be empty")
        return SroAggregate(
            school_year=_year(_get(row, col["school_year"])),
            metric=metric,
            value=value,
            detail=_get(row, col["detail"]),
            sources=_get(row, col["source"]),
            note=_get(row, col_note),
        )

    return make


def sro_file_from_table(
    table: TableFile, *, source: str = SOURCE["name"]
) -> ParseResult[SroDecision | SroAggregate]:
    """Read an opened decisions or aggregates table (recognised from its columns)."""
    if table.column("metric") and table.column("value"):
        require_columns(table, "SRO aggregates", [("school_year",), ("metric",), ("value",)])
        aggregates, rejects, rows_read = parse_rows(
            table, _aggregate_maker(table), key=lambda a: f"{a.school_year} {a.metric}"
        )
        records: list[SroDecision | SroAggregate] = list(aggregates)
        return ParseResult(
            source=source,
            records=records,
            rejects=rejects,
            format=f"{source}: district figures CSV",
            rows_read=rows_read,
            notes=[f"{len(aggregates)} district figure(s); values kept as published"],
        )
    require_columns(
        table, "SRO decisions", [("school_year",), ("decision_round",), ("school_name",)]
    )
    decisions, rejects, rows_read = parse_rows(
        table, _decision_maker(table), key=lambda d: f"{d.decision_round} {d.school_name}"
    )
    by_round = Counter(d.decision_round for d in decisions)
    notes = [", ".join(f"{r}: {n}" for r, n in sorted(by_round.items()))] if by_round else []
    no_id = sum(1 for d in decisions if d.school_id is None)
    if no_id:
        notes.append(f"{no_id} decision(s) without a school id are kept but set no assignment")
    records = list(decisions)
    return ParseResult(
        source=source,
        records=records,
        rejects=rejects,
        format=f"{source}: decisions CSV",
        rows_read=rows_read,
        notes=notes,
    )


def sro_file_from_path(path: Path | str) -> ParseResult[SroDecision | SroAggregate]:
    """Read ``sro_decisions.csv`` or ``sro_aggregates.csv``.

    Examples
    --------
    >>> from safeschools.testing import real_data
    >>> result = sro_file_from_path(real_data("cps-sro-decisions", "sro_decisions.csv"))
    >>> result.rows_read, len(result.records), result.rejects
    (120, 120, [])
    """
    with read_table(path) as table:
        result = sro_file_from_table(table)
    result.notes.extend(encoding_note(table.encoding))
    return result


def assignments_from_decisions(decisions: list[SroDecision]) -> list[SroAssignment]:
    """The SRO counts the decisions give: ``officers_after`` for the decision's school year,
    for rows with a school id; a later round of the same year wins."""
    found: dict[tuple[str, str], SroAssignment] = {}
    for d in sorted(decisions, key=lambda d: (d.school_year, d.decision_round)):
        if d.school_id is None or d.officers_after is None:
            continue
        note = f"{d.decision_round}: {d.decision or 'decision not published'}"
        if d.sources:
            note += f" (sources: {d.sources})"
        found[(d.school_id, d.school_year)] = SroAssignment(
            school_id=d.school_id,
            school_year=d.school_year,
            kind="sro",
            officers=d.officers_after,
            source=SOURCE["name"],
            note=note,
        )
    return list(found.values())
