"""Maps and charts as SVG text, drawn on the server: no script, no tiles, no fonts from elsewhere.

Pure functions of their arguments (tests call them directly). Texts arrive already translated;
numbers arrive already formatted where they are shown.

A map whose marks link somewhere (the district map) is a labelled ``role="group"`` instead, its
marks hidden from assistive technology and out of the tab order, because the table beside it
carries the same links.

Maps use a local equirectangular projection: x = (lon - lon0) * cos(lat0), y = -(lat - lat0),
scaled to the picture; at a city's size the distortion is far below a pixel. Every picture is
``role="img"`` with a ``<title>`` and a ``<desc>``; every mark (a school, a bar) has its own
``<title>``; the colour scale is sequential and colour-blind safe (viridis), and fatal
victimizations differ by shape, not only by colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from shapely.geometry.base import BaseGeometry

__all__ = [
    "EARTH_RADIUS_M",
    "SEQUENTIAL",
    "Bar",
    "LegendItem",
    "MapMark",
    "Projection",
    "bar_chart",
    "class_breaks",
    "colour_for",
    "coord",
    "fit_projection",
    "geometry_path",
    "legend_items",
    "map_svg",
    "nice_ticks",
    "radius_circle",
    "scale_bar",
    "swatch",
    "symbol",
]

#: Mean Earth radius (IUGG), metres: converts degrees of latitude to metres.
EARTH_RADIUS_M = 6_371_008.8
_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180.0

#: Viridis, light to dark: more victims, darker (colour-blind safe, prints in grey).
SEQUENTIAL = ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154")
#: Fill of a school with no victim near it.
ZERO_FILL = "#ffffff"
INK = "#1f2328"
LAND = "#eef0ea"
BAR_FILL = "#2a788e"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"


def esc(text: Any) -> str:
    """Text safe inside SVG/HTML markup and attributes."""
    return escape(str(text), quote=True)


def coord(value: float) -> str:
    """A coordinate with one decimal, no trailing zeros (keeps the markup small)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


# ---------------------------------------------------------------------- projection
@dataclass(frozen=True)
class Projection:
    """Lat-lon degrees (EPSG:4326) to picture units, north up.

    ``scale`` is picture units per metre.
    """

    lat0: float
    lon0: float
    scale: float
    x0: float
    y0: float
    width: float
    height: float

    @property
    def kx(self) -> float:
        """Metres per degree of longitude at ``lat0``, over metres per degree of latitude."""
        return math.cos(math.radians(self.lat0))

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        """Picture (x, y) of a point."""
        x = (lon - self.lon0) * self.kx * _M_PER_DEG * self.scale + self.x0
        y = -(lat - self.lat0) * _M_PER_DEG * self.scale + self.y0
        return x, y

    def units(self, metres: float) -> float:
        """A length in metres as picture units."""
        return metres * self.scale


def fit_projection(
    bounds: tuple[float, float, float, float],
    *,
    width: float,
    height: float | None = None,
    padding: float = 8.0,
) -> Projection:
    """The projection that fits ``bounds`` (min_lon, min_lat, max_lon, max_lat) in the picture.

    Without ``height``, the picture is as tall as the bounds' shape asks. The bounds are centred.

    Examples
    --------
    >>> p = fit_projection((-87.7, 41.8, -87.6, 41.9), width=100, padding=0)
    >>> [round(v, 1) for v in p(41.85, -87.65)]
    [50.0, 67.1]
    """
    min_lon, min_lat, max_lon, max_lat = bounds
    lat0 = (min_lat + max_lat) / 2.0
    lon0 = (min_lon + max_lon) / 2.0
    kx = math.cos(math.radians(lat0))
    span_x = max((max_lon - min_lon) * kx * _M_PER_DEG, 1.0)
    span_y = max((max_lat - min_lat) * _M_PER_DEG, 1.0)
    inner_w = max(width - 2 * padding, 1.0)
    if height is None:
        scale = inner_w / span_x
        height = span_y * scale + 2 * padding
    else:
        scale = min(inner_w / span_x, max(height - 2 * padding, 1.0) / span_y)
    return Projection(
        lat0=lat0, lon0=lon0, scale=scale, x0=width / 2, y0=height / 2, width=width, height=height
    )


