"""Schools of the demo city: about 120 per school year, 2020-21 to 2024-25.

Every governance (district, charter, contract, options) and grade category (ES, MS, HS) is
present in every year; a few schools close and a few open between years; two schools share
one building. Ids start at 900001, a range no real CPS school uses, and every name starts with
"Synthetic".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from safeschools.demo._geometry import Frame, Layout, area_name, street
from safeschools.model import School

__all__ = ["DEMO_SCHOOL_YEARS", "FIRST_SCHOOL_ID", "make_schools"]

#: School years the demo city has schools for.
DEMO_SCHOOL_YEARS = ("2020-21", "2021-22", "2022-23", "2023-24", "2024-25")
FIRST_SCHOOL_ID = 900_001

_WORD_TEXT = (
    # trees
    "Oak Maple Birch Cedar Willow Aspen Elm Spruce Hickory Linden Alder Juniper Magnolia "
    "Sycamore Chestnut Hawthorn Poplar Walnut Laurel Cypress Redbud Sassafras Buckeye Catalpa "
    "Ginkgo Hemlock Larch Mulberry Pine Tamarack Sumac Locust Ironwood Basswood Beech "
    # birds
    "Heron Finch Sparrow Robin Cardinal Oriole Kestrel Falcon Osprey Pelican Crane Egret "
    "Warbler Swallow Wren Thrush Bluebird Meadowlark Kingfisher Plover Sandpiper Tanager "
    "Bobolink Grosbeak Junco Nuthatch Starling Swift Tern Vireo Waxwing Chickadee Killdeer "
    "Avocet Bittern Curlew Dunlin Gannet Harrier Ibis Lark Merlin Phoebe Pipit Rail Shrike "
    # flowers
    "Aster Bluebell Clover Daisy Fern Goldenrod Iris Lilac Lupine Marigold Orchid Peony "
    "Primrose Sage Sunflower Thistle Trillium Violet Yarrow Zinnia Coneflower Milkweed "
    "Foxglove Heather Hyacinth Jasmine Lavender Lotus Mallow Poppy Rosemary Tulip Azalea "
    # stones and landscape
    "Agate Basalt Cobalt Garnet Granite Jasper Marble Onyx Quartz Slate Topaz Amber "
    "Prairie Meadow Harbor Ridge Brook Grove Hollow Summit Dune Marsh Bluff Glen Cove Delta"
)
_WORDS = _WORD_TEXT.split()

_GRADES = {"ES": ("PK,K-8", "K-8", "PK,K-5", "K-6"), "MS": ("6-8", "7-8"), "HS": ("9-12",)}
_HOURS = ("07:45 AM-02:45 PM", "08:00 AM-03:00 PM", "08:45 AM-03:45 PM", "08:30 AM-03:30 PM")
_SUFFIX = {
    ("district", "ES"): "Elementary",
    ("district", "MS"): "Middle School",
    ("district", "HS"): "High School",
    ("charter", "ES"): "Charter Elementary",
    ("charter", "MS"): "Charter Middle School",
    ("charter", "HS"): "Charter High School",
    ("contract", "ES"): "Contract Academy",
    ("contract", "HS"): "Contract High School",
    ("options", "HS"): "Options Academy",
}
# (governance, grade category, schools in every year, schools that close, schools that open)
_SCHOOL_PLAN = (
    ("district", "ES", 62, 3, 2),
    ("district", "MS", 5, 0, 0),
    ("district", "HS", 16, 1, 0),
    ("charter", "ES", 8, 1, 1),
    ("charter", "MS", 2, 0, 0),
    ("charter", "HS", 9, 1, 1),
    ("contract", "ES", 3, 0, 1),
    ("contract", "HS", 3, 0, 0),
    ("options", "HS", 6, 0, 1),
)
# typical enrollment (median) and spread (sigma of the log) by kind of school
_ENROLLMENT = {
    ("district", "ES"): (420, 0.35),
    ("district", "MS"): (380, 0.3),
    ("district", "HS"): (900, 0.55),
    ("charter", "ES"): (450, 0.3),
    ("charter", "MS"): (350, 0.3),
    ("charter", "HS"): (650, 0.35),
    ("contract", "ES"): (300, 0.3),
    ("contract", "HS"): (350, 0.3),
    ("options", "HS"): (150, 0.35),
}


@dataclass(frozen=True, slots=True)
class _PlannedSchool:
    school_id: str
    governance: str
    grade_category: str
    first_year: int  # index into DEMO_SCHOOL_YEARS
    last_year: int
    x: float
    y: float
    enrollment: int
    grades: str
    hours: str
    name: str


def _plan_schools(rng: np.random.Generator, frame: Frame) -> list[_PlannedSchool]:
    words = list(rng.permutation(np.array(_WORDS)))
    n_years = len(DEMO_SCHOOL_YEARS)
    staying: list[tuple[str, str, int, int]] = []
    changing: list[tuple[str, str, int, int]] = []
    for governance, category, always, closing, opening in _SCHOOL_PLAN:
        staying += [(governance, category, 0, n_years - 1)] * always
        changing += [
            (governance, category, 0, int(rng.integers(0, n_years - 1))) for _ in range(closing)
        ]
        changing += [
            (governance, category, int(rng.integers(1, n_years)), n_years - 1)
            for _ in range(opening)
        ]
    margin = 300.0
    planned = []
    for index, (governance, category, first, last) in enumerate([*staying, *changing]):
        median, sigma = _ENROLLMENT[(governance, category)]
        enrollment = int(np.clip(rng.lognormal(math.log(median), sigma), 60, 3500))
        planned.append(
            _PlannedSchool(
                school_id=str(FIRST_SCHOOL_ID + index),
                governance=governance,
                grade_category=category,
                first_year=first,
                last_year=last,
                x=float(rng.uniform(margin, frame.width_m - margin)),
                y=float(rng.uniform(margin, frame.height_m - margin)),
                enrollment=enrollment,
                grades=str(rng.choice(np.array(_GRADES[category]))),
                hours=str(rng.choice(np.array(_HOURS))),
                name=f"Synthetic {words[index]} {_SUFFIX[(governance, category)]}",
            )
        )
    return planned


def _shared_building(planned: list[_PlannedSchool]) -> tuple[list[_PlannedSchool], tuple[str, str]]:
    """Move the first charter high school into the first district elementary school's building."""
    host = next(p for p in planned if p.governance == "district" and p.grade_category == "ES")
    guest = next(
        p
        for p in planned
        if p.governance == "charter"
        and p.grade_category == "HS"
        and (p.first_year, p.last_year) == (host.first_year, host.last_year)
    )
    moved = [replace(p, x=host.x, y=host.y) if p is guest else p for p in planned]
    return moved, (host.school_id, guest.school_id)


