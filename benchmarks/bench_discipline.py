"""Discipline data: reading the CPS misconduct report, suppressing a district's publication, and
the staggered difference-in-differences.

- Reading the real 9,220-row report: our importer (every cell checked, blanks and charter rows
  kept as None with a reason, bad rows set aside) against ``pandas.read_excel`` with openpyxl,
  which only reads the sheet.
- The evaluation: :func:`safeschools.metrics.did.staggered_did` against the ``differences``
  package's ``ATTgt`` (the Python implementation of Callaway and Sant'Anna a user would reach
  for) on the same synthetic panel of 1,200 schools x 10 years, with the same estimates (checked
  here), both with 999 bootstrap draws.
- Suppressing one school year of the demo city, every school and column (no library to compare
  with: the time is what a page pays once per import).
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._harness import Row, measure
from safeschools import services
from safeschools.ingest.cps_misconduct import misconduct_from_xlsx
from safeschools.metrics.did import staggered_did
from safeschools.services import equity as service_equity
from safeschools.settings import Settings
from safeschools.storage import open_store
from safeschools.testing import real_data

REPORT = next(real_data("cps-discipline-misconduct").glob("*.xlsx"))


def _panel(units: int) -> pd.DataFrame:
    rng = np.random.default_rng(704)
    rows = []
    for unit in range(units):
        cohort = (2016, 2018, 2020, 0)[unit % 4]
        level = rng.normal()
        for year in range(2013, 2023):
            effect = -2.0 if cohort and year >= cohort else 0.0
            rows.append((unit, year, level + 0.3 * (year - 2013) + rng.normal() + effect, cohort))
    return pd.DataFrame(rows, columns=["unit", "period", "outcome", "first_treated"])


def _read() -> list[Row]:
    ours = measure(lambda: misconduct_from_xlsx(REPORT), repeat=2, memory=False)
    theirs = measure(
        lambda: pd.read_excel(REPORT, sheet_name="School Level Behavior Data", engine="openpyxl"),
        repeat=2,
        memory=False,
    )
    figures = len(ours.result.records)
    return [
        Row(
            f"read the CPS misconduct report (9,220 rows -> {figures:,} figures)",
            "cps_misconduct parser",
            "pandas.read_excel",
            ours.best_s,
            theirs.best_s,
            "ours checks every cell and keeps blanks and bad rows with reasons",
        )
    ]


def _did() -> list[Row]:
    panel = _panel(1200)
    ours = measure(
        lambda: staggered_did(panel, bootstrap_iterations=999, seed=1), repeat=3, memory=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from differences import ATTgt

        data = panel.assign(cohort=panel["first_treated"].replace(0, np.nan)).set_index(
            ["unit", "period"]
        )

        def theirs() -> float:
            att = ATTgt(data=data, cohort_column="cohort")
            att.fit(
                formula="outcome",
                control_group="not_yet_treated",
                boot_iterations=999,
                random_state=1,
                progress_bar=False,
            )
            return float(att.aggregate("cohort", overall=True).iloc[0, 0])

        reference = measure(theirs, repeat=3, memory=False)
    gap = abs(ours.result.overall.estimate - reference.result)
    return [
        Row(
            "staggered DiD, 1,200 schools x 10 years, 999 bootstrap draws",
            "metrics.did.staggered_did",
            "differences.ATTgt",
            ours.best_s,
            reference.best_s,
            f"same overall effect (difference {gap:.1e})",
        )
    ]


def _suppress() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings()
        store = open_store(f"sqlite:///{Path(tmp) / 'demo.db'}")
        services.load_demo_city(store, settings=settings)
        counter = iter(range(100))

        def ours() -> int:
            # a new minimum cell size each run, so the publication cache does not answer
            s = Settings(min_cell_size=10 + next(counter) % 3)
            return len(service_equity.publication(store, school_year="2022-23", settings=s).hidden)

        timing = measure(ours, repeat=3, memory=False)
        store.dispose()
    return [
        Row(
            "suppress one school year of the demo city (all schools, all columns)",
            "service_equity.publication",
            "",
            timing.best_s,
            None,
            f"{timing.result} cells hidden; once per import, then cached",
        )
    ]


def run() -> list[Row]:
    return [*_read(), *_did(), *_suppress()]
