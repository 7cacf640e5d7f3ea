"""Line and interval charts as SVG text, drawn on the server (the equity and evaluation pages).

Like :mod:`safeschools.render.svg`: pure functions, texts arrive translated, every picture is
``role="img"`` with a ``<title>`` and ``<desc>``, every point has its own ``<title>``, and
meaning never rests on colour alone (officer years are shaded *and* labelled; placebo points
are hollow circles, effects after removal filled squares).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from safeschools.render.svg import FONT, INK, coord, esc

__all__ = ["Interval", "Point", "event_study_chart", "line_chart", "span_ticks"]

LINE = "#2a788e"
SHADE = "#e8eef4"
REMOVAL = "#b42318"


@dataclass(frozen=True)
class Point:
    """One school year on a line chart: its label, its value (None: a gap) and its <title>."""

    label: str
    value: float | None
    title: str = ""
    shaded: bool = False


@dataclass(frozen=True)
class Interval:
    """One event time: the estimate and its confidence interval, and its <title>."""

    x: int
    estimate: float
    low: float
    high: float
    title: str = ""


def span_ticks(low: float, high: float, *, count: int = 4) -> list[float]:
    """Round ticks (steps of 1, 2 or 5 x 10^k) covering ``low`` to ``high``.

    Examples
    --------
    >>> span_ticks(-2.4, 1.1)
    [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0]
    >>> span_ticks(0, 0)
    [0.0, 1.0]
    """
    if high <= low:
        return [float(low), float(low) + 1.0]
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks: list[float] = []
    value = start
    while len(ticks) < 50:
        ticks.append(round(value, 6) + 0.0)
        if value >= high - 1e-9:
            break
        value += step
    return ticks


def _frame(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg id="{esc(chart_id)}" class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{esc(chart_id)}-title {esc(chart_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" font-size="13" fill="{INK}">',
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>',
        f'<desc id="{esc(chart_id)}-desc">{esc(desc)}</desc>',
    ]


def _grid(
    ticks: Sequence[float],
    y_of: Callable[[float], float],
    left: float,
    right: float,
    fmt: Callable[[float], str],
) -> list[str]:
    lines = ['<g class="grid" stroke="#d0d7de" stroke-width="1">']
    labels = ['<g class="y-ticks" aria-hidden="true">']
    for tick in ticks:
        y = y_of(tick)
        lines.append(
            f'<line x1="{coord(left)}" x2="{coord(right)}" y1="{coord(y)}" y2="{coord(y)}"/>'
        )
        labels.append(
            f'<text x="{coord(left - 6)}" y="{coord(y + 4)}" text-anchor="end">'
            f"{esc(fmt(tick))}</text>"
        )
    return [*lines, "</g>", *labels, "</g>"]


def line_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    fmt: Callable[[float], str] = str,
    shade_label: str = "",
    mark_index: int | None = None,
    mark_label: str = "",
    width: int = 480,
    height: int = 240,
) -> str:
    """A line over school years; gaps where a value is None (hidden or not reported); the
    shaded years (e.g. with an officer) behind the line; a dashed vertical line before the point
    ``mark_index`` (e.g. the first year without an officer) labelled ``mark_label``."""
    left, right, top, bottom = 50.0, 10.0, 30.0, 46.0
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for p in points if p.value is not None]
    ticks = span_ticks(0.0, max(values, default=0.0))
    y_max = ticks[-1] or 1.0
    slot = plot_w / max(len(points), 1)

    def x_of(i: float) -> float:
        return left + (i + 0.5) * slot

    def y_of(v: float) -> float:
        return top + plot_h - v / y_max * plot_h

    parts = _frame(chart_id, title, desc, width, height)
    shaded = [i for i, p in enumerate(points) if p.shaded]
    if shaded:
        parts.append(f'<g class="shaded" fill="{SHADE}">')
        for i in shaded:
            parts.append(
                f'<rect x="{coord(left + i * slot)}" y="{coord(top)}" width="{coord(slot)}" '
                f'height="{coord(plot_h)}"/>'
            )
        parts.append("</g>")
        if shade_label:
            parts.append(
                f'<text class="shade-label" x="{coord(left + shaded[0] * slot + 2)}" '
                f'y="{coord(top - 6)}" font-size="11">{esc(shade_label)}</text>'
            )
    parts.extend(_grid(ticks, y_of, left, width - right, fmt))
    if mark_index is not None and 0 <= mark_index < len(points):
        x = left + mark_index * slot
        parts.append(
            f'<line class="removal" x1="{coord(x)}" x2="{coord(x)}" y1="{coord(top - 2)}" '
            f'y2="{coord(top + plot_h)}" stroke="{REMOVAL}" stroke-width="2" '
            'stroke-dasharray="5 3"/>'
        )
        if mark_label:
            anchor = "end" if mark_index > len(points) / 2 else "start"
            dx = -4 if anchor == "end" else 4
            parts.append(
                f'<text class="removal-label" x="{coord(x + dx)}" y="{coord(top + 12)}" '
                f'text-anchor="{anchor}" font-size="11" fill="{REMOVAL}">{esc(mark_label)}</text>'
            )
    runs: list[list[tuple[float, float]]] = [[]]
    for i, p in enumerate(points):
        if p.value is None:
            runs.append([])
        else:
            runs[-1].append((x_of(i), y_of(p.value)))
    for run in runs:
        if len(run) > 1:
            d = "M" + "L".join(f"{coord(x)} {coord(y)}" for x, y in run)
            parts.append(
                f'<path class="line" d="{d}" fill="none" stroke="{LINE}" stroke-width="2"/>'
            )
    parts.append(f'<g class="points" fill="{LINE}">')
    for i, p in enumerate(points):
        if p.value is None:
            continue
        tip = p.title or f"{p.label}: {fmt(p.value)}"
        parts.append(
            f'<circle cx="{coord(x_of(i))}" cy="{coord(y_of(p.value))}" r="3.5">'
            f"<title>{esc(tip)}</title></circle>"
        )
    parts.append("</g>")
    every = max(1, math.ceil(len(points) * 52 / plot_w))
    parts.append('<g class="x-ticks">')
    for i, p in enumerate(points):
        if i % every == 0:
            parts.append(
                f'<text x="{coord(x_of(i))}" y="{coord(top + plot_h + 16)}" text-anchor="middle" '
                f'font-size="11">{esc(p.label)}</text>'
            )
    parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{coord(left)}" x2="{coord(width - right)}" '
        f'y1="{coord(top + plot_h)}" '
        f'y2="{coord(top + plot_h)}" stroke="{INK}" stroke-width="1.5"/>'
        f'<text class="axis-label" x="{coord(left + plot_w / 2)}" y="{coord(height - 6)}" '
        f'text-anchor="middle">{esc(x_label)}</text>'
        f'<text class="axis-label" x="4" y="14">{esc(y_label)}</text></svg>'
    )
    return "".join(parts)


def event_study_chart(
    intervals: Sequence[Interval],
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    removal_label: str,
    fmt: Callable[[float], str] = str,
    width: int = 560,
    height: int = 280,
) -> str:
    """Estimates with their confidence intervals by event time (years since removal): before
    removal hollow circles (placebo checks), from removal on filled squares; a dashed vertical
    line at removal and a line at zero."""
    left, right, top, bottom = 54.0, 10.0, 30.0, 46.0
    plot_w, plot_h = width - left - right, height - top - bottom
    lows = [i.low for i in intervals] + [0.0]
    highs = [i.high for i in intervals] + [0.0]
    ticks = span_ticks(min(lows), max(highs))
    y_min, y_max = ticks[0], ticks[-1]
    xs = [i.x for i in intervals] or [0]
    x_min, x_max = min(min(xs), -1), max(max(xs), 0)
    slot = plot_w / (x_max - x_min + 1)

    def x_of(e: float) -> float:
        return left + (e - x_min + 0.5) * slot

    def y_of(v: float) -> float:
        return top + plot_h - (v - y_min) / ((y_max - y_min) or 1.0) * plot_h

    parts = _frame(chart_id, title, desc, width, height)
    parts.extend(_grid(ticks, y_of, left, width - right, fmt))
    parts.append(
        f'<line class="zero" x1="{coord(left)}" x2="{coord(width - right)}" y1="{coord(y_of(0))}" '
        f'y2="{coord(y_of(0))}" stroke="{INK}" stroke-width="1.5"/>'
    )
    xr = x_of(-0.5)
    parts.append(
        f'<line class="removal" x1="{coord(xr)}" x2="{coord(xr)}" y1="{coord(top - 4)}" '
        f'y2="{coord(top + plot_h)}" stroke="{REMOVAL}" stroke-width="2" stroke-dasharray="5 3"/>'
        f'<text class="removal-label" x="{coord(xr + 4)}" y="{coord(top - 8)}" font-size="11" '
        f'fill="{REMOVAL}">{esc(removal_label)}</text>'
    )
    parts.append('<g class="intervals">')
    for item in intervals:
        x = x_of(item.x)
        tip = item.title or f"{item.x}: {fmt(item.estimate)} ({fmt(item.low)}, {fmt(item.high)})"
        placebo = item.x < 0
        mark = (
            f'<circle class="placebo" cx="{coord(x)}" cy="{coord(y_of(item.estimate))}" r="4.5" '
            f'fill="#ffffff" stroke="{INK}" stroke-width="2"/>'
            if placebo
            else f'<rect class="effect" x="{coord(x - 4.5)}" '
            f'y="{coord(y_of(item.estimate) - 4.5)}" '
            f'width="9" height="9" fill="{LINE}" stroke="{INK}" stroke-width="1"/>'
        )
        parts.append(
            f"<g><title>{esc(tip)}</title>"
            f'<line class="ci" x1="{coord(x)}" x2="{coord(x)}" y1="{coord(y_of(item.low))}" '
            f'y2="{coord(y_of(item.high))}" stroke="{INK}" stroke-width="1.5"/>{mark}</g>'
        )
    parts.append("</g>")
    parts.append('<g class="x-ticks">')
    for e in range(x_min, x_max + 1):
        parts.append(
            f'<text x="{coord(x_of(e))}" y="{coord(top + plot_h + 16)}" text-anchor="middle" '
            f'font-size="11">{e}</text>'
        )
    parts.append("</g>")
    parts.append(
        f'<text class="axis-label" x="{coord(left + plot_w / 2)}" y="{coord(height - 6)}" '
        f'text-anchor="middle">{esc(x_label)}</text>'
        f'<text class="axis-label" x="4" y="14">{esc(y_label)}</text></svg>'
    )
    return "".join(parts)
