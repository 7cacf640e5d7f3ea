"""Geometry of the demo city: a local metric frame, its boundaries and block addresses.

Shapes are drawn in metres (x east, y north of the city's south-west corner) and turned into
lat-lon degrees (EPSG:4326) with an equirectangular approximation about the centre latitude,
good to about 0.1 % across a city. Community areas are Voronoi cells of jittered seed points;
police districts and wards are grids. Each kind tiles the city's rectangle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPoint, Polygon, box

from safeschools.errors import ConfigError
from safeschools.model import Boundary

__all__ = [
    "BLOCK_M",
    "Floats",
    "Frame",
    "Ints",
    "Layout",
    "area_name",
    "make_boundaries",
    "make_frame",
    "street",
]

CITY_WIDTH_M = 12_000.0
CITY_HEIGHT_M = 20_000.0
#: Metres per degree of latitude (mean Earth radius 6,371,008.8 m).
M_PER_DEG_LAT = 6_371_008.8 * math.pi / 180
BLOCK_M = 100.0

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Frame:
    """A local metric frame: x metres east and y metres north of the city's south-west corner."""

    lon0: float
    lat0: float
    width_m: float
    height_m: float
    m_per_deg_lon: float

    def to_lonlat(self, x: Floats, y: Floats) -> tuple[Floats, Floats]:
        return self.lon0 + x / self.m_per_deg_lon, self.lat0 + y / M_PER_DEG_LAT

    def polygon(self, geometry: Polygon) -> Polygon:
        """A polygon of the frame, in lat-lon degrees, rounded to 1e-7 degrees (about 1 cm)."""

        def convert(coords: Floats) -> Floats:
            lon, lat = self.to_lonlat(coords[:, 0], coords[:, 1])
            stacked: Floats = np.column_stack([lon, lat]).astype(np.float64)
            return np.round(stacked, 7)

        result = shapely.transform(geometry, convert)
        assert isinstance(result, Polygon)
        return result

    def wkt(self, geometry: Polygon) -> str:
        return shapely.to_wkt(self.polygon(geometry), rounding_precision=7, trim=True)


def make_frame(bbox: tuple[float, float, float, float]) -> Frame:
    min_lon, min_lat, max_lon, max_lat = bbox
    if not (min_lon < max_lon and min_lat < max_lat):
        msg = (
            f"The area bbox {bbox} is empty or reversed; give it as "
            "min_lon, min_lat, max_lon, max_lat (SAFESCHOOLS_AREA_BBOX)."
        )
        raise ConfigError(msg)
    centre_lon, centre_lat = (min_lon + max_lon) / 2, (min_lat + max_lat) / 2
    m_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(centre_lat))
    box_w = (max_lon - min_lon) * m_per_deg_lon
    box_h = (max_lat - min_lat) * M_PER_DEG_LAT
    scale = min(1.0, 0.9 * box_w / CITY_WIDTH_M, 0.9 * box_h / CITY_HEIGHT_M)
    width, height = CITY_WIDTH_M * scale, CITY_HEIGHT_M * scale
    if width < 20 * BLOCK_M:
        msg = f"The area bbox {bbox} is too small for the demo city; it needs about 2 km x 3 km."
        raise ConfigError(msg)
    return Frame(
        lon0=centre_lon - width / 2 / m_per_deg_lon,
        lat0=centre_lat - height / 2 / M_PER_DEG_LAT,
        width_m=width,
        height_m=height,
        m_per_deg_lon=m_per_deg_lon,
    )


