"""`safeschools fetch chicago` against a real local stand-in of the City of Chicago Data Portal.

The portal (tests/helpers/portal_server.py) serves the 3,184 rows of the real victims extract
the way Socrata does, on 127.0.0.1; nothing reaches the internet. The clock is pinned (NOW) so
the import records and the watermark's fetched_at do not depend on when the tests run.
"""

from __future__ import annotations

import csv
import json
import shutil
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from helpers.portal_server import PortalServer
from sqlalchemy import Connection

from safeschools.cli import cli
from safeschools.errors import ConfigError, SourceError
from safeschools.ingest.chicago_victims import victims_from_file
from safeschools.ingest.socrata import SocrataClient, soql_and, soql_literal
from safeschools.services.fetch import FetchProgress, fetch_chicago
from safeschools.settings import CHICAGO_BBOX, Settings
from safeschools.storage import Store
from safeschools.testing import real_data

VICTIMS = real_data("chicago-victims-homicides-nonfatal-shootings-2024-2026")
TOTAL_ROWS = 3184
#: The newest `updated` in the extract (chicago_shootings_enriched_2025_part1.csv).
NEWEST_UPDATE = "2026-08-04T19:32:33.000"
#: Pinned clock: import records and fetched_at are stamped with it.
NOW = datetime(2026, 8, 10, 12, 0, 0)
PAGE = 500
OFFSETS = [0, 500, 1000, 1500, 2000, 2500, 3000]  # 3,184 rows in pages of 500: 6 full + 184


@pytest.fixture
def portal() -> Iterator[PortalServer]:
    with PortalServer(VICTIMS) as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


def _settings(tmp_path: Path, portal: PortalServer, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'unused.db'}",
        "data_dir": tmp_path / "data",
        "socrata_base_url": portal.url,
        "fetch_page_size": PAGE,
        **extra,
    }
    return Settings(**values)


