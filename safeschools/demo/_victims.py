"""Victimizations of the demo city: about 12,000 victims of shootings, 2019-09-01 to 2025-08-31.

One row per victim; an incident with several victims shares a case number. Times follow the
shape of Chicago's published victims data (many at night, few in the morning, a small bump after
school, more on weekends, in summer and in 2020-21); places come from a mixture of hot spots
and a uniform background, snapped to the centres of a 100 m grid to mimic block addresses.
About 15 % of victims are fatal (HOMICIDE, IUCR 0110); the rest are BATTERY with IUCR 041A.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from safeschools.demo._geometry import BLOCK_M, Floats, Frame, Layout, area_name, street
from safeschools.model import Victimization

__all__ = ["DEMO_SOURCE", "VICTIMS_END", "VICTIMS_START", "make_victimizations"]

#: ``source`` of every demo record and import.
DEMO_SOURCE = "demo-synthetic"
VICTIMS_START = date(2019, 9, 1)
VICTIMS_END = date(2025, 8, 31)

# Hour-of-day shares shaped like Chicago's victims of shootings, 2024-2026 (percent).
_HOUR_WEIGHTS = (
    7.0, 6.3, 6.1, 4.5, 4.1, 2.0, 1.4, 1.1, 2.0, 1.8, 2.1, 2.1,
    2.7, 2.5, 4.1, 3.7, 4.1, 4.5, 4.7, 5.7, 5.6, 6.6, 7.9, 7.4,
)  # fmt: skip
_MONTH_WEIGHTS = (0.70, 0.62, 0.80, 0.90, 1.10, 1.30, 1.42, 1.30, 1.10, 0.95, 0.82, 0.75)
_WEEKDAY_WEIGHTS = (0.90, 0.85, 0.85, 0.90, 1.10, 1.35, 1.30)  # Monday first
_YEAR_WEIGHTS = {2019: 1.0, 2020: 1.25, 2021: 1.35, 2022: 1.1, 2023: 0.95, 2024: 0.85, 2025: 0.7}
_AGE_BANDS = ("0-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+", "UNKNOWN")
_AGE_WEIGHTS = (20.0, 40.0, 20.0, 9.0, 5.0, 2.0, 0.6, 0.1, 3.3)
_SEXES = ("M", "F", "UNKNOWN")
_SEX_WEIGHTS = (0.86, 0.13, 0.01)
_VICTIMS_PER_INCIDENT = (1, 2, 3, 4, 5)
_VICTIMS_PER_INCIDENT_WEIGHTS = (0.87, 0.09, 0.025, 0.01, 0.005)
_PLACES = ("STREET", "SIDEWALK", "ALLEY", "APARTMENT", "RESIDENCE", "PARKING LOT",
           "GAS STATION", "VEHICLE", "PARK PROPERTY", "SCHOOL, PUBLIC, GROUNDS")  # fmt: skip
_PLACE_WEIGHTS = (0.45, 0.16, 0.09, 0.09, 0.06, 0.05, 0.03, 0.04, 0.02, 0.01)
N_INCIDENTS = 10_100
FATAL_SHARE = 0.15
HOT_SPOT_SHARE = 0.6
N_HOT_SPOTS = 9


def _weights(values: tuple[float, ...]) -> Floats:
    array: Floats = np.asarray(values, dtype=np.float64)
    total = float(array.sum())
    return array / total


def _incident_days(rng: np.random.Generator, n: int) -> list[date]:
    days = [
        VICTIMS_START + timedelta(days=d) for d in range((VICTIMS_END - VICTIMS_START).days + 1)
    ]
    weight = np.array(
        [
            _MONTH_WEIGHTS[d.month - 1]
            * _WEEKDAY_WEIGHTS[d.weekday()]
            * _YEAR_WEIGHTS[d.year]
            * (2.0 if (d.month, d.day) in ((7, 4), (7, 5)) else 1.0)
            for d in days
        ]
    )
    picks = rng.choice(len(days), size=n, p=weight / weight.sum())
    return [days[i] for i in picks]


def _incident_places(rng: np.random.Generator, frame: Frame, n: int) -> tuple[Floats, Floats]:
    """Points from a mixture of hot spots and a uniform background, on block centres."""
    w, h = frame.width_m, frame.height_m
    centres = np.column_stack(
        [rng.uniform(0.1 * w, 0.9 * w, N_HOT_SPOTS), rng.uniform(0.1 * h, 0.9 * h, N_HOT_SPOTS)]
    )
    sigmas = rng.uniform(300.0, 900.0, N_HOT_SPOTS)
    spot_weights = rng.dirichlet(np.full(N_HOT_SPOTS, 2.0))
    x = np.empty(n)
    y = np.empty(n)
    todo = np.arange(n)
    while todo.size:
        m = todo.size
        hot = rng.random(m) < HOT_SPOT_SHARE
        spot = rng.choice(N_HOT_SPOTS, size=m, p=spot_weights)
        gx = rng.normal(centres[spot, 0], sigmas[spot])
        gy = rng.normal(centres[spot, 1], sigmas[spot])
        ux, uy = rng.uniform(0, w, m), rng.uniform(0, h, m)
        x[todo] = np.where(hot, gx, ux)
        y[todo] = np.where(hot, gy, uy)
        todo = todo[(x[todo] < 0) | (x[todo] >= w) | (y[todo] < 0) | (y[todo] >= h)]
    # snap to the centre of the 100 m block cell, which is always inside the city
    x = np.minimum((np.floor(x / BLOCK_M) + 0.5) * BLOCK_M, w - BLOCK_M / 2)
    y = np.minimum((np.floor(y / BLOCK_M) + 0.5) * BLOCK_M, h - BLOCK_M / 2)
    return x, y


def make_victimizations(
    rng: np.random.Generator, frame: Frame, layout: Layout
) -> list[Victimization]:
    n = N_INCIDENTS
    days = _incident_days(rng, n)
    hours = rng.choice(24, size=n, p=_weights(_HOUR_WEIGHTS))
    minutes = rng.integers(0, 60, size=n)
    x, y = _incident_places(rng, frame, n)
    sizes = rng.choice(
        np.array(_VICTIMS_PER_INCIDENT), size=n, p=_weights(_VICTIMS_PER_INCIDENT_WEIGHTS)
    )
    places = rng.choice(len(_PLACES), size=n, p=_weights(_PLACE_WEIGHTS))
    n_victims = int(sizes.sum())
    fatal = rng.random(n_victims) < FATAL_SHARE
    ages = rng.choice(len(_AGE_BANDS), size=n_victims, p=_weights(_AGE_WEIGHTS))
    sexes = rng.choice(len(_SEXES), size=n_victims, p=_weights(_SEX_WEIGHTS))
    lons, lats = frame.to_lonlat(x, y)
    areas, districts = layout.area_of(x, y), layout.district_of(x, y)
    wards, beats = layout.ward_of(x, y), layout.beat_of(x, y)
    occurred = [
        datetime(d.year, d.month, d.day, int(hh), int(mm))
        for d, hh, mm in zip(days, hours, minutes, strict=True)
    ]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    order = sorted(range(n), key=lambda i: (occurred[i], i))
    rows: list[Victimization] = []
    for number, i in enumerate(order, start=1):
        case = f"DEMO-{number:06d}"
        victims = range(int(starts[i]), int(starts[i] + sizes[i]))
        incident_fatal = bool(fatal[victims.start : victims.stop].any())
        block = f"{int(x[i] // BLOCK_M) * 100} W {street(float(y[i]))}"
        for k, v in enumerate(victims, start=1):
            dead = bool(fatal[v])
            rows.append(
                Victimization(
                    source=DEMO_SOURCE,
                    source_row_id=f"{'HOM' if dead else 'SHOOT'}-{case}-#{k}",
                    case_number=case,
                    occurred_at=occurred[i],
                    lat=round(float(lats[i]), 7),
                    lon=round(float(lons[i]), 7),
                    location_precision="block",
                    victimization_type="HOMICIDE" if dead else "BATTERY",
                    incident_type="HOMICIDE" if incident_fatal else "BATTERY",
                    iucr="0110" if dead else "041A",
                    gunshot_injury=True,
                    fatal=dead,
                    age_band=_AGE_BANDS[int(ages[v])],
                    sex=_SEXES[int(sexes[v])],
                    location_description=_PLACES[int(places[i])],
                    block=block,
                    district=str(int(districts[i])),
                    beat=f"{int(beats[i]):04d}",
                    community_area=area_name(int(areas[i])),
                    ward=str(int(wards[i])),
                )
            )
    return rows
