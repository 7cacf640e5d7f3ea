"""Several lines on one chart, as SVG text drawn on the server (the national trackers' counts).

Like :mod:`safeschools.render.svg_lines`: a pure function, texts arrive translated, the picture
is ``role="img"`` with a ``<title>`` and ``<desc>``, every point has its own ``<title>``, and a
line is told apart by its dash pattern, its marker shape and its label in the legend, never by
colour alone. A value of None (a period the line's file does not cover) is a gap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from safeschools.render.svg import INK, coord, esc
from safeschools.render.svg_lines import _frame, _grid, span_ticks

__all__ = ["Line", "multi_line_chart"]

#: Colour, dash pattern and marker of each line, in order (colour-blind safe; never colour alone).
STYLES = (
    ("#0b5394", "", "circle"),
    ("#b45f06", "6 3", "square"),
    ("#38761d", "2 3", "triangle"),
    ("#741b47", "8 3 2 3", "diamond"),
    ("#444444", "1 2", "cross"),
)


@dataclass(frozen=True)
class Line:
    """One line: its label and its value per period (None: not covered)."""

    label: str
    values: Sequence[float | None]


def _points(x: float, y: float, offsets: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{coord(x + dx)},{coord(y + dy)}" for dx, dy in offsets)


def _marker(shape: str, x: float, y: float, colour: str, title: str) -> str:
    tip = f"<title>{esc(title)}</title>"
    if shape == "circle":
        return f'<circle cx="{coord(x)}" cy="{coord(y)}" r="3" fill="{colour}">{tip}</circle>'
    if shape == "square":
        return (
            f'<rect x="{coord(x - 3)}" y="{coord(y - 3)}" width="6" height="6" '
            f'fill="{colour}">{tip}</rect>'
        )
    if shape == "triangle":
        pts = (
            f"{coord(x)},{coord(y - 4)} {coord(x + 4)},{coord(y + 3)} {coord(x - 4)},{coord(y + 3)}"
        )
        return f'<polygon points="{pts}" fill="{colour}">{tip}</polygon>'
    if shape == "diamond":
        pts = _points(x, y, ((0, -4), (4, 0), (0, 4), (-4, 0)))
        return f'<polygon points="{pts}" fill="{colour}">{tip}</polygon>'
    a, b = _points(x, y, ((-3, -3), (3, 3))).split(), _points(x, y, ((-3, 3), (3, -3))).split()
    d = f"M{a[0]}L{a[1]}M{b[0]}L{b[1]}".replace(",", " ")
    return f'<path d="{d}" stroke="{colour}" stroke-width="2">{tip}</path>'


def multi_line_chart(
    periods: Sequence[str],
    lines: Sequence[Line],
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    width: int = 440,
    height: int = 260,
) -> str:
    """Lines over periods with a legend above the plot (one row per line, so it stays legible
    at 375 px wide)."""
    legend_h = 18 * len(lines)
    left, right, top, bottom = 44.0, 10.0, 24.0 + legend_h, 44.0
    plot_w, plot_h = width - left - right, height + legend_h - top - bottom
    values = [v for line in lines for v in line.values if v is not None]
    ticks = span_ticks(0.0, max(values, default=0.0))
    y_max = ticks[-1] or 1.0
    slot = plot_w / max(len(periods), 1)

    def x_of(i: int) -> float:
        return left + (i + 0.5) * slot

    def y_of(v: float) -> float:
        return top + plot_h - v / y_max * plot_h

    parts = _frame(chart_id, title, desc, width, height + legend_h)
    parts.append('<g class="legend">')
    for n, line in enumerate(lines):
        colour, dash, shape = STYLES[n % len(STYLES)]
        y = 14 + 18 * n
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{coord(left)}" x2="{coord(left + 28)}" y1="{y}" y2="{y}" '
            f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
            + _marker(shape, left + 14, y, colour, line.label)
            + f'<text x="{coord(left + 34)}" y="{y + 4}" font-size="12">{esc(line.label)}</text>'
        )
    parts.append("</g>")
    parts.extend(_grid(ticks, y_of, left, width - right, lambda v: f"{v:g}"))
    for n, line in enumerate(lines):
        colour, dash, shape = STYLES[n % len(STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(line.values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((x_of(i), y_of(v)))
        parts.append(f'<g class="series" data-line="{n}">')
        for run in runs:
            if len(run) > 1:
                d = "M" + "L".join(f"{coord(x)} {coord(y)}" for x, y in run)
                parts.append(
                    f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>'
                )
        for i, v in enumerate(line.values):
            if v is not None:
                tip = f"{line.label}, {periods[i]}: {v:g}"
                parts.append(_marker(shape, x_of(i), y_of(v), colour, tip))
        parts.append("</g>")
    every = max(1, math.ceil(len(periods) * 44 / plot_w))
    parts.append('<g class="x-ticks">')
    for i, p in enumerate(periods):
        if i % every == 0:
            parts.append(
                f'<text x="{coord(x_of(i))}" y="{coord(top + plot_h + 16)}" '
                f'text-anchor="middle" font-size="11">{esc(p)}</text>'
            )
    parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{coord(left)}" x2="{coord(width - right)}" '
        f'y1="{coord(top + plot_h)}" y2="{coord(top + plot_h)}" stroke="{INK}" '
        'stroke-width="1.5"/>'
        f'<text class="axis-label" x="{coord(left + plot_w / 2)}" '
        f'y="{coord(height + legend_h - 6)}" text-anchor="middle">{esc(x_label)}</text>'
        f'<text class="axis-label" x="4" y="{coord(top - 8)}" font-size="11">{esc(y_label)}</text>'
        "</svg>"
    )
    return "".join(parts)
