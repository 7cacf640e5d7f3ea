"""pairs_within against an independent brute-force geodesic (pyproj.Geod on WGS84), on the real
CPS schools and Chicago victims, and on hand-built points at the edges."""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pytest
from pyproj import Geod

from safeschools.spatial import PairSet, ellipsoidal_distance_m, pairs_within
from safeschools.spatial.pairs import BOUNDARY_TOLERANCE_M
from safeschools.testing import real_data

GEOD = Geod(ellps="WGS84")
HALF_MILE_M = 804.672
TENTH_MILE_M = 160.934
SCHOOL = (41.88, -87.63)  # lat, lon of a made-up school in the Loop
AZIMUTHS = (0.0, 37.0, 90.0, 135.0, 180.0, 251.0, 315.0)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Points:
    lat: FloatArray
    lon: FloatArray


def _schools_sy2425() -> Points:
    path = real_data(
        "cps-school-profiles", "Chicago_Public_Schools_-_School_Profile_Information_SY2425.csv"
    )
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return Points(
        np.array([float(r["School_Latitude"]) for r in rows]),
        np.array([float(r["School_Longitude"]) for r in rows]),
    )


def _victims() -> Points:
    folder = real_data("chicago-victims-homicides-nonfatal-shootings-2024-2026")
    rows: list[dict[str, str]] = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows.extend(csv.DictReader(fh))
    return Points(
        np.array([float(r["latitude"]) for r in rows]),
        np.array([float(r["longitude"]) for r in rows]),
    )


@dataclass(frozen=True)
class RealCase:
    schools: Points
    victims: Points
    geodesic_m: FloatArray  # schools x victims


@pytest.fixture(scope="module")
def real() -> RealCase:
    """The SY2425 schools, the 3,184 victims and the geodesic between every school and victim."""
    schools, victims = _schools_sy2425(), _victims()
    assert (schools.lat.size, victims.lat.size) == (652, 3184)
    s_lat = np.repeat(schools.lat, victims.lat.size)
    s_lon = np.repeat(schools.lon, victims.lat.size)
    v_lat = np.tile(victims.lat, schools.lat.size)
    v_lon = np.tile(victims.lon, schools.lat.size)
    _, _, dist = GEOD.inv(s_lon, s_lat, v_lon, v_lat)
    return RealCase(schools, victims, np.asarray(dist).reshape(schools.lat.size, -1))


def _as_dict(pairs: PairSet) -> dict[tuple[int, int], float]:
    keys = zip(pairs.school.tolist(), pairs.point.tolist(), strict=True)
    found = dict(zip(keys, pairs.distance_m.tolist(), strict=True))
    assert len(found) == len(pairs), "a (school, point) pair came out twice"
    return found


def _at(distance_m: float, azimuth: float, origin: tuple[float, float] = SCHOOL) -> Points:
    """The point ``distance_m`` geodesic metres from ``origin`` (lat, lon) towards ``azimuth``."""
    lon, lat, _ = GEOD.fwd(origin[1], origin[0], azimuth, distance_m)
    return Points(np.array([lat]), np.array([lon]))


# ---------------------------------------------------------------------------- real data
@pytest.mark.parametrize("radius_m", [HALF_MILE_M, TENTH_MILE_M])
def test_real_pairs_equal_the_brute_force_geodesic(real: RealCase, radius_m: float) -> None:
    pairs = pairs_within(
        real.schools.lat, real.schools.lon, real.victims.lat, real.victims.lon, radius_m=radius_m
    )
    found = _as_dict(pairs)
    school, point = np.nonzero(real.geodesic_m <= radius_m)
    assert set(found) == set(zip(school.tolist(), point.tolist(), strict=True))
    assert len(found) > (1000 if radius_m > 500 else 50)  # the comparison is not vacuous
    error = np.abs(pairs.distance_m - real.geodesic_m[pairs.school, pairs.point])
    assert error.max() <= 0.5
    # The mid-latitude formula is far better than the 0.5 m promised: micrometres here.
    assert error.max() <= 1e-3


def test_real_schools_sharing_a_building_pair_with_the_same_victims(real: RealCase) -> None:
    pairs = pairs_within(
        real.schools.lat, real.schools.lon, real.victims.lat, real.victims.lon, radius_m=HALF_MILE_M
    )
    coords = list(zip(real.schools.lat.tolist(), real.schools.lon.tolist(), strict=True))
    shared = [i for i, c in enumerate(coords) if coords.count(c) > 1]
    assert len(shared) == 4  # SY2425 has two buildings with two schools each
    victims_of = {i: sorted(pairs.point[pairs.school == i].tolist()) for i in shared}
    for i in shared:
        twin = next(j for j in shared if j != i and coords[j] == coords[i])
        assert victims_of[i] == victims_of[twin]


