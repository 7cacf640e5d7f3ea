"""Importing files: parse, write rows, rejected rows and the import record in one transaction."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection

from safeschools.errors import (
    ConfigError,
    DataValidationError,
    SourceError,
)
from safeschools.ingest.base import ParseResult, file_checksum
from safeschools.ingest.boundaries import boundaries_from_file
from safeschools.ingest.chicago_crimes import crimes_from_file
from safeschools.ingest.chicago_streets import intersections_from_file
from safeschools.ingest.chicago_victims import victims_from_file
from safeschools.ingest.cps_calendars import calendars_from_file
from safeschools.ingest.cps_schools import schools_from_cps_file
from safeschools.ingest.generic import records_from_mapping
from safeschools.ingest.gva_incidents import incidents_from_gva_file
from safeschools.ingest.nces_schools import schools_from_nces_file
from safeschools.model import (
    ImportRecord,
    RejectedRow,
    Victimization,
    school_year_label,
)
from safeschools.model.coverage import VictimCoverage
from safeschools.services.base import Clock, clock_of
from safeschools.services.pairs import PAIR_KINDS, refresh_pairs
from safeschools.settings import Settings
from safeschools.spatial.streets import street_lines_from_intersections
from safeschools.storage import Store, UpsertCounts

#: What `ingest` accepts.
INGEST_KINDS = (
    "schools",
    "victims",
    "crimes",
    "boundaries",
    "calendars",
    "streets",
    "nces-schools",
    "gva-incidents",
)
#: National files: their pairs are computed on a cluster (``safeschools national-pairs``), not
#: at import.
NATIONAL_KINDS = ("nces-schools", "gva-incidents")


class Writer(Protocol):
    """Writes an import's records inside its transaction; what they changed."""

    def __call__(self, records: list[Any], import_id: int, /, *, conn: Connection) -> UpsertCounts:
        """Write ``records`` as import ``import_id``."""
        ...


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
    writer: Writer,
    now: Clock,
    after_write: Callable[[Any], None] | None = None,
    pair_radius_m: float | None = None,
) -> IngestReport:
    """Write a parse result, its rejected rows and its import record in one transaction.

    With ``pair_radius_m``, the school-victimization pairs are brought up to date in the same
    transaction (see :func:`refresh_pairs`). Imports write one at a time
    (:meth:`~safeschools.storage.Store.lock_imports`): the pairs, and the rows matched by key,
    are computed from what the previous import committed.
    """
    started = now()
    with store.transaction() as conn:
        store.lock_imports(conn=conn)
        import_id = store.start_import(
            source=result.source,
            kind=kind,
            location=location,
            format=result.format,
            school_year=result.school_year,
            checksum=checksum,
            started_at=started,
            conn=conn,
        )
        counts = writer(result.records, import_id, conn=conn)
        _record_coverage(store, import_id, result.records, conn=conn)
        store.add_rejected_rows(import_id, result.rejects, conn=conn)
        note_parts = list(result.notes)
        if counts.updated:
            note_parts.append(f"{counts.updated} stored row(s) updated by this file")
        store.finish_import(
            import_id,
            rows_read=result.rows_read,
            accepted=len(result.records),
            rejected=len(result.rejects),
            counts=counts,
            vintage=result.vintage,
            finished_at=now(),
            note="; ".join(note_parts) or None,
            conn=conn,
        )
        if after_write is not None:
            after_write(conn)
        if pair_radius_m is not None and kind in PAIR_KINDS:
            refresh_pairs(store, conn, max_radius_m=pair_radius_m)
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


def _record_coverage(store: Store, import_id: int, records: list[Any], *, conn: Connection) -> None:
    """Keep what an import of victimizations covers, per source (nothing for other kinds)."""
    by_source: dict[str, list[Victimization]] = {}
    for r in records:
        if not isinstance(r, Victimization):
            return
        by_source.setdefault(r.source, []).append(r)
    for rows in by_source.values():
        store.record_coverage(import_id, VictimCoverage.from_records(rows), conn=conn)


def _parse(
    kind: str,
    path: Path,
    settings: Settings,
    school_year: str | None,
    *,
    mapping: Path | str | None = None,
    select: str | Sequence[str] = ("shootings", "homicides"),
    boundary_kind: str | None = None,
    today: date | None = None,
) -> ParseResult[Any]:
    if mapping is not None:
        if kind not in ("schools", "victims"):
            msg = f"--mapping reads schools or victims files, not {kind}; drop --mapping."
            raise ConfigError(msg)
        return records_from_mapping(
            path, mapping, bbox=settings.area_bbox, kind=kind, school_year=school_year, today=today
        )
    if kind == "crimes":
        return crimes_from_file(path, bbox=settings.area_bbox, select=select, today=today)
    if kind == "boundaries":
        return boundaries_from_file(path, kind=boundary_kind)
    if kind == "calendars":
        return calendars_from_file(path)
    if kind == "streets":
        return intersections_from_file(path, bbox=settings.area_bbox)
    if kind == "schools":
        return schools_from_cps_file(path, school_year=school_year, bbox=settings.area_bbox)
    if kind == "victims":
        return victims_from_file(path, bbox=settings.area_bbox, today=today)
    if kind == "nces-schools":
        return schools_from_nces_file(path, school_year=school_year)
    if kind == "gva-incidents":
        return incidents_from_gva_file(path, today=today)
    msg = f"Unknown kind {kind!r}; use one of: {', '.join(INGEST_KINDS)}."
    raise ConfigError(msg)


