"""Police-reported crimes at a school: which school a crime marked "at a school" happened at.

The City's crimes data (``ijzp-q8t2``) names the kind of place in ``location_description``;
the police write a school several ways over the years: ``SCHOOL, PUBLIC, BUILDING``,
``SCHOOL - PUBLIC GROUNDS``, ``SCHOOL, PRIVATE, BUILDING``, ``SCHOOL YARD``, ... A description is
read with its punctuation dropped (:func:`normal_description`), so every spelling of
:data:`AT_SCHOOL` counts; colleges and universities do not.

A crime at a school is matched to the nearest school of its school year (the July-June year of
the day it happened) within ``max_m`` metres. The point is the block address (the publisher moves
each point to its block), so the nearest school is a guess: when a second school is within
``max_m`` and no more than ``ambiguous_m`` farther than the nearest, the match is *ambiguous* and
both are named. Every crime gets one :class:`AtSchool` with a sentence that says why:

- ``matched``: "matched to X at N m";
- ``ambiguous``: "ambiguous between X (N m) and Y (M m)";
- ``no school near``: "no school within D m (nearest X at N m)";
- ``no location``: the publisher gave no point;
- ``not at a school``: the description is not a school.

Distances are on the WGS84 ellipsoid (:func:`~safeschools.spatial.pairs.ellipsoidal_distance_m`),
lat-lon degrees in (EPSG:4326).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from safeschools.spatial.pairs import ellipsoidal_distance_m

__all__ = [
    "AT_SCHOOL",
    "CATEGORIES",
    "STATUSES",
    "AtSchool",
    "SchoolPoints",
    "category_of",
    "is_at_school",
    "match_at_school",
    "normal_description",
]

#: Descriptions of a school, punctuation dropped (see :func:`normal_description`): the portal's
#: older ``SCHOOL, PUBLIC, BUILDING`` and newer ``SCHOOL - PUBLIC BUILDING`` read the same.
AT_SCHOOL: frozenset[str] = frozenset(
    {
        "SCHOOL PUBLIC BUILDING",
        "SCHOOL PUBLIC GROUNDS",
        "SCHOOL PRIVATE BUILDING",
        "SCHOOL PRIVATE GROUNDS",
        "SCHOOL YARD",
        "SCHOOL",
    }
)
#: The categories counted, from the crime's primary type; everything else is ``other``.
CATEGORIES = ("battery", "assault", "weapons violation", "other")
#: What a crime can be to the matcher.
STATUSES = ("matched", "ambiguous", "no school near", "no location", "not at a school")

_PRIMARY = {"BATTERY": "battery", "ASSAULT": "assault", "WEAPONS VIOLATION": "weapons violation"}
_NOT_WORD = re.compile(r"[^A-Z0-9]+")


def normal_description(text: str | None) -> str:
    """Upper case, punctuation and repeated spaces dropped.

    Examples
    --------
    >>> normal_description("School, Public, Building")
    'SCHOOL PUBLIC BUILDING'
    >>> normal_description("SCHOOL - PUBLIC GROUNDS")
    'SCHOOL PUBLIC GROUNDS'
    """
    return _NOT_WORD.sub(" ", (text or "").upper()).strip()


def is_at_school(text: str | None) -> bool:
    """Whether a ``location_description`` says the crime happened at a school.

    Examples
    --------
    >>> is_at_school("SCHOOL, PRIVATE, GROUNDS"), is_at_school("COLLEGE/UNIVERSITY GROUNDS")
    (True, False)
    """
    return normal_description(text) in AT_SCHOOL


def category_of(primary_type: str | None) -> str:
    """``battery``, ``assault``, ``weapons violation`` or ``other``, from the primary type.

    Examples
    --------
    >>> category_of("Weapons Violation"), category_of("THEFT")
    ('weapons violation', 'other')
    """
    return _PRIMARY.get(normal_description(primary_type), "other")


@dataclass(frozen=True, slots=True)
class SchoolPoints:
    """The schools of one school year, as arrays (lat-lon degrees)."""

    ids: Sequence[str]
    names: Sequence[str]
    lat: np.ndarray
    lon: np.ndarray


@dataclass(frozen=True, slots=True)
class AtSchool:
    """What the matcher made of one crime.

    ``school_id``/``distance_m``: the nearest school (the match, or the nearest beyond reach);
    ``other_id``/``other_distance_m``: the second school of an ambiguous match.
    """

    status: str
    explanation: str
    school_id: str | None = None
    school_name: str | None = None
    distance_m: float | None = None
    other_id: str | None = None
    other_name: str | None = None
    other_distance_m: float | None = None


def _m(value: float) -> str:
    return f"{round(value)} m"


def match_at_school(
    lat: Sequence[float | None],
    lon: Sequence[float | None],
    descriptions: Sequence[str | None],
    schools: SchoolPoints,
    *,
    max_m: float,
    ambiguous_m: float,
) -> list[AtSchool]:
    """Match each crime (its point and ``location_description``) to the schools of its year.

    Examples
    --------
    >>> s = SchoolPoints(["1", "2"], ["Alpha", "Beta"], np.array([41.80, 41.81]),
    ...                  np.array([-87.70, -87.70]))
    >>> [m.explanation for m in match_at_school([41.8003, None], [-87.70, None],
    ...     ["SCHOOL, PUBLIC, BUILDING", "SCHOOL - PUBLIC GROUNDS"], s, max_m=150, ambiguous_m=25)]
    ['matched to Alpha (1) at 33 m', 'no location: the police gave no point for this crime']
    """
    out: list[AtSchool] = []
    n_schools = len(schools.ids)
    for y, x, text in zip(lat, lon, descriptions, strict=True):
        if not is_at_school(text):
            out.append(
                AtSchool("not at a school", f"not at a school: the place is {text or 'not given'}")
            )
            continue
        if y is None or x is None:
            out.append(
                AtSchool("no location", "no location: the police gave no point for this crime")
            )
            continue
        if n_schools == 0:
            out.append(
                AtSchool("no school near", f"no school within {_m(max_m)} (no schools known)")
            )
            continue
        d = ellipsoidal_distance_m(
            np.full(n_schools, y), np.full(n_schools, x), schools.lat, schools.lon
        )
        d = np.where(np.isnan(d), np.inf, d)
        order = np.argsort(d, kind="stable")
        first = int(order[0])
        near = float(d[first])
        name = f"{schools.names[first]} ({schools.ids[first]})"
        if near > max_m:
            out.append(
                AtSchool(
                    "no school near",
                    f"no school within {_m(max_m)} (nearest {name} at {_m(near)})",
                    schools.ids[first],
                    schools.names[first],
                    near,
                )
            )
            continue
        if n_schools > 1:
            second = int(order[1])
            far = float(d[second])
            if far <= max_m and far - near <= ambiguous_m:
                other = f"{schools.names[second]} ({schools.ids[second]})"
                out.append(
                    AtSchool(
                        "ambiguous",
                        f"ambiguous between {name} ({_m(near)}) and {other} ({_m(far)})",
                        schools.ids[first],
                        schools.names[first],
                        near,
                        schools.ids[second],
                        schools.names[second],
                        far,
                    )
                )
                continue
        out.append(
            AtSchool(
                "matched",
                f"matched to {name} at {_m(near)}",
                schools.ids[first],
                schools.names[first],
                near,
            )
        )
    return out
