"""Fetch current data from the City of Chicago Data Portal: incrementally, resumably, atomically.

:func:`fetch_chicago` asks the portal (Socrata, see :mod:`safeschools.ingest.socrata`) only for
rows that changed since the last completed fetch. Two datasets are known (:data:`DATASETS`):
``victims`` (gumc-mgzr, every row) and ``crimes`` (ijzp-q8t2, only shootings and homicides,
selected by IUCR code in ``$where``).

- **incremental**: the store keeps a watermark per source, the newest ``updated`` value
  (crimes: ``updated_on``) a completed fetch saw (table ``fetch_cursors``). The next fetch asks
  for ``updated > '<watermark>'``; the first one (or ``full=True``) asks for
  ``date >= '<settings.fetch_since>'`` instead. Rows are ordered by ``updated, unique_id``
  (crimes: ``updated_on, id``) so that offset paging is stable; a row that appears twice (it
  changed while the pages were read) is kept once, in its newest version.
- **resumable**: each page is saved as it arrives under
  ``<settings.data_dir>/fetch/<dataset>/<run key>/`` next to a small ``manifest.json`` (the
  watermark and filter used, page size, rows per finished page). The run key is a digest of
  the portal, dataset, filter, order and page size, so running the same fetch again after an
  interruption finds the saved pages and continues from the next offset. Columns that may hold
  a person's name are dropped before a page is written to disk.
- **atomic**: only when every page is in are the rows parsed by the source's own importer and
  written with :func:`safeschools.services.record_parse_result`, in ONE transaction together
  with their rejected rows, the import record and the new watermark. An interrupted import
  leaves the store as it was (and the saved pages in place); then the staging folder is removed.

Fetching twice with no new data downloads one count and one empty page and changes nothing.

Caveat: offset paging assumes rows do not change *while* a fetch runs. A row updated during a
run moves to the end of the order and is read again (harmless), but it can shift one unread row
back past the current offset; the portal refreshes this dataset about once a day.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx

from safeschools.errors import ConfigError, SourceError
from safeschools.ingest.base import (
    ParseResult,
    RowError,
    TableFile,
    file_checksum,
    parse_local_datetime,
    read_table,
)
from safeschools.ingest.chicago_crimes import HOMICIDE_IUCR, SHOOTING_IUCR, crimes_from_table
from safeschools.ingest.chicago_crimes import SOURCE as CRIMES_SOURCE
from safeschools.ingest.chicago_victims import SOURCE as VICTIMS_SOURCE
from safeschools.ingest.chicago_victims import victims_from_table
from safeschools.ingest.socrata import SocrataClient, soql_and, soql_literal
from safeschools.model.privacy import may_hold_name, without_names
from safeschools.services.base import clock_of
from safeschools.services.imports import IngestReport, Writer, record_parse_result
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "DATASETS",
    "ChicagoDataset",
    "FetchProgress",
    "FetchReport",
    "fetch_chicago",
]

Clock = Callable[[], datetime]

_MANIFEST = "manifest.json"
_MANIFEST_VERSION = 1


@dataclass(frozen=True)
class ChicagoDataset:
    """How one portal dataset is fetched and imported."""

    name: str
    """Name used on the command line (``--dataset``) and for the staging folder."""
    source: str
    """Source name of the importer; also the key of the stored watermark."""
    kind: str
    """Import kind recorded with each import (``victims``, ...)."""
    dataset_id_setting: str
    """The Settings field that holds the portal's dataset id."""
    updated_column: str
    date_column: str
    key_column: str
    parse: Callable[[TableFile, Settings, date], ParseResult[Any]]
    """The importer: the table, the settings and today (rows dated later are rejected)."""
    writer: Callable[[Store], Writer]
    where: Callable[[Settings], str | None] = lambda _settings: None
    """A filter always added to ``$where`` (e.g. the crimes' IUCR codes)."""


def _parse_victims(table: TableFile, settings: Settings, today: date) -> ParseResult[Any]:
    return victims_from_table(table, bbox=settings.area_bbox, today=today)


def _parse_crimes(table: TableFile, settings: Settings, today: date) -> ParseResult[Any]:
    return crimes_from_table(
        table,
        bbox=settings.area_bbox,
        select=("shootings", "homicides"),
        today=today,
    )


def _victims_writer(store: Store) -> Writer:
    return store.upsert_victimizations


def _crimes_where(_settings: Settings) -> str:
    """Only shootings and homicides: ~8M crime rows would otherwise be downloaded."""
    codes = ", ".join(soql_literal(c) for c in sorted(HOMICIDE_IUCR | SHOOTING_IUCR))
    return f"iucr IN ({codes})"