class Sleeps(list[float]):
    """Records the waits between retries instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _fetch(store: Store, settings: Settings, http: httpx.Client, **kw: Any) -> Any:
    kw.setdefault("sleep", Sleeps())
    return fetch_chicago(store, settings, client=http, now=lambda: NOW, **kw)


def _assert_untouched(store: Store) -> None:
    assert store.imports() == []
    assert store.count("victimizations") == 0
    assert store.count("rejected_rows") == 0
    assert store.fetch_watermark("chicago-victims") is None


def _staged_runs(settings: Settings) -> list[Path]:
    return sorted((settings.data_dir / "fetch" / "victims").glob("*"))


# ---------------------------------------------------------------------- full and incremental
def test_full_fetch_gets_every_row_in_pages(
    store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    settings = _settings(tmp_path, portal)
    events: list[FetchProgress] = []
    report = _fetch(store, settings, http, progress=events.append)

    pages = portal.page_requests()
    assert [r.offset for r in pages] == OFFSETS
    first = pages[0].params
    assert first["$limit"] == "500"
    assert first["$order"] == "updated, unique_id"
    assert first["$where"] == "date >= '2019-01-01T00:00:00'"
    assert "$$app_token" not in first

    assert (report.rows_fetched, report.pages, report.pages_resumed) == (TOTAL_ROWS, 7, 0)
    rec = report.ingest.record
    assert (rec.rows_read, rec.accepted, rec.rejected) == (TOTAL_ROWS, TOTAL_ROWS, 0)
    assert (rec.inserted, rec.updated, rec.unchanged) == (TOTAL_ROWS, 0, 0)
    assert rec.kind == "victims" and "SODA API JSON" in rec.format
    assert rec.started_at == NOW and rec.vintage == "2026-08-04T19:32:33"
    assert rec.location.endswith("/resource/gumc-mgzr.json?$where=date >= '2019-01-01T00:00:00'")

    victims = store.victimizations()
    assert len(victims) == TOTAL_ROWS
    assert sum(v.fatal for v in victims) == 859
    shot = next(v for v in victims if v.source_row_id == "SHOOT-JH561809-#1")
    assert shot.occurred_at == datetime(2024, 12, 31, 23, 26)
    assert shot.source_updated_at == datetime(2025, 1, 18, 3, 11, 58)
    assert store.fetch_watermark("chicago-victims") == NEWEST_UPDATE
    assert report.watermark_before is None and report.watermark_after == NEWEST_UPDATE
    assert not (settings.data_dir / "fetch").exists()  # staging removed

    downloads = [e for e in events if e.stage == "download"]
    assert downloads[0].rows_done == 0 and downloads[0].rows_total == TOTAL_ROWS
    assert [e.rows_done for e in downloads[1:]] == [500, 1000, 1500, 2000, 2500, 3000, 3184]
    assert [e.stage for e in events[-2:]] == ["import", "done"]


def test_second_fetch_adds_nothing(
    store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    settings = _settings(tmp_path, portal)
    _fetch(store, settings, http)
    portal.reset_log()

    report = _fetch(store, settings, http)

    assert report.rows_fetched == 0 and report.ingest is None
    assert report.watermark_after == NEWEST_UPDATE
    pages = portal.page_requests()
    assert len(pages) == 1
    assert pages[0].params["$where"] == f"updated > '{NEWEST_UPDATE}'"
    assert len(store.imports()) == 1
    assert store.count("victimizations") == TOTAL_ROWS
    assert not (settings.data_dir / "fetch").exists()


def _modified_copy(folder: Path) -> tuple[set[str], set[str]]:
    """Copy the extract into ``folder``; change 5 rows and add 2; return (changed, added) ids."""
    folder.mkdir()
    for path in sorted(VICTIMS.glob("*.csv")):
        shutil.copy(path, folder / path.name)
    target = folder / "chicago_shootings_enriched_2026_part1.csv"
    with target.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    changed: set[str] = set()
    for row in rows[:5]:
        row["block"] = "0 N STATE ST"
        row["updated"] = "2026-08-09T10:00:00.000"
        changed.add(row["cpd_id"])
    added: set[str] = set()
    for n, template in enumerate(rows[5:7], start=1):
        new = dict(template)
        new["cpd_id"] = f"SHOOT-JZ00000{n}-#1"
        new["case_number"] = f"JZ00000{n}"
        new["date"] = "2026-08-08 15:30:00"
        new["updated"] = "2026-08-09T11:00:00.000"
        rows.append(new)
        added.add(new["cpd_id"])
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return changed, added


def test_fetch_after_updates_takes_exactly_the_changed_rows(
    store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    settings = _settings(tmp_path, portal)
    _fetch(store, settings, http)
    changed, added = _modified_copy(tmp_path / "portal")
    portal.load(tmp_path / "portal")
    portal.reset_log()

    report = _fetch(store, settings, http)

    assert [r.params["$where"] for r in portal.page_requests()] == [f"updated > '{NEWEST_UPDATE}'"]
    assert report.rows_fetched == 7
    rec = report.ingest.record
    assert (rec.rows_read, rec.accepted, rec.rejected) == (7, 7, 0)
    assert (rec.inserted, rec.updated, rec.unchanged) == (2, 5, 0)
    assert "5 stored row(s) updated by this file" in (rec.note or "")
    victims = {v.source_row_id: v for v in store.victimizations()}
    assert len(victims) == TOTAL_ROWS + 2
    assert {i for i, v in victims.items() if v.block == "0 N STATE ST"} >= changed
    assert added <= set(victims)
    assert store.fetch_watermark("chicago-victims") == "2026-08-09T11:00:00.000"
    assert len(store.imports()) == 2


# ---------------------------------------------------------------------- interruptions
def test_server_failing_mid_way_leaves_store_unchanged_and_next_run_resumes(
    store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    settings = _settings(tmp_path, portal)
    portal.fail_pages_after = 2
    sleeps = Sleeps()

    with pytest.raises(SourceError, match=r"answered 500 Internal Server Error .* 5 times; try"):
        _fetch(store, settings, http, sleep=sleeps)

    assert sleeps == [1.0, 2.0, 4.0, 8.0]  # bounded retries, exponential backoff
    assert [r.offset for r in portal.page_requests()] == [0, 500] + [1000] * 5
    _assert_untouched(store)
    [run] = _staged_runs(settings)
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["pages"] == [500, 500] and manifest["complete"] is False
    assert manifest["watermark"] is None and manifest["page_size"] == PAGE
    saved = json.loads((run / "page-00000.json").read_text())
    assert len(saved) == 500
    assert not [k for row in saved for k in row if "name" in k]  # names never reach the disk

    portal.fail_pages_after = None
    portal.reset_log()
    report = _fetch(store, settings, http)

    assert [r.offset for r in portal.page_requests()] == OFFSETS[2:]  # saved pages not re-read
    assert (report.pages, report.pages_resumed, report.rows_fetched) == (7, 2, TOTAL_ROWS)
    assert report.ingest.record.inserted == TOTAL_ROWS
    assert store.count("victimizations") == TOTAL_ROWS
    assert _staged_runs(settings) == []


def test_client_interrupted_after_page_three_resumes_from_page_four(
    store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    settings = _settings(tmp_path, portal)

    def ctrl_c_after_three_pages(event: FetchProgress) -> None:
        if event.stage == "download" and event.pages_done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _fetch(store, settings, http, progress=ctrl_c_after_three_pages)
    _assert_untouched(store)

    portal.reset_log()
    events: list[FetchProgress] = []
    report = _fetch(store, settings, http, progress=events.append)

    assert [r.offset for r in portal.page_requests()] == OFFSETS[3:]
    assert report.pages_resumed == 3
    assert events[0].rows_done == 1500 and events[0].pages_resumed == 3
    assert store.count("victimizations") == TOTAL_ROWS


class _StoreFailingAtWatermark(Store):
    """A store whose last write of the import transaction fails, as a crash would."""

    def set_fetch_watermark(
        self, source: str, watermark: str | None, fetched_at: datetime, *, conn: Connection
    ) -> None:
        raise RuntimeError("power cut")


def test_interrupted_import_leaves_store_as_it_was_and_reuses_every_page(
    store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    settings = _settings(tmp_path, portal)
    failing = _StoreFailingAtWatermark(store.engine)

    with pytest.raises(RuntimeError, match="power cut"):
        _fetch(failing, settings, http)
    _assert_untouched(store)  # the rows were written, then rolled back with the import record

    portal.reset_log()
    report = _fetch(store, settings, http)

    assert portal.requests == []  # every page was saved: nothing is downloaded again
    assert report.pages_resumed == 7
    assert report.ingest.record.inserted == TOTAL_ROWS
    assert store.fetch_watermark("chicago-victims") == NEWEST_UPDATE


def test_staged_run_with_a_damaged_page_downloads_that_page_again(
    sqlite_only_store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    settings = _settings(tmp_path, portal)
    portal.fail_pages_after = 4
    with pytest.raises(SourceError):
        _fetch(sqlite_only_store, settings, http, sleep=Sleeps())
    [run] = _staged_runs(settings)
    (run / "page-00002.json").write_text("[{", encoding="utf-8")  # cut off mid-write

    portal.fail_pages_after = None
    portal.reset_log()
    report = _fetch(sqlite_only_store, settings, http)

    assert [r.offset for r in portal.page_requests()] == OFFSETS[2:]
    assert report.pages_resumed == 2
    assert sqlite_only_store.count("victimizations") == TOTAL_ROWS


def test_timeout_is_retried(
    sqlite_only_store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    # a timeout well above a loaded machine's answer time, and a delay well above the timeout
    settings = _settings(tmp_path, portal, http_timeout_s=1.0)
    portal.delays_s = [0, 2.5]  # the second page answers too late, once
    sleeps = Sleeps()

    report = _fetch(sqlite_only_store, settings, http, sleep=sleeps)

    # The late answer is logged when the server finishes sleeping, which may be after the fetch
    # is done: wait (boundedly) for it rather than race it.
    deadline = time.monotonic() + 5
    while len(portal.page_requests()) < len(OFFSETS) + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    offsets = sorted(r.offset for r in portal.page_requests())
    assert offsets == [0, 500, *OFFSETS[1:]]
    assert sleeps == [1.0]
    assert report.rows_fetched == TOTAL_ROWS


# ---------------------------------------------------------------------- refusals
def test_unknown_dataset_gives_one_clear_sentence(
    sqlite_only_store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    settings = _settings(tmp_path, portal, victims_dataset_id="abcd-1234")
    with pytest.raises(SourceError) as info:
        _fetch(sqlite_only_store, settings, http)
    message = str(info.value)
    assert message.startswith("The portal refused the row count of dataset abcd-1234 with 404")
    assert "SAFESCHOOLS_VICTIMS_DATASET_ID" in message and message.endswith(".")
    assert len(portal.requests) == 1  # a 4xx is not retried
    _assert_untouched(sqlite_only_store)


def test_garbage_answer_gives_one_clear_sentence(
    sqlite_only_store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    portal.garbage = True
    with pytest.raises(SourceError, match=r"is not JSON \('<html>.*socrata_base_url"):
        _fetch(sqlite_only_store, _settings(tmp_path, portal), http)


def test_bad_query_is_refused_without_retry(portal: PortalServer, http: httpx.Client) -> None:
    client = SocrataClient(http, base_url=portal.url, app_token="tok3n", sleep=Sleeps())
    with pytest.raises(SourceError, match=r"400 Bad Request \(No such column: nosuch\)"):
        client.page("gumc-mgzr", limit=5, offset=0, order="date", where="nosuch > '1'")
    assert len(portal.requests) == 1
    assert portal.requests[0].params["$$app_token"] == "tok3n"


def test_unreachable_portal_is_retried_then_explained(http: httpx.Client) -> None:
    sleeps = Sleeps()
    client = SocrataClient(http, base_url="http://127.0.0.1:9", retries=2, sleep=sleeps)
    with pytest.raises(SourceError, match=r"could not be reached .* 3 times; try again later"):
        client.count("gumc-mgzr")
    assert sleeps == [1.0, 2.0]


def test_since_must_be_a_local_date(
    sqlite_only_store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    settings = _settings(tmp_path, portal)
    with pytest.raises(ConfigError, match="not a date; write it as 2019-01-01"):
        _fetch(sqlite_only_store, settings, http, since="last year")
    with pytest.raises(ConfigError, match="time zone"):
        _fetch(sqlite_only_store, settings, http, since="2024-01-01T00:00:00+00:00")
    assert portal.requests == []


def test_soql_helpers() -> None:
    assert soql_literal("O'HARE") == "'O''HARE'"
    assert soql_and(None, "") is None
    assert soql_and("a > '1'", "b = '2' OR c = '3'") == "a > '1' AND (b = '2' OR c = '3')"


# ---------------------------------------------------------------------- crimes
CRIMES_JSON = Path(__file__).parent.parent / "data" / "chicago_crimes" / "crimes_api.json"
SHOOTING_AND_HOMICIDE_IDS = {
    "13400001", "13400002", "13400003", "13400004", "13400007",
    "13400008", "13400009", "13400010", "13400011", "13400014",
}  # fmt: skip


def test_crimes_fetch_asks_only_for_shootings_and_homicides(
    store: Store, tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    portal.add_json_dataset("ijzp-q8t2", CRIMES_JSON)
    settings = _settings(tmp_path, portal, fetch_page_size=4)

    report = _fetch(store, settings, http, dataset="crimes", since="2024-01-01")

    [first, *_] = pages = portal.page_requests()
    assert [r.offset for r in pages] == [0, 4, 8]
    assert first.path == "/resource/ijzp-q8t2.json"
    assert first.params["$order"] == "updated_on, id"
    assert first.params["$where"] == (
        "date >= '2024-01-01T00:00:00' AND iucr IN ('0110', '0130', '0141', '0142', '041A', '041B')"
    )
    assert report.rows_fetched == len(SHOOTING_AND_HOMICIDE_IDS)
    rec = report.ingest.record
    assert rec.kind == "crimes" and rec.source == "chicago-crimes"
    assert rec.rows_read == 10 and rec.accepted + rec.rejected == 10
    assert "left out" not in (rec.note or "")  # the portal already filtered the types
    stored = {v.source_row_id for v in store.victimizations(source="chicago-crimes")}
    assert stored <= SHOOTING_AND_HOMICIDE_IDS and len(stored) == rec.accepted
    assert store.fetch_watermark("chicago-crimes") == "2024-03-17T15:40:58.000"
    assert store.fetch_watermark("chicago-victims") is None

    portal.reset_log()
    again = _fetch(store, settings, http, dataset="crimes")
    assert again.ingest is None
    assert (
        portal.page_requests()[0]
        .params["$where"]
        .startswith("updated_on > '2024-03-17T15:40:58.000' AND iucr IN (")
    )


# ---------------------------------------------------------------------- the portal's CSV export
def test_portal_csv_export_reads_with_the_victims_parser(
    tmp_path: Path, portal: PortalServer, http: httpx.Client
) -> None:
    answer = http.get(f"{portal.url}/resource/gumc-mgzr.csv", params={"$limit": "5000"})
    answer.raise_for_status()
    assert answer.text.startswith("CASE_NUMBER,DATE,BLOCK,")
    assert "12/31/2024 11:26:00 PM" in answer.text
    path = tmp_path / "victims.csv"
    path.write_bytes(answer.content)

    result = victims_from_file(path, bbox=CHICAGO_BBOX)

    assert (result.rows_read, len(result.records), len(result.rejects)) == (
        TOTAL_ROWS,
        TOTAL_ROWS,
        0,
    )
    assert "portal CSV export" in result.format
    shot = next(r for r in result.records if r.source_row_id == "SHOOT-JH561809-#1")
    assert shot.occurred_at == datetime(2024, 12, 31, 23, 26)
    assert shot.source_updated_at == datetime(2025, 1, 18, 3, 11, 58)


# ---------------------------------------------------------------------- the command
def _env(tmp_path: Path, portal: PortalServer) -> dict[str, str]:
    return {
        "SAFESCHOOLS_SOCRATA_BASE_URL": portal.url,
        "SAFESCHOOLS_DATA_DIR": str(tmp_path / "data"),
        "SAFESCHOOLS_FETCH_PAGE_SIZE": "200",
    }


def test_cli_fetch_chicago_prints_rows_and_import_summary(
    tmp_path: Path, portal: PortalServer
) -> None:
    runner = CliRunner()
    db = ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}"]
    env = _env(tmp_path, portal)

    first = runner.invoke(cli, [*db, "fetch", "chicago", "--since", "2026-01-01"], env=env)

    assert first.exit_code == 0, first.output
    assert "Fetched 893 rows of gumc-mgzr" in first.output  # the four 2026 files
    assert "in 5 page(s)" in first.output
    assert "Read 893 rows: 893 accepted, 0 rejected (inserted 893, updated 0, unchanged 0)" in (
        first.output
    )
    assert "Next fetch asks for rows updated after 2026-08-04T11:49:54.000" in first.output

    since = ["--since", "2026-01-01"]
    again = runner.invoke(cli, [*db, "fetch", "chicago", *since], env=env)
    assert again.exit_code == 0, again.output
    assert "No new or updated rows since 2026-08-04T11:49:54.000; nothing changed." in again.output

    # Without --since, later updates of older rows (two 2024-25 rows here) come in too.
    later = runner.invoke(cli, [*db, "fetch", "chicago", "--json"], env=env)
    assert later.exit_code == 0, later.output
    summary = json.loads(later.stdout)
    assert summary["where"] == "updated > '2026-08-04T11:49:54.000'"
    assert summary["rows_fetched"] == 2 and summary["import"]["inserted"] == 2

    full = runner.invoke(cli, [*db, "fetch", "chicago", "--full", "--json"], env=env)
    assert full.exit_code == 0, full.output
    summary = json.loads(full.stdout)
    assert summary["rows_fetched"] == TOTAL_ROWS
    assert summary["import"]["inserted"] == TOTAL_ROWS - 895
    assert summary["import"]["unchanged"] == 895
    assert summary["watermark_after"] == NEWEST_UPDATE


def test_cli_fetch_chicago_error_exits_2_with_one_line(
    tmp_path: Path, portal: PortalServer
) -> None:
    env = {**_env(tmp_path, portal), "SAFESCHOOLS_VICTIMS_DATASET_ID": "abcd-1234"}
    result = CliRunner().invoke(
        cli, ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}", "fetch", "chicago"], env=env
    )
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"Error: {lines[0][len('Error: ') :]}"] and "404 Not Found" in lines[0]
