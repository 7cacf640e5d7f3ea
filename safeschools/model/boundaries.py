"""An administrative boundary: a community area, police district or ward."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BOUNDARY_KINDS", "Boundary"]

BOUNDARY_KINDS = ("community_area", "police_district", "ward")


@dataclass(frozen=True, slots=True)
class Boundary:
    """One polygon (or multipolygon) boundary, as WKT in lat-lon degrees (EPSG:4326)."""

    kind: str
    code: str
    name: str
    geometry_wkt: str