# ---------------------------------------------------------------------------- the radius edge
@pytest.mark.parametrize("azimuth", AZIMUTHS)
@pytest.mark.parametrize(("distance_m", "counted"), [(160.9, True), (161.0, False)])
def test_radius_boundary(distance_m: float, counted: bool, azimuth: float) -> None:
    p = _at(distance_m, azimuth)
    pairs = pairs_within([SCHOOL[0]], [SCHOOL[1]], p.lat, p.lon, radius_m=160.95)
    assert len(pairs) == int(counted)
    if counted:
        assert pairs.distance_m[0] == pytest.approx(distance_m, abs=1e-5)


@pytest.mark.parametrize("azimuth", AZIMUTHS)
@pytest.mark.parametrize("radius_m", [TENTH_MILE_M, 150.0, 457.2, HALF_MILE_M])
def test_a_point_exactly_at_the_radius_counts(radius_m: float, azimuth: float) -> None:
    p = _at(radius_m, azimuth)
    pairs = pairs_within([SCHOOL[0]], [SCHOOL[1]], p.lat, p.lon, radius_m=radius_m)
    assert len(pairs) == 1
    assert abs(pairs.distance_m[0] - radius_m) < BOUNDARY_TOLERANCE_M


def test_a_point_just_beyond_the_tolerance_does_not_count() -> None:
    p = _at(HALF_MILE_M + 0.01, 90.0)
    assert len(pairs_within([SCHOOL[0]], [SCHOOL[1]], p.lat, p.lon, radius_m=HALF_MILE_M)) == 0


# ---------------------------------------------------------------------------- shapes of input
def test_one_victim_near_two_schools_gives_two_pairs() -> None:
    other = _at(300.0, 90.0)  # a second school 300 m east
    victim = _at(150.0, 90.0)  # half-way between them
    pairs = pairs_within(
        [SCHOOL[0], other.lat[0]], [SCHOOL[1], other.lon[0]], victim.lat, victim.lon, radius_m=200
    )
    assert sorted(pairs.school.tolist()) == [0, 1]
    assert pairs.point.tolist() == [0, 0]
    assert pairs.distance_m.tolist() == pytest.approx([150.0, 150.0], abs=1e-3)


def test_two_schools_in_one_building_both_pair_with_the_same_victims() -> None:
    near = [_at(d, az) for d, az in [(50.0, 10.0), (120.0, 200.0), (159.0, 300.0)]]
    far = _at(400.0, 45.0)
    lat = np.concatenate([p.lat for p in [*near, far]])
    lon = np.concatenate([p.lon for p in [*near, far]])
    pairs = pairs_within([SCHOOL[0]] * 2, [SCHOOL[1]] * 2, lat, lon, radius_m=TENTH_MILE_M)
    found = _as_dict(pairs)
    assert set(found) == {(s, v) for s in (0, 1) for v in (0, 1, 2)}
    for v in (0, 1, 2):
        assert found[(0, v)] == found[(1, v)]


def test_nan_coordinates_never_pair() -> None:
    p = _at(100.0, 0.0)
    nan = float("nan")
    lat = [nan, p.lat[0], p.lat[0], nan, p.lat[0]]
    lon = [nan, nan, p.lon[0], p.lon[0], p.lon[0]]
    s_lat = [SCHOOL[0], nan, SCHOOL[0], nan]
    s_lon = [SCHOOL[1], SCHOOL[1], nan, nan]
    pairs = pairs_within(s_lat, s_lon, lat, lon, radius_m=TENTH_MILE_M)
    # Only school 0 and the fully located victims 2 and 4; indices are the inputs' positions.
    assert sorted(_as_dict(pairs)) == [(0, 2), (0, 4)]


def test_no_school_located_gives_no_pairs() -> None:
    nan = float("nan")
    assert len(pairs_within([nan], [nan], [SCHOOL[0]], [SCHOOL[1]], radius_m=100)) == 0


