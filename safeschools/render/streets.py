"""The street grid under a map: street lines and street names, drawn on the server as SVG.

A :class:`StreetMap` holds the stored street lines (``services.street_lines(store)``, built at
import from the named intersections) as shapely lines with a spatial index; the pages keep it,
with the base map, until the next import.

- A school's map draws every street in its frame, the major ones wider, and names as many
  streets as fit without meeting any other label: expressways first, then the major streets,
  then the longest in view; each name once, along its street, where the street runs straight
  for the name's length.
- The whole-city map draws the major streets only and names a few of them. Their path and
  their names are kept per picture frame, so a second drawing costs nothing.

Lines are lon-lat degrees (EPSG:4326) until :class:`~safeschools.render.svg.Projection` turns
them into picture units. Nothing is fetched: no tiles, no fonts.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import LineString, box

from safeschools.model import StreetLine
from safeschools.render import svg
from safeschools.render.labels import Box, LabelPlacer, label_svg, text_width

__all__ = [
    "LABEL_SIZE",
    "StreetMap",
    "street_layer",
    "street_map_from_lines",
]

#: Font size of street names, picture units.
LABEL_SIZE = 11.0
#: Strokes (colour, width) of ordinary streets, major streets and expressways, light to dark
#: and thin to wide: on a school's map, and on the whole-city map (major streets only).
_STYLES = {
    "street": ("#c4c8ce", 1.2),
    "major": ("#a3a9b1", 2.4),
    "expressway": ("#8d949e", 3.4),
}
_CITY_STYLES = {
    "street": ("#c4c8ce", 0.6),
    "major": ("#b1b6bd", 0.9),
    "expressway": ("#969ca5", 1.6),
}
#: Points closer than this to the straight line through their neighbours are dropped (units).
_SIMPLIFY = 0.25
_LABEL_FILL = "#3c4043"
#: A name is placed where the street is this straight (largest offset from the chord, units).
_STRAIGHT = 1.5
#: Most places tried along one piece of street: on a school's map, on the whole city's.
_SPOTS_PER_PIECE = 7
_CITY_SPOTS_PER_PIECE = 60
#: A name may cover at most this many of the points the placer avoids (schools).
_MOST_COVERED = 1

FloatArray = npt.NDArray[np.float64]


@dataclass
class StreetMap:
    """The street lines of a store, with a spatial index (lon-lat degrees, EPSG:4326)."""

    streets: list[str]
    labels: list[str]
    kinds: list[str]
    major: list[bool]
    lines: list[LineString]
    bounds: tuple[float, float, float, float]
    _tree: shapely.STRtree = field(repr=False)
    _city: dict[tuple[Any, ...], tuple[str, str, list[Box]]] = field(
        default_factory=dict, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def style(self, i: int) -> str:
        """``expressway``, ``major`` or ``street``: how line ``i`` is drawn."""
        if self.kinds[i] == "expressway":
            return "expressway"
        return "major" if self.major[i] else "street"

    def priority(self, i: int) -> int:
        """0 for expressways, 1 for major streets, 2 for the others: names go first to 0."""
        return {"expressway": 0, "major": 1, "street": 2}[self.style(i)]

    def within(self, frame: tuple[float, float, float, float]) -> list[tuple[int, Any]]:
        """(line index, the line cut to ``frame``) of every line that enters it."""
        window = box(*frame)
        hits = self._tree.query(window, predicate="intersects")
        if not len(hits):
            return []
        cut = shapely.intersection(np.asarray(self.lines, dtype=object)[hits], window)
        return [(int(i), g) for i, g in zip(hits.tolist(), cut, strict=True) if not g.is_empty]

    def city_layer(
        self, projection: svg.Projection, placer: LabelPlacer, *, max_labels: int = 10
    ) -> tuple[str, str]:
        """The whole-city picture's major streets and their names, placed clear of the boxes
        already in ``placer`` (the schools' marks) and added to it. Kept per frame and boxes:
        the same picture of the same schools costs nothing the second time."""
        key = (
            round(projection.lat0, 6),
            round(projection.lon0, 6),
            round(projection.scale, 9),
            projection.width,
            projection.height,
            tuple(placer.boxes),
            tuple(sorted(placer.points)),
        )
        with self._lock:
            hit = self._city.get(key)
        if hit is None:
            chosen = [(i, g) for i, g in enumerate(self.lines) if self.style(i) != "street"]
            own = LabelPlacer(projection.width, projection.height)
            for b in placer.boxes:
                own.block(b)
            for x, y in sorted(placer.points):
                own.avoid(x, y)
            hit = _draw(
                self,
                chosen,
                projection,
                own,
                max_labels=max_labels,
                styles=_CITY_STYLES,
                spots=_CITY_SPOTS_PER_PIECE,
            )
            with self._lock:
                if len(self._city) >= 8:
                    self._city.pop(next(iter(self._city)))
                self._city[key] = hit
        layer, labels, boxes = hit
        for b in boxes:
            placer.block(b)
        return layer, labels


def street_map_from_lines(lines: Sequence[StreetLine]) -> StreetMap | None:
    """The street map of the stored lines; None when there are none."""
    if not lines:
        return None
    coords = np.array([c for line in lines for c in line.coords], dtype=np.float64)
    index = np.repeat(np.arange(len(lines)), [len(line.coords) for line in lines])
    geoms: list[LineString] = np.asarray(shapely.linestrings(coords, indices=index)).tolist()
    b = shapely.total_bounds(geoms)
    return StreetMap(
        streets=[line.street for line in lines],
        labels=[line.label for line in lines],
        kinds=[line.kind for line in lines],
        major=[line.major for line in lines],
        lines=geoms,
        bounds=(float(b[0]), float(b[1]), float(b[2]), float(b[3])),
        _tree=shapely.STRtree(geoms),
    )


def street_layer(
    streets: StreetMap,
    projection: svg.Projection,
    *,
    frame: tuple[float, float, float, float],
    placer: LabelPlacer,
    max_labels: int = 16,
) -> tuple[str, str]:
    """A school map's streets in ``frame`` (min_lon, min_lat, max_lon, max_lat): the SVG of
    the lines, and of the names that fit in ``placer`` (which keeps them)."""
    layer, labels, _boxes = _draw(
        streets,
        streets.within(frame),
        projection,
        placer,
        max_labels=max_labels,
        styles=_STYLES,
        spots=_SPOTS_PER_PIECE,
    )
    return layer, labels


# ---------------------------------------------------------------------- drawing
def _parts(geometry: Any) -> list[FloatArray]:
    """The (lon, lat) coordinate arrays of every line in a (multi)line or collection."""
    kind = geometry.geom_type
    if kind == "LineString":
        return [np.asarray(geometry.coords, dtype=np.float64)]
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return [a for part in geometry.geoms for a in _parts(part)]
    return []


def _path(pieces: Sequence[FloatArray]) -> str:
    out = []
    for xy in pieces:
        head = f"M{svg.coord(xy[0, 0])} {svg.coord(xy[0, 1])}"
        out.append(head + "".join(f"L{svg.coord(x)} {svg.coord(y)}" for x, y in xy[1:]))
    return "".join(out)


def _draw(
    streets: StreetMap,
    chosen: Sequence[tuple[int, Any]],
    projection: svg.Projection,
    placer: LabelPlacer,
    *,
    max_labels: int,
    styles: dict[str, tuple[str, float]],
    spots: int,
) -> tuple[str, str, list[Box]]:
    by_style: dict[str, list[FloatArray]] = {"street": [], "major": [], "expressway": []}
    seen: dict[str, tuple[int, float, list[FloatArray]]] = {}
    for i, geometry in chosen:
        for lonlat in _parts(geometry):
            if len(lonlat) < 2:
                continue
            xy = np.array([projection(lat, lon) for lon, lat in lonlat.tolist()])
            xy = np.asarray(shapely.simplify(LineString(xy), _SIMPLIFY).coords)
            by_style[streets.style(i)].append(xy)
            name = streets.labels[i]
            length = float(np.hypot(*np.diff(xy, axis=0).T).sum())
            rank, total, pieces = seen.get(name, (streets.priority(i), 0.0, []))
            seen[name] = (min(rank, streets.priority(i)), total + length, [*pieces, xy])
    lines = []
    for style in ("street", "major", "expressway"):
        if by_style[style]:
            stroke, width = styles[style]
            lines.append(
                f'<path class="{style}" d="{_path(by_style[style])}" stroke="{stroke}" '
                f'stroke-width="{svg.coord(width)}"/>'
            )
    layer = (
        '<g class="streets" fill="none" stroke-linecap="round" stroke-linejoin="round" '
        f'aria-hidden="true">{"".join(lines)}</g>'
        if lines
        else ""
    )
    names: list[str] = []
    boxes: list[Box] = []
    order = sorted(seen.items(), key=lambda kv: (kv[1][0], -kv[1][1], kv[0]))
    for name, (_rank, _total, pieces) in order:
        if len(names) >= max_labels:
            break
        width = text_width(name, LABEL_SIZE)
        candidates = (
            b
            for xy in sorted(pieces, key=lambda p: -len(p))
            for b in _spots(xy, name, width, spots)
        )
        spot = _best_spot(candidates, placer)
        if spot is None:
            continue
        placer.block(spot)
        boxes.append(spot)
        names.append(
            label_svg(name, spot, size=LABEL_SIZE, css_class="street-label", fill=_LABEL_FILL)
        )
    labels = f'<g class="street-labels" aria-hidden="true">{"".join(names)}</g>' if names else ""
    return layer, labels, boxes


def _best_spot(candidates: Iterable[Box], placer: LabelPlacer) -> Box | None:
    """The first box that fits and covers none of the points the placer avoids; else the
    first of those covering the fewest (at most :data:`_MOST_COVERED`); else None."""
    best: tuple[int, Box] | None = None
    for spot in candidates:
        if not placer.fits(spot):
            continue
        cost = placer.covered(spot) if placer.points else 0
        if cost == 0:
            return spot
        if cost <= _MOST_COVERED and (best is None or cost < best[0]):
            best = (cost, spot)
    return None if best is None else best[1]


def _spots(xy: FloatArray, name: str, width: float, most: int) -> list[Box]:
    """Boxes for ``name`` along the projected line ``xy``: where it runs straight for the
    name's length, from the middle of the line outwards."""
    steps = np.hypot(*np.diff(xy, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    total = float(along[-1])
    half = width / 2 + 2.0
    if total < 2 * half:
        return []
    step = max(width / 2, 12.0)
    centres = np.arange(half, total - half + 1e-9, step)
    centres = centres[np.argsort(np.abs(centres - total / 2), kind="stable")][:most]
    out = []
    for c in centres.tolist():
        ax, ay = _point_at(xy, along, c - half)
        bx, by = _point_at(xy, along, c + half)
        chord = math.hypot(bx - ax, by - ay)
        if chord < 2 * half * 0.95:
            continue  # the line bends within the name's length
        inside = xy[(along > c - half) & (along < c + half)]
        if len(inside):
            offset = np.abs((bx - ax) * (ay - inside[:, 1]) - (ax - inside[:, 0]) * (by - ay))
            if float(offset.max()) / chord > _STRAIGHT:
                continue
        angle = math.degrees(math.atan2(by - ay, bx - ax))
        if angle > 90:
            angle -= 180
        elif angle <= -90:
            angle += 180
        out.append(Box.of_text(name, (ax + bx) / 2, (ay + by) / 2, LABEL_SIZE, angle))
    return out


def _point_at(xy: FloatArray, along: FloatArray, distance: float) -> tuple[float, float]:
    k = int(np.clip(np.searchsorted(along, distance) - 1, 0, len(xy) - 2))
    span = along[k + 1] - along[k]
    t = 0.0 if span == 0 else (distance - along[k]) / span
    x = xy[k, 0] + t * (xy[k + 1, 0] - xy[k, 0])
    y = xy[k, 1] + t * (xy[k + 1, 1] - xy[k, 1])
    return float(x), float(y)
