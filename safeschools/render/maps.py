"""The district map and the school map, from the city's boundaries, its streets and a service
dict.

The base map is the city's own boundaries (community areas, else police districts, else wards),
simplified with shapely, from the layers the caller passes in
(:func:`safeschools.services.map_layers`), and its street grid
(:func:`safeschools.services.street_lines`, drawn by :mod:`safeschools.render.streets`).
Parsing and simplifying them is the slow part, so the pages keep the result until the next
import; the district map's projected paths are kept on the base map for each picture frame.

Every label on a school's map (counts next to marks, area names, street names) goes through one
:class:`~safeschools.render.labels.LabelPlacer`, so no two overlap; every mark that links
somewhere has a tap area of 24 px on a phone (:mod:`safeschools.render.taps`). A map without
streets says so, in words, on the map and in its description.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from safeschools.model import StreetLine
from safeschools.render import svg
from safeschools.render.i18n import Lang
from safeschools.render.labels import Box, LabelPlacer, label_svg
from safeschools.render.streets import StreetMap, street_layer, street_map_from_lines
from safeschools.render.taps import Target, hit_layer

__all__ = [
    "BASE_KINDS",
    "BaseMap",
    "base_map_from_layers",
    "district_map",
    "exposure_map",
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
#: Font size of area names and of the counts next to marks, picture units.
AREA_LABEL_SIZE = 11.0
COUNT_SIZE = 12.0


@dataclass
class BaseMap:
    """One kind of boundary, parsed and simplified, and the street grid (lat-lon degrees,
    EPSG:4326); either may be missing (no areas: ``kind`` is empty)."""

    kind: str
    names: list[str]
    coarse: list[BaseGeometry]
    fine: list[BaseGeometry]
    bounds: tuple[float, float, float, float]
    _tree: shapely.STRtree = field(repr=False)
    streets: StreetMap | None = None
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


def base_map_from_layers(
    layers: Mapping[str, Sequence[Mapping[str, str]]], streets: Sequence[StreetLine] = ()
) -> BaseMap | None:
    """The base map of :func:`safeschools.services.map_layers` output and of
    :func:`safeschools.services.street_lines` output; None without boundaries and streets."""
    grid = street_map_from_lines(streets)
    kind = next((k for k in BASE_KINDS if layers.get(k)), None)
    if kind is None:
        kind = next((k for k, v in layers.items() if v), None)
    rows = list(layers[kind]) if kind is not None else []
    geoms = shapely.from_wkt([r["wkt"] for r in rows])
    valid = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty]
    full = [geoms[i] for i in valid]
    if not full:
        if grid is None:
            return None
        return BaseMap("", [], [], [], grid.bounds, _tree=shapely.STRtree([]), streets=grid)
    assert kind is not None
    names = [_display_name(kind, rows[i].get("name", ""), rows[i].get("code", "")) for i in valid]
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
        streets=grid,
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
    placer = LabelPlacer(projection.width, projection.height)
    for mark in marks:  # street names hide as few schools as they can
        placer.avoid(*projection(mark.lat, mark.lon))
    if base is not None and base.streets is not None:
        grid, names = base.streets.city_layer(projection, placer)
    else:
        names, note = _no_streets_note(L, placer)
        grid, desc = "", f"{desc} {note}"
    targets = [
        Target(*projection(m.lat, m.lon), href=m.href, title=m.title) for m in marks if m.href
    ]
    picture = svg.map_svg(
        svg_id="district-map",
        projection=projection,
        title=title,
        desc=desc,
        areas=areas,
        marks=marks,
        under=grid,
        over=names + hit_layer(targets, width=projection.width, height=projection.height),
    )
    legend: list[svg.LegendItem] = []
    if breaks is not None:
        per_fill = Counter(m.fill for m in marks)
        legend = [
            svg.LegendItem(
                L.ngettext(
                    "%(label)s: %(num)s school",
                    "%(label)s: %(num)s schools",
                    per_fill[item.fill],
                    label=item.label,
                ),
                item.fill,
                item.shape,
            )
            for item in svg.legend_items(breaks, zero_label=L.gettext("no victim"), fmt=L.num)
        ]
    return picture, legend


def _no_streets_note(L: Lang, placer: LabelPlacer) -> tuple[str, str]:
    """The note that the map has no streets: as SVG text in its upper left corner, and in
    words for its description."""
    text = L.gettext("Street names are not available for this map.")
    box = Box.of_text(text, 0, 0, AREA_LABEL_SIZE)
    box = Box(box.width / 2 + 4, box.height / 2 + 4, box.width, box.height)
    if not placer.place(box):
        return "", text
    shown = label_svg(text, box, size=AREA_LABEL_SIZE, css_class="map-note")
    return f'<g class="map-note" aria-hidden="true">{shown}</g>', text


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
    answerable: bool = True,
    rows: int | None = None,
) -> tuple[str, list[svg.LegendItem]]:
    """``svg#school-map``: the streets, the school, ``circle.radius`` and the victimizations
    inside it.

    Fatal victimizations are triangles, others circles; several at one block address share one
    mark labelled with their number. Never names: a mark's title gives date, time, distance,
    outcome and age band only. ``victimizations`` are nearest first, as the page's table lists
    them (``tr#victim-1``, ...); a mark links to the row of its first victim when the table
    lists it (the first ``rows``; None: all). ``answerable`` False (the data cannot answer the
    definition) leaves the counts out of the legend.
    """
    lat, lon = float(school["lat"]), float(school["lon"])
    half = max(radius_m * 1.2, radius_m + 60.0)
    dlat = half / _M_PER_DEG
    dlon = half / (_M_PER_DEG * math.cos(math.radians(lat)))
    frame = (lon - dlon, lat - dlat, lon + dlon, lat + dlat)
    projection = svg.fit_projection(frame, width=width, height=width, padding=4)
    placer = LabelPlacer(projection.width, projection.height)
    marks, counts = _victim_marks(victimizations, L, rows=rows)
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
    scale = svg.scale_bar(projection, label=lambda m: f"{L.num(m)} m")
    placer.block(_scale_bar_box(projection))
    for mark in marks:
        x, y = projection(mark.lat, mark.lon)
        placer.block(Box(x, y, 2 * mark.size + 2, 2 * mark.size + 2))
    count_labels = _count_labels(marks, counts, projection, placer)
    areas: list[tuple[str, str]] = []
    labels: list[str] = []
    if base is not None:
        # names keep clear of the school and the radius's centre
        clear = Point(lon, lat).buffer(max(dlat, dlon) * 0.35)
        for name, part in base.clipped(frame):
            areas.append((name, svg.geometry_path(part, projection)))
            room = part.difference(clear)
            if part.area > (dlat * dlon) * 0.08 and not room.is_empty:
                point = room.representative_point()
                labels.append(_area_label(name, projection(point.y, point.x), placer))
    grid = ""
    desc = L.gettext(
        "The school at the centre, the %(radius)s radius around it, and %(victims)s "
        "victimizations inside it (%(fatal)s fatal, drawn as triangles). The table below lists "
        "each one.",
        radius=L.radius(radius_m),
        victims=L.num(len(victimizations)),
        fatal=L.num(sum(1 for v in victimizations if v.get("fatal"))),
    )
    if tiles:
        pass  # the tiles draw the streets
    elif base is not None and base.streets is not None:
        wider = (frame[0] - dlon / 5, frame[1] - dlat / 5, frame[2] + dlon / 5, frame[3] + dlat / 5)
        lines, names = street_layer(base.streets, projection, frame=wider, placer=placer)
        grid, labels = lines, [*labels, names]
    else:
        note, text = _no_streets_note(L, placer)
        labels.append(note)
        desc = f"{desc} {text}"
    targets = [
        Target(*projection(m.lat, m.lon), href=m.href, title=m.title) for m in marks if m.href
    ]
    picture = svg.map_svg(
        svg_id="school-map",
        projection=projection,
        title=L.gettext("Map of the victimizations near %(name)s", name=school.get("name") or ""),
        desc=desc,
        areas=areas,
        tiles=svg.tile_layer(projection, tiles) if tiles else "",
        marks=marks,
        under=grid + svg.radius_circle(projection, lat, lon, radius_m) + "".join(labels),
        over=count_labels
        + scale
        + hit_layer(targets, width=projection.width, height=projection.height),
    )
    return picture, _school_legend(victimizations, radius_m, L, answerable=answerable)


def exposure_map(
    base: BaseMap | None,
    school: Mapping[str, Any],
    definition: Mapping[str, Any],
    exposure: Mapping[str, Any],
    L: Lang,
    *,
    tiles: str | None = None,
    rows: int | None = None,
) -> tuple[str, list[svg.LegendItem]]:
    """:func:`school_map` of a school's exposure (``services.school_profile()``'s) under its
    definition: the legend counts the victims only when the data answer the definition."""
    return school_map(
        base,
        school,
        float(definition["radius_m"]),
        list(exposure["victimizations"]),
        L,
        tiles=tiles,
        answerable=exposure["victims"] is not None,
        rows=rows,
    )


def _victim_marks(
    victimizations: Sequence[Mapping[str, Any]], L: Lang, *, rows: int | None
) -> tuple[list[svg.MapMark], list[int]]:
    """One mark per place and outcome, non-fatal first (fatal ones are drawn on top), and the
    number of victims of each."""
    groups: dict[tuple[float, float, bool], list[int]] = {}
    for index, v in enumerate(victimizations):
        if v.get("lat") is None or v.get("lon") is None:
            continue
        key = (round(float(v["lat"]), 6), round(float(v["lon"]), 6), bool(v.get("fatal")))
        groups.setdefault(key, []).append(index)
    marks, counts = [], []
    for (vlat, vlon, fatal), indexes in sorted(groups.items(), key=lambda kv: kv[0][2]):
        lines = [_victim_line(victimizations[i], L) for i in indexes[:6]]
        if len(indexes) > 6:
            lines.append(L.gettext("and %(more)s more", more=L.num(len(indexes) - 6)))
        first = indexes[0]
        marks.append(
            svg.MapMark(
                lat=vlat,
                lon=vlon,
                title="; ".join(lines),
                fill=FATAL_FILL if fatal else NONFATAL_FILL,
                shape="triangle" if fatal else "circle",
                size=5.5,
                href=f"#victim-{first + 1}" if rows is None or first < rows else None,
            )
        )
        counts.append(len(indexes))
    return marks, counts


def _scale_bar_box(projection: svg.Projection) -> Box:
    """Where :func:`svg.scale_bar` draws (its white panel, at most half the width)."""
    return Box(4 + projection.width / 4, projection.height - 20, projection.width / 2, 32)


def _count_labels(
    marks: Sequence[svg.MapMark],
    counts: Sequence[int],
    projection: svg.Projection,
    placer: LabelPlacer,
) -> str:
    """The number of victims next to each mark of several, on the first side where it fits."""
    out = []
    for mark, n in zip(marks, counts, strict=False):
        if n < 2:
            continue
        x, y = projection(mark.lat, mark.lon)
        text = str(n)
        probe = Box.of_text(text, 0, 0, COUNT_SIZE)
        dx, dy = mark.size + 1 + probe.width / 2, mark.size
        for sx, sy in ((1, -1), (1, 1), (-1, -1), (-1, 1)):
            box = Box(x + sx * dx, y + sy * dy, probe.width, probe.height)
            if placer.place(box):
                out.append(label_svg(text, box, size=COUNT_SIZE, css_class="mark-label"))
                break
    return f'<g class="mark-labels" aria-hidden="true">{"".join(out)}</g>' if out else ""


def _area_label(name: str, at: tuple[float, float], placer: LabelPlacer) -> str:
    """An area's name at ``at`` (kept inside the picture), when it meets no other label."""
    probe = Box.of_text(name, 0, 0, AREA_LABEL_SIZE)
    x = min(max(at[0], probe.width / 2 + 1), placer.width - probe.width / 2 - 1)
    y = min(max(at[1], probe.height / 2 + 1), placer.height - probe.height / 2 - 1)
    box = Box(x, y, probe.width, probe.height)
    if not placer.place(box):
        return ""
    text = label_svg(name, box, size=AREA_LABEL_SIZE, css_class="area-label", fill="#4b5563")
    return f'<g class="area-labels" aria-hidden="true">{text}</g>'