@pytest.mark.parametrize(
    ("schools", "points"),
    [
        (([], []), ([41.88], [-87.63])),
        (([41.88], [-87.63]), ([], [])),
        (([], []), ([], [])),
    ],
    ids=["no schools", "no points", "nothing"],
)
def test_empty_inputs_give_empty_typed_pairs(
    schools: tuple[list[float], list[float]], points: tuple[list[float], list[float]]
) -> None:
    pairs = pairs_within(*schools, *points, radius_m=HALF_MILE_M)
    assert len(pairs) == 0
    assert (pairs.school.dtype, pairs.point.dtype, pairs.distance_m.dtype) == (
        np.dtype(np.int64),
        np.dtype(np.int64),
        np.dtype(np.float64),
    )


def test_points_outside_every_school_reach_give_no_pairs() -> None:
    pairs = pairs_within([41.88], [-87.63], [41.60, 42.07], [-87.99, -87.50], radius_m=HALF_MILE_M)
    assert len(pairs) == 0


@pytest.mark.parametrize("radius_m", [0.0, -1.0, -HALF_MILE_M, float("nan"), float("inf")])
def test_a_radius_that_is_not_a_positive_distance_raises(radius_m: float) -> None:
    with pytest.raises(ValueError, match="radius_m must be a positive number of metres"):
        pairs_within([41.88], [-87.63], [41.88], [-87.63], radius_m=radius_m)


def test_lat_and_lon_of_different_lengths_raise() -> None:
    with pytest.raises(ValueError, match="pass one lat and one lon per location"):
        pairs_within([41.88], [-87.63], [41.88, 41.89], [-87.63], radius_m=100)


# ---------------------------------------------------------------------------- far from Chicago
def _around(
    schools: list[tuple[float, float]], *, n: int, max_m: float, seed: int
) -> tuple[Points, Points]:
    """Schools as given and ``n`` points scattered up to ``max_m`` metres around them."""
    rng = np.random.default_rng(seed)
    s_lat = np.array([s[0] for s in schools])
    s_lon = np.array([s[1] for s in schools])
    which = rng.integers(0, len(schools), n)
    lon, lat, _ = GEOD.fwd(
        s_lon[which], s_lat[which], rng.uniform(-180, 180, n), rng.uniform(0, max_m, n)
    )
    return Points(s_lat, s_lon), Points(np.asarray(lat), np.asarray(lon))


def _check_against_geodesic(schools: Points, points: Points, radius_m: float) -> int:
    pairs = pairs_within(schools.lat, schools.lon, points.lat, points.lon, radius_m=radius_m)
    grid = np.meshgrid(np.arange(schools.lat.size), np.arange(points.lat.size), indexing="ij")
    s, p = grid[0].ravel(), grid[1].ravel()
    _, _, dist = GEOD.inv(schools.lon[s], schools.lat[s], points.lon[p], points.lat[p])
    dist = np.asarray(dist)
    within = dist <= radius_m
    assert set(_as_dict(pairs)) == set(zip(s[within].tolist(), p[within].tolist(), strict=True))
    truth = dist.reshape(schools.lat.size, -1)[pairs.school, pairs.point]
    assert np.abs(pairs.distance_m - truth).max() <= 1e-3
    return len(pairs)


@pytest.mark.parametrize("lat", [60.0, -60.0, 75.0, -33.9, 0.0])
def test_schools_far_north_or_south_stay_accurate(lat: float) -> None:
    schools, points = _around([(lat, 10.0), (lat + 0.005, 10.01)], n=3000, max_m=1200, seed=7)
    assert _check_against_geodesic(schools, points, HALF_MILE_M) > 1000


def test_schools_at_very_different_latitudes_in_one_call() -> None:
    # The candidate grid is laid at the schools' mean latitude; its scale error there is large,
    # and the search must widen so that no pair is missed.
    places = [(41.88, -87.63), (60.17, 24.94), (-33.87, 151.21), (0.0, 30.0), (64.1, -21.9)]
    schools, points = _around(places, n=5000, max_m=1200, seed=11)
    assert _check_against_geodesic(schools, points, HALF_MILE_M) > 2000


def test_ellipsoidal_distance_matches_the_geodesic() -> None:
    rng = np.random.default_rng(5)
    lat1 = rng.choice([41.88, 60.0, -45.0], 3000)
    lon1 = rng.uniform(-170, 170, 3000)  # away from the antimeridian
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, rng.uniform(-180, 180, 3000), rng.uniform(0, 1000, 3000))
    want = np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])
    got = ellipsoidal_distance_m(lat1, lon1, np.asarray(lat2), np.asarray(lon2))
    assert np.abs(got - want).max() <= 1e-3
