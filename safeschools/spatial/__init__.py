"""Geometry: distances on the WGS84 ellipsoid and the school-victimization pairs within a radius."""

from safeschools.spatial.pairs import (
    BOUNDARY_TOLERANCE_M,
    PairSet,
    ellipsoidal_distance_m,
    pairs_within,
)

__all__ = ["BOUNDARY_TOLERANCE_M", "PairSet", "ellipsoidal_distance_m", "pairs_within"]