def geometry_path(geometry: BaseGeometry, projection: Projection) -> str:
    """The SVG path data (``d``) of a (multi)polygon or (multi)line in lat-lon degrees."""
    rings: list[tuple[Sequence[tuple[float, ...]], bool]] = []

    def collect(geom: BaseGeometry) -> None:
        kind = geom.geom_type
        if kind == "Polygon":
            rings.append((list(geom.exterior.coords), True))  # type: ignore[attr-defined]
            rings.extend((list(r.coords), True) for r in geom.interiors)  # type: ignore[attr-defined]
        elif kind in ("LineString", "LinearRing"):
            rings.append((list(geom.coords), False))
        elif kind.startswith("Multi") or kind == "GeometryCollection":
            for part in geom.geoms:  # type: ignore[attr-defined]
                collect(part)

    collect(geometry)
    out = []
    for coords, closed in rings:
        points = [projection(c[1], c[0]) for c in coords]
        if len(points) < 2:
            continue
        head = f"M{coord(points[0][0])} {coord(points[0][1])}"
        body = "".join(f"L{coord(x)} {coord(y)}" for x, y in points[1:])
        out.append(head + body + ("Z" if closed else ""))
    return "".join(out)


# ---------------------------------------------------------------------- colour scale
def class_breaks(values: Sequence[int], *, classes: int = 5) -> list[int]:
    """Upper bounds of the classes of the positive values (quantiles, whole numbers, rising).

    Zero is a class of its own and not in the list. The last bound is the largest value.

    Examples
    --------
    >>> class_breaks([0, 1, 1, 2, 3, 5, 8, 13, 21, 34])
    [1, 3, 8, 21, 34]
    >>> class_breaks([0, 0])
    []
    """
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    bounds: list[int] = []
    for k in range(1, classes + 1):
        index = math.ceil(k * len(positive) / classes) - 1
        value = positive[max(index, 0)]
        if not bounds or value > bounds[-1]:
            bounds.append(value)
    return bounds


def colour_for(value: int, breaks: Sequence[int]) -> str:
    """The fill of a value: white for zero, then light to dark along :data:`SEQUENTIAL`."""
    if value <= 0 or not breaks:
        return ZERO_FILL
    palette = _palette(len(breaks))
    for bound, colour in zip(breaks, palette, strict=True):
        if value <= bound:
            return colour
    return palette[-1]


def _palette(n: int) -> tuple[str, ...]:
    if n >= len(SEQUENTIAL):
        return SEQUENTIAL
    if n == 1:
        return (SEQUENTIAL[3],)
    step = (len(SEQUENTIAL) - 1) / (n - 1)
    return tuple(SEQUENTIAL[round(i * step)] for i in range(n))


@dataclass(frozen=True)
class LegendItem:
    """One entry of a legend: what it means and how it looks."""

    label: str
    fill: str
    shape: str = "circle"


def legend_items(
    breaks: Sequence[int], *, zero_label: str, fmt: Callable[[int], str] = str
) -> list[LegendItem]:
    """The legend of :func:`colour_for`: ``0``, then ``1–3``, ``4–8``, ... (formatted)."""
    items = [LegendItem(zero_label, ZERO_FILL)]
    low = 1
    for bound, colour in zip(breaks, _palette(len(breaks)), strict=False):
        label = fmt(bound) if bound == low else f"{fmt(low)}–{fmt(bound)}"
        items.append(LegendItem(label, colour))
        low = bound + 1
    return items


# ---------------------------------------------------------------------- marks and maps
def symbol(
    shape: str, x: float, y: float, size: float, *, fill: str, stroke: str | None = INK
) -> str:
    """A marker centred on (x, y): ``circle``, ``triangle`` (fatal), ``square`` (a school) or
    ``ring`` (the radius). With ``stroke=None`` the outline comes from the enclosing group."""
    line = "" if stroke is None else f' stroke="{stroke}" stroke-width="1"'
    if shape == "triangle":
        h = size * 1.15
        points = (
            f"{coord(x)},{coord(y - h)} {coord(x - h)},{coord(y + h * 0.8)} "
            f"{coord(x + h)},{coord(y + h * 0.8)}"
        )
        return f'<polygon points="{points}" fill="{fill}"{line}/>'
    if shape == "square":
        return (
            f'<rect x="{coord(x - size)}" y="{coord(y - size)}" width="{coord(2 * size)}" '
            f'height="{coord(2 * size)}" fill="{fill}" stroke="{stroke or INK}" '
            'stroke-width="1.5"/>'
        )
    if shape == "ring":
        return (
            f'<circle cx="{coord(x)}" cy="{coord(y)}" r="{coord(size)}" fill="{fill}" '
            f'stroke="{stroke or INK}" stroke-width="2" stroke-dasharray="5 3"/>'
        )
    return f'<circle cx="{coord(x)}" cy="{coord(y)}" r="{coord(size)}" fill="{fill}"{line}/>'


