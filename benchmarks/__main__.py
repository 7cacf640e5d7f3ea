"""`python -m benchmarks [name ...]`: run the benchmarks and print one table."""

from __future__ import annotations

import importlib
import sys

from benchmarks._harness import Row, print_table

BENCHMARKS = [
    "bench_ingest",
    "bench_pairs",
    "bench_query",
    "bench_web",
    "bench_pages",
    "bench_discipline",
    "bench_report",
    "bench_attack",
    "bench_notices",
    "bench_incident_rollup",
    "bench_national",
]


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    rows: list[Row] = []
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(module.run())
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
