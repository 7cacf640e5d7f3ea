"""The district map and the school map, from the city's boundaries and a service dict.

The base map is the city's own boundaries (community areas, else police districts, else wards),
simplified with shapely, from the layers the caller passes in
(:func:`safeschools.services.map_layers`). Parsing and simplifying them is the slow part, so the
pages keep the result until the next import; the district map's projected paths are kept on
the base map for each picture frame.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from safeschools.render import svg
from safeschools.render.i18n import Lang

__all__ = [
    "BASE_KINDS",
    "BaseMap",
    "base_map_from_layers",
    "district_map",
    "school_map",
]

#: Which boundaries draw the base map, first found wins.
BASE_KINDS = ("community_area", "police_district", "ward")
#: Simplification tolerances, degrees: under a pixel of the district map, a few metres.
COARSE_DEG = 0.0004
FINE_DEG = 0.00003
NONFATAL_FILL = "#e66101"
FATAL_FILL = "#1f2328"
SCHOOL_FILL = "#1d4ed8"
_M_PER_DEG = math.pi * svg.EARTH_RADIUS_M / 180.0


@dataclass
class BaseMap:
    """One kind of boundary, parsed and simplified (lat-lon degrees, EPSG:4326)."""

    kind: str
    names: list[str]
    coarse: list[BaseGeometry]
    fine: list[BaseGeometry]
    bounds: tuple[float, float, float, float]
    _tree: shapely.STRtree = field(repr=False)
    _paths: dict[tuple[Any, ...], list[tuple[str, str]]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def paths(self, projection: svg.Projection) -> list[tuple[str, str]]:
        """(name, path data) of every area, coarse, for a whole-district picture (cached)."""
        key = (
            round(projection.lat0, 6),
            round(projection.lon0, 6),
            round(projection.scale, 9),
            projection.width,
        )
        with self._lock:
            if key not in self._paths:
                self._paths[key] = [
                    (name, svg.geometry_path(g, projection))
                    for name, g in zip(self.names, self.coarse, strict=True)
                ]
            return self._paths[key]

    def clipped(self, frame: tuple[float, float, float, float]) -> list[tuple[str, BaseGeometry]]:
        """The fine areas cut to a frame (min_lon, min_lat, max_lon, max_lat)."""
        window = box(*frame)
        out = []
        for i in self._tree.query(window).tolist():
            part = self.fine[i].intersection(window)
            if not part.is_empty:
                out.append((self.names[i], part))
        return out


def _display_name(kind: str, name: str, code: str) -> str:
    text = name or code
    if kind == "community_area" and text.isupper():
        return text.title()
    return text


def base_map_from_layers(layers: Mapping[str, Sequence[Mapping[str, str]]]) -> BaseMap | None:
    """The base map of :func:`safeschools.services.map_layers` output; None without boundaries."""
    kind = next((k for k in BASE_KINDS if layers.get(k)), None)
    if kind is None:
        kind = next((k for k, v in layers.items() if v), None)
    if kind is None:
        return None
    rows = list(layers[kind])
    geoms = shapely.from_wkt([r["wkt"] for r in rows])
    valid = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty]
    names = [_display_name(kind, rows[i].get("name", ""), rows[i].get("code", "")) for i in valid]
    full = [geoms[i] for i in valid]
    if not full:
        return None
    coarse = list(shapely.simplify(full, COARSE_DEG, preserve_topology=True))
    fine = list(shapely.simplify(full, FINE_DEG, preserve_topology=True))
    b = shapely.total_bounds(full)
    return BaseMap(
        kind=kind,
        names=names,
        coarse=coarse,
        fine=fine,
        bounds=(float(b[0]), float(b[1]), float(b[2]), float(b[3])),
        _tree=shapely.STRtree(fine),
    )


# ---------------------------------------------------------------------- the district map
def _frame_of(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    if not points:
        return None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def district_map(
    base: BaseMap | None,
    schools: Sequence[Mapping[str, Any]],
    L: Lang,
    *,
    query: str = "",
    width: int = 600,
) -> tuple[str, list[svg.LegendItem]]:
    """``svg#district-map``: every school as a circle shaded by its victims, on the base map.

    ``schools`` are the exposure result's ``all_schools`` rows; each circle links to the
    school's page (with ``query``, the definition, kept). Returns the SVG and its legend.
    """
    located = [s for s in schools if s.get("lat") is not None and s.get("lon") is not None]
    frame = _frame_of([(float(s["lat"]), float(s["lon"])) for s in located])
    if base is not None:
        b = base.bounds
        frame = (
            b
            if frame is None
            else (
                min(frame[0], b[0]),
                min(frame[1], b[1]),
                max(frame[2], b[2]),
                max(frame[3], b[3]),
            )
        )
    if frame is None:
        frame = (-87.94, 41.64, -87.52, 42.03)
    projection = svg.fit_projection(frame, width=width, padding=10)
    suffix = f"?{query}" if query else ""
    breaks: list[int] | None = None
    if any(s.get("victims") is None for s in located):
        # the data cannot answer the definition: schools only, no counts (never 0)
        marks = [
            svg.MapMark(
                lat=float(s["lat"]),
                lon=float(s["lon"]),
                title=L.gettext(
                    "%(name)s: this data cannot answer this definition",
                    name=s.get("name") or s["school_id"],
                ),
                fill="#ffffff",
                size=3.5,
                href=f"/schools/{s['school_id']}{suffix}",
            )
            for s in located
        ]
        title = L.gettext("Map of schools (no counts: this data cannot answer this definition)")
        desc = L.gettext(
            "%(schools)s schools on the map, without counts: the data cannot answer this "
            "definition (see the note under the headline).",
            schools=L.num(len(located)),
        )
    else:
        breaks = svg.class_breaks([int(s["victims"]) for s in located])
        ordered = sorted(located, key=lambda s: int(s["victims"]))  # darkest drawn last, on top
        marks = [
            svg.MapMark(
                lat=float(s["lat"]),
                lon=float(s["lon"]),
                title=L.ngettext(
                    "%(name)s: %(num)s victim (%(fatal)s fatal)",
                    "%(name)s: %(num)s victims (%(fatal)s fatal)",
                    int(s["victims"]),
                    name=s.get("name") or s["school_id"],
                    fatal=L.num(int(s.get("fatal") or 0)),
                ),
                fill=svg.colour_for(int(s["victims"]), breaks),
                size=4.5 if int(s["victims"]) else 3.5,
                href=f"/schools/{s['school_id']}{suffix}",
            )
            for s in ordered
        ]
        with_victims = sum(1 for s in located if int(s["victims"]) > 0)
        title = L.gettext("Map of schools shaded by the victims near each")
        desc = L.gettext(
            "%(schools)s schools on the map; %(with)s have at least one victim near them under "
            "this definition. Darker circles mean more victims. The table below lists the same "
            "numbers.",
            schools=L.num(len(located)),
            **{"with": L.num(with_victims)},
        )
    areas = base.paths(projection) if base is not None else []
    picture = svg.map_svg(
        svg_id="district-map",
        projection=projection,
        title=title,
        desc=desc,
        areas=areas,
        marks=marks,
    )
    legend = (
        svg.legend_items(breaks, zero_label=L.gettext("no victim"), fmt=L.num)
        if breaks is not None
        else []
    )
    return picture, legend


# ---------------------------------------------------------------------- the school map
def school_map(
    base: BaseMap | None,
    school: Mapping[str, Any],
    radius_m: float,
    victimizations: Sequence[Mapping[str, Any]],
    L: Lang,
    *,
    width: int = 480,
    tiles: str | None = None,
) -> tuple[str, list[svg.LegendItem]]:
    """``svg#school-map``: the school, ``circle.radius`` and the victimizations inside it.

    Fatal victimizations are triangles, others circles; several at one block address share one
    mark labelled with their number. Never names: a mark's title gives date, time, distance,
    outcome and age band only.
    """
    lat, lon = float(school["lat"]), float(school["lon"])
    half = max(radius_m * 1.2, radius_m + 60.0)
    dlat = half / _M_PER_DEG
    dlon = half / (_M_PER_DEG * math.cos(math.radians(lat)))
    frame = (lon - dlon, lat - dlat, lon + dlon, lat + dlat)
    projection = svg.fit_projection(frame, width=width, height=width, padding=4)
    areas: list[tuple[str, str]] = []
    labels: list[tuple[float, float, str]] = []
    if base is not None:
        # labels keep clear of the school and the radius's centre
        clear = Point(lon, lat).buffer(max(dlat, dlon) * 0.35)
        for name, part in base.clipped(frame):
            areas.append((name, svg.geometry_path(part, projection)))
            room = part.difference(clear)
            if part.area > (dlat * dlon) * 0.08 and not room.is_empty:
                point = room.representative_point()
                labels.append((point.y, point.x, name))
    groups: dict[tuple[float, float, bool], list[Mapping[str, Any]]] = {}
    for v in victimizations:
        if v.get("lat") is None or v.get("lon") is None:
            continue
        key = (round(float(v["lat"]), 6), round(float(v["lon"]), 6), bool(v.get("fatal")))
        groups.setdefault(key, []).append(v)
    marks = []
    for (vlat, vlon, fatal), items in sorted(groups.items(), key=lambda kv: kv[0][2]):
        lines = [_victim_line(v, L) for v in items[:6]]
        if len(items) > 6:
            lines.append(L.gettext("and %(more)s more", more=L.num(len(items) - 6)))
        marks.append(
            svg.MapMark(
                lat=vlat,
                lon=vlon,
                title="; ".join(lines),
                fill=FATAL_FILL if fatal else NONFATAL_FILL,
                shape="triangle" if fatal else "circle",
                size=5.5,
                label=L.num(len(items)) if len(items) > 1 else None,
            )
        )
    marks.append(
        svg.MapMark(
            lat=lat,
            lon=lon,
            title=str(school.get("name") or ""),
            fill=SCHOOL_FILL,
            shape="square",
            size=6,
        )
    )
    fatal_n = sum(1 for v in victimizations if v.get("fatal"))
    desc = L.gettext(
        "The school at the centre, the %(radius)s radius around it, and %(victims)s "
        "victimizations inside it (%(fatal)s fatal, drawn as triangles). The table below lists "
        "each one.",
        radius=L.radius(radius_m),
        victims=L.num(len(victimizations)),
        fatal=L.num(fatal_n),
    )
    picture = svg.map_svg(
        svg_id="school-map",
        projection=projection,
        title=L.gettext("Map of the victimizations near %(name)s", name=school.get("name") or ""),
        desc=desc,
        areas=areas,
        tiles=svg.tile_layer(projection, tiles) if tiles else "",
        marks=marks,
        under=svg.radius_circle(projection, lat, lon, radius_m),
        over=svg.scale_bar(projection, label=lambda m: f"{L.num(m)} m"),
        labels=labels,
    )
    legend = [
        svg.LegendItem(L.gettext("the school"), SCHOOL_FILL, "square"),
        svg.LegendItem(
            L.gettext("the radius (%(radius)s)", radius=L.radius(radius_m)), "#ffffff", "ring"
        ),
        svg.LegendItem(L.gettext("victim, not fatal"), NONFATAL_FILL, "circle"),
        svg.LegendItem(L.gettext("victim, fatal"), FATAL_FILL, "triangle"),
    ]
    return picture, legend


def _victim_line(v: Mapping[str, Any], L: Lang) -> str:
    outcome = L.gettext("fatal") if v.get("fatal") else L.gettext("not fatal")
    return L.gettext(
        "%(when)s, %(distance)s away, %(outcome)s, age %(age)s",
        when=L.datetime(v.get("occurred_at"), "short"),
        distance=L.metres(v.get("distance_m")),
        outcome=outcome,
        age=L.age_band(v.get("age_band")),
    )
