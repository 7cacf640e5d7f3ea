"""Streets: named intersections, and the street lines drawn through them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["STREET_KINDS", "Intersection", "StreetLine"]

#: What a street line is: an ordinary street, or an expressway (drawn and labelled first).
STREET_KINDS = ("street", "expressway")


@dataclass(frozen=True, slots=True)
class Intersection:
    """Two named streets that meet, at a point in lat-lon degrees (EPSG:4326).

    Names are as published (``N PULASKI RD``, ``W MADISON ST``); ``zip_code`` is the five-digit
    ZIP code of the place, None when the publisher gives none.
    """

    street_1: str
    street_2: str
    lat: float
    lon: float
    zip_code: str | None = None

    @property
    def key(self) -> str:
        """What tells two intersections apart: the two streets, in alphabetical order.

        Examples
        --------
        >>> Intersection("W MADISON ST", "N PULASKI RD", 41.88, -87.73).key
        'N PULASKI RD & W MADISON ST'
        """
        return " & ".join(sorted((self.street_1, self.street_2)))


@dataclass(frozen=True, slots=True)
class StreetLine:
    """One unbroken piece of a street: its consecutive intersections, in order.

    ``street`` is the name without its direction (``PULASKI RD`` for both ``N PULASKI RD`` and
    ``S PULASKI RD``), ``part`` numbers the pieces of one street from 1, ``label`` is the name
    as a map shows it (``Pulaski Rd``). ``coords`` are (lon, lat) degrees (EPSG:4326);
    ``length_m`` is the piece's length in metres. ``major`` marks the streets a whole-city map
    draws and labels first (see :mod:`safeschools.spatial.streets`).
    """

    street: str
    part: int
    label: str
    kind: str
    major: bool
    length_m: float
    coords: tuple[tuple[float, float], ...]
