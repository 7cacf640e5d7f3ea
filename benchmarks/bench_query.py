"""Exposure queries on a Chicago-sized history: 60,000 victimizations, 650 schools, 5 school years.

The synthetic city is as dense as the real one: the real 2024-26 extract gives 3.3 pairs within
0.5 mile per victimization and school year (10,653 pairs for 3,184 victims and 652 schools); this
one gives about the same, so about a million pairs over five school lists.

Every preset is answered from the pairs in memory (ExposureIndex.query, the full result with the
ranked table and trends), against the way a user would answer the same question with pandas: a
merge of the pairs with the victims and the schools, then the same filters and group-bys.
"""

from __future__ import annotations

import time
from datetime import datetime

import numpy as np
import pandas as pd

from benchmarks._harness import Row, measure
from safeschools.proximity.definition import Definition
from safeschools.proximity.engine import ExposureData, ExposureIndex
from safeschools.proximity.presets import PRESETS
from safeschools.spatial import pairs_within

N_VICTIMS = 60_000
N_SCHOOLS = 650
CITY_BOX = (-87.80, 41.66, -87.56, 41.99)
YEARS = ("2020-21", "2021-22", "2022-23", "2023-24", "2024-25")


def chicago_sized(seed: int = 7) -> ExposureData:
    """Synthetic victims (clustered, evening-heavy) and schools over five school years."""
    rng = np.random.default_rng(seed)
    # the city itself (about 600 km²), not the generous import bounding box around it
    min_lon, min_lat, max_lon, max_lat = CITY_BOX
    centres = rng.uniform([min_lat, min_lon], [max_lat, max_lon], (40, 2))
    which = rng.integers(0, 40, N_VICTIMS)
    lat = centres[which, 0] + rng.normal(0, 0.009, N_VICTIMS)
    lon = centres[which, 1] + rng.normal(0, 0.012, N_VICTIMS)
    start = np.datetime64("2019-09-01T00:00", "m")
    minutes = rng.integers(0, 6 * 365 * 24 * 60, N_VICTIMS)
    occurred = start + minutes.astype("timedelta64[m]")
    # Schools sit where people live, as victims do: the same hot spots, a little wider.
    s_which = rng.integers(0, 40, N_SCHOOLS)
    s_lat = centres[s_which, 0] + rng.normal(0, 0.01, N_SCHOOLS)
    s_lon = centres[s_which, 1] + rng.normal(0, 0.013, N_SCHOOLS)
    school_lat = np.tile(s_lat, len(YEARS))
    school_lon = np.tile(s_lon, len(YEARS))
    pairs = pairs_within(school_lat, school_lon, lat, lon, radius_m=804.672)
    n = N_SCHOOLS * len(YEARS)
    ages = np.array(["0-19", "20-29", "30-39", "40-49", None], dtype=object)
    governance = np.array(["district", "charter", "contract", "options"], dtype=object)
    grades = np.array(["ES", "MS", "HS"], dtype=object)
    return ExposureData(
        victim_id=np.arange(1, N_VICTIMS + 1, dtype=np.int64),
        occurred_at=occurred,
        fatal=rng.random(N_VICTIMS) < 0.15,
        gunshot=(rng.random(N_VICTIMS) < 0.96).astype(np.int8),
        age_band=ages[rng.integers(0, len(ages), N_VICTIMS)],
        case_number=np.array([f"J{i // 2}" for i in range(N_VICTIMS)], dtype=object),
        source=np.full(N_VICTIMS, "bench", dtype=object),
        school_year=np.repeat(np.array(YEARS, dtype=object), N_SCHOOLS),
        school_id=np.tile(
            np.array([str(400000 + i) for i in range(N_SCHOOLS)], dtype=object), len(YEARS)
        ),
        school_name=np.tile(
            np.array([f"School {i}" for i in range(N_SCHOOLS)], dtype=object), len(YEARS)
        ),
        governance=governance[rng.integers(0, 4, n)],
        grade_category=grades[rng.integers(0, 3, n)],
        school_lat=school_lat,
        school_lon=school_lon,
        pair_victim=pairs.point,
        pair_school=pairs.school,
        pair_distance_m=pairs.distance_m,
        max_radius_m=804.672,
        vintage={"newest_occurred_at": str(occurred.max())},
    )


def _pandas_answer(frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], d: Definition) -> int:
    """What a user would write: merge, filter, count distinct victims and rank schools."""
    victims, schools, pairs = frames
    latest = schools["school_year"].max()
    merged = pairs.merge(victims, on="victim").merge(schools, on="school")
    merged = merged[(merged["school_year"] == latest) & (merged["distance_m"] <= d.radius_m)]
    t = merged["occurred_at"]
    if d.since is not None:
        merged = merged[t.dt.date >= d.since]
    if d.until is not None:
        merged = merged[merged["occurred_at"].dt.date <= d.until]
    if d.hours is not None:
        minute = merged["occurred_at"].dt.hour * 60 + merged["occurred_at"].dt.minute
        merged = merged[(minute >= d.hours[0]) & (minute < d.hours[1])]
    if d.days != "all":
        merged = merged[merged["occurred_at"].dt.weekday < 5]
    if d.ages:
        merged = merged[merged["age_band"].isin(d.ages)]
    if d.gunshot_only:
        merged = merged[merged["gunshot"] == 1]
    merged.groupby("school")["victim"].nunique().sort_values(ascending=False)
    return int(merged["victim"].nunique())


def run() -> list[Row]:
    data = chicago_sized()
    build = time.perf_counter()
    index = ExposureIndex(data)
    build_s = time.perf_counter() - build
    victims = pd.DataFrame(
        {
            "victim": np.arange(N_VICTIMS),
            "occurred_at": data.occurred_at.astype("datetime64[ns]"),
            "fatal": data.fatal,
            "gunshot": data.gunshot,
            "age_band": data.age_band,
        }
    )
    schools = pd.DataFrame(
        {"school": np.arange(data.school_id.size), "school_year": data.school_year}
    )
    pairs = pd.DataFrame(
        {"victim": data.pair_victim, "school": data.pair_school, "distance_m": data.pair_distance_m}
    )
    rows = []
    worst = 0.0
    for name, d in PRESETS.items():
        ours = measure(lambda d=d: index.query(d), repeat=7, memory=False)
        theirs = measure(
            lambda d=d: _pandas_answer((victims, schools, pairs), d), repeat=3, memory=False
        )
        worst = max(worst, ours.median_s)
        rows.append(
            Row(
                f"query {name} ({len(data.pair_school):,} pairs)",
                "ExposureIndex.query",
                "pandas merge + filter",
                ours.median_s,
                theirs.median_s,
                f"{ours.result.victims} victims; target < 20 ms",
            )
        )
    rows.append(
        Row(
            "build the index (60k victims, 3,250 school-years)",
            "ExposureIndex()",
            "",
            build_s,
            None,
            f"slowest query median {worst * 1000:.1f} ms",
        )
    )
    _ = datetime  # keep the import for readers comparing with the store's datetimes
    return rows