#: The datasets `fetch chicago` knows, by ``--dataset`` name.
DATASETS: dict[str, ChicagoDataset] = {
    "victims": ChicagoDataset(
        name="victims",
        source=VICTIMS_SOURCE["name"],
        kind="victims",
        dataset_id_setting="victims_dataset_id",
        updated_column="updated",
        date_column="date",
        key_column="unique_id",
        parse=_parse_victims,
        writer=_victims_writer,
    ),
    "crimes": ChicagoDataset(
        name="crimes",
        source=CRIMES_SOURCE["name"],
        kind="crimes",
        dataset_id_setting="crimes_dataset_id",
        updated_column="updated_on",
        date_column="date",
        key_column="id",
        parse=_parse_crimes,
        writer=_victims_writer,
        where=_crimes_where,
    ),
}


@dataclass(frozen=True)
class FetchProgress:
    """Where a fetch is, for a progress bar: ``stage`` is ``download``, ``import`` or ``done``."""

    stage: str
    rows_done: int
    rows_total: int | None
    pages_done: int
    pages_resumed: int


@dataclass
class FetchReport:
    """What a fetch did, for the interfaces to show."""

    dataset: str
    dataset_id: str
    url: str
    where: str | None
    watermark_before: str | None
    watermark_after: str | None
    pages: int
    pages_resumed: int
    rows_fetched: int
    ingest: IngestReport | None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (the import's own summary under ``import``)."""
        return {
            "dataset": self.dataset,
            "dataset_id": self.dataset_id,
            "url": self.url,
            "where": self.where,
            "watermark_before": self.watermark_before,
            "watermark_after": self.watermark_after,
            "pages": self.pages,
            "pages_resumed": self.pages_resumed,
            "rows_fetched": self.rows_fetched,
            "import": self.ingest.as_dict() if self.ingest else None,
        }


def _normalise_since(text: str) -> str:
    """``2019-01-01`` or ``2019-01-01T00:00:00`` (local time) as SoQL's ``2019-01-01T00:00:00``."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        msg = (
            f"--since / fetch_since {text!r} is not a date; "
            "write it as 2019-01-01 or 2019-01-01T00:00:00."
        )
        raise ConfigError(msg) from None
    if value.tzinfo is not None:
        msg = (
            f"--since / fetch_since {text!r} has a time zone; "
            "write the portal's local time without one."
        )
        raise ConfigError(msg)
    return value.isoformat(timespec="seconds")


def _dataset(name: str) -> ChicagoDataset:
    spec = DATASETS.get(name)
    if spec is None:
        msg = f"Unknown dataset {name!r}; use one of: {', '.join(DATASETS)}."
        raise ConfigError(msg)
    return spec


# ---------------------------------------------------------------------- staging
@dataclass
class _Manifest:
    """The state of one run's download, saved next to its pages."""

    dataset: str
    dataset_id: str
    base_url: str
    where: str | None
    order: str
    page_size: int
    watermark: str | None
    since: str | None
    started_at: str
    fields: list[str]
    pages: list[int]
    complete: bool = False

    @property
    def rows_done(self) -> int:
        return sum(self.pages)

    def as_dict(self) -> dict[str, Any]:
        return {"version": _MANIFEST_VERSION, **self.__dict__}


def _run_key(base_url: str, dataset_id: str, where: str | None, order: str, page_size: int) -> str:
    payload = json.dumps([base_url, dataset_id, where, order, page_size])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _page_path(folder: Path, index: int) -> Path:
    return folder / f"page-{index:05d}.json"


def _write_atomically(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _resume(folder: Path, fresh: _Manifest) -> _Manifest:
    """The saved manifest of this run with its pages checked, or ``fresh`` when there is none."""
    saved = _read_json(folder / _MANIFEST)
    if not isinstance(saved, dict) or saved.get("version") != _MANIFEST_VERSION:
        return fresh
    saved.pop("version")
    try:
        manifest = _Manifest(**saved)
    except TypeError:
        return fresh

    def identity(m: _Manifest) -> tuple[Any, ...]:
        return (m.base_url, m.dataset_id, m.where, m.order, m.page_size)

    if identity(manifest) != identity(fresh):
        return fresh
    for index, rows in enumerate(manifest.pages):
        page = _read_json(_page_path(folder, index))
        if not isinstance(page, list) or len(page) != rows:
            manifest.pages = manifest.pages[:index]
            manifest.complete = False
            break
    return manifest


def _public_row(row: dict[str, Any]) -> dict[str, Any]:
    return without_names(row)


def _remove_staging(folder: Path, data_dir: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    for parent in (folder.parent, folder.parent.parent):
        if parent == data_dir:
            break
        try:
            parent.rmdir()
        except OSError:
            break


# ---------------------------------------------------------------------- rows
def _combine(folder: Path, manifest: _Manifest, key_column: str) -> list[dict[str, Any]]:
    """Every saved row once (the last version of a repeated key), with every field present."""
    by_key: dict[str, dict[str, Any]] = {}
    seen_fields: list[str] = [f for f in manifest.fields if not may_hold_name(f)]
    known = set(seen_fields)
    anonymous = 0
    for index in range(len(manifest.pages)):
        page = _read_json(_page_path(folder, index))
        if not isinstance(page, list):  # pragma: no cover - checked by _resume
            msg = (
                f"The saved page {_page_path(folder, index)} cannot be read; "
                f"delete {folder} and fetch again."
            )
            raise SourceError(msg)
        for row in page:
            for name in row:
                if name not in known:
                    known.add(name)
                    seen_fields.append(name)
            key = str(row.get(key_column) or "").strip()
            if not key:
                anonymous += 1
                key = f"\x00row-{anonymous}"
            by_key.pop(key, None)
            by_key[key] = row
    return [{name: row.get(name) for name in seen_fields} for row in by_key.values()]


def _parse_stamp(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return parse_local_datetime(text)
    except RowError:
        return None


def _new_watermark(rows: list[dict[str, Any]], column: str, old: str | None) -> str | None:
    stamps = [s for s in (_parse_stamp(r.get(column)) for r in rows) if s is not None]
    newest = max(stamps, default=None)
    previous = _parse_stamp(old)
    if newest is None or (previous is not None and previous >= newest):
        return old
    return newest.isoformat(timespec="milliseconds")


# ---------------------------------------------------------------------- the use case
def fetch_chicago(
    store: Store,
    settings: Settings,
    *,
    client: httpx.Client,
    dataset: str = "victims",
    since: str | None = None,
    full: bool = False,
    progress: Callable[[FetchProgress], None] | None = None,
    now: Clock | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchReport:
    """Download the rows of a Chicago portal dataset changed since the last fetch; import them.

    Parameters
    ----------
    store
        Where the rows, the import record and the watermark go.
    settings
        ``socrata_base_url``, ``socrata_app_token``, ``<dataset>_dataset_id``,
        ``fetch_page_size``, ``fetch_since``, ``http_timeout_s``, ``data_dir``, ``area_bbox``.
    client
        The HTTP client; the caller opens and closes it.
    dataset
        A key of :data:`DATASETS`: ``victims`` (every row) or ``crimes`` (only the shootings
        and homicides, by IUCR code, in ``$where``).
    since
        Only rows that occurred on or after this local time (default ``settings.fetch_since``,
        applied on a first or full fetch; given explicitly, it applies to every fetch).
    full
        Ignore the stored watermark and fetch every row since ``since``.
    progress
        Called with a :class:`FetchProgress` after the row count, after each page and before
        and after the import.
    now
        Clock for the import record and the watermark's ``fetched_at`` (local time).
    sleep
        How to wait between retries (tests pass a no-op).

    Returns
    -------
    FetchReport
        Rows fetched, pages (and how many were reused from an interrupted run), the watermark
        before and after, and the import's report (``None`` when nothing was new).

    Raises
    ------
    SourceError
        The portal refused a request, kept failing, or answered something unreadable. The pages
        saved so far are kept; running the same fetch again continues from there.
    ConfigError
        Unknown dataset or an unreadable ``since``.
    """
    spec = _dataset(dataset)
    clock = clock_of(settings, now)
    dataset_id = str(getattr(settings, spec.dataset_id_setting))
    portal = SocrataClient(
        client,
        base_url=settings.socrata_base_url,
        app_token=settings.socrata_app_token,
        timeout_s=settings.http_timeout_s,
        sleep=sleep,
    )
    watermark_before = store.fetch_watermark(spec.source)
    watermark = None if full else watermark_before
    where, since_value = _filter(spec, settings, watermark=watermark, since=since)
    folder, manifest = _staging(
        spec,
        settings,
        dataset_id=dataset_id,
        base_url=portal.base_url,
        where=where,
        watermark=watermark,
        since=since_value,
        started_at=clock().isoformat(timespec="seconds"),
    )
    resumed = len(manifest.pages)
    url = portal.resource_url(dataset_id)

    def tell(stage: str, total: int | None) -> None:
        if progress is not None:
            progress(FetchProgress(stage, manifest.rows_done, total, len(manifest.pages), resumed))

    total: int | None = manifest.rows_done if manifest.complete else None
    if not manifest.complete:
        _download(portal, folder, manifest, tell)
        total = manifest.rows_done

    rows = _combine(folder, manifest, spec.key_column)
    report = FetchReport(
        dataset=spec.name,
        dataset_id=dataset_id,
        url=url,
        where=where,
        watermark_before=watermark_before,
        watermark_after=watermark_before,
        pages=len(manifest.pages),
        pages_resumed=resumed,
        rows_fetched=manifest.rows_done,
        ingest=None,
    )
    if not rows:
        _remove_staging(folder, settings.data_dir)
        tell("done", total)
        return report

    tell("import", total)
    report.ingest, report.watermark_after = _import_rows(
        store,
        settings,
        spec,
        rows,
        table_path=folder / f"{dataset_id}.json",
        location=f"{url}?$where={where}" if where else url,
        watermark_before=watermark_before,
        clock=clock,
    )
    _remove_staging(folder, settings.data_dir)
    tell("done", total)
    return report


def _filter(
    spec: ChicagoDataset, settings: Settings, *, watermark: str | None, since: str | None
) -> tuple[str | None, str | None]:
    """The ``$where`` of a fetch (rows updated after the watermark, occurred since ``since``,
    and the dataset's own filter) and the normalised ``since`` (None when not applied)."""
    since_value = None
    if since is not None or watermark is None:
        since_value = _normalise_since(since if since is not None else settings.fetch_since)
    where = soql_and(
        f"{spec.updated_column} > {soql_literal(watermark)}" if watermark else None,
        f"{spec.date_column} >= {soql_literal(since_value)}" if since_value else None,
        spec.where(settings),
    )
    return where, since_value


def _staging(
    spec: ChicagoDataset,
    settings: Settings,
    *,
    dataset_id: str,
    base_url: str,
    where: str | None,
    watermark: str | None,
    since: str | None,
    started_at: str,
) -> tuple[Path, _Manifest]:
    """The staging folder of this fetch and its manifest: the one an interrupted run of the
    same fetch saved there (with its pages checked), or a fresh one."""
    order = f"{spec.updated_column}, {spec.key_column}"
    page_size = settings.fetch_page_size
    folder = (
        settings.data_dir
        / "fetch"
        / spec.name
        / _run_key(base_url, dataset_id, where, order, page_size)
    )
    fresh = _Manifest(
        dataset=spec.name,
        dataset_id=dataset_id,
        base_url=base_url,
        where=where,
        order=order,
        page_size=page_size,
        watermark=watermark,
        since=since,
        started_at=started_at,
        fields=[],
        pages=[],
    )
    return folder, _resume(folder, fresh)


def _download(
    portal: SocrataClient,
    folder: Path,
    manifest: _Manifest,
    tell: Callable[[str, int | None], None],
) -> None:
    """Save the pages the manifest does not have yet, each with the manifest after it, until
    a page comes back short."""
    total = portal.count(manifest.dataset_id, where=manifest.where)
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomically(folder / _MANIFEST, manifest.as_dict())
    tell("download", total)
    page_size = manifest.page_size
    while not manifest.complete:
        index = len(manifest.pages)
        page = portal.page(
            manifest.dataset_id,
            limit=page_size,
            offset=index * page_size,
            order=manifest.order,
            where=manifest.where,
        )
        _write_atomically(_page_path(folder, index), [_public_row(r) for r in page.rows])
        if not manifest.fields and page.fields:
            manifest.fields = [f for f in page.fields if not may_hold_name(f)]
        manifest.pages.append(len(page.rows))
        manifest.complete = len(page.rows) < page_size
        _write_atomically(folder / _MANIFEST, manifest.as_dict())
        tell("download", max(total, manifest.rows_done))


def _import_rows(
    store: Store,
    settings: Settings,
    spec: ChicagoDataset,
    rows: list[dict[str, Any]],
    *,
    table_path: Path,
    location: str,
    watermark_before: str | None,
    clock: Clock,
) -> tuple[IngestReport, str | None]:
    """Parse the rows with the dataset's importer and write them, their rejected rows, the
    import record and the new watermark in one transaction; the report and the watermark."""
    _write_atomically(table_path, rows)
    with read_table(table_path) as table:
        result = spec.parse(table, settings, clock().date())
    new_watermark = _new_watermark(rows, spec.updated_column, watermark_before)
    fetched_at = clock()
    ingest = record_parse_result(
        store,
        result,
        kind=spec.kind,
        location=location,
        checksum=file_checksum(table_path),
        writer=spec.writer(store),
        now=clock,
        pair_radius_m=settings.max_pair_radius_m,
        after_write=lambda conn: store.set_fetch_watermark(
            spec.source, new_watermark, fetched_at, conn=conn
        ),
    )
    return ingest, new_watermark
