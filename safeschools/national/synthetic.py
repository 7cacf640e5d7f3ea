"""Seeded national data for tests and benchmarks: no real national file is shipped.

Schools and incidents cluster around random "cities" spread over the lower 48 states (as real
ones do: most tiles are empty, a few are dense), and are written in the publishers' layouts:
NCES EDGE public school geocodes, EDGE private school (PSS) geocodes, and the Gun Violence
Archive's CSV export with coordinates.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = [
    "EDGE_PUBLIC_COLUMNS",
    "GVA_COLUMNS",
    "PSS_COLUMNS",
    "national_points",
    "write_edge_public_csv",
    "write_gva_csv",
    "write_pss_csv",
]

FloatArray = npt.NDArray[np.float64]

#: The lower 48 states, roughly (degrees).
_LAT = (25.0, 49.0)
_LON = (-124.0, -67.0)
_STATES = ("IL", "TX", "CA", "NY", "FL", "OH", "GA", "PA", "MI", "WA")

EDGE_PUBLIC_COLUMNS = (
    "NCESSCH", "LEAID", "NAME", "OPSTFIPS", "STREET", "CITY", "STATE", "ZIP", "STFIP", "CNTY",
    "NMCNTY", "LOCALE", "LAT", "LON", "CBSA", "NMCBSA", "CBSATYPE", "CSA", "NMCSA", "NECTA",
    "NMNECTA", "CD", "SLDL", "SLDU", "SCHOOLYEAR",
)  # fmt: skip
PSS_COLUMNS = (
    "PPIN", "NAME", "STREET", "CITY", "STATE", "ZIP", "STFIP", "CNTY", "NMCNTY", "LOCALE",
    "LAT", "LON", "CBSA", "NMCBSA", "CBSATYPE", "CSA", "NMCSA", "NECTA", "NMNECTA", "CD",
    "SLDL", "SLDU", "SCHOOLYEAR",
)  # fmt: skip
GVA_COLUMNS = (
    "Incident ID", "Incident Date", "State", "City Or County", "Address", "Victims Killed",
    "Victims Injured", "Suspects Killed", "Suspects Injured", "Suspects Arrested", "Latitude",
    "Longitude",
)  # fmt: skip


def _cities(rng: np.random.Generator, n: int) -> tuple[FloatArray, FloatArray]:
    return rng.uniform(*_LAT, n), rng.uniform(*_LON, n)


def national_points(
    n: int, *, seed: int, n_cities: int = 400, spread_km: float = 15.0, city_seed: int = 0
) -> tuple[FloatArray, FloatArray]:
    """``n`` lat-lon points (degrees) clustered around ``n_cities`` city centres.

    Schools and incidents made with the same ``city_seed`` share the cities (and so meet).
    """
    lat_c, lon_c = _cities(np.random.default_rng(city_seed), n_cities)
    rng = np.random.default_rng(seed)
    which = rng.integers(0, n_cities, n)
    sd = spread_km / 111.0
    lat = np.clip(lat_c[which] + rng.normal(0.0, sd, n), *_LAT)
    lon = lon_c[which] + rng.normal(0.0, sd, n) / np.cos(np.radians(lat))
    return lat, np.clip(lon, *_LON)


def point_chunks(
    n: int, *, seed: int, chunk: int = 1_000_000, **kwargs: float
) -> Iterator[tuple[npt.NDArray[np.int64], FloatArray, FloatArray]]:
    """``n`` points in chunks of (ids from 0, lat, lon): never all of them in memory."""
    for k, start in enumerate(range(0, n, chunk)):
        size = min(chunk, n - start)
        lat, lon = national_points(size, seed=seed * 1_000_003 + k, **kwargs)  # type: ignore[arg-type]
        yield np.arange(start, start + size, dtype=np.int64), lat, lon


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_edge_public_csv(path: Path, n: int, *, seed: int, school_year: str = "2022-2023") -> Path:
    """``n`` public schools in the EDGE public school geocode layout."""
    lat, lon = national_points(n, seed=seed)
    rows = []
    for i in range(n):
        state = _STATES[i % len(_STATES)]
        rows.append(
            {c: "" for c in EDGE_PUBLIC_COLUMNS}
            | {
                "NCESSCH": f"{170000000000 + seed * 100000 + i:012d}",
                "LEAID": f"{1700000 + i // 10:07d}",
                "NAME": f"Synthetic Public School {i}",
                "STREET": f"{100 + i} Main St",
                "CITY": "Springfield",
                "STATE": state,
                "ZIP": f"{60000 + i % 1000:05d}",
                "LOCALE": "11",
                "LAT": f"{lat[i]:.6f}",
                "LON": f"{lon[i]:.6f}",
                "SCHOOLYEAR": school_year,
            }
        )
    return _write(path, EDGE_PUBLIC_COLUMNS, rows)


def write_pss_csv(path: Path, n: int, *, seed: int, school_year: str = "2021-2022") -> Path:
    """``n`` private schools in the EDGE private school (PSS) geocode layout."""
    lat, lon = national_points(n, seed=seed)
    rows = []
    for i in range(n):
        rows.append(
            {c: "" for c in PSS_COLUMNS}
            | {
                "PPIN": f"A{seed % 100:02d}{i:05d}",
                "NAME": f"Synthetic Private School {i}",
                "CITY": "Springfield",
                "STATE": _STATES[i % len(_STATES)],
                "LOCALE": "21",
                "LAT": f"{lat[i]:.6f}",
                "LON": f"{lon[i]:.6f}",
                "SCHOOLYEAR": school_year,
            }
        )
    return _write(path, PSS_COLUMNS, rows)


def write_gva_csv(path: Path, n: int, *, seed: int, first_day: date = date(2023, 1, 1)) -> Path:
    """``n`` incidents in the Gun Violence Archive export layout, with coordinates."""
    lat, lon = national_points(n, seed=seed)
    rng = np.random.default_rng(seed + 1)
    killed = rng.poisson(0.3, n)
    injured = rng.poisson(0.9, n)
    rows = []
    for i in range(n):
        day = first_day + timedelta(days=int(i % 365))
        rows.append(
            {
                "Incident ID": str(2_500_000 + i),
                "Incident Date": day.strftime("%B %-d, %Y"),
                "State": "Illinois",
                "City Or County": "Springfield",
                "Address": f"{100 + i} block of Main St",
                "Victims Killed": str(int(killed[i])),
                "Victims Injured": str(int(injured[i])),
                "Suspects Killed": "0",
                "Suspects Injured": "0",
                "Suspects Arrested": "0",
                "Latitude": f"{lat[i]:.6f}",
                "Longitude": f"{lon[i]:.6f}",
            }
        )
    return _write(path, GVA_COLUMNS, rows)
