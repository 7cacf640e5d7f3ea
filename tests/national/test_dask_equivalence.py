"""The Dask run (tiles with a halo, one task per tile, pairs kept by the school's tile) gives
exactly the pairs of the embedded run (pairs_within on everything at once): same school and
incident ids, same distances to the last bit, on random national data with points on tile
edges and corners, schools near a tile corner, and tiles no larger than the halo."""

from __future__ import annotations

import tempfile
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from safeschools.national import (
    TiledWriter,
    Tiling,
    pair_tables,
    pairs_on_dask,
    project_albers,
    sorted_pairs,
)
from safeschools.spatial import pairs_within
from safeschools.spatial.pairs import PairSet

_TO_LATLON = Transformer.from_crs("EPSG:5070", "EPSG:4326", always_xy=True)
#: Chicago, Anchorage (the projection stretches most there), Miami, Seattle, Portland (Maine).
CENTRES = [(41.88, -87.63), (61.2, -149.9), (25.77, -80.19), (47.61, -122.33), (43.66, -70.26)]


def _latlon(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _TO_LATLON.transform(x, y)
    return np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)


def _dask_pairs(
    client: Any,
    tiling: Tiling,
    radius_m: float,
    schools: tuple[np.ndarray, np.ndarray],
    incidents: tuple[np.ndarray, np.ndarray],
    chunks: int,
) -> PairSet:
    with tempfile.TemporaryDirectory() as root:
        writer = TiledWriter(root, tiling)
        writer.add_schools(np.arange(schools[0].size), *schools)
        ids = np.arange(incidents[0].size)
        for part in np.array_split(ids, chunks):  # incidents arrive in chunks, as from the store
            writer.add_incidents(part, incidents[0][part], incidents[1][part])
        pairs_on_dask(root, radius_m=radius_m, client=client)
        tables = list(pair_tables(root))
    if not tables:
        return sorted_pairs([], [], [])
    table = pa.concat_tables(tables)
    return sorted_pairs(
        table.column("school").to_numpy(),
        table.column("incident").to_numpy(),
        table.column("distance_m").to_numpy(),
    )


Points = tuple[np.ndarray, np.ndarray]


def _embedded_pairs(radius_m: float, schools: Points, incidents: Points) -> PairSet:
    found = pairs_within(*schools, *incidents, radius_m=radius_m)
    return sorted_pairs(found.school, found.point, found.distance_m)


def _assert_same(dask: PairSet, embedded: PairSet) -> None:
    assert len(dask) == len(embedded)
    np.testing.assert_array_equal(dask.school, embedded.school)
    np.testing.assert_array_equal(dask.point, embedded.point)
    np.testing.assert_array_equal(dask.distance_m, embedded.distance_m)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32 - 1),
    centre=st.sampled_from(CENTRES),
    radius_m=st.sampled_from([50.0, 160.934, 457.2, 804.672, 1609.0]),
    tile=st.sampled_from(["halo", "2 halos", "5 km", "50 km"]),
    n_schools=st.integers(1, 40),
    n_incidents=st.integers(0, 400),
    chunks=st.integers(1, 3),
)
def test_dask_run_equals_embedded_run(
    dask_cluster_client: Any,
    seed: int,
    centre: tuple[float, float],
    radius_m: float,
    tile: str,
    n_schools: int,
    n_incidents: int,
    chunks: int,
) -> None:
    rng = np.random.default_rng(seed)
    halo = Tiling.for_radius(tile_m=1.0, radius_m=radius_m).halo_m
    tile_m = {"halo": halo, "2 halos": 2 * halo, "5 km": 5_000.0, "50 km": 50_000.0}[tile]
    tiling = Tiling.for_radius(tile_m=tile_m, radius_m=radius_m)
    cx, cy = project_albers(np.array([centre[0]]), np.array([centre[1]]))
    # a tile corner near the centre: schools and incidents gather around it
    kx, ky = np.floor(cx[0] / tile_m) * tile_m, np.floor(cy[0] / tile_m) * tile_m
    spread = max(3 * radius_m, 1.5 * tile_m)
    sx = kx + rng.normal(0, spread, n_schools)
    sy = ky + rng.normal(0, spread, n_schools)
    # some schools exactly on a tile edge, one exactly on the corner
    on_edge = rng.random(n_schools) < 0.3
    sx[on_edge] = kx
    sx[0], sy[0] = kx, ky
    # incidents: around schools at up to 1.5 radii, on tile edges and corners, and scattered
    near = rng.integers(0, n_schools, n_incidents)
    angle = rng.uniform(0, 2 * np.pi, n_incidents)
    dist = rng.uniform(0, 1.5 * radius_m, n_incidents)
    ix = sx[near] + dist * np.cos(angle)
    iy = sy[near] + dist * np.sin(angle)
    kind = rng.random(n_incidents)
    ix[kind < 0.15] = kx + tile_m * rng.integers(-1, 2, int((kind < 0.15).sum()))
    iy[(kind >= 0.15) & (kind < 0.25)] = ky
    scattered = kind > 0.95
    ix[scattered] = kx + rng.normal(0, 3 * tile_m, int(scattered.sum()))
    # one incident half a radius from the corner school, so every example has a pair
    ix = np.append(ix, kx + radius_m / 2)
    iy = np.append(iy, ky)
    schools = _latlon(sx, sy)
    incidents = _latlon(ix, iy)
    dask = _dask_pairs(dask_cluster_client, tiling, radius_m, schools, incidents, chunks)
    embedded = _embedded_pairs(radius_m, schools, incidents)
    assert len(embedded) >= 1
    _assert_same(dask, embedded)


def test_a_pair_at_the_radius_across_a_tile_corner_is_found_once(dask_cluster_client: Any) -> None:
    """Tiles as small as the halo: an incident just inside the radius of a school that sits on
    a tile corner lies in another tile (diagonally); it is paired once, by the school's tile."""
    radius_m = 804.672
    tiling = Tiling.for_radius(tile_m=1.0, radius_m=radius_m)
    tiling = Tiling.for_radius(tile_m=tiling.halo_m, radius_m=radius_m)
    cx, cy = project_albers(np.array([41.88]), np.array([-87.63]))
    kx = np.floor(cx[0] / tiling.tile_m) * tiling.tile_m
    ky = np.floor(cy[0] / tiling.tile_m) * tiling.tile_m
    school = _latlon(np.array([kx]), np.array([ky]))
    # the incident straight south-west, 804.5 m away on the ellipsoid (found by bisection)
    lo, hi = 0.0, 2 * radius_m
    for _ in range(60):
        mid = (lo + hi) / 2
        lat, lon = _latlon(np.array([kx - mid / np.sqrt(2)]), np.array([ky - mid / np.sqrt(2)]))
        d = pairs_within(*school, lat, lon, radius_m=10 * radius_m).distance_m
        lo, hi = (mid, hi) if d[0] < 804.5 else (lo, mid)
    incident = (lat, lon)
    dask = _dask_pairs(dask_cluster_client, tiling, radius_m, school, incident, 1)
    assert dask.point.tolist() == [0]
    assert abs(float(dask.distance_m[0]) - 804.5) < 0.01
    _assert_same(dask, _embedded_pairs(radius_m, school, incident))
