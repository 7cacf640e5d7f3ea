"""The use cases every interface calls: import a file, list schools and imports, fetch a portal.

The CLI, the API, the web pages and the reports only translate their input into calls here and
the results into their output. Nothing here prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from safeschools.errors import ConfigError, SourceError
from safeschools.ingest.base import ParseResult, file_checksum
from safeschools.ingest.chicago_victims import victims_from_file
from safeschools.ingest.cps_schools import schools_from_cps_file
from safeschools.model import ImportRecord, RejectedRow, School, school_year_label
from safeschools.settings import Settings
from safeschools.storage import Store, UpsertCounts, open_store

__all__ = [
    "INGEST_KINDS",
    "IngestReport",
    "ingest_file",
    "list_imports",
    "list_schools",
    "open_store_from_settings",
    "record_parse_result",
]

#: What `ingest` accepts.
INGEST_KINDS = ("schools", "victims")

Clock = Callable[[], datetime]


def _local_now(settings: Settings) -> datetime:
    return datetime.now(ZoneInfo(settings.timezone)).replace(tzinfo=None, microsecond=0)


def open_store_from_settings(settings: Settings) -> Store:
    """Open (and migrate) the store the settings name."""
    return open_store(settings.database_url)


@dataclass
class IngestReport:
    """What an import did, for the interfaces to show."""

    kind: str
    location: str
    format: str
    record: ImportRecord | None
    duplicate_of: ImportRecord | None = None
    notes: list[str] = field(default_factory=list)
    reject_reasons: list[tuple[str, int]] = field(default_factory=list)
    reject_sample: list[RejectedRow] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        """True when the same file was imported before and nothing was done."""
        return self.duplicate_of is not None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        rec = self.record or self.duplicate_of
        return {
            "kind": self.kind,
            "location": self.location,
            "format": self.format,
            "import_id": rec.id if rec else None,
            "skipped_as_duplicate_of": self.duplicate_of.id if self.duplicate_of else None,
            "rows_read": self.record.rows_read if self.record else 0,
            "accepted": self.record.accepted if self.record else 0,
            "rejected": self.record.rejected if self.record else 0,
            "inserted": self.record.inserted if self.record else 0,
            "updated": self.record.updated if self.record else 0,
            "unchanged": self.record.unchanged if self.record else 0,
            "school_year": rec.school_year if rec else None,
            "notes": self.notes,
            "reject_reasons": [{"reason": r, "rows": n} for r, n in self.reject_reasons],
        }


def _reason_key(reason: str) -> str:
    """Group reasons that differ only in the values they quote."""
    for sep in (" '", " (", " [", ": "):
        if sep in reason:
            reason = reason.split(sep, 1)[0]
    return reason


def record_parse_result(
    store: Store,
    result: ParseResult[Any],
    *,
    kind: str,
    location: str,
    checksum: str,
    writer: Callable[[Any, list[Any], int], UpsertCounts],
    now: Clock,
    after_write: Callable[[Any], None] | None = None,
) -> IngestReport:
    """Write a parse result, its rejected rows and its import record in one transaction."""
    started = now()
    with store.transaction() as conn:
        import_id = store.start_import(
            conn,
            source=result.source,
            kind=kind,
            location=location,
            format=result.format,
            school_year=result.school_year,
            checksum=checksum,
            started_at=started,
        )
        counts = writer(conn, result.records, import_id)
        store.add_rejected_rows(conn, import_id, result.rejects)
        note_parts = list(result.notes)
        if counts.updated:
            note_parts.append(f"{counts.updated} row(s) replaced by newer versions")
        store.finish_import(
            conn,
            import_id,
            rows_read=result.rows_read,
            accepted=len(result.records),
            rejected=len(result.rejects),
            counts=counts,
            vintage=result.vintage,
            finished_at=now(),
            note="; ".join(note_parts) or None,
        )
        if after_write is not None:
            after_write(conn)
    reasons = Counter(_reason_key(r.reason) for r in result.rejects).most_common()
    return IngestReport(
        kind=kind,
        location=location,
        format=result.format,
        record=store.get_import(import_id),
        notes=note_parts,
        reject_reasons=reasons,
        reject_sample=result.rejects[:5],
    )


def _parse(kind: str, path: Path, settings: Settings, school_year: str | None) -> ParseResult[Any]:
    if kind == "schools":
        return schools_from_cps_file(path, school_year=school_year, bbox=settings.area_bbox)
    if kind == "victims":
        return victims_from_file(path, bbox=settings.area_bbox)
    msg = f"Unknown kind {kind!r}; use one of: {', '.join(INGEST_KINDS)}."
    raise ConfigError(msg)


def _writer(store: Store, kind: str) -> Callable[[Any, list[Any], int], UpsertCounts]:
    if kind == "schools":
        return store.upsert_schools
    if kind == "victims":
        return store.upsert_victimizations
    msg = f"Unknown kind {kind!r}; use one of: {', '.join(INGEST_KINDS)}."
    raise ConfigError(msg)


def ingest_file(
    store: Store,
    kind: str,
    path: Path | str,
    *,
    settings: Settings,
    school_year: str | None = None,
    force: bool = False,
    now: Clock | None = None,
) -> IngestReport:
    """Import one file of ``kind`` (``schools``, ``victims``, ...).

    The whole import is one transaction: rows, rejected rows and the import record land
    together or not at all. A file whose bytes were imported before is not read again unless
    ``force`` is set; importing the same rows again changes nothing either way.
    """
    path = Path(path)
    clock = now or (lambda: _local_now(settings))
    if not path.is_file():
        msg = f"{path} does not exist or is not a file; check the path."
        raise SourceError(msg)
    checksum = file_checksum(path)
    if not force:
        previous = _previous_import(store, kind, checksum, school_year)
        if previous is not None:
            return IngestReport(
                kind=kind,
                location=str(path),
                format=previous.format,
                record=None,
                duplicate_of=previous,
                notes=[
                    f"same file as import #{previous.id}; nothing to do (use --force to re-read)"
                ],
            )
    result = _parse(kind, path, settings, school_year)
    return record_parse_result(
        store,
        result,
        kind=kind,
        location=str(path),
        checksum=checksum,
        writer=_writer(store, kind),
        now=clock,
    )


def _previous_import(
    store: Store, kind: str, checksum: str, school_year: str | None
) -> ImportRecord | None:
    for record in store.imports():
        if record.kind != kind or record.checksum != checksum or record.finished_at is None:
            continue
        if school_year is None:
            return record
        if record.school_year == school_year_label(school_year):
            return record
    return None


def list_schools(store: Store, *, school_year: str | None = None) -> list[School]:
    """Schools of one school year (or all), by id."""
    if school_year is not None:
        school_year = school_year_label(school_year)
    return store.schools(school_year=school_year)


def list_imports(store: Store) -> list[ImportRecord]:
    """Every import, oldest first."""
    return store.imports()
