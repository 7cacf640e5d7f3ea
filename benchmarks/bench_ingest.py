"""Importing victimizations: safeschools' validated, idempotent import against what a user would
write with pandas (read_csv, then DataFrame.to_sql into the same kind of SQLite file).

pandas does none of the row checks, keeps no rejected rows and is not idempotent: the ratio shows
what those guarantees cost."""

from __future__ import annotations

import csv
import sqlite3
import tempfile
from pathlib import Path

import pandas as pd

from benchmarks._harness import Row, measure
from safeschools import services
from safeschools.settings import Settings
from safeschools.storage import open_store
from safeschools.testing import real_data

FOLDER = real_data("chicago-victims-homicides-nonfatal-shootings-2024-2026")


def _big_victims_file(path: Path, copies: int) -> int:
    """The real extract, repeated with distinct ids, as one CSV; returns its row count."""
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer: csv.DictWriter[str] | None = None
        for copy in range(copies):
            for source in sorted(FOLDER.glob("*.csv")):
                with source.open(encoding="utf-8") as fh:
                    for row in csv.DictReader(fh):
                        if writer is None:
                            writer = csv.DictWriter(out, fieldnames=list(row))
                            writer.writeheader()
                        row["cpd_id"] = f"{row['cpd_id']}-c{copy}"
                        writer.writerow(row)
                        rows += 1
    return rows


def run() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "victims.csv"
        rows = _big_victims_file(path, copies=20)
        counter = iter(range(1000))

        def ours() -> None:
            n = next(counter)
            settings = Settings(database_url=f"sqlite:///{folder / f'ours{n}.db'}")
            store = open_store(settings.database_url)
            services.ingest_file(store, "victims", path, settings=settings)
            store.dispose()

        def theirs() -> None:
            n = next(counter)
            frame = pd.read_csv(path, parse_dates=["date"])
            with sqlite3.connect(folder / f"pandas{n}.db") as conn:
                frame.to_sql("victims", conn, index=False)

        a = measure(ours, repeat=2, memory=False)
        b = measure(theirs, repeat=2, memory=False)
    return [
        Row(
            f"import {rows:,} victimizations (CSV -> SQLite)",
            "services.ingest_file",
            "pandas.read_csv + to_sql",
            a.best_s,
            b.best_s,
            "ours validates every row, keeps rejects, is idempotent",
        )
    ]
