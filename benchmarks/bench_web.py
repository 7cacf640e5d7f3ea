"""The web server under load: 20 concurrent clients on a Chicago-sized store.

A SQLite store in a temporary folder gets 650 schools over five school years and 60,000
victimizations over five years (the density of ``bench_query.chicago_sized``), written through
the normal import path (``safeschools.testing.load_records``) so that the pairs are stored.
The real server (``safeschools serve``: uvicorn) then runs on 127.0.0.1 with 1 and with 2 worker
processes, and 20 concurrent clients (one ``AsyncClient`` of httpx2, the successor of httpx with
the same API and about a third of its CPU cost per request, so that the load generator, which
shares the machine's two cores with the server, disturbs the measure less; httpx when httpx2 is
missing) send 400 requests (at most 60 s) for

- one school's page, ``/schools/{id}`` (``/api/schools/{id}`` when the page does not exist yet,
  said in the note), under the default definition and under a few presets;
- ``/api/exposure`` under 14 different definitions (presets, radii, hours, days, dates, ages).

Each worker first builds its exposure index (a few seconds, on its first request) and is then
warmed up with one unmeasured pass. ``/api/exposure`` is measured twice: "first pass" is the
first time every worker meets each of the 14 definitions (each is computed once per worker, in
10-25 ms), "again" is the steady state in which every definition is in the index's result cache.
Each row gives the p95 latency in seconds, and in its note p50, p95 and max in ms and the
requests per second. The target is p95 < 100 ms.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np

try:
    import httpx2 as client_lib
except ImportError:  # pragma: no cover - httpx2 comes with the dev extra
    client_lib = httpx  # type: ignore[no-redef]

from benchmarks._harness import Row
from safeschools.model import School, Victimization
from safeschools.settings import Settings
from safeschools.testing import load_records, sqlite_store

N_SCHOOLS = 650
N_VICTIMS = 60_000
YEARS = ("2020-21", "2021-22", "2022-23", "2023-24", "2024-25")
CITY_BOX = (-87.80, 41.66, -87.56, 41.99)
CLIENTS = 20
REQUESTS = 400
TIME_LIMIT_S = 60.0

EXPOSURE_QUERIES = (
    "preset=abc7-2024",
    "preset=wbez-dismissal",
    "preset=banner-1-block",
    "preset=trace-500yd",
    "preset=quarter-mile",
    "preset=clearmap-half-mile",
    "radius=0.1mi&hours=07:00-17:00&days=weekdays",
    "radius=0.25mi&age=0-19",
    "radius=150m&since=2022-01-01&until=2022-12-31",
    "radius=500yd&type=fatal",
    "radius=0.5mi&school_year=2022-23",
    "preset=abc7-2024&radius=0.2mi",
    "radius=300m&hours=14:00-16:50&days=school-days",
    "preset=trace-500yd&governance=charter",
)
SCHOOL_QUERIES = ("", "?preset=abc7-2024", "?preset=wbez-dismissal", "?radius=0.25mi")


def chicago_sized_records(seed: int = 7) -> tuple[list[School], list[Victimization]]:
    """Schools and victimizations as dense as Chicago's (see bench_query.chicago_sized)."""
    rng = np.random.default_rng(seed)
    min_lon, min_lat, max_lon, max_lat = CITY_BOX
    centres = rng.uniform([min_lat, min_lon], [max_lat, max_lon], (40, 2))
    which = rng.integers(0, 40, N_VICTIMS)
    lat = centres[which, 0] + rng.normal(0, 0.009, N_VICTIMS)
    lon = centres[which, 1] + rng.normal(0, 0.012, N_VICTIMS)
    start = datetime(2020, 9, 1)
    minutes = rng.integers(0, 5 * 365 * 24 * 60, N_VICTIMS)
    fatal = rng.random(N_VICTIMS) < 0.15
    gunshot = rng.random(N_VICTIMS) < 0.96
    ages = ["0-19", "20-29", "30-39", "40-49", None]
    age = rng.integers(0, len(ages), N_VICTIMS)
    victims = [
        Victimization(
            source="bench",
            source_row_id=str(i),
            case_number=f"J{i // 2}",
            occurred_at=start + timedelta(minutes=int(minutes[i])),
            lat=float(lat[i]),
            lon=float(lon[i]),
            location_precision="block",
            victimization_type="HOMICIDE" if fatal[i] else "SHOOTING",
            gunshot_injury=bool(gunshot[i]),
            fatal=bool(fatal[i]),
            age_band=ages[age[i]],
        )
        for i in range(N_VICTIMS)
    ]
    s_which = rng.integers(0, 40, N_SCHOOLS)
    s_lat = centres[s_which, 0] + rng.normal(0, 0.01, N_SCHOOLS)
    s_lon = centres[s_which, 1] + rng.normal(0, 0.013, N_SCHOOLS)
    governance = ("district", "charter", "contract", "options")
    grades = ("ES", "MS", "HS")
    schools = [
        School(
            school_id=str(400000 + i),
            school_year=year,
            name=f"School {i}",
            address=f"{100 + i} W Bench St",
            lat=float(s_lat[i]),
            lon=float(s_lon[i]),
            governance=governance[int(rng.integers(0, 4))],
            grade_category=grades[int(rng.integers(0, 3))],
        )
        for year in YEARS
        for i in range(N_SCHOOLS)
    ]
    return schools, victims


