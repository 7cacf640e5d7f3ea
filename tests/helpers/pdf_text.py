"""Where the text of a PDF page is: each text-showing operation (``Tj`` / ``TJ``) as a run with
its left and right edges and its baseline in points (the page's user space, origin at the
bottom left), from pypdf's operator visitor and the glyph widths of the embedded fonts.

WeasyPrint writes composite fonts (Type0, Identity-H: two bytes a glyph, widths in the
descendant font's ``/W`` array) and positions each line with ``Tm``; the right edge of a run
is its start plus the advance of its glyphs and the ``TJ`` adjustments, through the text and
the current transformation matrices.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject
from pypdf.generic import ArrayObject, DictionaryObject

MM = 72 / 25.4


@dataclass
class Run:
    """One text-showing operation: its edges and baseline (points) and its font size (pt)."""

    x0: float
    x1: float
    y: float
    size: float
    glyphs: int


def _mult(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    aa, bb, cc, dd, ee, ff = n
    return [
        a * aa + b * cc, a * bb + b * dd, c * aa + d * cc, c * bb + d * dd,
        e * aa + f * cc + ee, e * bb + f * dd + ff,
    ]  # fmt: skip


def _widths(font: Any) -> tuple[dict[int, float] | None, float]:
    """Glyph widths (thousandths of the font size) of a composite font; None for a simple one."""
    font = font.get_object()
    if "/DescendantFonts" not in font:
        return None, 500.0
    descendant = font["/DescendantFonts"][0].get_object()
    default = float(descendant.get("/DW", 1000))
    widths: dict[int, float] = {}
    entries = descendant.get("/W", ArrayObject())
    i = 0
    while i < len(entries):
        first = int(entries[i])
        following = entries[i + 1]
        if isinstance(following, ArrayObject):
            for k, w in enumerate(following):
                widths[first + k] = float(w)
            i += 2
        else:
            for code in range(first, int(following) + 1):
                widths[code] = float(entries[i + 2])
            i += 3
    return widths, default


def _fonts(resources: Any, found: dict[str, tuple[dict[int, float] | None, float]]) -> None:
    resources = resources.get_object() if resources is not None else DictionaryObject()
    for name, font in (resources.get("/Font") or {}).items():
        found[name] = _widths(font)
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            _fonts(xobject.get("/Resources"), found)


def text_runs(page: PageObject) -> list[Run]:
    """Every run of text drawn on ``page``."""
    fonts: dict[str, tuple[dict[int, float] | None, float]] = {}
    _fonts(page.get("/Resources"), fonts)
    state: dict[str, Any] = {"font": None, "size": 0.0, "Tc": 0.0, "Tz": 1.0}
    runs: list[Run] = []

    def glyph_codes(item: Any, composite: bool) -> Iterator[int]:
        raw = item.encode("latin-1") if isinstance(item, str) else bytes(item)
        if composite:
            yield from (int.from_bytes(raw[k : k + 2], "big") for k in range(0, len(raw), 2))
        else:
            yield from raw

    def before(op: bytes, args: Any, cm: Any, tm: Any) -> None:
        if op == b"Tf":
            state["font"], state["size"] = args[0], float(args[1])
        elif op == b"Tc":
            state["Tc"] = float(args[0])
        elif op == b"Tz":
            state["Tz"] = float(args[0]) / 100
        elif op in (b"TJ", b"Tj"):
            widths, default = fonts.get(state["font"], (None, 500.0))
            size, advance, glyphs = state["size"], 0.0, 0
            for item in args[0] if op == b"TJ" else [args[0]]:
                if isinstance(item, (int, float)):
                    advance -= float(item) / 1000 * size * state["Tz"]
                    continue
                for code in glyph_codes(item, widths is not None):
                    width = default if widths is None else widths.get(code, default)
                    advance += (width / 1000 * size + state["Tc"]) * state["Tz"]
                    glyphs += 1
            m = _mult([float(v) for v in tm], [float(v) for v in cm])
            start, end = m[4], m[4] + advance * m[0]
            runs.append(Run(min(start, end), max(start, end), m[5], size * abs(m[3]), glyphs))

    page.extract_text(visitor_operand_before=before)
    return runs
