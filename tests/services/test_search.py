"""Search by what people know, on the real files (the 2024-25 schools, the community areas,
the City's intersections) and on the demo city: each answer is checked against the files
themselves (the CSV's ZIP codes, geodesic distances with pyproj, the area's polygon)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from helpers.demo_city import DemoCity
from helpers.real_city import PROFILES_2425, build_real_city
from pyproj import Geod

from safeschools import services
from safeschools.settings import Settings
from safeschools.storage import Store

PULASKI_MADISON = (41.88073, -87.72567)
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store, _settings = build_real_city(tmp_path_factory.mktemp("real-search"))
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def profiles() -> list[dict[str, str]]:
    with PROFILES_2425.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _ids(rows: list[dict[str, object]]) -> list[str]:
    return [str(r["school_id"]) for r in rows]


def _metres(lat: float, lon: float, row: dict[str, str]) -> float:
    _f, _b, d = GEOD.inv(lon, lat, float(row["School_Longitude"]), float(row["School_Latitude"]))
    return float(d)


# ---------------------------------------------------------------------- ZIP codes
def test_a_zip_code_finds_every_school_of_that_zip_code(
    real: Store, profiles: list[dict[str, str]]
) -> None:
    answer = services.search(real, "60624")
    (group,) = answer["groups"]
    assert group["kind"] == "zip" and group["within"] is True
    assert group["place"]["label"] == "60624"
    expected = {r["School_ID"] for r in profiles if r["Zip"] == "60624"}
    assert len(expected) == 20 and set(_ids(answer["schools"])) == expected
    assert {r["matched_by"] for r in answer["schools"]} == {"zip"}
    distances = [r["distance_m"] for r in answer["schools"]]
    assert distances == sorted(distances)  # nearest the ZIP code's middle first


def test_a_zip_code_without_schools_gives_the_schools_nearest_it(real: Store) -> None:
    answer = services.search(real, "60666")  # O'Hare: intersections, no school
    (group,) = answer["groups"]
    assert group["kind"] == "zip" and group["within"] is False
    assert len(answer["schools"]) == 10
    assert {r["matched_by"] for r in answer["schools"]} == {"near"}


# ---------------------------------------------------------------------- intersections
@pytest.mark.parametrize(
    "query",
    [
        "Pulaski & Madison",
        "Pulaski and Madison",
        "Madison/Pulaski",
        "pulaski y madison",
        "N Pulaski Rd & W Madison St",
        "corner of Pulaski and Madison",
    ],
)
def test_a_corner_gives_the_nearest_schools_with_their_distances(
    real: Store, profiles: list[dict[str, str]], query: str
) -> None:
    answer = services.search(real, query)
    group = answer["groups"][0]
    assert group["kind"] == "intersection"
    place = group["place"]
    assert (place["lat"], place["lon"], place["zip_code"]) == (*PULASKI_MADISON, "60624")
    assert {place["label"]} <= {"Pulaski Rd & Madison St", "Madison St & Pulaski Rd"}
    # the ten nearest of all 652 schools, by geodesic distance, nearest first
    by_distance = sorted(profiles, key=lambda r: _metres(*PULASKI_MADISON, r))
    assert _ids(group["schools"]) == [r["School_ID"] for r in by_distance[:10]]
    for row in group["schools"]:
        truth = _metres(
            *PULASKI_MADISON, next(r for r in profiles if r["School_ID"] == row["school_id"])
        )
        assert row["distance_m"] == pytest.approx(truth, abs=0.5)
        assert row["matched_by"] == "near"


def test_streets_that_meet_twice_say_where_else(real: Store) -> None:
    answer = services.search(real, "Broadway & Sheridan")
    assert answer["groups"][0]["kind"] == "intersection"
    assert [p["zip_code"] for p in answer["other_places"]] == ["60613"]


def test_streets_that_do_not_meet_are_read_as_text(real: Store) -> None:
    answer = services.search(real, "Pulaski & Sheridan")
    assert [g["kind"] for g in answer["groups"]] == []
    assert answer["schools"] == []


# ---------------------------------------------------------------------- community areas
@pytest.mark.parametrize("query", ["Austin", "austin", "AUSTIN "])
def test_a_community_area_gives_the_schools_inside_it(real: Store, query: str) -> None:
    answer = services.search(real, query)
    kinds = {g["kind"]: g for g in answer["groups"]}
    area = kinds["community_area"]
    assert area["place"]["label"] == "Austin" and area["within"] is True
    (austin,) = [b for b in real.boundaries(kind="community_area") if b.name == "AUSTIN"]
    shape = shapely.from_wkt(austin.geometry_wkt)
    inside = {
        s.school_id
        for s in real.schools(school_year="2024-25")
        if shape.contains(shapely.Point(s.lon, s.lat))
    }
    assert len(inside) > 15 and set(_ids(area["schools"])) == inside
    # "Austin" is also in school names (Austin CCA HS): both readings are answered
    assert "AUSTIN CCA HS" in [r["name"] for r in kinds["text"]["schools"]]


def test_words_of_an_area_name_find_every_area_with_them(real: Store) -> None:
    answer = services.search(real, "Garfield Park")
    labels = [g["place"]["label"] for g in answer["groups"] if g["kind"] == "community_area"]
    assert labels == ["East Garfield Park", "West Garfield Park"]


# ---------------------------------------------------------------------- names, ids, addresses
@pytest.mark.parametrize(
    ("query", "school", "how"),
    [
        ("609966", "HAMMOND", "id"),
        ("hammond", "HAMMOND", "name"),
        ("Melody", "MELODY", "name"),
        ("3937 W Wilcox Street", "MELODY", "address"),
        ("3937 w. wilcox st", "MELODY", "address"),
    ],
)
def test_a_name_an_id_or_an_address(real: Store, query: str, school: str, how: str) -> None:
    answer = services.search(real, query)
    first = answer["schools"][0]
    assert (first["name"], first["matched_by"], first["distance_m"]) == (school, how, None)


def test_nothing_found_comes_with_queries_that_work(real: Store) -> None:
    answer = services.search(real, "zzzz qqqq")
    assert answer["groups"] == [] and answer["schools"] == []
    examples = answer["examples"]
    assert set(examples) == {"name", "zip", "community_area", "intersection"}
    for query in examples.values():
        assert services.search(real, query)["schools"], query


def test_without_streets_zip_codes_and_areas_still_work(tmp_path: Path) -> None:
    store, _settings = build_real_city(tmp_path, streets=False)
    try:
        assert len(services.search(store, "60624")["schools"]) == 20
        assert services.search(store, "Pulaski & Madison")["groups"] == []
        assert services.search(store, "Austin")["groups"][-1]["kind"] == "community_area"
        assert "intersection" not in services.search(store, "")["examples"]
    finally:
        store.dispose()


# ---------------------------------------------------------------------- the demo city
def test_the_demo_city_is_searched_the_same_way(demo_city: DemoCity) -> None:
    store = demo_city.store
    corner = services.search(store, "Demo 5th St & Demo 3rd Ave")
    group = corner["groups"][0]
    assert group["kind"] == "intersection"
    assert group["place"]["label"] == "Demo 5th St & Demo 3rd Ave"
    assert len(group["schools"]) == 10
    assert all(r["school_year"] == "2024-25" for r in group["schools"])  # the newest year
    same = services.search(store, "demo 3rd avenue y demo 5th street")["groups"][0]["place"]
    assert (same["lat"], same["lon"]) == (group["place"]["lat"], group["place"]["lon"])
    area = services.search(store, "Demo Area 3 (synthetic)")
    assert [g["kind"] for g in area["groups"]][-1] == "community_area"
    assert area["groups"][-1]["schools"]
    assert len(services.search(store, "Synthetic")["schools"]) == 50  # the page's limit
    examples = services.search(store, "")["examples"]
    assert {"name", "community_area", "intersection"} <= set(examples)
    for query in examples.values():
        assert services.search(store, query)["schools"], query


def test_search_reads_the_store_once_per_data_version(
    sqlite_only_store: Store, settings: Settings, tmp_path: Path
) -> None:
    """A new import is seen by the next search (what the search keeps is per data version)."""
    assert services.search(sqlite_only_store, "60624")["schools"] == []
    services.ingest_file(sqlite_only_store, "schools", PROFILES_2425, settings=settings)
    assert len(services.search(sqlite_only_store, "60624")["schools"]) == 20
