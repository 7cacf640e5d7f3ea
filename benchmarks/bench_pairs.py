"""School-victimization pairs within 0.5 mile: ``pairs_within`` against what a user would write
with GeoPandas, and against the floor of one numpy pass over the coordinates.

One seeded synthetic city: 2,000,000 victimizations (Gaussian hot spots over a uniform
background, inside Chicago's bounding box) and 650 schools. Every contender starts from lat-lon
arrays (EPSG:4326) and ends with the pairs and their distances in metres.

- ours: :func:`safeschools.spatial.pairs_within`.
- geopandas: ``points_from_xy`` (EPSG:4326) for both layers, ``.to_crs(32616)`` (UTM 16N),
  ``geopandas.sjoin(victims, schools, predicate="dwithin", distance=radius)``, then the UTM
  distance of every joined pair.
- floor: :func:`~safeschools.spatial.ellipsoidal_distance_m` from every victimization to one
  fixed point and a ``<= radius`` comparison: the least any exact method must do.

Times are the best of 3 runs after one warm-up. The pair counts of ours and geopandas differ only
by UTM's scale error (0.9996 at the central meridian, a little more 0.6° west of it): every pair
only geopandas finds must lie between the radius and radius / scale. The run stops with an error
when they disagree by more. Peak memory of ours: the tracemalloc peak (numpy reports its buffers
to tracemalloc), and the growth of the peak resident set in a fresh process.
"""

from __future__ import annotations

import gc
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks._harness import Row, measure
from safeschools.settings import CHICAGO_BBOX
from safeschools.spatial import PairSet, ellipsoidal_distance_m, pairs_within

FloatArray = npt.NDArray[np.float64]

SEED = 20240901
N_VICTIMS = 2_000_000
N_SCHOOLS = 650
RADIUS_M = 804.672  # 0.5 mile
HOT_SPOTS = 60
BACKGROUND_SHARE = 0.25
UTM_16N = 32616