def swatch(item: LegendItem, *, size: int = 16) -> str:
    """A small standalone SVG of a legend item, to sit next to its label in HTML.

    Shapes: those of :func:`symbol`, ``bar`` (a bar of the charts) and ``hatch`` (the fatal part
    of a bar)."""
    half = size / 2
    if item.shape == "bar":
        inner = f'<rect x="2" y="2" width="{size - 4}" height="{size - 4}" fill="{item.fill}"/>'
    elif item.shape == "hatch":
        lines = "".join(
            f'<line x1="{k}" y1="{size}" x2="{k + size}" y2="0" stroke="#ffffff" stroke-width="2"/>'
            for k in range(-size, size, 6)
        )
        inner = (
            f'<svg x="2" y="2" width="{size - 4}" height="{size - 4}">'
            f'<rect width="{size}" height="{size}" fill="{INK}"/>{lines}</svg>'
        )
    else:
        inner = symbol(item.shape, half, half, half - 2, fill=item.fill)
    return (
        f'<svg class="swatch" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
        f'aria-hidden="true" focusable="false">{inner}</svg>'
    )


@dataclass(frozen=True)
class MapMark:
    """A point on a map: where, which shape and fill, its <title>, and an optional link."""

    lat: float
    lon: float
    title: str
    fill: str
    shape: str = "circle"
    size: float = 5.0
    href: str | None = None


def tile_layer(projection: Projection, url_template: str, *, max_tiles: int = 64) -> str:
    """``<image>`` elements for the slippy-map tiles (Web Mercator, 256 px) under the picture.

    The zoom makes a tile pixel about one picture unit. Each tile is placed by projecting its
    corners, which over a city is indistinguishable from Mercator. Empty when more than
    ``max_tiles`` would be needed.
    """
    metres_per_unit = 1.0 / projection.scale
    lat_rad = math.radians(projection.lat0)
    zoom = round(math.log2(156543.03392 * math.cos(lat_rad) / metres_per_unit))
    zoom = max(0, min(19, zoom))
    n = 2**zoom
    per_deg_x = projection.kx * _M_PER_DEG * projection.scale
    per_deg_y = _M_PER_DEG * projection.scale
    west = projection.lon0 - projection.x0 / per_deg_x
    east = projection.lon0 + (projection.width - projection.x0) / per_deg_x
    north = projection.lat0 + projection.y0 / per_deg_y
    south = projection.lat0 - (projection.height - projection.y0) / per_deg_y

    def tile_x(lon: float) -> int:
        return int((lon + 180.0) / 360.0 * n)

    def tile_y(lat: float) -> int:
        r = math.radians(max(min(lat, 85.0511), -85.0511))
        return int((1.0 - math.asinh(math.tan(r)) / math.pi) / 2.0 * n)

    def corner(x: int, y: int) -> tuple[float, float]:
        lon = x / n * 360.0 - 180.0
        lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
        return projection(lat, lon)

    xs = range(tile_x(west), tile_x(east) + 1)
    ys = range(tile_y(north), tile_y(south) + 1)
    if len(xs) * len(ys) > max_tiles:
        return ""
    images = []
    for ty in ys:
        for tx in xs:
            (x1, y1), (x2, y2) = corner(tx, ty), corner(tx + 1, ty + 1)
            href = url_template.replace("{z}", str(zoom)).replace("{x}", str(tx))
            href = href.replace("{y}", str(ty))
            images.append(
                f'<image href="{esc(href)}" x="{coord(x1)}" y="{coord(y1)}" '
                f'width="{coord(x2 - x1)}" height="{coord(y2 - y1)}" preserveAspectRatio="none"/>'
            )
    return '<g class="tiles" aria-hidden="true">' + "".join(images) + "</g>"


