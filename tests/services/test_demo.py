"""The synthetic demo city: deterministic, plausible in shape, and loaded through the normal
import path (idempotently) by ``services.load_demo_city`` and ``safeschools demo``."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from safeschools import services
from safeschools.cli import cli
from safeschools.demo import (
    CITY_NAME,
    DEMO_SCHOOL_YEARS,
    DEMO_SOURCE,
    DemoCity,
    build_demo_city,
    demo_imports,
)
from safeschools.errors import ConfigError
from safeschools.ingest.base import check_point
from safeschools.model import BOUNDARY_KINDS, GOVERNANCES, GRADE_CATEGORIES
from safeschools.settings import CHICAGO_BBOX, Settings
from safeschools.spatial.streets import street_key, street_lines_from_intersections
from safeschools.storage import Store, open_store

FIXED_NOW = datetime(2025, 9, 1, 12, 0)


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return build_demo_city(seed=2024)


def _clock() -> datetime:
    return FIXED_NOW


# ---------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_records(city: DemoCity) -> None:
    again = build_demo_city(seed=2024)
    assert again == city
    assert [i.checksum for i in demo_imports(again)] == [i.checksum for i in demo_imports(city)]


def test_different_seed_gives_a_different_city(city: DemoCity) -> None:
    other = build_demo_city(seed=7)
    assert other.schools != city.schools
    assert other.victimizations != city.victimizations
    assert other.boundaries != city.boundaries
    assert other.name == CITY_NAME


def test_default_seed_is_2024(city: DemoCity) -> None:
    assert build_demo_city().seed == 2024
    assert city.location == "synthetic demo city (seed 2024)"


# ---------------------------------------------------------------------- counts and labels
def test_counts_are_in_expected_ranges(city: DemoCity) -> None:
    per_year = Counter(s.school_year for s in city.schools)
    assert sorted(per_year) == list(DEMO_SCHOOL_YEARS)
    assert all(110 <= n <= 130 for n in per_year.values()), per_year
    assert 11_000 <= len(city.victimizations) <= 13_000
    kinds = Counter(b.kind for b in city.boundaries)
    assert kinds == {"community_area": 12, "police_district": 6, "ward": 10}


def test_everything_is_labelled_synthetic(city: DemoCity) -> None:
    assert city.name == "Demo City (synthetic)"
    assert all(s.name.startswith("Synthetic ") for s in city.schools)
    assert all(int(s.school_id) >= 900_001 for s in city.schools)
    assert all(b.name.endswith("(synthetic)") for b in city.boundaries)
    assert {v.source for v in city.victimizations} == {DEMO_SOURCE}
    assert all(v.case_number and v.case_number.startswith("DEMO-") for v in city.victimizations)


def test_every_governance_and_grade_category_in_every_year(city: DemoCity) -> None:
    for year in DEMO_SCHOOL_YEARS:
        schools = [s for s in city.schools if s.school_year == year]
        assert {s.governance for s in schools} == set(GOVERNANCES), year
        assert {s.grade_category for s in schools} == set(GRADE_CATEGORIES), year
        assert all(s.enrollment and s.enrollment > 0 for s in schools)
        assert all(s.network for s in schools)


def test_schools_open_and_close_between_years(city: DemoCity) -> None:
    ids = {y: {s.school_id for s in city.schools if s.school_year == y} for y in DEMO_SCHOOL_YEARS}
    first, last = ids[DEMO_SCHOOL_YEARS[0]], ids[DEMO_SCHOOL_YEARS[-1]]
    assert 2 <= len(first - last) <= 10  # closed
    assert 2 <= len(last - first) <= 10  # opened
    names = {(s.school_id, s.name) for s in city.schools}
    assert len(names) == len({s.school_id for s in city.schools})  # a school keeps its name
    assert len({n for _, n in names}) == len(names)  # and names are unique


def test_two_schools_share_one_building(city: DemoCity) -> None:
    for year in DEMO_SCHOOL_YEARS:
        places: dict[tuple[float | None, float | None], set[str]] = {}
        for s in city.schools:
            if s.school_year == year:
                places.setdefault((s.lat, s.lon), set()).add(s.school_id)
        shared = [ids for ids in places.values() if len(ids) > 1]
        assert shared == [set(city.shared_building)], year
    host, guest = (
        next(s for s in city.schools if s.school_id == i and s.school_year == "2024-25")
        for i in city.shared_building
    )
    assert host.address == guest.address
    assert host.governance != guest.governance


def test_victims_share_case_numbers_and_have_unique_row_ids(city: DemoCity) -> None:
    rows = city.victimizations
    assert len({v.source_row_id for v in rows}) == len(rows)
    per_case = Counter(v.case_number for v in rows)
    assert sum(1 for n in per_case.values() if n >= 2) > 300
    assert max(per_case.values()) >= 3
    by_case: dict[str | None, set[tuple[datetime, float | None, float | None]]] = {}
    for v in rows:
        by_case.setdefault(v.case_number, set()).add((v.occurred_at, v.lat, v.lon))
    assert all(len(places) == 1 for places in by_case.values())  # one incident, one time/place


def test_victim_fields_look_like_the_chicago_dataset(city: DemoCity) -> None:
    rows = city.victimizations
    fatal = [v for v in rows if v.fatal]
    assert 0.12 <= len(fatal) / len(rows) <= 0.18
    assert all(v.victimization_type == "HOMICIDE" and v.iucr == "0110" for v in fatal)
    assert all(v.victimization_type == "BATTERY" and v.iucr == "041A" for v in rows if not v.fatal)
    assert all(v.incident_type == "HOMICIDE" for v in fatal)
    assert all(v.location_precision == "block" and v.block for v in rows)
    ages = Counter(v.age_band for v in rows)
    assert 0.17 <= ages["0-19"] / len(rows) <= 0.23
    assert 0.36 <= ages["20-29"] / len(rows) <= 0.44
    assert ages["UNKNOWN"] > 100
    assert min(v.occurred_at for v in rows).date() >= date(2019, 9, 1)
    assert max(v.occurred_at for v in rows).date() <= date(2025, 8, 31)


# ---------------------------------------------------------------------- shape of the data
def test_hours_peak_in_the_evening_with_an_after_school_bump(city: DemoCity) -> None:
    hours = Counter(v.occurred_at.hour for v in city.victimizations)
    total = sum(hours.values())
    evening = sum(hours[h] for h in (20, 21, 22, 23, 0, 1)) / total
    morning = sum(hours[h] for h in (7, 8, 9, 10, 11)) / total
    assert evening > 0.35
    assert evening > 3 * morning
    after_school = sum(hours[h] for h in (14, 15, 16)) / 3
    late_morning = sum(hours[h] for h in (9, 10, 11)) / 3
    assert after_school > 1.4 * late_morning


def test_summer_above_winter_and_weekends_above_weekdays(city: DemoCity) -> None:
    rows = city.victimizations
    months = Counter(v.occurred_at.month for v in rows)
    assert min(months[m] for m in (6, 7, 8)) > max(months[m] for m in (12, 1, 2))
    days = Counter(v.occurred_at.weekday() for v in rows)
    assert (days[5] + days[6]) / 2 > 1.2 * sum(days[d] for d in range(5)) / 5


def test_places_cluster_in_hot_spots(city: DemoCity) -> None:
    per_area = Counter(v.community_area for v in city.victimizations)
    counts = sorted(per_area.values())
    assert len(counts) == 12
    assert counts[-1] > 2 * counts[0]


def test_victims_are_snapped_to_a_100_m_grid(city: DemoCity) -> None:
    outline = shapely.from_wkt(city.outline_wkt)
    min_lon, min_lat, max_lon, max_lat = outline.bounds
    lat = np.array([v.lat for v in city.victimizations], dtype=float)
    lon = np.array([v.lon for v in city.victimizations], dtype=float)
    # 20 km and 12 km wide: 200 x 120 cells of 100 m; points sit on the cell centres
    rows = (lat - min_lat) / (max_lat - min_lat) * 200 - 0.5
    cols = (lon - min_lon) / (max_lon - min_lon) * 120 - 0.5
    assert np.abs(rows - np.round(rows)).max() < 0.01
    assert np.abs(cols - np.round(cols)).max() < 0.01


# ---------------------------------------------------------------------- geometry
def test_every_point_is_inside_the_bbox_and_the_city(city: DemoCity) -> None:
    outline = shapely.from_wkt(city.outline_wkt)
    points = [(s.lat, s.lon) for s in city.schools] + [(v.lat, v.lon) for v in city.victimizations]
    for lat, lon in points:
        check_point(lat, lon, CHICAGO_BBOX)  # raises for a point the importers would reject
    lats = np.array([p[0] for p in points], dtype=float)
    lons = np.array([p[1] for p in points], dtype=float)
    assert shapely.contains_xy(outline, lons, lats).all()
    for kind in BOUNDARY_KINDS:
        shapes = [shapely.from_wkt(b.geometry_wkt) for b in city.boundaries if b.kind == kind]
        covered = np.zeros(len(points), dtype=bool)
        for shape in shapes:
            covered |= shapely.intersects_xy(shape, lons, lats)
        assert covered.all(), kind


@pytest.mark.parametrize("kind", BOUNDARY_KINDS)
def test_boundaries_tile_the_city(city: DemoCity, kind: str) -> None:
    outline = shapely.from_wkt(city.outline_wkt)
    shapes = [shapely.from_wkt(b.geometry_wkt) for b in city.boundaries if b.kind == kind]
    assert all(s.is_valid and s.area > 0 for s in shapes)
    assert sum(s.area for s in shapes) == pytest.approx(outline.area, rel=1e-6)
    assert shapely.union_all(shapes).symmetric_difference(outline).area < 1e-6 * outline.area


def test_named_boundaries_hold_their_victims(city: DemoCity) -> None:
    by_name = {b.name: shapely.from_wkt(b.geometry_wkt) for b in city.boundaries}
    areas = {b.code: b.name for b in city.boundaries if b.kind == "community_area"}
    districts = {b.code: b.name for b in city.boundaries if b.kind == "police_district"}
    wards = {b.code: b.name for b in city.boundaries if b.kind == "ward"}
    for v in city.victimizations[::7]:
        assert v.community_area in areas.values()
        assert v.district is not None and v.ward is not None
        for name in (v.community_area, districts[v.district], wards[v.ward]):
            assert shapely.intersects_xy(by_name[name], v.lon, v.lat), (v.source_row_id, name)
    for s in city.schools:
        assert s.community_area is not None
        assert shapely.intersects_xy(by_name[s.community_area], s.lon, s.lat)


def test_the_streets_carry_the_schools_addresses_and_the_arterials_are_major(
    city: DemoCity,
) -> None:
    lines = street_lines_from_intersections(city.intersections)
    assert all(i.street_1.startswith("N DEMO ") for i in city.intersections)  # made up, and says so
    on_addresses = {street_key(s.address.split(" ", 1)[1]) for s in city.schools if s.address}
    assert on_addresses <= {line.street for line in lines}
    major = {line.street for line in lines if line.major}
    # arterials, every third street and every second avenue, cross the city; the rail yards
    # stop the side streets
    assert {"DEMO 1ST ST", "DEMO 4TH ST", "DEMO 1ST AVE", "DEMO 3RD AVE"} <= major
    assert not {"DEMO 2ND ST", "DEMO 2ND AVE"} & major
    for item in city.intersections:
        check_point(item.lat, item.lon, CHICAGO_BBOX)


def test_city_shrinks_to_fit_a_small_bbox() -> None:
    small = (-87.70, 41.80, -87.64, 41.86)  # about 5 km x 6.7 km
    city = build_demo_city(seed=1, bbox=small)
    for s in city.schools:
        check_point(s.lat, s.lon, small)
    for v in city.victimizations[::50]:
        check_point(v.lat, v.lon, small)


@pytest.mark.parametrize(
    "bbox, match",
    [
        ((-87.5, 41.6, -87.99, 42.07), "empty or reversed"),
        ((-87.70, 41.80, -87.699, 41.801), "too small"),
    ],
)
def test_bad_bbox_is_refused(bbox: tuple[float, float, float, float], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        build_demo_city(bbox=bbox)


# ---------------------------------------------------------------------- the store
def test_load_writes_through_the_import_path_and_is_idempotent(
    store: Store, settings: Settings, city: DemoCity
) -> None:
    first = services.load_demo_city(store, settings=settings, now=_clock)
    assert [r.kind for r in first] == ["schools"] * 5 + [
        "victims",
        "boundaries",
        "officers",
        "discipline",
        "streets",
        "officers",  # the officer decisions compiled from the 2020 votes and the 2024 board
    ]
    tables = ("schools", "victimizations", "boundaries", "sro_assignments", "enrollments")
    counts = {t: store.count(t) for t in (*tables, "discipline_figures", "street_intersections")}
    assert counts == {
        "schools": len(city.schools),
        "victimizations": len(city.victimizations),
        "boundaries": len(city.boundaries),
        "sro_assignments": len(city.officers),
        "enrollments": len(city.enrollments),
        "discipline_figures": len(city.discipline),
        "street_intersections": len(city.intersections),
    }
    for report in first:
        rec = report.record
        assert rec is not None
        assert rec.source == "demo-synthetic"
        assert rec.location == "synthetic demo city (seed 2024)"
        assert rec.inserted == rec.rows_read == rec.accepted > 0
        assert rec.rejected == rec.updated == 0
        assert rec.started_at == FIXED_NOW
    assert [r.record.school_year for r in first if r.record] == [*DEMO_SCHOOL_YEARS] + [None] * 6

    second = services.load_demo_city(store, settings=settings, now=_clock)
    assert {t: store.count(t) for t in counts} == counts
    for report in second:
        rec = report.record
        assert rec is not None
        assert (rec.inserted, rec.updated) == (0, 0)
        assert rec.unchanged == rec.rows_read
    assert len(store.imports()) == 22


def test_stored_rows_equal_the_built_city(store: Store, settings: Settings, city: DemoCity) -> None:
    services.load_demo_city(store, settings=settings, now=_clock)
    assert store.schools() == sorted(city.schools, key=lambda s: (s.school_year, s.school_id))
    stored = sorted(store.victimizations(source=DEMO_SOURCE), key=lambda v: v.source_row_id)
    assert stored == sorted(city.victimizations, key=lambda v: v.source_row_id)
    assert sorted(store.boundaries(), key=lambda b: (b.kind, b.code)) == sorted(
        city.boundaries, key=lambda b: (b.kind, b.code)
    )


def test_load_refuses_a_store_with_real_data(store: Store, settings: Settings) -> None:
    with store.transaction() as conn:
        store.start_import(
            source="chicago-victims",
            kind="victims",
            location="victims.csv",
            format="portal CSV export",
            school_year=None,
            checksum="0" * 64,
            started_at=FIXED_NOW,
            conn=conn,
        )
    with pytest.raises(ConfigError, match="holds real data"):
        services.load_demo_city(store, settings=settings, now=_clock)
    assert store.count("victimizations") == 0


def test_store_summary_counts_what_was_loaded(
    store: Store, settings: Settings, city: DemoCity
) -> None:
    services.load_demo_city(store, settings=settings, now=_clock)
    summary = services.store_summary(store)
    json.dumps(summary)  # plain, JSON-ready values
    assert summary["synthetic"] is True
    assert len(summary["imports"]) == 11
    assert [r["school_year"] for r in summary["schools_by_year"]] == list(DEMO_SCHOOL_YEARS)
    for row in summary["schools_by_year"]:
        assert row["total"] == sum(row[g] for g in GOVERNANCES)
        assert all(row[g] > 0 for g in GOVERNANCES)
    years = summary["victimizations_by_year"]
    assert [y["year"] for y in years] == list(range(2019, 2026))
    assert sum(y["all"] for y in years) == len(city.victimizations)
    assert sum(y["fatal"] for y in years) == sum(v.fatal for v in city.victimizations)
    assert years[0]["first"] == "2019-09-01"
    assert years[-1]["last"] == "2025-08-31"
    assert summary["boundaries"] == {"community_area": 12, "police_district": 6, "ward": 10}


def test_store_summary_of_an_empty_store(store: Store) -> None:
    summary = services.store_summary(store)
    assert summary["imports"] == summary["schools_by_year"] == []
    assert summary["victimizations_by_year"] == []
    assert summary["synthetic"] is False


# ---------------------------------------------------------------------- the command
def test_cli_demo_twice_prints_synthetic_and_adds_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    runner = CliRunner()
    result = runner.invoke(cli, ["--database-url", url, "demo"])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC DEMO CITY — not real data" in result.output
    assert "Schools per school year" in result.output
    assert "Victimizations per year" in result.output
    assert "Decisions (synthetic): 45 council members, 5 meetings, 6 motions" in result.output
    assert "1 invalid: no quorum" in result.output
    store = open_store(url)
    counts = {t: store.count(t) for t in ("schools", "victimizations", "boundaries")}

    again = runner.invoke(cli, ["--database-url", url, "demo"])
    assert again.exit_code == 0, again.output
    assert "SYNTHETIC" in again.output
    assert {t: store.count(t) for t in counts} == counts
    imports = store.imports()
    assert len(imports) == 22
    assert all(r.inserted == 0 and r.updated == 0 for r in imports[11:])
    assert {r.source for r in imports} == {"demo-synthetic"}
    store.dispose()

    listed = runner.invoke(cli, ["--database-url", url, "imports", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert {(r["source"], r["location"]) for r in rows} == {
        ("demo-synthetic", "synthetic demo city (seed 2024)")
    }


def test_cli_demo_json_and_seed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = CliRunner().invoke(cli, ["--database-url", url, "demo", "--seed", "7", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["synthetic"] is True and data["seed"] == 7
    assert [r["kind"] for r in data["run"]][-6:] == [
        "victims",
        "boundaries",
        "officers",
        "discipline",
        "streets",
        "officers",
    ]
    assert data["governance"]["rows"]["council_motions"] == 6
    assert data["imports"][0]["location"] == "synthetic demo city (seed 7)"


def test_cli_demo_refuses_a_negative_seed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = CliRunner().invoke(cli, ["--database-url", url, "demo", "--seed", "-1"])
    assert result.exit_code == 2
