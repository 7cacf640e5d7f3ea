"""Tap targets: a transparent area around every mark that links somewhere, 24 CSS pixels
across on a 375 px phone.

A map ``width`` picture units wide is shown at least :data:`PHONE_MAP_PX` CSS pixels wide (a
375 px phone less the page's margins), so a tap area of :data:`TAP_PX` pixels across is a
circle of ``TAP_PX / 2 * width / PHONE_MAP_PX`` units around the mark. Where marks are closer
than that, each keeps the part of its circle that is nearer to it than to any other mark (its
Voronoi cell): a tap goes to the nearest mark, never to one farther away. Marks at one place
(within half a unit) share one area, which goes to the mark drawn last (the one on top).

The areas are drawn over the marks, invisible (``fill-opacity="0"``), hidden from assistive
technology and out of the tab order, like the marks: the table next to the map has the same
links.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPoint, box
from shapely.geometry.base import BaseGeometry

from safeschools.render.svg import coord, esc

__all__ = ["PHONE_MAP_PX", "TAP_PX", "Target", "hit_layer", "hit_radius"]

#: The smallest tap target, CSS pixels (WCAG 2.2, 2.5.8).
TAP_PX = 24.0
#: The narrowest a map is shown: a 375 px phone less 2 x 16 px of margins and the border,
#: rounded down.
PHONE_MAP_PX = 320.0
#: Sides of the polygon that stands for a tap circle where it is cut by a neighbour's area.
_SIDES = 24


@dataclass(frozen=True)
class Target:
    """A mark's centre in picture units, where a tap on it goes, and what it says."""

    x: float
    y: float
    href: str
    title: str


def hit_radius(width: float) -> float:
    """The tap circle's radius in picture units for a map ``width`` units wide.

    Examples
    --------
    >>> hit_radius(480)
    18.0
    """
    return TAP_PX / 2 * width / PHONE_MAP_PX


def hit_layer(targets: Sequence[Target], *, width: float, height: float) -> str:
    """``g.hits``: one transparent, linked tap area per place (see the module docstring)."""
    if not targets:
        return ""
    radius = hit_radius(width)
    places: dict[tuple[float, float], Target] = {}
    for target in targets:  # the mark drawn last at a place (half a unit) owns it
        places[(round(target.x * 2) / 2, round(target.y * 2) / 2)] = target
    ordered = tuple(sorted(places))
    shapes = dict(zip(ordered, _areas(ordered, radius, width, height), strict=True))
    parts = ['<g class="hits" aria-hidden="true" fill="#000000" fill-opacity="0">']
    for place, target in places.items():
        shape = shapes[place]
        title = f"<title>{esc(target.title)}</title>"
        if shape is None:
            body = (
                f'<circle class="hit" cx="{coord(target.x)}" cy="{coord(target.y)}" '
                f'r="{coord(radius)}">{title}</circle>'
            )
        else:
            body = f'<path class="hit" d="{shape}">{title}</path>'
        parts.append(f'<a href="{esc(target.href)}" tabindex="-1">{body}</a>')
    parts.append("</g>")
    return "".join(parts)


@functools.lru_cache(maxsize=32)
def _areas(
    points: tuple[tuple[float, float], ...], radius: float, width: float, height: float
) -> list[str | None]:
    """Per point: None when its whole tap circle is nearer to it than to any other point (a
    plain circle), else the path data of the circle cut to its Voronoi cell. Kept for the
    last few sets of points (the whole-city map draws the same schools again and again).

    Only points with a neighbour closer than twice the cut polygon's outer radius can be cut;
    the cells are computed among those alone (a farther point's bisector lies outside the
    polygon, so it cuts nothing), which spares most of the work on a sparse map."""
    out: list[str | None] = [None] * len(points)
    if len(points) < 2:
        return out
    outer_radius = radius / math.cos(math.pi / _SIDES)
    coords = np.asarray(points, dtype=np.float64)
    marks: Any = shapely.points(coords)
    near = shapely.STRtree(marks).query(marks, predicate="dwithin", distance=2 * outer_radius)
    crowded = np.unique(near[:, near[0] != near[1]].ravel())
    if len(crowded) < 2:
        return out
    subset = coords[crowded]
    frame = box(-2 * radius, -2 * radius, width + 2 * radius, height + 2 * radius)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(MultiPoint(subset), extend_to=frame, ordered=True)
    )
    centres = shapely.points(subset)
    circles = shapely.buffer(centres, radius, quad_segs=16)
    whole = shapely.contains(cells, circles)
    # a polygon outside the circle, so the cut area is never smaller than the circle
    outer = shapely.buffer(centres, outer_radius, quad_segs=_SIDES // 4)
    cut = shapely.intersection(cells, outer)
    for position, full, area in zip(crowded.tolist(), whole.tolist(), cut, strict=True):
        out[position] = None if full else _polygon_path(area)
    return out


def _polygon_path(area: BaseGeometry) -> str:
    """Path data of a polygon's outer ring, already in picture units."""
    rings = [p.exterior.coords for p in shapely.get_parts(area) if p.geom_type == "Polygon"]
    return "".join(
        f"M{coord(ring[0][0])} {coord(ring[0][1])}"
        + "".join(f"L{coord(x)} {coord(y)}" for x, y in ring[1:-1])
        + "Z"
        for ring in rings
    )
