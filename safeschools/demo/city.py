"""Demo City (synthetic): a made-up city to try safeschools on, with no real data in it.

Everything is drawn from one seeded :class:`numpy.random.Generator`, so the same seed always
gives the same city, record for record. Nothing here reads or writes a file or a database.

How the city is made
--------------------
- **Area.** A 12 km x 20 km rectangle, centred in the district's ``area_bbox`` (shrunk to fit a
  smaller box). Geometry is drawn in a local metric frame (x metres east, y metres north of the
  south-west corner) and turned into lat-lon degrees (EPSG:4326) with an equirectangular
  approximation about the centre latitude, good to about 0.1 % across a city.
- **Boundaries.** 12 community areas (Voronoi cells of jittered seed points), 6 police districts
  (a 2 x 3 grid) and 10 wards (a 2 x 5 grid); each kind tiles the rectangle.
- **Schools.** About 120 schools in each of the school years 2020-21 to 2024-25, of every
  governance (district, charter, contract, options) and grade category (ES, MS, HS); a few close
  and a few open between years, and two schools share one building. Ids start at 900001, a
  range no real CPS school uses.
- **Victimizations.** About 12,000 victims of shootings from 2019-09-01 to 2025-08-31, one row
  per victim (an incident with several victims shares a case number). Times follow the shape of
  Chicago's published victims data: many at night, few in the morning, a small bump after school
  (14:00-17:00), more on weekends and in summer. Places come from a mixture of hot spots and a
  uniform background, snapped to the centres of a 100 m grid to mimic block addresses. About
  15 % of victims are fatal (HOMICIDE, IUCR 0110); the rest are BATTERY with IUCR 041A.
- **Streets.** A grid of named streets and avenues, arterials every 600 m, side streets
  stopped by two rail yards (:mod:`safeschools.demo._streets`), as named intersections.
- **Officers and discipline.** School resource officers at the district high schools, removed in
  staggered years; enrollments and discipline by student group for 2016-17 to 2023-24, with a
  known effect of officers on police notifications (:mod:`safeschools.demo._discipline`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely.geometry import box

from safeschools.demo._discipline import make_discipline
from safeschools.demo._geometry import make_boundaries, make_frame
from safeschools.demo._schools import DEMO_SCHOOL_YEARS, make_schools
from safeschools.demo._streets import make_streets
from safeschools.demo._victims import DEMO_SOURCE, make_victimizations
from safeschools.model import Boundary, Intersection, School, Victimization
from safeschools.model.discipline import DisciplineFigure, Enrollment
from safeschools.model.officers import SroAssignment
from safeschools.settings import CHICAGO_BBOX

__all__ = [
    "CITY_NAME",
    "DEFAULT_SEED",
    "DEMO_SCHOOL_YEARS",
    "DEMO_SOURCE",
    "DemoCity",
    "build_demo_city",
]

#: The demo city's name; every record says it is synthetic.
CITY_NAME = "Demo City (synthetic)"
#: Seed of the demo city unless another is asked for.
DEFAULT_SEED = 2024


@dataclass(frozen=True, slots=True)
class DemoCity:
    """A synthetic city: its boundaries, schools (per school year) and victimizations.

    ``outline_wkt`` is the city's rectangle and ``bbox`` the area it was placed in, both in lat-lon
    degrees (EPSG:4326). ``shared_building`` names the two schools that share one building.
    """

    name: str
    seed: int
    bbox: tuple[float, float, float, float]
    outline_wkt: str
    boundaries: tuple[Boundary, ...]
    schools: tuple[School, ...]
    victimizations: tuple[Victimization, ...]
    shared_building: tuple[str, str]
    officers: tuple[SroAssignment, ...] = ()
    enrollments: tuple[Enrollment, ...] = ()
    discipline: tuple[DisciplineFigure, ...] = ()
    intersections: tuple[Intersection, ...] = ()

    @property
    def location(self) -> str:
        """How imports of this city name their origin, e.g. ``synthetic demo city (seed 2024)``."""
        return f"synthetic demo city (seed {self.seed})"


def build_demo_city(
    *, seed: int = DEFAULT_SEED, bbox: tuple[float, float, float, float] = CHICAGO_BBOX
) -> DemoCity:
    """Build the synthetic demo city for ``seed``, placed inside ``bbox``.

    Pure: the same arguments always give an equal city; nothing is read or written.

    Parameters
    ----------
    seed
        Seed of the :func:`numpy.random.default_rng` generator every draw comes from.
    bbox
        ``(min_lon, min_lat, max_lon, max_lat)`` in degrees (EPSG:4326): the district's
        ``Settings.area_bbox``. The 12 km x 20 km city is centred in it (shrunk to fit).

    Returns
    -------
    DemoCity
        Boundaries, schools for 2020-21 to 2024-25 and victimizations for 2019-09-01 to
        2025-08-31, every one of them made up.

    Examples
    --------
    >>> city = build_demo_city(seed=2024)
    >>> city.name
    'Demo City (synthetic)'
    >>> sorted({s.school_year for s in city.schools})[0]
    '2020-21'
    """
    rng = np.random.default_rng(seed)
    frame = make_frame(bbox)
    layout, boundaries = make_boundaries(rng, frame)
    schools, shared = make_schools(rng, frame, layout)
    victimizations = make_victimizations(rng, frame, layout)
    officers, enrollments, discipline = make_discipline(seed, schools)
    return DemoCity(
        name=CITY_NAME,
        seed=seed,
        bbox=bbox,
        outline_wkt=frame.wkt(box(0.0, 0.0, frame.width_m, frame.height_m)),
        boundaries=tuple(boundaries),
        schools=tuple(schools),
        victimizations=tuple(victimizations),
        shared_building=shared,
        officers=tuple(officers),
        enrollments=tuple(enrollments),
        discipline=tuple(discipline),
        intersections=tuple(make_streets(frame)),
    )
