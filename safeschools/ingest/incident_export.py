"""The district's incident export: one CSV row per incident recorded in the district's own system
(the layout is documented in ``docs/incident-export.md``).

Columns: ``incident_id, school_id, occurred_at, category, place, students_involved, injuries,
police_called, police_reason, responses, note``. ``occurred_at`` is Chicago local time, ISO
(``2026-11-03T12:15``) or the portal's ``11/03/2026 12:15:00 PM``; ``police_called`` is Y or N;
``responses`` are codes separated by semicolons. Each row goes through the same checks as the
school's form (:func:`~safeschools.model.incidents.incident_from_dict`); a row that fails, names
a school the store does not hold, or repeats an ``incident_id`` is set aside with its reason.
A row set aside keeps its cells but the note (staff's words, never kept outside the incident).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from pathlib import Path

from safeschools.errors import DataValidationError, SourceError, SourceSchemaError
from safeschools.ingest.base import (
    ParseResult,
    RowError,
    parse_local_datetime,
    parse_rows,
    read_table,
)
from safeschools.model.incidents import Incident, incident_from_dict

__all__ = ["EXPORT_COLUMNS", "SOURCE", "incidents_from_export"]

SOURCE = {
    "name": "district-incident-export",
    "url": "docs/incident-export.md",
    "license": "the district's own records (not public)",
    "coverage": "incidents recorded by schools in the district's system",
}

#: The export's columns, in order (every one is required; extra columns are ignored).
EXPORT_COLUMNS = (
    "incident_id",
    "school_id",
    "occurred_at",
    "category",
    "place",
    "students_involved",
    "injuries",
    "police_called",
    "police_reason",
    "responses",
    "note",
)
_YES_NO = {"y": True, "yes": True, "n": False, "no": False}


def incidents_from_export(
    path: Path | str, *, categories: Collection[str], school_ids: Collection[str], now: datetime
) -> ParseResult[Incident]:
    """Read the district's incident export: one :class:`Incident` per good row (source
    ``import``, ``external_id`` the export's ``incident_id``), and each bad row with its reason.

    Raises
    ------
    SourceError
        The file is not a CSV file, or cannot be read as text.
    SourceSchemaError
        A column of the layout is missing.
    """
    with read_table(path) as table:
        if table.kind != "csv":
            msg = (
                f"{table.path.name} is not a CSV file; export the incidents as CSV in the layout "
                "of docs/incident-export.md."
            )
            raise SourceError(msg)
        columns = {name: table.column(name) for name in EXPORT_COLUMNS}
        missing = [name for name, found in columns.items() if found is None]
        if missing:
            msg = (
                f"{table.path.name} is not the district's incident export: it lacks the "
                f"column(s) {', '.join(missing)} (see docs/incident-export.md for the layout)."
            )
            raise SourceSchemaError(msg)
        table.used.discard(columns["note"] or "note")  # a set-aside row never keeps the note

        def make(row: dict[str, str]) -> Incident:
            def cell(name: str) -> str:
                return (row.get(columns[name] or name) or "").strip()

            external = cell("incident_id")
            if not external:
                raise RowError("incident_id is empty")
            school = cell("school_id")
            if school not in school_ids:
                raise RowError(f"school_id {school!r} is not a school in the store")
            police = _YES_NO.get(cell("police_called").lower())
            if police is None:
                raise RowError(f"police_called {cell('police_called')!r} is not Y or N")
            responses = [r.strip() for r in cell("responses").split(";") if r.strip()]
            try:
                return incident_from_dict(
                    {
                        "school_id": school,
                        "occurred_at": parse_local_datetime(
                            cell("occurred_at"), column="occurred_at"
                        ),
                        "category": cell("category"),
                        "place": cell("place"),
                        "students_involved": cell("students_involved"),
                        "injuries": cell("injuries") or "0",
                        "police_called": police,
                        "police_reason": cell("police_reason") or None,
                        "responses": responses,
                        "staff_note": cell("note"),
                        "source": "import",
                        "external_id": external,
                    },
                    categories=categories,
                    now=now,
                )
            except DataValidationError as exc:
                raise RowError(str(exc)) from None

        records, rejects, rows_read = parse_rows(table, make, key=lambda i: i.external_id or "")
    return ParseResult(
        source=SOURCE["name"], records=records, rejects=rejects, format="csv", rows_read=rows_read
    )
