"""Street lines from intersections: order along the street, cuts at gaps, major streets, labels;
on hand-built grids whose answers can be checked by eye, then on the City's file."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from safeschools.ingest.chicago_streets import intersections_from_file
from safeschools.model import Intersection
from safeschools.settings import CHICAGO_BBOX
from safeschools.spatial import ellipsoidal_distance_m
from safeschools.spatial.streets import (
    MAX_GAP_M,
    street_key,
    street_kind,
    street_label,
    street_lines_from_intersections,
)
from safeschools.testing import point_at, real_data

ORIGIN = (41.80, -87.70)


def _at(north_m: float, east_m: float) -> tuple[float, float]:
    lat, lon = point_at(*ORIGIN, distance_m=north_m, azimuth_deg=0) if north_m else ORIGIN
    if east_m:
        lat, lon = point_at(lat, lon, distance_m=abs(east_m), azimuth_deg=90 if east_m > 0 else 270)
    return lat, lon


def _crossing(street: str, cross: str, north_m: float, east_m: float) -> Intersection:
    lat, lon = _at(north_m, east_m)
    return Intersection(street, cross, lat, lon)


def _steps(coords: tuple[tuple[float, float], ...]) -> list[float]:
    a = np.array(coords)
    d = ellipsoidal_distance_m(a[:-1, 1], a[:-1, 0], a[1:, 1], a[1:, 0])
    return [float(x) for x in d]


def test_a_street_joins_its_intersections_in_order_across_its_direction_change() -> None:
    # Main St runs north-south; south of the baseline (1st Ave) it is "S MAIN ST"
    items = [
        _crossing("S MAIN ST" if n < 0 else "N MAIN ST", f"W {k}TH AVE", n, 0.0)
        for k, n in enumerate((-400, -200, 0, 200, 400), start=4)
    ]
    random.Random(1).shuffle(items)
    lines = street_lines_from_intersections(items)
    main = [ln for ln in lines if ln.street == "MAIN ST"]
    assert len(main) == 1 and main[0].label == "Main St" and main[0].part == 1
    lats = [lat for _lon, lat in main[0].coords]
    assert lats == sorted(lats) or lats == sorted(lats, reverse=True)
    assert len(lats) == 5
    assert main[0].length_m == pytest.approx(800, abs=0.1)
    # each avenue has one point only: no line
    assert {ln.street for ln in lines} == {"MAIN ST"}


def test_a_diagonal_street_is_ordered_along_its_axis() -> None:
    items = [_crossing("N DIAGONAL AVE", f"W {k}TH ST", 100.0 * k, 100.0 * k) for k in range(8)]
    random.Random(2).shuffle(items)
    (line,) = street_lines_from_intersections(items)
    diagonal = math.hypot(100, 100)
    assert all(step == pytest.approx(diagonal, rel=0.01) for step in _steps(line.coords))


@pytest.mark.parametrize(("gap_m", "parts"), [(MAX_GAP_M - 1, 1), (MAX_GAP_M + 1, 2)])
def test_a_street_is_cut_where_it_is_interrupted(gap_m: float, parts: int) -> None:
    # Oak St: three blocks, then a park of gap_m, then three blocks
    norths = [0, 200, 400, 400 + gap_m, 600 + gap_m, 800 + gap_m]
    items = [_crossing("N OAK ST", f"W {k}TH ST", n, 0.0) for k, n in enumerate(norths)]
    lines = street_lines_from_intersections(items)
    assert [ln.part for ln in lines] == list(range(1, parts + 1))
    assert all(max(_steps(ln.coords)) <= MAX_GAP_M for ln in lines if parts == 2)


def test_an_expressway_joins_interchanges_miles_apart() -> None:
    items = [_crossing("I90 EXPY", f"W {k}TH ST", 3000.0 * k, 0.0) for k in range(4)]
    (line,) = street_lines_from_intersections(items)
    assert line.kind == "expressway" and line.major and len(line.coords) == 4


def test_ramps_and_placeholders_draw_no_line() -> None:
    items = [
        _crossing(name, f"W {k}TH ST", 100.0 * k, 0.0)
        for name in ("S PRIVATE", "S UNKNOWN", "S DAN RYAN EXPY ER", "E I57 EXPY XR")
        for k in range(3)
    ]
    assert street_lines_from_intersections(items) == []


def test_major_streets_are_the_long_unbroken_ones() -> None:
    # Long Ave runs 5 km unbroken; Short St is five 400 m pieces, 1.1 km apart
    long_ave = [_crossing("N LONG AVE", f"W A{k} ST", 250.0 * k, 0.0) for k in range(21)]
    short = [
        _crossing("N SHORT ST", f"W B{k} ST", 1500.0 * block + 200.0 * step, 500.0)
        for k, (block, step) in enumerate((b, s) for b in range(5) for s in range(3))
    ]
    lines = street_lines_from_intersections([*long_ave, *short])
    major = {ln.street: ln.major for ln in lines}
    assert major == {"LONG AVE": True, "SHORT ST": False}
    assert len([ln for ln in lines if ln.street == "SHORT ST"]) == 5


@pytest.mark.parametrize(
    ("name", "key", "kind", "label"),
    [
        ("N PULASKI RD", "PULASKI RD", "street", "Pulaski Rd"),
        ("W 63RD ST", "63RD ST", "street", "63rd St"),
        ("S DAN RYAN EXPY", "DAN RYAN EXPY", "expressway", "Dan Ryan Expy"),
        ("N BROADWAY", "BROADWAY", "street", "Broadway"),
        ("S LAKE SHORE DR", "LAKE SHORE DR", "expressway", "Lake Shore Dr"),
        ("E MCCORMICK PL", "MCCORMICK PL", "street", "McCormick Pl"),
    ],
)
def test_street_names(name: str, key: str, kind: str, label: str) -> None:
    assert street_key(name) == key
    assert street_kind(key) == kind
    assert street_label(key) == label


def test_the_citys_file_gives_lines_that_never_jump_a_gap() -> None:
    records = intersections_from_file(
        real_data("chicago-street-intersections", "chicago-intersections.csv"), bbox=CHICAGO_BBOX
    ).records
    lines = street_lines_from_intersections(records)
    assert 2500 < len(lines) < 3500
    for line in lines:
        limit = 4000.0 if line.kind == "expressway" else MAX_GAP_M
        assert max(_steps(line.coords)) <= limit * 1.005, line.street
        assert line.length_m == pytest.approx(sum(_steps(line.coords)), rel=0.005)
    pulaski = [ln for ln in lines if ln.street == "PULASKI RD"]
    assert any((-87.72567, 41.88073) in ln.coords for ln in pulaski)  # Pulaski & Madison
    major = {ln.street for ln in lines if ln.major}
    assert {"WESTERN AVE", "HALSTED ST", "PULASKI RD", "KENNEDY EXPY", "DAN RYAN EXPY"} <= major
    assert 30 < len(major) < 120
