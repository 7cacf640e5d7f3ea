"""A school's report for a meeting: the PDF a council member downloads (issue 12: under 1.5 s).

Two stores in a temporary folder: the synthetic demo city, and one built from the real files
read in place from ../shared/data/real (the CPS school profiles, the 2024-26 victims extract,
the community areas, the compiled officer decisions, the misconduct report and the 2022-23
demographics). On each:

- "render": :func:`safeschools.reports.school_report_pdf` from a profile already made (the
  HTML, then WeasyPrint), best of 5 runs, for the school with the most victims near it; the
  note gives the median, the CPU time (the machine may be shared) and the pages.
- "site, first PDF of a school": the application in process (``create_app``, httpx's ASGI
  transport) asked ``/schools/{id}/report.pdf`` for 8 schools it never made a report for,
  after one request built the exposure index and the discipline figures: what a reader waits
  for, profile, equity section, HTML and PDF. The row is the slowest of the 8; the note gives
  the median. The server's start-up (its lifespan: the index, the discipline publications and
  the district's evaluation, built once per data version) and the first request after it are
  rows of their own.
- "site, the same PDF again": the report made once per data version and day, then served.

The target is 1.5 s. Before issue 12: 10 pages on the real files and 14 on the demo, on A4,
in 2.5 to 5.9 s.
"""

from __future__ import annotations

import asyncio
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from pypdf import PdfReader

from benchmarks._harness import Row
from safeschools import reports, services
from safeschools.app import create_app
from safeschools.proximity.params import DEFAULT_PRESET
from safeschools.proximity.presets import PRESETS
from safeschools.services import evaluation as service_evaluation
from safeschools.settings import Settings
from safeschools.storage import Store, open_store
from safeschools.testing import load_real_files

TARGET_S = 1.5
SCHOOLS = 8
VICTIMS = "chicago-victims-homicides-nonfatal-shootings-2024-2026"


def _demo(folder: Path) -> tuple[Store, Settings]:
    settings = Settings(database_url=f"sqlite:///{folder / 'demo.db'}", data_dir=folder / "d")
    store = open_store(settings.database_url)
    services.load_demo_city(store, settings=settings)
    return store, settings


def _real(folder: Path) -> tuple[Store, Settings]:
    settings = Settings(database_url=f"sqlite:///{folder / 'real.db'}", data_dir=folder / "d")
    store = open_store(settings.database_url)
    load_real_files(store, settings)
    return store, settings


def _timed(func: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _render(name: str, store: Store, settings: Settings, school_id: str) -> Row:
    index = services.exposure_index(store, settings=settings)
    profile = services.school_profile(
        store, school_id, PRESETS[DEFAULT_PRESET], settings=settings, index=index
    )
    equity = service_evaluation.school_equity_report(
        store, school_id, settings=settings, index=index
    )
    layers = services.map_layers(store)

    def make() -> bytes:
        return reports.school_report_pdf(profile, lang="es", layers=layers, equity=equity)

    make()  # WeasyPrint loads its fonts once per process
    runs = [_timed(make) for _ in range(5)]
    walls = [r[0] for r in runs]
    cpu = min(r[1] for r in runs)
    pages = _pages(runs[0][2])
    return Row(
        f"report: render one school's PDF, {name} (Spanish, US Letter)",
        "reports.school_report_pdf",
        "",
        min(walls),
        None,
        f"median {statistics.median(walls):.3f} s, CPU {cpu:.3f} s, {pages} pages; "
        f"target < {TARGET_S} s",
    )


async def _site(store: Store, settings: Settings, school_ids: list[str]) -> dict[str, Any]:
    # as `safeschools serve` runs it: the pages and the PDF engine prepared at the start
    app = create_app(settings.model_copy(update={"warm_pages": True}), store=store)
    transport = httpx.ASGITransport(app=app)
    started = time.perf_counter()
    # the server's start-up, as uvicorn runs it: the index, the publications, the evaluation
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        startup = time.perf_counter() - started

        async def get(school_id: str) -> tuple[float, float, bytes]:
            wall, cpu = time.perf_counter(), time.process_time()
            response = await client.get(f"/schools/{school_id}/report.pdf")
            response.raise_for_status()
            return time.perf_counter() - wall, time.process_time() - cpu, response.content

        first = await get(school_ids[0])
        fresh = [await get(s) for s in school_ids[1:]]
        again = [await get(s) for s in school_ids[1:]]
    return {"startup": startup, "first": first, "fresh": fresh, "again": again}


def _site_rows(name: str, store: Store, settings: Settings, school_ids: list[str]) -> list[Row]:
    got = asyncio.run(_site(store, settings, school_ids))
    fresh = [w for w, _, _ in got["fresh"]]
    pages = sorted({_pages(pdf) for _, _, pdf in got["fresh"]})
    again = [w for w, _, _ in got["again"]]
    return [
        Row(
            f"report: site, start-up, {name}",
            "create_app lifespan",
            "",
            got["startup"],
            None,
            "builds the exposure index, checks the discipline publications and the district's "
            "evaluation, once per data version, before the server answers",
        ),
        Row(
            f"report: site, first request after start, {name}",
            "GET /schools/{id}/report.pdf",
            "",
            got["first"][0],
            None,
            f"target < {TARGET_S} s",
        ),
        Row(
            f"report: site, first PDF of each of {len(fresh)} schools, {name}",
            "GET /schools/{id}/report.pdf",
            "",
            max(fresh),
            None,
            f"slowest; median {statistics.median(fresh):.3f} s, CPU of the slowest "
            f"{max(c for _, c, _ in got['fresh']):.3f} s, {'-'.join(map(str, pages))} pages; "
            f"target < {TARGET_S} s",
        ),
        Row(
            f"report: site, the same PDF again, {name}",
            "GET /schools/{id}/report.pdf",
            "",
            max(again),
            None,
            f"slowest of {len(again)}; made once per data version and day",
        ),
    ]


def _busiest(store: Store, settings: Settings, n: int) -> list[str]:
    """The ``n`` schools with the most victims near them (a long report), most first."""
    index = services.exposure_index(store, settings=settings)
    return [r["school_id"] for r in index.query(PRESETS[DEFAULT_PRESET]).per_school[:n]]


def run() -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="safeschools-bench-report-") as tmp:
        for name, build in (("demo city", _demo), ("real files", _real)):
            folder = Path(tmp) / name.replace(" ", "-")
            folder.mkdir()
            store, settings = build(folder)
            try:
                schools = _busiest(store, settings, SCHOOLS + 1)
                # the site first: nothing of the district's evaluation is computed yet
                site = _site_rows(name, store, settings, schools)
                rows.append(_render(name, store, settings, schools[0]))
                rows.extend(site)
            finally:
                store.dispose()
    return rows


if __name__ == "__main__":
    from benchmarks._harness import print_table

    print_table(run())