def _school_legend(
    victimizations: Sequence[Mapping[str, Any]], radius_m: float, L: Lang, *, answerable: bool
) -> list[svg.LegendItem]:
    """The school map's legend; with the number of victims of each kind when answerable."""
    fatal = sum(1 for v in victimizations if v.get("fatal"))
    others = len(victimizations) - fatal
    if answerable:
        not_fatal = L.ngettext("%(num)s victim, not fatal", "%(num)s victims, not fatal", others)
        killed = L.ngettext("%(num)s victim, fatal", "%(num)s victims, fatal", fatal)
    else:
        not_fatal, killed = L.gettext("victim, not fatal"), L.gettext("victim, fatal")
    return [
        svg.LegendItem(L.gettext("the school"), SCHOOL_FILL, "square"),
        svg.LegendItem(
            L.gettext("the radius (%(radius)s)", radius=L.radius(radius_m)), "#ffffff", "ring"
        ),
        svg.LegendItem(not_fatal, NONFATAL_FILL, "circle"),
        svg.LegendItem(killed, FATAL_FILL, "triangle"),
    ]


def _victim_line(v: Mapping[str, Any], L: Lang) -> str:
    outcome = L.gettext("fatal") if v.get("fatal") else L.gettext("not fatal")
    return L.gettext(
        "%(when)s, %(distance)s away, %(outcome)s, age %(age)s",
        when=L.datetime(v.get("occurred_at"), "short"),
        distance=L.metres(v.get("distance_m")),
        outcome=outcome,
        age=L.age_band(v.get("age_band")),
    )