# ---------------------------------------------------------------------- boundaries
@dataclass(frozen=True, slots=True)
class Layout:
    """Where the boundaries are, to tell which one holds a point."""

    frame: Frame
    area_seeds: Floats  # (n, 2) metres
    district_grid: tuple[int, int]  # columns, rows
    ward_grid: tuple[int, int]

    def area_of(self, x: Floats, y: Floats) -> Ints:
        """1-based community area of each point: the nearest seed (the Voronoi cell)."""
        dx = x[:, None] - self.area_seeds[None, :, 0]
        dy = y[:, None] - self.area_seeds[None, :, 1]
        nearest: Ints = np.argmin(dx * dx + dy * dy, axis=1).astype(np.int64)
        return nearest + 1

    def _grid_cell(self, x: Floats, y: Floats, grid: tuple[int, int]) -> Ints:
        cols, rows = grid
        col = np.clip((x / self.frame.width_m * cols).astype(np.int64), 0, cols - 1)
        row = np.clip((y / self.frame.height_m * rows).astype(np.int64), 0, rows - 1)
        return row * cols + col + 1

    def district_of(self, x: Floats, y: Floats) -> Ints:
        return self._grid_cell(x, y, self.district_grid)

    def ward_of(self, x: Floats, y: Floats) -> Ints:
        return self._grid_cell(x, y, self.ward_grid)

    def beat_of(self, x: Floats, y: Floats) -> Ints:
        """A 3 x 3 grid of beats inside each police district, numbered like CPD's (0322)."""
        cols, rows = self.district_grid
        cell_w, cell_h = self.frame.width_m / cols, self.frame.height_m / rows
        sub_col = np.clip((x % cell_w / cell_w * 3).astype(np.int64), 0, 2)
        sub_row = np.clip((y % cell_h / cell_h * 3).astype(np.int64), 0, 2)
        return self.district_of(x, y) * 100 + (sub_row + 1) * 10 + sub_col + 1


def area_name(code: int) -> str:
    return f"Demo Area {code} (synthetic)"


def _grid_boundaries(frame: Frame, grid: tuple[int, int], kind: str, label: str) -> list[Boundary]:
    cols, rows = grid
    xs = np.linspace(0.0, frame.width_m, cols + 1)
    ys = np.linspace(0.0, frame.height_m, rows + 1)
    out = []
    for row in range(rows):
        for col in range(cols):
            code = row * cols + col + 1
            cell = box(xs[col], ys[row], xs[col + 1], ys[row + 1])
            out.append(Boundary(kind, str(code), f"{label} {code} (synthetic)", frame.wkt(cell)))
    return out


def make_boundaries(rng: np.random.Generator, frame: Frame) -> tuple[Layout, list[Boundary]]:
    cols, rows = 3, 4
    cell_w, cell_h = frame.width_m / cols, frame.height_m / rows
    centres = np.array(
        [((c + 0.5) * cell_w, (r + 0.5) * cell_h) for r in range(rows) for c in range(cols)]
    )
    jitter = rng.uniform(-0.3, 0.3, size=centres.shape) * np.array([cell_w, cell_h])
    seeds = centres + jitter
    outline = box(0.0, 0.0, frame.width_m, frame.height_m)
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline)
    layout = Layout(frame, seeds, district_grid=(2, 3), ward_grid=(2, 5))
    areas: list[Boundary] = []
    for cell in shapely.get_parts(cells):
        clipped = shapely.intersection(cell, outline)
        inside = [i for i, (sx, sy) in enumerate(seeds) if clipped.contains(shapely.Point(sx, sy))]
        assert len(inside) == 1 and isinstance(clipped, Polygon)
        code = inside[0] + 1
        areas.append(Boundary("community_area", str(code), area_name(code), frame.wkt(clipped)))
    areas.sort(key=lambda b: int(b.code))
    districts = _grid_boundaries(frame, layout.district_grid, "police_district", "Demo District")
    wards = _grid_boundaries(frame, layout.ward_grid, "ward", "Demo Ward")
    return layout, [*areas, *districts, *wards]


# ---------------------------------------------------------------------- addresses
def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix.upper()}"


def street(y_m: float) -> str:
    return f"DEMO {_ordinal(int(y_m // 200) + 1)} ST"