def map_svg(
    *,
    svg_id: str,
    projection: Projection,
    title: str,
    desc: str,
    tiles: str = "",
    areas: Sequence[tuple[str, str]] = (),
    marks: Sequence[MapMark] = (),
    under: str = "",
    over: str = "",
) -> str:
    """A map: boundary paths (name, path data), then ``under`` (extra SVG: streets, the
    radius, labels), the marks and ``over`` (e.g. a scale bar)."""
    w, h = coord(projection.width), coord(projection.height)
    # A picture with links inside cannot be role=img (its children would be presentational):
    # such a map is a labelled group whose marks are a mouse shortcut, hidden from assistive
    # technology and out of the tab order; the table that goes with the map has the same links.
    linked = any(m.href for m in marks)
    role = "group" if linked else "img"
    parts = [
        f'<svg id="{esc(svg_id)}" class="map" viewBox="0 0 {w} {h}" role="{role}" '
        f'aria-labelledby="{esc(svg_id)}-title {esc(svg_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="{FONT}">',
        f'<title id="{esc(svg_id)}-title">{esc(title)}</title>',
        f'<desc id="{esc(svg_id)}-desc">{esc(desc)}</desc>',
        f'<rect class="sea" x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>',
        tiles,
    ]
    if areas:
        # on tiles the boundaries are outlines only, so the tiles show through
        fill = "none" if tiles else LAND
        parts.append(f'<g class="areas" fill="{fill}" stroke="#8a8f98" stroke-width="0.8">')
        parts.extend(f'<path d="{d}"><title>{esc(name)}</title></path>' for name, d in areas if d)
        parts.append("</g>")
    parts.append(under)
    hidden = ' aria-hidden="true"' if linked else ""
    parts.append(f'<g class="marks" stroke="{INK}" stroke-width="1"{hidden}>')
    for mark in marks:
        x, y = projection(mark.lat, mark.lon)
        body = symbol(mark.shape, x, y, mark.size, fill=mark.fill, stroke=None)
        body = body[:-2] + f"><title>{esc(mark.title)}</title>" + _closing(body)
        if mark.href:
            body = f'<a href="{esc(mark.href)}" tabindex="-1">{body}</a>'
        parts.append(body)
    parts.append("</g>")
    parts.append(over)
    parts.append("</svg>")
    return "".join(parts)


def _closing(element: str) -> str:
    """The closing tag of a self-closed element (``<circle .../>`` -> ``</circle>``)."""
    name = element[1:].split(" ", 1)[0]
    return f"</{name}>"


def radius_circle(projection: Projection, lat: float, lon: float, radius_m: float) -> str:
    """The radius around a school: ``circle.radius``."""
    x, y = projection(lat, lon)
    return (
        f'<circle class="radius" cx="{coord(x)}" cy="{coord(y)}" '
        f'r="{coord(projection.units(radius_m))}" '
        'fill="#1d4ed8" fill-opacity="0.07" stroke="#1d4ed8" stroke-width="2" '
        'stroke-dasharray="6 4"/>'
    )


def scale_bar(projection: Projection, *, label: Callable[[float], str]) -> str:
    """A scale bar of a round length (10, 20, 50, 100, 200, 500 m ...) in the lower left."""
    target = projection.width / 5 / projection.scale  # metres in a fifth of the width
    metres = max(_round_lengths(target))
    length = projection.units(metres)
    x, y = 12.0, projection.height - 14
    return (
        '<g class="scale-bar">'
        f'<rect x="{coord(x - 4)}" y="{coord(y - 20)}" width="{coord(length + 8)}" height="28" '
        'fill="#ffffff" fill-opacity="0.85"/>'
        f'<path d="M{coord(x)} {coord(y - 4)}V{coord(y)}H{coord(x + length)}V{coord(y - 4)}" '
        'fill="none" '
        f'stroke="{INK}" stroke-width="2"/>'
        f'<text x="{coord(x)}" y="{coord(y - 8)}" font-size="12" fill="{INK}">'
        f"{esc(label(metres))}</text></g>"
    )


def _round_lengths(limit: float) -> list[float]:
    out = []
    base = 10.0
    while base <= limit * 10:
        out.extend([base, base * 2, base * 5])
        base *= 10
    return [m for m in out if m <= limit] or [10.0]


# ---------------------------------------------------------------------- charts
def nice_ticks(low: float, high: float, *, count: int = 4) -> list[float]:
    """Round axis ticks (steps of 1, 2 or 5 x 10^k) from ``low`` covering ``high``.

    Examples
    --------
    >>> nice_ticks(0, 37)
    [0, 10, 20, 30, 40]
    >>> nice_ticks(0, 0)
    [0, 1]
    """
    if high <= low:
        return [low, low + 1]
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1) if high - low >= 1 else step
    ticks: list[float] = []
    value = low
    while len(ticks) < 50:
        ticks.append(int(value) if float(value).is_integer() else round(value, 6))
        if value >= high:
            break
        value += step
    return ticks


