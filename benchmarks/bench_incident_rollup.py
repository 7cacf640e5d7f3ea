"""The monthly roll-up of school-recorded incidents: 650 schools x 5 school years.

Incidents are generated (0 to 30 a month per school, a Poisson count with mean 8; a quarter of
them fights, half of those with a restorative response, a case opened from every third fight)
and written straight into a SQLite store. Then, on the same rows:

- ours: the counts grouped in SQL (:meth:`Store.incident_month_counts`,
  :meth:`Store.case_month_counts`) and every school's and month's measures
  (:func:`safeschools.metrics.incident_rates.month_counts`, from which the rates are divided);
- theirs: what a user would write with pandas: ``read_sql`` of the incidents and cases, then a
  ``groupby`` of school, month and category with the same counts (checked equal here);
- the whole publication (every school year suppressed, schools and district together), which
  no library does; the pages pay it once per change of the incidents.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import insert

from benchmarks._harness import Row, measure
from safeschools.metrics import incident_rates as m
from safeschools.model.incidents import CATEGORIES
from safeschools.services import incident_rates as service
from safeschools.settings import Settings
from safeschools.storage import Store, open_store
from safeschools.storage import tables_incidents as ti

SCHOOLS = 650
FIRST_YEAR = 2021  # school years 2021-22 to 2025-26
YEARS = 5
TODAY = date(2026, 7, 15)


def _generate(store: Store) -> int:
    rng = np.random.default_rng(14)
    now = datetime(2026, 7, 1)
    incidents: list[dict[str, object]] = []
    others = [c for c in CATEGORIES if c not in ("fight", "fight_injury")]
    for school in range(SCHOOLS):
        sid = f"{600000 + school}"
        for k in range(12 * YEARS):
            year, month = FIRST_YEAR + (6 + k) // 12, (6 + k) % 12 + 1
            for _ in range(min(30, int(rng.poisson(8)))):
                fight = rng.random() < 0.25
                responses = []
                if fight and rng.random() < 0.5:
                    responses.append("restorative_conference")
                if fight and rng.random() < 0.2:
                    responses.append("suspension")
                incidents.append(
                    {
                        "school_id": sid,
                        "occurred_at": datetime(year, month, int(rng.integers(1, 29)), 11),
                        "category": "fight" if fight else others[int(rng.integers(len(others)))],
                        "place": "inside",
                        "students_involved": 2,
                        "injuries": 0,
                        "police_called": bool(fight and rng.random() < 0.1),
                        "police_reason": None,
                        "responses": json.dumps(responses),
                        "staff_note": "",
                        "source": "import",
                        "external_id": None,
                        "withdrawn_at": None,
                        "version": 1,
                        "recorded_at": now,
                        "recorded_by": None,
                        "updated_at": now,
                        "updated_by": None,
                    }
                )
    with store.engine.begin() as conn:
        conn.execute(insert(ti.school_incidents), incidents)
        ids = [
            r.id
            for r in conn.execute(
                ti.school_incidents.select().where(ti.school_incidents.c.category == "fight")
            )
        ][::3]
        conn.execute(
            insert(ti.restorative_cases),
            [
                {
                    "incident_id": i,
                    "school_id": "",
                    "opened_on": date(2026, 1, 1),
                    "participants": "[]",
                    "agreement": "",
                    "followups": "[]",
                    "status": "closed" if i % 2 else "open",
                    "closed_on": None,
                    "outcome": "repaired" if i % 4 == 1 else None,
                    "recurred_within_90_days": None if i % 3 else bool(i % 2),
                    "version": 1,
                    "updated_at": now,
                    "updated_by": None,
                }
                for i in ids
            ],
        )
    return len(incidents)


#: An incident as a row of the table (the benchmark writes them straight in).
_ONE: dict[str, object] = {
    "school_id": "600000",
    "category": "fight",
    "place": "inside",
    "students_involved": 2,
    "injuries": 0,
    "police_called": False,
    "police_reason": None,
    "responses": "[]",
    "staff_note": "",
    "source": "import",
    "external_id": None,
    "withdrawn_at": None,
    "version": 1,
    "recorded_by": None,
    "updated_by": None,
}


def _ours(store: Store) -> int:
    counts = m.month_counts(
        store.incident_month_counts(categories=CATEGORIES),
        store.case_month_counts(),
        categories=CATEGORIES,
    )
    return sum(c["total"] for months in counts.values() for c in months.values())


def _theirs(store: Store) -> int:
    with store.engine.connect() as conn:
        df = pd.read_sql(
            "SELECT id, school_id, occurred_at, category, responses, police_called "
            "FROM school_incidents WHERE withdrawn_at IS NULL",
            conn,
            parse_dates=["occurred_at"],
        )
        cases = pd.read_sql(
            "SELECT incident_id, status, outcome, recurred_within_90_days FROM restorative_cases",
            conn,
        )
    df["month"] = df["occurred_at"].dt.strftime("%Y-%m")
    df["restorative"] = df["responses"].str.contains('"restorative_conference"|"mediation"')
    df["suspension"] = df["responses"].str.contains('"suspension"')
    counts = df.groupby(["school_id", "month", "category"]).agg(
        incidents=("id", "size"),
        restorative=("restorative", "sum"),
        suspensions=("suspension", "sum"),
        police_calls=("police_called", "sum"),
    )
    joined = cases.merge(df, left_on="incident_id", right_on="id")
    joined["closed"] = joined["status"] == "closed"
    joined["repaired"] = joined["closed"] & (joined["outcome"] == "repaired")
    joined["yes"] = joined["recurred_within_90_days"] == 1
    joined["no"] = joined["recurred_within_90_days"] == 0
    joined.groupby(["school_id", "month"]).agg(
        opened=("id", "size"),
        closed=("closed", "sum"),
        repaired=("repaired", "sum"),
        yes=("yes", "sum"),
        no=("no", "sum"),
    )
    return int(counts["incidents"].sum())


def run() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'incidents.db'}")
        rows = _generate(store)
        ours = measure(lambda: _ours(store), repeat=3, memory=False)
        theirs = measure(lambda: _theirs(store), repeat=3, memory=False)
        assert ours.result == theirs.result == rows, (ours.result, theirs.result, rows)
        settings = Settings(min_cell_size=10)
        counter = iter(range(100))

        def publish() -> int:
            # a new day each run, so the kept publication does not answer
            day = date(2026, 7, 15 + next(counter))
            f = service.figures(store, settings=settings, today=day)
            return sum(
                1 for p in f.publications.values() for s in p.status.values() if s == "suppressed"
            )

        published = measure(publish, repeat=1, memory=False)
        # one more incident in 2024-25: only that school year is suppressed again
        one = {
            **_ONE,
            "occurred_at": datetime(2025, 3, 3, 10),
            "recorded_at": datetime(2026, 7, 2),
            "updated_at": datetime(2026, 7, 2),
        }
        with store.engine.begin() as conn:
            conn.execute(insert(ti.school_incidents), [one])
        again = measure(publish, repeat=1, memory=False)
        store.dispose()
    label = f"{SCHOOLS} schools x {YEARS} school years ({rows:,} incidents)"
    return [
        Row(
            f"monthly incident roll-up, {label}",
            "SQL group-by + metrics.incident_rates",
            "pandas read_sql + groupby",
            ours.best_s,
            theirs.best_s,
            "same counts; every school x month x category, fights' responses and cases",
        ),
        Row(
            f"publish the roll-up, every school year suppressed, {label}",
            "services.incident_rates.figures",
            "",
            published.best_s,
            None,
            f"{published.result:,} counts hidden; once per change of the incidents",
        ),
        Row(
            f"publish again after one more incident, {label}",
            "services.incident_rates.figures",
            "",
            again.best_s,
            None,
            "the roll-up again, and only the changed school year suppressed again",
        ),
    ]
