"""A grid of square tiles over the United States, and the halo that makes each tile complete.

Method
------
Points (lat-lon degrees, EPSG:4326) are projected to CONUS Albers Equal Area (EPSG:5070, metres)
and cut into square tiles of ``tile_m`` metres: a school belongs to exactly one tile, the one
its projected point falls in (``floor(x / tile_m)``, ``floor(y / tile_m)``; a point exactly on an
edge goes to the tile above and to the right). An incident belongs to every tile whose square,
grown by the **halo**, contains it, so each tile holds every incident that can be within the
radius of one of its schools.

The halo is the search radius times the largest linear scale of the projection over the
latitudes of the data (Albers scales depend on latitude only; about 1.01 across the lower 48,
1.36 at 70° N), plus one metre for rounding: a true distance of ``r`` metres is never longer
than ``r · k_max`` on the map, so no pair is lost. Each pair is then kept by its school's tile
alone, so it is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pyproj import Proj, Transformer

__all__ = ["ALBERS_CRS", "Tiling", "project_albers", "scale_bound"]

#: The projected CRS of the tiles: NAD83 / Conus Albers, metres.
ALBERS_CRS = "EPSG:5070"

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Tile indexes are packed into one int64: (ix + _OFFSET) * _SPAN + (iy + _OFFSET).
_OFFSET = 1 << 30
_SPAN = 1 << 31

_transformer: Transformer | None = None


def project_albers(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """x, y in metres (EPSG:5070) of lat-lon degrees (EPSG:4326); NaN in, NaN out."""
    global _transformer
    if _transformer is None:
        _transformer = Transformer.from_crs("EPSG:4326", ALBERS_CRS, always_xy=True)
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lon, dtype=np.float64)
    x, y = _transformer.transform(lo, la)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    bad = ~(np.isfinite(la) & np.isfinite(lo) & np.isfinite(x) & np.isfinite(y))
    x[bad] = np.nan
    y[bad] = np.nan
    return x, y


def scale_bound(lat_min: float, lat_max: float) -> float:
    """The largest linear scale factor of EPSG:5070 between two latitudes (degrees).

    Sampled every 0.01° (with a 0.5° margin each side) and widened by 0.01%: between samples the
    scale changes by far less.
    """
    lo = max(-89.0, float(lat_min) - 0.5)
    hi = min(89.0, float(lat_max) + 0.5)
    lats = np.arange(lo, hi + 0.01, 0.01)
    factors = Proj(ALBERS_CRS).get_factors(np.full(lats.size, -96.0), lats)
    return float(np.max(factors.tissot_semimajor)) * 1.0001


@dataclass(frozen=True)
class Tiling:
    """Square tiles of ``tile_m`` metres (EPSG:5070) with a halo of ``halo_m`` metres."""

    tile_m: float
    halo_m: float

    @classmethod
    def for_radius(
        cls, *, tile_m: float, radius_m: float, lat_min: float = 17.0, lat_max: float = 72.0
    ) -> Tiling:
        """Tiles whose halo covers ``radius_m`` (true metres) for data between the latitudes.

        The default latitudes span every US state and Puerto Rico.
        """
        if not np.isfinite(tile_m) or tile_m <= 0:
            msg = f"The tile size must be a positive number of metres, not {tile_m!r}."
            raise ValueError(msg)
        reach = radius_m / 100_000.0  # degrees of latitude, generously
        k = scale_bound(lat_min - reach, lat_max + reach)
        return cls(tile_m=float(tile_m), halo_m=float(radius_m) * k + 1.0)

    def index(self, x: FloatArray, y: FloatArray) -> tuple[IntArray, IntArray]:
        """Column and row of the tile of each projected point (NaN: undefined; filter first)."""
        return (
            np.floor(x / self.tile_m).astype(np.int64),
            np.floor(y / self.tile_m).astype(np.int64),
        )

    @staticmethod
    def key(ix: IntArray, iy: IntArray) -> IntArray:
        """One int64 per tile (column, row)."""
        return (ix + _OFFSET) * _SPAN + (iy + _OFFSET)

    def school_tiles(self, x: FloatArray, y: FloatArray) -> IntArray:
        """The one tile of each school (projected metres)."""
        ix, iy = self.index(x, y)
        return self.key(ix, iy)

    def incident_tiles(self, x: FloatArray, y: FloatArray) -> tuple[IntArray, IntArray]:
        """(row, tile) for every tile whose halo-grown square holds each incident.

        ``row`` indexes the inputs; an incident near an edge or corner is listed once per tile.
        """
        x0 = np.floor((x - self.halo_m) / self.tile_m).astype(np.int64)
        x1 = np.floor((x + self.halo_m) / self.tile_m).astype(np.int64)
        y0 = np.floor((y - self.halo_m) / self.tile_m).astype(np.int64)
        y1 = np.floor((y + self.halo_m) / self.tile_m).astype(np.int64)
        nx = x1 - x0 + 1
        ny = y1 - y0 + 1
        counts = nx * ny
        rows = np.repeat(np.arange(x.size, dtype=np.int64), counts)
        # position of each copy within its incident's block of nx * ny tiles
        within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(counts) - counts, counts
        )
        nx_r = np.repeat(nx, counts)
        ix = np.repeat(x0, counts) + within % nx_r
        iy = np.repeat(y0, counts) + within // nx_r
        return rows, self.key(ix, iy)
