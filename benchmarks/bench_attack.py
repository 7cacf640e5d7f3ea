"""A cheap page while 40 clients hammer each expensive kind of request (issue 13, item 1).

The Chicago-sized store of :mod:`benchmarks.bench_web` (650 schools x 5 years, 60,000
victimizations) is served by ``safeschools serve`` (one worker, the default limits) on
127.0.0.1. For each expensive kind, 40 clients, each from an address of its own (uvicorn takes
``X-Forwarded-For`` from 127.0.0.1), ask without pause, and without waiting as ``Retry-After``
asks, for something nobody asked before:

- new definitions: ``/api/exposure`` and ``/schools/{id}`` under a radius of their own;
- sensitivity grids: ``/api/sensitivity``, 10 radii x 15 hours windows;
- PDF reports: ``/schools/{id}/report.pdf`` under a radius of their own;
- large exports: ``/api/export/exposure-victims.csv`` and ``victimizations.csv``;
- equity views: ``/equity``, ``/evaluation`` and their APIs, with a query of their own.

Meanwhile one more client (in this process; the attackers run in another) asks for cheap
pages, ``/api/health`` and ``/methodology``, every 50 ms. Each row gives the cheap pages' p95
(target < 100 ms, met or NOT MET) and, in its note, the share of the attack's requests
answered 429. The first row is the same cheap pages without an attack.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from benchmarks._harness import Row
from benchmarks.bench_web import N_SCHOOLS, build_store, client_lib, start_server

ATTACKERS = 40
ATTACK_S = 12.0
PROBE_EVERY_S = 0.05
TARGET_S = 0.100
CHEAP = ("/api/health", "/methodology")
SCHOOLS = [str(400000 + i) for i in range(0, N_SCHOOLS, 7)]


def _radius(n: int) -> str:
    return f"{100 + (n * 0.37) % 600:.2f}m"


def _attack_path(kind: str, n: int) -> str:
    """The ``n``-th request of an attack of ``kind``: never asked before."""
    school = SCHOOLS[n % len(SCHOOLS)]
    if kind == "new definitions":
        if n % 2:
            return f"/schools/{school}?radius={_radius(n)}"
        return f"/api/exposure?radius={_radius(n)}&days=weekdays"
    if kind == "sensitivity grids":
        radii = ",".join(_radius(n * 10 + k) for k in range(10))
        hours = ",".join(f"{h:02d}:00-{h + 1:02d}:30" for h in range(6, 21))
        return f"/api/sensitivity?radii={radii}&hours_grid={hours}&since=2021-01-{1 + n % 28:02d}"
    if kind == "PDF reports":
        return f"/schools/{school}/report.pdf?radius={_radius(n)}"
    if kind == "large exports":
        if n % 2:
            return f"/api/export/victimizations.csv?since=2021-01-01&v={n}"
        return f"/api/export/exposure-victims.csv?radius={_radius(n)}"
    pages = ("/equity", "/evaluation", "/api/equity", "/api/evaluation")
    return f"{pages[n % len(pages)]}?v={n}"


KINDS = ("new definitions", "sensitivity grids", "PDF reports", "large exports", "equity views")


async def _attack(base: str, kind: str, seconds: float) -> dict[str, int]:
    statuses: Counter[str] = Counter()
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def attacker(i: int) -> None:
        headers = {"x-forwarded-for": f"10.1.{i // 250}.{i % 250 + 1}"}
        async with client_lib.AsyncClient(base_url=base, timeout=120, headers=headers) as http:
            while time.perf_counter() < deadline:
                try:
                    response = await http.get(_attack_path(kind, next(counter)))
                    await response.aread()
                    statuses[str(response.status_code)] += 1
                except Exception:  # a refused connection counts; the attack goes on
                    statuses["error"] += 1

    await asyncio.gather(*(attacker(i) for i in range(ATTACKERS)))
    return dict(statuses)


def _attack_process(base: str, kind: str, seconds: float) -> dict[str, int]:
    return asyncio.run(_attack(base, kind, seconds))


def _probe(base: str, seconds: float) -> list[float]:
    """Cheap pages every PROBE_EVERY_S for ``seconds``; their latencies."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    with httpx.Client(base_url=base, timeout=120) as http:
        n = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            response = http.get(CHEAP[n % len(CHEAP)])
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                latencies[-1] = float("inf")
            n += 1
            time.sleep(PROBE_EVERY_S)
    return latencies


def _row(name: str, latencies: list[float], note: str) -> Row:
    p95 = float(np.percentile(latencies, 95))
    p50 = float(np.percentile(latencies, 50))
    met = "met" if p95 < TARGET_S else "NOT MET"
    return Row(
        f"attack: cheap page under attack by {name}: p95",
        "safeschools serve",
        "",
        p95,
        None,
        f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, "
        f"{len(latencies)} probes; target p95 < 100 ms: {met}" + (f"; {note}" if note else ""),
    )


def _attack_note(statuses: dict[str, Any]) -> str:
    total = sum(statuses.values())
    refused = statuses.get("429", 0)
    other = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()) if k != "429")
    share = refused / total if total else 0.0
    return f"{ATTACKERS} attackers sent {total} requests, {share:.0%} answered 429 ({other})"


def run() -> list[Row]:
    rows: list[Row] = []
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="safeschools-bench-attack-") as tmp:
        folder = Path(tmp)
        url, _ = build_store(folder)
        server = start_server(url, 1, folder / "server.log")
        try:
            for path in (*CHEAP, f"/schools/{SCHOOLS[0]}"):  # start-up and the kept pages
                httpx.get(server.base + path, timeout=120)
            rows.append(_row("nothing (baseline)", _probe(server.base, 3.0), ""))
            with context.Pool(1) as pool:
                for kind in KINDS:
                    attack = pool.apply_async(_attack_process, (server.base, kind, ATTACK_S))
                    time.sleep(1.0)  # the attack is under way
                    latencies = _probe(server.base, ATTACK_S - 2.0)
                    statuses = attack.get(timeout=ATTACK_S + 300)
                    rows.append(_row(kind, latencies, _attack_note(statuses)))
                    time.sleep(2.0)  # what the attack left running ends
        finally:
            server.stop()
    return rows


if __name__ == "__main__":
    from benchmarks._harness import print_table

    print_table(run())