def synthetic_city(
    *, seed: int = SEED, n_victims: int = N_VICTIMS, n_schools: int = N_SCHOOLS
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """School lat, school lon, victim lat, victim lon (degrees, EPSG:4326) inside CHICAGO_BBOX.

    Victimizations: a mixture of ``HOT_SPOTS`` Gaussian hot spots (standard deviation 300 to
    1,500 m, Dirichlet weights) and a uniform background (``BACKGROUND_SHARE``); points drawn
    outside the box are drawn again. Schools: uniform in the box.
    """
    rng = np.random.default_rng(seed)
    min_lon, min_lat, max_lon, max_lat = CHICAGO_BBOX
    m_per_deg_lat = 111_100.0
    m_per_deg_lon = m_per_deg_lat * np.cos(np.radians((min_lat + max_lat) / 2))
    hot_lat = rng.uniform(min_lat, max_lat, HOT_SPOTS)
    hot_lon = rng.uniform(min_lon, max_lon, HOT_SPOTS)
    hot_sd_m = rng.uniform(300.0, 1500.0, HOT_SPOTS)
    hot_weight = rng.dirichlet(np.ones(HOT_SPOTS))
    lat_parts: list[FloatArray] = []
    lon_parts: list[FloatArray] = []
    missing = n_victims
    while missing:
        n_bg = round(missing * BACKGROUND_SHARE)
        spot = rng.choice(HOT_SPOTS, missing - n_bg, p=hot_weight)
        lat = np.concatenate(
            [
                rng.uniform(min_lat, max_lat, n_bg),
                hot_lat[spot] + rng.standard_normal(spot.size) * hot_sd_m[spot] / m_per_deg_lat,
            ]
        )
        lon = np.concatenate(
            [
                rng.uniform(min_lon, max_lon, n_bg),
                hot_lon[spot] + rng.standard_normal(spot.size) * hot_sd_m[spot] / m_per_deg_lon,
            ]
        )
        inside = (lat >= min_lat) & (lat <= max_lat) & (lon >= min_lon) & (lon <= max_lon)
        lat_parts.append(lat[inside])
        lon_parts.append(lon[inside])
        missing -= int(inside.sum())
    order = rng.permutation(n_victims)  # hot-spot and background points mixed, as in a file
    v_lat = np.concatenate(lat_parts)[order]
    v_lon = np.concatenate(lon_parts)[order]
    s_lat = rng.uniform(min_lat, max_lat, n_schools)
    s_lon = rng.uniform(min_lon, max_lon, n_schools)
    return s_lat, s_lon, v_lat, v_lon


def geopandas_pairs(
    s_lat: FloatArray, s_lon: FloatArray, v_lat: FloatArray, v_lon: FloatArray, *, radius_m: float
) -> PairSet:
    """The pairs as a GeoPandas user computes them (UTM 16N metres), with their distances."""
    import geopandas

    victims = geopandas.GeoDataFrame(
        geometry=geopandas.points_from_xy(v_lon, v_lat), crs="EPSG:4326"
    ).to_crs(UTM_16N)
    schools = geopandas.GeoDataFrame(
        {"school": np.arange(s_lat.size)},
        geometry=geopandas.points_from_xy(s_lon, s_lat),
        crs="EPSG:4326",
    ).to_crs(UTM_16N)
    joined = geopandas.sjoin(victims, schools, predicate="dwithin", distance=radius_m)
    distance = joined.geometry.distance(schools.geometry.loc[joined["index_right"]], align=False)
    return PairSet(
        joined["school"].to_numpy(np.int64),
        joined.index.to_numpy(np.int64),
        distance.to_numpy(np.float64),
    )


def floor_pass(v_lat: FloatArray, v_lon: FloatArray, *, radius_m: float) -> int:
    """One ellipsoidal distance from every victimization to one fixed point, then ``<=``."""
    d = ellipsoidal_distance_m(v_lat, v_lon, np.array([41.8781]), np.array([-87.6298]))
    return int(np.count_nonzero(d <= radius_m))


def _peak_rss_growth_mib(folder: Path) -> float:
    """In a fresh process: growth of the peak resident set (MiB) while ``pairs_within`` runs.

    The inputs are read with ``np.fromfile`` (no temporary buffers). On Linux the peak is reset
    to the current resident set first (``/proc/self/clear_refs``; a new process otherwise
    inherits its parent's peak through ``getrusage``); elsewhere ``ru_maxrss`` is used.
    """
    s_lat, s_lon, v_lat, v_lon = (np.fromfile(folder / f"{k}.f8") for k in _ARRAYS)
    gc.collect()
    status = Path("/proc/self/status")
    if status.exists():
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to VmRSS
        before = _proc_status_kib(status, "VmRSS")
        pairs_within(s_lat, s_lon, v_lat, v_lon, radius_m=RADIUS_M)
        return (_proc_status_kib(status, "VmHWM") - before) / 2**10
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pairs_within(s_lat, s_lon, v_lat, v_lon, radius_m=RADIUS_M)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    per_mib = 2**20 if sys.platform == "darwin" else 2**10  # bytes on macOS, KiB elsewhere
    return (after - before) / per_mib


def _proc_status_kib(status: Path, key: str) -> int:
    for line in status.read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    msg = f"{key} is not in {status}"
    raise RuntimeError(msg)


_ARRAYS = ("s_lat", "s_lon", "v_lat", "v_lon")


def _pair_keys(pairs: PairSet, n_points: int) -> npt.NDArray[np.int64]:
    return np.sort(pairs.school * n_points + pairs.point)


def _check_agreement(
    ours: PairSet,
    theirs: PairSet,
    s_lat: FloatArray,
    s_lon: FloatArray,
    v_lat: FloatArray,
    v_lon: FloatArray,
) -> str:
    """Explain the difference in pairs by UTM's scale error, or raise."""
    from pyproj import Proj

    scale = Proj(f"EPSG:{UTM_16N}").get_factors(s_lon, s_lat).meridional_scale
    k_min, k_max = float(np.min(scale)), float(np.max(scale))
    n = v_lat.size
    a, b = _pair_keys(ours, n), _pair_keys(theirs, n)
    only_a = np.setdiff1d(a, b, assume_unique=True)
    only_b = np.setdiff1d(b, a, assume_unique=True)
    # UTM distance = scale x true distance: with scale in [k_min, k_max], a pair is found by
    # one and not the other only if its true distance is between radius / k_max and
    # radius / k_min (1 cm of slack for the distance formulas).
    lo, hi = RADIUS_M / max(k_max, 1.0) - 0.01, RADIUS_M / min(k_min, 1.0) + 0.01
    school, point = np.divmod(np.concatenate([only_a, only_b]), n)
    d = ellipsoidal_distance_m(s_lat[school], s_lon[school], v_lat[point], v_lon[point])
    if d.size and (d.min() < lo or d.max() > hi):
        msg = (
            f"pairs_within and geopandas disagree beyond UTM's scale error: {only_a.size} pairs "
            f"only in ours, {only_b.size} only in geopandas, true distances "
            f"{d.min():.3f}..{d.max():.3f} m outside {lo:.3f}..{hi:.3f} m."
        )
        raise RuntimeError(msg)
    span = f", true distance {d.min():.2f}-{d.max():.2f} m" if d.size else ""
    return (
        f"pairs {len(ours):,} vs {len(theirs):,}: geopandas {len(theirs) - len(ours):+,} "
        f"({only_a.size} only ours, {only_b.size} only geopandas{span}; "
        f"UTM scale {k_min:.5f}-{k_max:.5f})"
    )


def run() -> list[Row]:
    s_lat, s_lon, v_lat, v_lon = synthetic_city()

    def ours() -> PairSet:
        return pairs_within(s_lat, s_lon, v_lat, v_lon, radius_m=RADIUS_M)

    def theirs() -> PairSet:
        return geopandas_pairs(s_lat, s_lon, v_lat, v_lon, radius_m=RADIUS_M)

    def floor() -> int:
        return floor_pass(v_lat, v_lon, radius_m=RADIUS_M)

    for func in (ours, theirs, floor):  # warm-up: imports, caches, first-touch of memory
        func()
    a = measure(ours, repeat=3, memory=True)
    b = measure(theirs, repeat=3, memory=False)
    c = measure(floor, repeat=3, memory=False)
    agreement = _check_agreement(a.result, b.result, s_lat, s_lon, v_lat, v_lon)

    with tempfile.TemporaryDirectory() as tmp:
        for name, array in zip(_ARRAYS, (s_lat, s_lon, v_lat, v_lon), strict=True):
            array.tofile(Path(tmp) / f"{name}.f8")
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_pairs", tmp],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            check=True,
        )
        rss = float(child.stdout)

    label = f"pairs within 0.5 mi, {v_lat.size:,} victims x {s_lat.size} schools"
    b_over_a = b.best_s / a.best_s
    a_over_c = a.best_s / c.best_s
    return [
        Row(
            label,
            "pairs_within",
            "geopandas to_crs+sjoin dwithin+distance",
            a.best_s,
            b.best_s,
            f"b/a {b_over_a:.1f}x (target >= 20x) {'met' if b_over_a >= 20 else 'MISSED'}; "
            + agreement,
        ),
        Row(
            label + " (floor)",
            "pairs_within",
            "ellipsoidal_distance_m to 1 point, <=",
            a.best_s,
            c.best_s,
            f"a/c {a_over_c:.2f}x (target <= 3x) {'met' if a_over_c <= 3 else 'MISSED'}; "
            f"ours peak memory: tracemalloc {a.peak_mib:.0f} MiB, max RSS +{rss:.0f} MiB "
            f"(result {_result_mib(a.result):.0f} MiB)",
        ),
    ]


def _result_mib(pairs: PairSet) -> float:
    return (pairs.school.nbytes + pairs.point.nbytes + pairs.distance_m.nbytes) / 2**20


if __name__ == "__main__":
    # `python -m benchmarks.bench_pairs FOLDER`: the fresh process of _peak_rss_growth_mib.
    print(_peak_rss_growth_mib(Path(sys.argv[1])))
