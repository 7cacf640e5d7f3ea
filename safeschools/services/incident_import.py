"""Importing the district's incident export (:mod:`safeschools.ingest.incident_export`).

One transaction: the incidents, the rows set aside, the import record and one audit entry
("import", ``incident_import``) land together or not at all. A row is matched by the export's
``incident_id`` (kept as ``external_id``): a new id is recorded, an id already stored with the
same content is left unchanged, one whose content changed is saved as its next version. So the
same file imported twice changes nothing (the second time it is not even read), and an export
that overlaps an earlier one only adds what is new.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from safeschools.errors import SourceError
from safeschools.ingest.base import file_checksum
from safeschools.ingest.incident_export import SOURCE, incidents_from_export
from safeschools.model import User
from safeschools.model.incidents import Incident
from safeschools.services.base import Clock, Write, clock_of
from safeschools.services.imports import IngestReport, record_parse_result, skip_if_imported
from safeschools.settings import Settings
from safeschools.storage import Store, UpsertCounts

__all__ = ["IMPORT_KIND", "import_incident_export"]

#: The kind of the import records this importer writes.
IMPORT_KIND = "school_incidents"
#: What an import compares to tell an unchanged row from a changed one.
_CONTENT = (
    "school_id",
    "occurred_at",
    "category",
    "place",
    "students_involved",
    "injuries",
    "police_called",
    "police_reason",
    "responses",
    "staff_note",
)


def _content(incident: Incident) -> tuple[Any, ...]:
    return tuple(getattr(incident, k) for k in _CONTENT)


def import_incident_export(
    store: Store,
    path: Path | str,
    *,
    user: User | None = None,
    settings: Settings,
    now: Clock | None = None,
) -> IngestReport:
    """Import a district incident export; ``user`` is who runs it (None: the command line's
    administration). The report says what was read, recorded, changed and set aside."""
    path = Path(path)
    if not path.is_file():
        msg = f"{path} does not exist or is not a file; check the path."
        raise SourceError(msg)
    clock = clock_of(settings, now)
    checksum = file_checksum(path)
    skipped = skip_if_imported(
        store, kind=IMPORT_KIND, checksum=checksum, location=str(path), source=SOURCE["name"]
    )
    if skipped is not None:
        return skipped
    result = incidents_from_export(
        path,
        categories=[c.code for c in store.incident_categories()],
        school_ids={s.school_id for s in store.schools()},
        now=clock(),
    )
    by = None if user is None else user.email

    def writer(records: list[Incident], import_id: int, *, conn: Connection) -> UpsertCounts:
        write = Write(store, conn, clock(), user)
        inserted = updated = unchanged = 0
        for incident in records:
            assert incident.external_id is not None
            stored = store.school_incident_by_external_id(incident.external_id, conn=conn)
            if stored is None:
                store.add_school_incident(incident, at=write.now, by=by, conn=conn)
                inserted += 1
            elif _content(stored) == _content(incident):
                unchanged += 1
            else:
                store.save_school_incident(
                    replace(stored, **{k: getattr(incident, k) for k in _CONTENT}),
                    read_version=stored.version, at=write.now, by=by, conn=conn,
                )  # fmt: skip
                updated += 1
        write.record(
            "import", "incident_import", import_id,
            after={
                "file": path.name, "rows_read": result.rows_read, "inserted": inserted,
                "updated": updated, "unchanged": unchanged, "rejected": len(result.rejects),
            },
            school_id=None,
        )  # fmt: skip
        return UpsertCounts(inserted, updated, unchanged)

    return record_parse_result(
        store,
        result,
        kind=IMPORT_KIND,
        location=str(path),
        checksum=checksum,
        writer=writer,
        now=clock,
    )
