"""Reading places as people write them: ZIP codes, intersections and street names; finding an
intersection among hand-built corners whose answers can be checked by eye."""

from __future__ import annotations

import pytest

from safeschools.model import Intersection
from safeschools.spatial.places import Gazetteer, normal_street, read_intersection, read_zip


@pytest.mark.parametrize(
    ("text", "zip_code"),
    [("60624", "60624"), (" 60624 ", "60624"), ("60624-3015", "60624"), ("6062", None),
     ("606245", None), ("60624 W", None), ("Austin", None)],
)  # fmt: skip
def test_read_zip(text: str, zip_code: str | None) -> None:
    assert read_zip(text) == zip_code


@pytest.mark.parametrize(
    ("text", "streets"),
    [
        ("Pulaski & Madison", ("Pulaski", "Madison")),
        ("Pulaski and Madison", ("Pulaski", "Madison")),
        ("PULASKI AND MADISON", ("PULASKI", "MADISON")),
        ("Madison/Pulaski", ("Madison", "Pulaski")),
        ("Pulaski @ Madison", ("Pulaski", "Madison")),
        ("Pulaski at Madison", ("Pulaski", "Madison")),
        ("Pulaski y Madison", ("Pulaski", "Madison")),
        ("corner of Pulaski and Madison", ("Pulaski", "Madison")),
        ("esquina de Pulaski y Madison", ("Pulaski", "Madison")),
        ("N Pulaski Rd & W Madison St", ("N Pulaski Rd", "W Madison St")),
        ("Pulaski", None),
        ("Pulaski &", None),
        ("& Madison", None),
        ("Pulaski & Madison & Cicero", None),
        ("Sandy Ave", None),  # "and" inside a word is no join
    ],
)
def test_read_intersection(text: str, streets: tuple[str, str] | None) -> None:
    assert read_intersection(text) == streets


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("Pulaski", "PULASKI"),
        ("N. Pulaski Road", "PULASKI RD"),
        ("north pulaski rd", "PULASKI RD"),
        ("W 63rd Street", "63RD ST"),
        ("63", "63RD"),
        ("71", "71ST"),
        ("111", "111TH"),
        ("Avenida Kedzie", "KEDZIE AVE"),
        ("Calle 26", "26TH ST"),
        ("Martin Luther King Drive", "MARTIN LUTHER KING DR"),
        ("Peñalosa Blvd", "PENALOSA BLVD"),
        ("O'Brien St", "OBRIEN ST"),
    ],
)
def test_street_names_are_read_as_the_city_writes_them(written: str, normal: str) -> None:
    assert normal_street(written) == normal


def _corner(a: str, b: str, lat: float, lon: float, zip_code: str | None = "60624") -> Intersection:
    return Intersection(a, b, lat, lon, zip_code)


GRID = Gazetteer(
    [
        _corner("N PULASKI RD", "W MADISON ST", 41.88073, -87.72567),
        _corner("S PULASKI RD", "W MADISON ST", 41.88073, -87.72567),  # the same corner again
        _corner("N PULASKI RD", "W WASHINGTON BLVD", 41.88254, -87.72573),
        _corner("N PULASKI AVE", "W FAKE ST", 41.70000, -87.60000, None),
        _corner("S DR MARTIN LUTHER KING JR DR", "E 47TH ST", 41.80927, -87.61688, "60653"),
        _corner("N BROADWAY", "N SHERIDAN RD", 41.96113, -87.65473, "60613"),
        _corner("N BROADWAY", "W SHERIDAN RD", 41.95275, -87.64965, "60613"),
    ]
)


@pytest.mark.parametrize(
    ("first", "second", "label"),
    [
        ("Pulaski", "Madison", "Pulaski Rd & Madison St"),
        ("Madison", "Pulaski", "Madison St & Pulaski Rd"),
        ("N Pulaski Road", "West Madison Street", "Pulaski Rd & Madison St"),
        ("pulaski rd", "madison", "Pulaski Rd & Madison St"),
        ("King", "47", "Dr Martin Luther King Jr Dr & 47th St"),
        ("Martin Luther King", "47th Street", "Dr Martin Luther King Jr Dr & 47th St"),
    ],
)
def test_a_corner_is_found_however_it_is_written(first: str, second: str, label: str) -> None:
    places = GRID.intersection(first, second)
    assert [p.label for p in places] == [label]
    assert places[0].kind == "intersection" and places[0].zip_code in ("60624", "60653")


def test_a_name_that_matches_two_streets_keeps_the_closest_match() -> None:
    # "Pulaski" is Pulaski Rd and Pulaski Ave; "Pulaski Rd" is only the road
    assert GRID.streets("Pulaski") == ["PULASKI AVE", "PULASKI RD"]
    assert GRID.streets("Pulaski Rd") == ["PULASKI RD"]
    assert GRID.intersection("Pulaski", "Fake")[0].label == "Pulaski Ave & Fake St"


def test_streets_that_meet_twice_are_two_places() -> None:
    places = GRID.intersection("Broadway", "Sheridan")
    assert [(p.lat, p.zip_code) for p in places] == [(41.96113, "60613"), (41.95275, "60613")]


def test_streets_that_do_not_meet_are_no_place() -> None:
    assert GRID.intersection("Pulaski", "Sheridan") == []
    assert GRID.intersection("Nowhere", "Madison") == []


def test_the_middle_of_a_zip_code() -> None:
    centre = GRID.zip_centre("60624")
    assert centre is not None and centre.kind == "zip" and centre.label == "60624"
    assert centre.lat == pytest.approx((41.88073 * 2 + 41.88254) / 3)
    assert GRID.zip_centre("99999") is None
