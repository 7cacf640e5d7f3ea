"""Use cases of the national trackers: import their files, count under each definition, check
the claim. Counts are computed once per import (:class:`~safeschools.services.cache.VersionedCache`)
and shared by the pages, the API, the CSV and the command line.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from safeschools.errors import SourceError
from safeschools.ingest.base import file_checksum
from safeschools.ingest.school_shootings import (
    K12_SSDB_SOURCE,
    SSDB_SIBLINGS,
    WAPO_SOURCE,
    detect_tracker,
    parse_ssdb,
    parse_wapo,
)
from safeschools.model.school_shootings import SchoolShooting
from safeschools.national.counts import (
    BY,
    CLAIM,
    ClaimCheck,
    TrackerSeries,
    check_claim,
    count_series,
)
from safeschools.national.trackers import TRACKERS
from safeschools.services.base import clock_of
from safeschools.services.cache import VersionedCache
from safeschools.services.imports import IngestReport, record_parse_result, skip_if_imported
from safeschools.settings import Settings
from safeschools.spreadsheet import csv_dict_writer
from safeschools.storage import Store, UpsertCounts

__all__ = [
    "CLAIM",
    "CSV_COLUMNS",
    "INGEST_KIND",
    "LICENSES",
    "NationalOverview",
    "claim_checks",
    "ingest_school_shootings",
    "national_overview",
    "national_series",
    "series_csv",
    "series_rows",
]

#: The kind of import (``safeschools ingest school-shootings``).
INGEST_KIND = "school-shootings"

#: Each source's publisher, license and address, as pages and exports show them.
LICENSES: dict[str, dict[str, str]] = {
    s["name"]: {"title": s["title"], "publisher": s["publisher"], "license": s["license"],
                "url": s["url"]}
    for s in (K12_SSDB_SOURCE, WAPO_SOURCE)
}  # fmt: skip

_CACHE = VersionedCache(size=64)

Clock = Callable[[], datetime]


def _import_key(path: Path, tracker: str) -> str:
    """The SHA-256 of the file (and, for the SSDB, of its three sibling tables) and the kind."""
    parts = [file_checksum(path), f"kind={INGEST_KIND}"]
    if tracker == "k12-ssdb":
        parts += [file_checksum(path.with_name(n)) for n in SSDB_SIBLINGS if
                  path.with_name(n).is_file()]  # fmt: skip
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def ingest_school_shootings(
    store: Store,
    path: Path | str,
    *,
    settings: Settings,
    force: bool = False,
    now: Clock | None = None,
) -> IngestReport:
    """Import a tracker's file, recognised by its columns: the SSDB's ``incident.csv`` (with
    ``victim.csv``, ``shooter.csv`` and ``weapon.csv`` from the same folder) or the Post's file.

    One transaction: the incidents, the rejected rows and the import record land together or
    not at all. The same files again are not read (unless ``force``); read again, they change
    nothing.
    """
    path = Path(path)
    if not path.is_file():
        msg = f"{path} does not exist or is not a file; check the path."
        raise SourceError(msg)
    clock = clock_of(settings, now)
    tracker = detect_tracker(path)
    checksum = _import_key(path, tracker)
    if not force:
        skipped = skip_if_imported(store, kind=INGEST_KIND, checksum=checksum, location=str(path))
        if skipped is not None:
            return skipped
    result = parse_ssdb(path) if tracker == "k12-ssdb" else parse_wapo(path)

    def write(records: list[Any], import_id: int, *, conn: Connection) -> UpsertCounts:
        return UpsertCounts(*store.upsert_school_shootings(records, import_id, conn=conn))

    return record_parse_result(
        store,
        result,
        kind=INGEST_KIND,
        location=str(path),
        checksum=checksum,
        writer=write,
        now=clock,
    )


def _version(store: Store) -> tuple[int, int]:
    """What changes when the stored incidents change (besides the newest import, which the
    cache keys on already): their number and the newest import that wrote one."""
    return store.school_shootings_version()


def _records(store: Store) -> list[SchoolShooting]:
    return _CACHE.get(store, ("records", _version(store)), store.school_shootings)


def national_series(
    store: Store,
    tracker: str,
    *,
    by: str = "year",
    state: str | None = None,
    city: str | None = None,
) -> TrackerSeries:
    """Tracker ``tracker``'s counts per period (nationally, for a state, or a city of it)."""
    key = ("series", _version(store), tracker, by, (state or "").upper(), (city or "").lower())
    return _CACHE.get(
        store, key, lambda: count_series(_records(store), tracker, by=by, state=state, city=city)
    )


def claim_checks(store: Store) -> list[ClaimCheck]:
    """The claim "18 in 2008, 82 in 2023" beside every tracker's counts on the loaded data."""
    return _CACHE.get(store, ("claim", _version(store)), lambda: check_claim(_records(store)))


@dataclass(frozen=True)
class NationalOverview:
    """What /national shows: every tracker's series nationally (by ``by``), for Illinois and
    for Chicago, the claim, and which sources are loaded."""

    by: str
    national: dict[str, TrackerSeries]
    illinois: dict[str, TrackerSeries]
    chicago: dict[str, TrackerSeries]
    claim: list[ClaimCheck]
    loaded: list[str]


def national_overview(store: Store, *, by: str = "year") -> NationalOverview:
    """Everything /national shows, computed once per import."""
    if by not in BY:
        by = "year"

    def compute() -> NationalOverview:
        records = _records(store)
        return NationalOverview(
            by=by,
            national={n: national_series(store, n, by=by) for n in TRACKERS},
            illinois={n: national_series(store, n, by=by, state="IL") for n in TRACKERS},
            chicago={
                n: national_series(store, n, by=by, state="IL", city="Chicago") for n in TRACKERS
            },
            claim=claim_checks(store),
            loaded=sorted({r.source for r in records}),
        )

    return _CACHE.get(store, ("overview", _version(store), by), compute)


def series_rows(series: TrackerSeries) -> list[dict[str, object]]:
    """A series as a list of objects (the CLI's JSON, the API and the CSV): ``period``,
    ``incidents``, ``killed``, ``injured``, ``partial``, the school resource officer counts
    where recorded, the tracker and the license of the file it is counted on."""
    return [
        {**row.as_dict(), "tracker": series.tracker, "license": series.license}
        for row in series.rows
    ]


#: The columns of the CSV export, in order.
CSV_COLUMNS = (
    "tracker", "period", "incidents", "killed", "injured", "partial", "sro_present",
    "sro_absent_or_unknown", "sro_not_recorded", "license",
)  # fmt: skip


def series_csv(series: TrackerSeries) -> str:
    """A series as CSV text, the source's license on every row."""
    out = io.StringIO()
    writer = csv_dict_writer(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in series_rows(series):
        writer.writerow({k: "" if row[k] is None else row[k] for k in CSV_COLUMNS})
    return out.getvalue()