@dataclass(frozen=True)
class Bar:
    """One bar: its axis label, its value, the part of it that is fatal, and its <title>."""

    label: str
    value: int
    part: int = 0
    title: str = ""
    #: A period the data covers only in part: drawn pale, labelled with a star.
    partial: bool = False


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    fmt: Callable[[int], str] = str,
    width: int = 480,
    height: int = 260,
    label_every: int = 1,
) -> str:
    """A bar chart (``svg.chart``): bars with their values, axis labels, a grid, and the fatal
    part of each bar at its foot in a dark hatch (so it reads without colour)."""
    left, right, top, bottom = 46.0, 8.0, 34.0, 52.0
    plot_w = width - left - right
    plot_h = height - top - bottom
    top_value = max((b.value for b in bars), default=0)
    ticks = nice_ticks(0, top_value)
    y_max = float(ticks[-1]) or 1.0

    def y_of(v: float) -> float:
        return top + plot_h - v / y_max * plot_h

    hatch = f"{chart_id}-hatch"
    parts = [
        f'<svg id="{esc(chart_id)}" class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{esc(chart_id)}-title {esc(chart_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" font-size="14" fill="{INK}">',
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>',
        f'<desc id="{esc(chart_id)}-desc">{esc(desc)}</desc>',
        f'<defs><pattern id="{esc(hatch)}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#1f2328"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>',
        '<g class="grid" stroke="#d0d7de" stroke-width="1">',
    ]
    labels = []
    for tick in ticks:
        y = y_of(float(tick))
        parts.append(
            f'<line x1="{coord(left)}" x2="{coord(width - right)}" '
            f'y1="{coord(y)}" y2="{coord(y)}"/>'
        )
        labels.append(
            f'<text x="{coord(left - 6)}" y="{coord(y + 4)}" text-anchor="end">'
            f"{esc(fmt(int(tick)))}</text>"
        )
    parts.append("</g>")
    parts.append('<g class="y-ticks" aria-hidden="true">' + "".join(labels) + "</g>")
    slot = plot_w / max(len(bars), 1)
    bar_w = max(slot * 0.72, 1.0)
    show_values = all(len(fmt(b.value)) * 8.4 <= slot + 2 for b in bars)
    parts.append('<g class="bars">')
    for i, bar in enumerate(bars):
        x = left + i * slot + (slot - bar_w) / 2
        y = y_of(bar.value)
        h = top + plot_h - y
        cx = x + bar_w / 2
        tip = bar.title or f"{bar.label}: {fmt(bar.value)}"
        group = [f"<g><title>{esc(tip)}</title>"]
        if bar.value > 0:
            pale = ' fill-opacity="0.45"' if bar.partial else ""
            group.append(
                f'<rect class="bar{" partial" if bar.partial else ""}" x="{coord(x)}" '
                f'y="{coord(y)}" width="{coord(bar_w)}" height="{coord(h)}" '
                f'fill="{BAR_FILL}"{pale}/>'
            )
        if bar.part > 0:
            ph = bar.part / y_max * plot_h
            group.append(
                f'<rect x="{coord(x)}" y="{coord(top + plot_h - ph)}" width="{coord(bar_w)}" '
                f'height="{coord(ph)}" fill="url(#{esc(hatch)})"/>'
            )
        if show_values and bar.value > 0:
            group.append(
                f'<text class="value" x="{coord(cx)}" y="{coord(y - 4)}" text-anchor="middle">'
                f"{esc(fmt(bar.value))}</text>"
            )
        if i % max(label_every, 1) == 0:
            group.append(
                f'<text class="tick" x="{coord(cx)}" y="{coord(top + plot_h + 16)}" '
                f'text-anchor="middle">{esc(bar.label)}</text>'
            )
        group.append("</g>")
        parts.append("".join(group))
    parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{coord(left)}" x2="{coord(width - right)}" '
        f'y1="{coord(top + plot_h)}" y2="{coord(top + plot_h)}" stroke="{INK}" stroke-width="1.5"/>'
        f'<text class="axis-label" x="{coord(left + plot_w / 2)}" y="{coord(height - 8)}" '
        f'text-anchor="middle">{esc(x_label)}</text>'
        f'<text class="axis-label" x="{coord(left - 40)}" y="14" text-anchor="start">'
        f"{esc(y_label)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