def _writer(store: Store, kind: str, result: ParseResult[Any] | None = None) -> Writer:
    if kind in ("schools", "nces-schools"):
        return store.upsert_schools
    if kind in ("victims", "crimes", "gva-incidents"):
        return store.upsert_victimizations
    if kind == "boundaries":
        kinds = sorted({b.kind for b in result.records}) if result is not None else []
        if len(kinds) != 1:
            msg = "A boundaries import holds exactly one kind of boundary; import each file alone."
            raise ConfigError(msg)
        boundary_kind = kinds[0]

        def write_boundaries(items: list[Any], import_id: int, *, conn: Connection) -> UpsertCounts:
            return store.replace_boundaries(boundary_kind, items, import_id, conn=conn)

        return write_boundaries
    if kind == "calendars":
        return store.replace_calendar_days
    if kind == "streets":
        return streets_writer(store)
    msg = f"Unknown kind {kind!r}; use one of: {', '.join(INGEST_KINDS)}."
    raise ConfigError(msg)


def streets_writer(store: Store) -> Writer:
    """The writer of a streets import: the intersections replace the stored ones, then the
    street lines are built from them (:func:`street_lines_from_intersections`) and replace the
    stored lines, in the import's transaction. The counts are the intersections'."""

    def write(items: list[Any], import_id: int, *, conn: Connection) -> UpsertCounts:
        counts = store.replace_intersections(items, import_id, conn=conn)
        lines = street_lines_from_intersections(items)
        store.replace_street_lines(lines, import_id, conn=conn)
        return counts

    return write


def ingest_file(
    store: Store,
    kind: str,
    path: Path | str,
    *,
    settings: Settings,
    school_year: str | None = None,
    force: bool = False,
    now: Clock | None = None,
    mapping: Path | str | None = None,
    select: str | Sequence[str] = ("shootings", "homicides"),
    boundary_kind: str | None = None,
) -> IngestReport:
    """Import one file of ``kind`` (``schools``, ``victims``, ``crimes``, ``boundaries``,
    ``calendars``, ``streets``).

    ``mapping`` (a TOML column mapping) reads any city's schools or victims file with
    :func:`~safeschools.ingest.generic.records_from_mapping`; ``select`` chooses the crime
    types of a crimes file (``shootings``, ``homicides``, ``all``); ``boundary_kind`` names the
    kind of a boundaries file when its properties do not tell.

    The whole import is one transaction: rows, rejected rows and the import record land
    together or not at all. A file whose bytes were imported before is not read again unless
    ``force`` is set; importing the same rows again changes nothing either way.
    """
    path = Path(path)
    clock = clock_of(settings, now)
    if not path.is_file():
        msg = f"{path} does not exist or is not a file; check the path."
        raise SourceError(msg)
    checksum = _import_key(
        file_checksum(path),
        mapping=mapping,
        select=select if kind == "crimes" else None,
        boundary_kind=boundary_kind,
    )
    if not force:
        skipped = skip_if_imported(
            store, kind=kind, checksum=checksum, location=str(path), school_year=school_year
        )
        if skipped is not None:
            return skipped
    result = _parse(
        kind,
        path,
        settings,
        school_year,
        mapping=mapping,
        select=select,
        boundary_kind=boundary_kind,
        today=clock().date(),
    )
    return record_parse_result(
        store,
        result,
        kind=kind,
        location=str(path),
        checksum=checksum,
        writer=_writer(store, kind, result),
        now=clock,
        pair_radius_m=settings.max_pair_radius_m,
    )


def _import_key(
    file_digest: str,
    *,
    mapping: Path | str | None,
    select: str | Sequence[str] | None,
    boundary_kind: str | None,
) -> str:
    """The file's SHA-256, combined with the options that change what is read from it.

    The same bytes read with another mapping, crime selection or boundary kind are another
    import, not a duplicate.
    """
    options = []
    if mapping is not None:
        if not Path(mapping).is_file():
            msg = f"The mapping file {mapping} does not exist; check the --mapping path."
            raise SourceError(msg)
        options.append(f"mapping={file_checksum(Path(mapping))}")
    if select is not None:
        chosen = [select] if isinstance(select, str) else list(select)
        parts = sorted({p.strip().lower() for c in chosen for p in c.split(",") if p.strip()})
        if parts != ["homicides", "shootings"]:
            options.append(f"select={','.join(parts)}")
    if boundary_kind is not None:
        options.append(f"boundary_kind={boundary_kind}")
    if not options:
        return file_digest
    return hashlib.sha256("|".join([file_digest, *options]).encode()).hexdigest()


def skip_if_imported(
    store: Store,
    *,
    kind: str,
    checksum: str,
    location: str,
    school_year: str | None = None,
    source: str | None = None,
) -> IngestReport | None:
    """The report of an import that reads nothing because the same file was imported before
    (a finished import of this kind and checksum, and of this school year and source when
    given), or None when the file is new and must be read."""
    previous = store.find_import(
        checksum=checksum,
        kind=kind,
        source=source,
        school_year=None if school_year is None else school_year_label(school_year),
    )
    if previous is None:
        return None
    return IngestReport(
        kind=kind,
        location=location,
        format=previous.format,
        record=None,
        duplicate_of=previous,
        notes=[f"same file as import #{previous.id}; nothing to do (use --force to re-read)"],
    )


def list_imports(store: Store) -> list[ImportRecord]:
    """Every import, oldest first."""
    return store.imports()


def checked_school_year(school_year: str, *, example: str) -> str:
    """The school year label of ``school_year``; a DataValidationError that shows how to write
    one (like ``example``) when it is not a school year."""
    try:
        return school_year_label(school_year)
    except DataValidationError as exc:
        msg = f"{exc} Write the school year like {example}."
        raise DataValidationError(msg) from None