def build_store(folder: Path) -> tuple[str, float]:
    """Write the Chicago-sized store into ``folder``; its URL and the seconds it took."""
    path = folder / "chicago.db"
    started = time.perf_counter()
    store = sqlite_store(path)
    schools, victims = chicago_sized_records()
    load_records(
        store, Settings(database_url=f"sqlite:///{path}"), schools=schools, victims=victims
    )
    store.dispose()
    return f"sqlite:///{path}", time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A running ``safeschools serve``."""

    process: subprocess.Popen[bytes]
    base: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


#: The environment of a server whose many clients stand for as many people: the limits per
#: kind and per client address (issue 13) are off, since every client here is 127.0.0.1;
#: benchmarks/bench_attack.py measures the server with them.
NO_LIMITS = {"SAFESCHOOLS_LIMIT_CONCURRENCY": "0"}


def start_server(
    url: str,
    workers: int,
    log: Path,
    *,
    data_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> Server:
    """Start ``safeschools serve`` on a free port of 127.0.0.1 (with ``env`` added to the
    environment) and wait until it answers.

    Its data folder (where the workers share their pages, kept across restarts) is a new one
    unless ``data_dir`` is given, so no run starts with the pages of another."""
    port = _free_port()
    data_dir = data_dir or log.parent / f"data-{port}"
    command = [
        sys.executable,
        "-c",
        "from safeschools.cli import main; main()",
        "--database-url",
        url,
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
    ]
    env = {
        **os.environ,
        "TZ": "America/Chicago",
        "SAFESCHOOLS_DATA_DIR": str(data_dir),
        **(env or {}),
    }
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace").splitlines()[-5:]
            msg = f"the server stopped (exit {process.returncode}): " + " / ".join(tail)
            raise RuntimeError(msg)
        try:
            if httpx.get(server.base + "/api/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.stop()
    msg = f"the server did not answer within 60 s; see {log}"
    raise RuntimeError(msg)


@dataclass
class Load:
    """Latencies (seconds) of one load run."""

    latencies: list[float]
    elapsed_s: float
    failures: int

    def p(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) if self.latencies else float("nan")

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.elapsed_s if self.elapsed_s else 0.0

    def summary(self) -> str:
        ms = 1000
        return (
            f"p50 {self.p(50) * ms:.0f} ms, p95 {self.p(95) * ms:.0f} ms, "
            f"max {max(self.latencies, default=0) * ms:.0f} ms, {self.per_second:.0f} req/s, "
            f"{len(self.latencies)} requests"
            + (f", {self.failures} FAILED" if self.failures else "")
        )


async def _load(base: str, paths: list[str], clients: int, limit_s: float) -> Load:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + limit_s
    limits = client_lib.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: Any) -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            try:
                path = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            response = await http.get(path)
            await response.aread()
            latencies.append(time.perf_counter() - started)
            failures += response.status_code != 200

    started = time.perf_counter()
    async with client_lib.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return Load(latencies, time.perf_counter() - started, failures)


def load(base: str, paths: list[str], *, clients: int = CLIENTS) -> Load:
    """Send ``paths`` from ``clients`` concurrent clients (at most TIME_LIMIT_S seconds)."""
    return asyncio.run(_load(base, paths, clients, TIME_LIMIT_S))


def _school_paths(base: str, school_ids: list[str]) -> tuple[list[str], str]:
    page = httpx.get(f"{base}/schools/{school_ids[0]}", timeout=60)
    prefix = "/schools" if page.status_code == 200 else "/api/schools"
    rng = np.random.default_rng(3)
    paths = [
        f"{prefix}/{school_ids[int(rng.integers(0, len(school_ids)))]}"
        + SCHOOL_QUERIES[i % len(SCHOOL_QUERIES)]
        for i in range(REQUESTS)
    ]
    return paths, prefix


def _warm_up(base: str) -> None:
    """Every worker builds its index on its first request: ask until none is still building."""
    for _ in range(10):
        if max(load(base, ["/api/exposure"] * 4 * CLIENTS).latencies) < 0.5:
            return


def _row(name: str, workers: int, result: Load) -> Row:
    return Row(
        f"web: {name}, {workers} worker(s), {CLIENTS} clients",
        "safeschools serve",
        "",
        result.p(95),
        None,
        result.summary() + "; target p95 < 100 ms",
    )


def run() -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="safeschools-bench-web-") as tmp:
        folder = Path(tmp)
        url, build_s = build_store(folder)
        rows.append(
            Row(
                "web: build the store (650 schools x 5 years, 60k victims)",
                "load_records",
                "",
                build_s,
                None,
                "import path with pairs",
            )
        )
        school_ids = [str(400000 + i) for i in range(0, N_SCHOOLS, 7)]
        exposure_paths = [
            "/api/exposure?" + EXPOSURE_QUERIES[i % len(EXPOSURE_QUERIES)] for i in range(REQUESTS)
        ]
        prefix = "/api/schools"
        for workers in (1, 2):
            server = start_server(url, workers, folder / "server.log", env=NO_LIMITS)
            try:
                _warm_up(server.base)
                rows.append(
                    _row(
                        "/api/exposure, 14 definitions, first pass",
                        workers,
                        load(server.base, exposure_paths),
                    )
                )
                paths, prefix = _school_paths(server.base, school_ids)
                note = " (HTML page)" if prefix == "/schools" else " (page missing: the API)"
                load(server.base, paths)  # warm-up pass
                rows.append(_row(f"{prefix}/{{id}}{note}", workers, load(server.base, paths)))
                if prefix == "/schools":
                    api = ["/api" + p for p in paths]
                    load(server.base, api)  # warm-up pass
                    rows.append(_row("/api/schools/{id}", workers, load(server.base, api)))
                rows.append(
                    _row(
                        "/api/exposure, 14 definitions, again",
                        workers,
                        load(server.base, exposure_paths),
                    )
                )
            finally:
                server.stop()
        if prefix != "/schools":
            server = start_server(url, 1, folder / "server.log", env=NO_LIMITS)
            try:
                status = httpx.get(f"{server.base}/schools/{school_ids[0]}", timeout=60)
                rows.append(
                    Row(
                        "web: /schools/{id} re-checked at the end",
                        "safeschools serve",
                        "",
                        0.0,
                        None,
                        f"status {status.status_code}",
                    )
                )
            finally:
                server.stop()
    return rows


if __name__ == "__main__":
    from benchmarks._harness import print_table

    print_table(run())
