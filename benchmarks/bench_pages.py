"""Every public page and API route under load, and the first views after a start (issue 12,
item 8). Each row's note gives the figure beside its target.

- **Every route**, on the Chicago-sized store of :mod:`benchmarks.bench_web` (650 schools x 5
  years, 60,000 victims): one worker, 20 concurrent clients, 200 requests per route, measured
  on the first pass after the start (no warm-up pass), so a route's first requests of a new
  definition count. Pages and API routes that take a definition get a different one every few
  requests. Target: p95 < 50 ms.
- **Two workers**: the school page and ``/api/exposure`` with 2 workers beside 1, on a new
  server each (its own page file): the first pass, which computes every page once (the
  workers share what they compute), and again, every answer kept. Target: two workers at
  least as fast as one. The 20 clients run on the same two CPUs as the server: with every
  answer kept, the clients and two workers compete for them.
- **On the real files** (the school profiles of every year, the 2024-26 victims extract, the
  officer decisions and the CPS misconduct report): the first page after the server answers
  (target < 1 s), the first view of an equity school year and of the evaluation (target
  < 300 ms each), and ``safeschools evaluate`` from the command line, a new process (target
  < 2 s).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks._harness import Row
from benchmarks.bench_web import N_SCHOOLS, NO_LIMITS, Load, build_store, load, start_server
from safeschools.server.shared_pages import SharedPages
from safeschools.settings import Settings
from safeschools.testing import load_real_files, sqlite_store

PER_ROUTE = 200
TARGET_S = 0.050
RADII = ("120m", "0.1mi", "200m", "250m", "0.2mi", "350m", "0.25mi", "500yd", "0.3mi", "600m")


def _routes(school_ids: list[str]) -> dict[str, list[str]]:
    """Each route's requests: a definition that changes every few requests where it takes one."""

    def ids(i: int) -> str:
        return school_ids[i % len(school_ids)]

    def radius(i: int) -> str:
        return RADII[(i // 7) % len(RADII)]

    n = range(PER_ROUTE)
    return {
        "/ (overview)": [f"/?radius={radius(i)}" for i in n],
        "/definitions": ["/definitions" for _ in n],
        "/schools/{id}": [f"/schools/{ids(i)}?radius={radius(i)}" for i in n],
        "/search": [f"/search?q=School {i % 90}" for i in n],
        "/officers": ["/officers" for _ in n],
        "/funds": ["/funds" for _ in n],
        "/equity": ["/equity" for _ in n],
        "/evaluation": ["/evaluation" for _ in n],
        "/methodology": ["/methodology" for _ in n],
        "/api/exposure": [f"/api/exposure?radius={radius(i)}&days=weekdays" for i in n],
        "/api/schools": ["/api/schools" for _ in n],
        "/api/schools/{id}": [f"/api/schools/{ids(i)}?radius={radius(i)}" for i in n],
        "/api/presets": ["/api/presets" for _ in n],
        "/api/export/exposure.csv": [f"/api/export/exposure.csv?radius={radius(i)}" for i in n],
    }


def _row(name: str, workers: int, result: Load, target: str = "p95 < 50 ms") -> Row:
    met = "met" if result.p(95) < TARGET_S and not result.failures else "NOT MET"
    return Row(
        f"pages: {name}, {workers} worker(s), 20 clients",
        "safeschools serve",
        "",
        result.p(95),
        None,
        f"{result.summary()}; target {target}: {met}",
    )


def _every_route(url: str, folder: Path) -> list[Row]:
    school_ids = [str(400000 + i) for i in range(0, N_SCHOOLS, 7)]
    rows: list[Row] = []
    server = start_server(url, 1, folder / "server.log", env=NO_LIMITS)
    try:
        for name, paths in _routes(school_ids).items():
            rows.append(_row(name, 1, load(server.base, paths)))
    finally:
        server.stop()
    school = [f"/schools/{school_ids[i % len(school_ids)]}" for i in range(400)]
    exposure = [f"/api/exposure?radius={RADII[i % len(RADII)]}" for i in range(400)]
    p95: dict[tuple[str, int], float] = {}
    for workers in (1, 2):
        # a new server and a new page file each: the first pass computes every page once
        server = start_server(url, workers, folder / "server.log", env=NO_LIMITS)
        try:
            for name, paths in (("/schools/{id}", school), ("/api/exposure", exposure)):
                result = load(server.base, paths)
                p95[(name + " first pass", workers)] = result.p(95)
                rows.append(_row(f"{name} first pass", workers, result))
            for name, paths in (("/schools/{id}", school), ("/api/exposure", exposure)):
                result = load(server.base, paths)
                p95[(name + " again", workers)] = result.p(95)
                rows.append(_row(f"{name} again", workers, result))
        finally:
            server.stop()
    for name in (
        "/schools/{id} first pass",
        "/api/exposure first pass",
        "/schools/{id} again",
        "/api/exposure again",
    ):
        one, two = p95[(name, 1)], p95[(name, 2)]
        rows.append(
            Row(
                f"pages: {name}, 2 workers beside 1 (p95)",
                "2 workers",
                "1 worker",
                two,
                one,
                f"target: 2 workers at least as fast as 1: {'met' if two <= one else 'NOT MET'}",
            )
        )
    return rows


def _after_warming(url: str, folder: Path) -> list[Row]:
    """The pages people open most, once the server has prepared them while idle (as
    `safeschools serve` does after every start and every change of the data): every school's
    page and the district pages, in both languages, asked by 20 clients."""
    data = folder / "warm-data"
    server = start_server(url, 1, folder / "server.log", data_dir=data, env=NO_LIMITS)
    try:
        pages = SharedPages(data / "pages" / "pages.sqlite")
        wanted = 2 * (N_SCHOOLS + 10)
        started = time.perf_counter()
        while len(pages) < wanted and time.perf_counter() - started < 600:
            time.sleep(1)
        warmed = time.perf_counter() - started
        school_ids = [str(400000 + i) for i in range(0, N_SCHOOLS, 3)]
        paths = [f"/schools/{school_ids[i % len(school_ids)]}" for i in range(PER_ROUTE)]
        district = ["/", "/definitions", "/officers", "/equity", "/methodology", "/api/schools"]
        paths += [district[i % len(district)] for i in range(PER_ROUTE)]
        result = load(server.base, paths)
    finally:
        server.stop()
    row = _row("school and district pages, after the idle warming", 1, result)
    row.note += f"; {len(pages)} pages prepared in {warmed:.0f} s after the start"
    return [row]


def build_real_store(folder: Path) -> str:
    """A store of the real files: every year's school profiles, the victims extract, the officer
    decisions and the CPS misconduct report."""
    path = folder / "real.db"
    settings = Settings(database_url=f"sqlite:///{path}", data_dir=folder / "data")
    store = sqlite_store(path)
    load_real_files(store, settings, boundaries=False, demographics=False)
    store.dispose()
    return f"sqlite:///{path}"


def _first(base: str, path: str) -> float:
    started = time.perf_counter()
    response = httpx.get(base + path, timeout=120)
    response.raise_for_status()
    return time.perf_counter() - started


def _target_row(name: str, seconds: float, target_s: float, note: str = "") -> Row:
    met = "met" if seconds < target_s else "NOT MET"
    target = f"{target_s * 1000:.0f} ms" if target_s < 1 else f"{target_s:.0f} s"
    return Row(name, "safeschools", "", seconds, None, f"{note}target < {target}: {met}")


def _real_files(folder: Path) -> list[Row]:
    url = build_real_store(folder)
    rows: list[Row] = []
    server = start_server(url, 1, folder / "real-server.log", env=NO_LIMITS)
    try:
        rows.append(
            _target_row("real files: first page after start (/)", _first(server.base, "/"), 1.0)
        )
        for year in ("2018-19", "2021-22"):
            seconds = _first(server.base, f"/equity?year={year}")
            rows.append(_target_row(f"real files: first view of /equity, {year}", seconds, 0.3))
        seconds = _first(server.base, "/evaluation")
        rows.append(_target_row("real files: first view of /evaluation", seconds, 0.3))
    finally:
        server.stop()
    command = [
        sys.executable,
        "-c",
        "from safeschools.cli import main; main()",
        "--database-url",
        url,
        "evaluate",
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    rows.append(_target_row("real files: safeschools evaluate (a new process)", seconds, 2.0, ""))
    return rows


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="safeschools-bench-pages-") as tmp:
        folder = Path(tmp)
        url, _ = build_store(folder)
        return [*_every_route(url, folder), *_after_warming(url, folder), *_real_files(folder)]


if __name__ == "__main__":
    from benchmarks._harness import print_table

    print_table(run())