def make_schools(
    rng: np.random.Generator, frame: Frame, layout: Layout
) -> tuple[list[School], tuple[str, str]]:
    planned, shared = _shared_building(_plan_schools(rng, frame))
    xs = np.array([p.x for p in planned])
    ys = np.array([p.y for p in planned])
    lons, lats = frame.to_lonlat(xs, ys)
    areas = layout.area_of(xs, ys)
    district_networks = layout.district_of(xs, ys)
    growth = rng.normal(-0.015, 0.03, size=(len(planned), len(DEMO_SCHOOL_YEARS)))
    schools = []
    for i, p in enumerate(planned):
        if p.governance == "district":
            network = (
                f"Demo Network {district_networks[i] + (10 if p.grade_category == 'HS' else 0)}"
            )
        else:
            network = p.governance.capitalize()
        address = f"{int(p.x // 10) * 10 + 1} W {street(p.y)}"
        for year_index in range(p.first_year, p.last_year + 1):
            factor = float(np.prod(1 + growth[i, : year_index + 1]))
            if year_index == p.last_year and p.last_year < len(DEMO_SCHOOL_YEARS) - 1:
                factor *= 0.8  # a closing school's last year
            schools.append(
                School(
                    school_id=p.school_id,
                    school_year=DEMO_SCHOOL_YEARS[year_index],
                    name=p.name,
                    address=address,
                    lat=round(float(lats[i]), 7),
                    lon=round(float(lons[i]), 7),
                    governance=p.governance,
                    grade_category=p.grade_category,
                    grades=p.grades,
                    network=network,
                    community_area=area_name(int(areas[i])),
                    enrollment=max(40, round(p.enrollment * factor)),
                    long_name=f"{p.name} (Demo City, synthetic)",
                    school_hours=p.hours,
                )
            )
    schools.sort(key=lambda s: (s.school_year, s.school_id))
    return schools, shared
