"""A tiny harness: best-of-N wall time and peak memory of a callable, and a results table."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Timing:
    """Best wall time of several runs (seconds) and the peak Python-allocated memory (MiB)."""

    best_s: float
    median_s: float
    peak_mib: float
    result: Any


def measure(func: Callable[[], Any], *, repeat: int = 3, memory: bool = True) -> Timing:
    """Run ``func`` ``repeat`` times; report the best and median time, and peak memory once."""
    times: list[float] = []
    result: Any = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    peak = 0.0
    if memory:
        tracemalloc.start()
        func()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    times.sort()
    return Timing(times[0], times[len(times) // 2], peak, result)


@dataclass
class Row:
    """One line of the results table."""

    benchmark: str
    ours: str
    theirs: str
    ours_s: float
    theirs_s: float | None
    note: str = ""

    @property
    def ratio(self) -> str:
        if self.theirs_s is None or self.ours_s == 0:
            return ""
        return f"{self.theirs_s / self.ours_s:,.1f}x"


def print_table(rows: list[Row]) -> None:
    """Print the results as a plain table (also fine in CI logs)."""
    header = ("benchmark", "safeschools", "s", "compared with", "s", "speed-up", "note")
    lines = [
        (
            r.benchmark,
            r.ours,
            f"{r.ours_s:.4f}",
            r.theirs,
            "" if r.theirs_s is None else f"{r.theirs_s:.4f}",
            r.ratio,
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=False)]
    for line in (header, *lines):
        print("  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=False)))
