"""Labels on a map that never overlap.

Each label is a box (centre, width, height, angle: a street's name lies along the street) in
picture units. A :class:`LabelPlacer` keeps the boxes placed so far (and obstacles such as a
scale bar); a new label is placed only where its box meets no other box and lies inside the
picture, else it is left out. Boxes are tested with the separating axis theorem, exact for
rotated rectangles.

Text widths are estimated per character from the advance widths of DejaVu Sans (the widest of
the fonts the pages ask for, and the one Debian's browsers fall back to), rounded up, so a box
is never narrower than its text; the browser tests measure the real text to check it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from safeschools.render.svg import INK, coord, esc

__all__ = ["Box", "LabelPlacer", "label_svg", "overlaps", "text_width"]

#: Advance widths in ems, rounded up from DejaVu Sans: by character, else by class.
_WIDE = dict.fromkeys("mwMW", 1.0)
_NARROW = dict.fromkeys("ijlIJ.,'|:;!", 0.3)
_SLIM = dict.fromkeys("frt()/-", 0.42)
_SPACE = 0.32
_UPPER = 0.79
_LOWER = 0.64
_OTHER = 0.8
#: Height of a label's box, in ems (ascenders and descenders included).
_LINE = 1.25
#: Around every box, picture units.
PAD = 1.5


def text_width(text: str, size: float) -> float:
    """The width of ``text`` at font size ``size``, in the same units, never underestimated.

    Examples
    --------
    >>> round(text_width("Pulaski Rd", 10), 1)
    57.0
    """
    ems = 0.0
    for char in text:
        if char in _WIDE:
            ems += _WIDE[char]
        elif char in _NARROW:
            ems += _NARROW[char]
        elif char in _SLIM:
            ems += _SLIM[char]
        elif char == " ":
            ems += _SPACE
        elif char.isupper():
            ems += _UPPER
        elif char.islower() or char.isdigit():
            ems += _LOWER
        else:
            ems += _OTHER
    return ems * size


@dataclass(frozen=True)
class Box:
    """A label's box: centre (cx, cy), width and height, turned ``angle`` degrees clockwise
    (SVG's ``rotate``) about its centre."""

    cx: float
    cy: float
    width: float
    height: float
    angle: float = 0.0

    @classmethod
    def of_text(cls, text: str, cx: float, cy: float, size: float, angle: float = 0.0) -> Box:
        """The box of ``text`` centred on (cx, cy), with :data:`PAD` around it."""
        return cls(cx, cy, text_width(text, size) + 2 * PAD, size * _LINE + 2 * PAD, angle)

    def corners(self) -> list[tuple[float, float]]:
        """The four corners, in order around the box."""
        a = math.radians(self.angle)
        ux, uy = math.cos(a), math.sin(a)
        vx, vy = -uy, ux
        hw, hh = self.width / 2, self.height / 2
        return [
            (self.cx + sx * hw * ux + sy * hh * vx, self.cy + sx * hw * uy + sy * hh * vy)
            for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))
        ]

    def bounds(self) -> tuple[float, float, float, float]:
        """(min x, min y, max x, max y) of the corners."""
        xs, ys = zip(*self.corners(), strict=True)
        return min(xs), min(ys), max(xs), max(ys)


def _axes(corners: list[tuple[float, float]]) -> list[tuple[float, float]]:
    (x0, y0), (x1, y1), (x2, y2) = corners[0], corners[1], corners[2]
    return [(y0 - y1, x1 - x0), (y1 - y2, x2 - x1)]


def overlaps(a: Box, b: Box) -> bool:
    """True when the two boxes share any area (touching edges do not count).

    Examples
    --------
    >>> overlaps(Box(0, 0, 10, 2), Box(0, 0, 10, 2, angle=90))
    True
    >>> overlaps(Box(0, 0, 10, 2), Box(0, 3, 10, 2))
    False
    """
    ca, cb = a.corners(), b.corners()
    for ax, ay in _axes(ca) + _axes(cb):
        pa = [x * ax + y * ay for x, y in ca]
        pb = [x * ax + y * ay for x, y in cb]
        if max(pa) <= min(pb) or max(pb) <= min(pa):
            return False
    return True


class LabelPlacer:
    """The boxes placed on one picture (``width`` x ``height`` picture units), and points a
    label should rather not cover (the schools of a whole-city map: too many to keep every
    label off them)."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.boxes: list[Box] = []
        self.points: list[tuple[float, float]] = []
        self._bounds: list[tuple[float, float, float, float]] = []

    def avoid(self, x: float, y: float) -> None:
        """Count a label over (x, y) against it (see :meth:`covered`)."""
        self.points.append((x, y))

    def covered(self, box: Box) -> int:
        """How many of the points to avoid lie in ``box``."""
        x0, y0, x1, y1 = box.bounds()
        near = [(x, y) for x, y in self.points if x0 <= x <= x1 and y0 <= y <= y1]
        if not near or box.angle == 0:
            return len(near)
        a = math.radians(box.angle)
        ux, uy = math.cos(a), math.sin(a)
        return sum(
            1
            for x, y in near
            if abs((x - box.cx) * ux + (y - box.cy) * uy) <= box.width / 2
            and abs((y - box.cy) * ux - (x - box.cx) * uy) <= box.height / 2
        )

    def block(self, box: Box) -> None:
        """Keep labels off ``box`` (a scale bar, a school's mark)."""
        self.boxes.append(box)
        self._bounds.append(box.bounds())

    def fits(self, box: Box) -> bool:
        """True when ``box`` lies inside the picture and meets no box placed or blocked."""
        x0, y0, x1, y1 = box.bounds()
        if x0 < 0 or y0 < 0 or x1 > self.width or y1 > self.height:
            return False
        for other, (a0, b0, a1, b1) in zip(self.boxes, self._bounds, strict=True):
            if x1 <= a0 or a1 <= x0 or y1 <= b0 or b1 <= y0:
                continue
            if overlaps(box, other):
                return False
        return True

    def place(self, box: Box) -> bool:
        """Place ``box`` when it :meth:`fits`; say whether it did."""
        if not self.fits(box):
            return False
        self.block(box)
        return True


def label_svg(
    text: str,
    box: Box,
    *,
    size: float,
    css_class: str,
    fill: str = INK,
) -> str:
    """The label as SVG text centred in ``box``: a white halo under it, then the text."""
    y = box.cy + size * 0.35  # the baseline, so the letters sit in the middle of the box
    turn = f' transform="rotate({coord(box.angle)} {coord(box.cx)} {coord(box.cy)})"'
    turn = turn if abs(box.angle) > 0.05 else ""
    common = (
        f'x="{coord(box.cx)}" y="{coord(y)}" font-size="{coord(size)}" text-anchor="middle"{turn}'
    )
    return (
        f'<text class="halo" {common} fill="#ffffff" stroke="#ffffff" stroke-width="3" '
        f'stroke-linejoin="round">{esc(text)}</text>'
        f'<text class="{esc(css_class)}" {common} fill="{fill}">{esc(text)}</text>'
    )
