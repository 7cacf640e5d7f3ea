"""Street lines from named intersections, and street names as a map shows them.

Method
------
1. Each intersection belongs to both of its streets. A street is its name without the
   direction: ``N PULASKI RD`` and ``S PULASKI RD`` are one street, ``PULASKI RD`` (Chicago's
   names change direction at the baseline, the street goes on). Points at the same place are
   one point.
2. A street's points are ordered along their principal axis: the first right singular vector
   of the points in a local metric plane (x = east, y = north, metres, about the street's mean
   latitude). Consecutive points along that order are the street's line.
3. The order is cut where two consecutive points are more than :data:`MAX_GAP_M` apart (800 m;
   :data:`EXPRESSWAY_GAP_M` for expressways, whose intersections are interchanges): a street
   interrupted by a park, a river or a rail yard is drawn in pieces, never across the gap. A
   piece needs two points.
4. Ramps and placeholders (``PRIVATE``, ``UNKNOWN``; names ending in ``ER``, ``XR`` or
   ``RAMP``, the entrance and exit ramps) make no line.
5. **Major** streets are drawn on a whole-city map and labelled first: expressways, and the
   streets whose longest piece is at least :data:`MAJOR_SHARE` of the longest piece of any
   street. On Chicago's file these are the long unbroken streets (Western Ave, Halsted St,
   Pulaski Rd, 63rd St, ...); a street broken by parks and rail yards is not.

Caveats: the City's file has intersections only, so a street is straight between two of them
and ends at its last one; a street that doubles back on itself (a U) is ordered along its axis
and drawn as a zigzag (on Chicago's file only La Salle Dr bends enough to show it). Coordinates
are lat-lon degrees (EPSG:4326) throughout.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from safeschools.model import Intersection, StreetLine
from safeschools.spatial.pairs import ellipsoidal_distance_m

__all__ = [
    "DIRECTIONS",
    "EXPRESSWAY_GAP_M",
    "MAJOR_SHARE",
    "MAX_GAP_M",
    "street_key",
    "street_kind",
    "street_label",
    "street_lines_from_intersections",
]

#: Direction words that open a street's name.
DIRECTIONS = frozenset({"N", "S", "E", "W"})
#: Two consecutive intersections farther apart than this are not joined (metres).
MAX_GAP_M = 800.0
#: The same for expressways, whose intersections are interchanges a mile or two apart.
EXPRESSWAY_GAP_M = 4000.0
#: A street is major when its longest piece is at least this share of the longest of all.
MAJOR_SHARE = 0.4
#: Words that make a street an expressway (and one named drive that behaves like one).
_EXPRESSWAY_WORDS = frozenset({"EXPY", "EXPRESSWAY", "HWY", "HIGHWAY", "SKYWAY", "TOLLWAY"})
_EXPRESSWAY_NAMES = frozenset({"LAKE SHORE DR"})
#: Names that are no street, and the last words of ramps: no line for them.
_NO_LINE = frozenset({"PRIVATE", "UNKNOWN", ""})
_RAMP_ENDINGS = frozenset({"ER", "XR", "RAMP"})
#: Metres per degree of latitude (mean Earth radius 6,371,008.8 m).
_M_PER_DEG = 6_371_008.8 * math.pi / 180.0

FloatArray = npt.NDArray[np.float64]


def street_key(name: str) -> str:
    """A street's name without its direction, upper case, single spaces.

    Examples
    --------
    >>> street_key("N Pulaski Rd")
    'PULASKI RD'
    >>> street_key("W 63RD ST")
    '63RD ST'
    >>> street_key("N BROADWAY")
    'BROADWAY'
    """
    words = name.upper().split()
    if len(words) > 1 and words[0] in DIRECTIONS:
        words = words[1:]
    return " ".join(words)


def street_kind(key: str) -> str:
    """``expressway`` or ``street`` (of a :func:`street_key`)."""
    words = set(key.split())
    if words & _EXPRESSWAY_WORDS or key in _EXPRESSWAY_NAMES:
        return "expressway"
    return "street"


def _word_label(word: str) -> str:
    if word[:1].isdigit():
        return word.lower()  # 63RD -> 63rd, I90 stays a number with letters
    if word.startswith("MC") and len(word) > 3:
        return "Mc" + word[2:].capitalize()
    return "'".join(part.capitalize() for part in word.split("'"))


def street_label(key: str) -> str:
    """The name as a map shows it.

    Examples
    --------
    >>> street_label("PULASKI RD")
    'Pulaski Rd'
    >>> street_label("DR MARTIN LUTHER KING JR DR")
    'Dr Martin Luther King Jr Dr'
    >>> street_label("63RD ST"), street_label("MCCLURG CT"), street_label("O'BRIEN ST")
    ('63rd St', 'McClurg Ct', "O'Brien St")
    """
    return " ".join(_word_label(w) for w in key.split())


def _draws_a_line(key: str) -> bool:
    words = key.split()
    return key not in _NO_LINE and bool(words) and words[-1] not in _RAMP_ENDINGS


def _ordered(points: FloatArray) -> FloatArray:
    """Points (lat, lon rows) ordered along their principal axis in a local metric plane,
    from west to east (or south to north when the street runs more north than east)."""
    kx = math.cos(math.radians(float(points[:, 0].mean())))
    plane = np.column_stack([points[:, 1] * kx, points[:, 0]]) * _M_PER_DEG
    centred = plane - plane.mean(axis=0)
    _u, _s, vt = np.linalg.svd(centred, full_matrices=False)
    axis = vt[0] if vt[0][np.argmax(np.abs(vt[0]))] > 0 else -vt[0]  # west-east, south-north
    along = centred @ axis
    return points[np.lexsort((points[:, 1], points[:, 0], along))]


def _steps_m(points: FloatArray) -> FloatArray:
    """Metres between consecutive points (lat, lon rows), on the WGS84 ellipsoid."""
    return ellipsoidal_distance_m(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])


def _pieces(points: FloatArray, max_gap_m: float) -> list[tuple[FloatArray, float]]:
    """The ordered points cut at every gap longer than ``max_gap_m``: (points, length) pieces
    of two points or more."""
    steps = _steps_m(points)
    cuts = np.flatnonzero(steps > max_gap_m) + 1
    out = []
    for start, end in zip([0, *cuts.tolist()], [*cuts.tolist(), len(points)], strict=True):
        if end - start >= 2:
            out.append((points[start:end], float(steps[start : end - 1].sum())))
    return out


def street_lines_from_intersections(
    intersections: Iterable[Intersection],
    *,
    max_gap_m: float = MAX_GAP_M,
    expressway_gap_m: float = EXPRESSWAY_GAP_M,
    major_share: float = MAJOR_SHARE,
) -> list[StreetLine]:
    """Every street's lines through its intersections (see the module docstring).

    Returns
    -------
    list of StreetLine
        By street key, then piece; ``coords`` as (lon, lat) degrees (EPSG:4326).

    Examples
    --------
    >>> from safeschools.model import Intersection
    >>> grid = [Intersection("N MAIN ST", f"W {k}TH ST", 41.80 + k * 0.001, -87.70)
    ...         for k in (4, 5, 6)]
    >>> [(line.street, line.part, len(line.coords)) for line in
    ...  street_lines_from_intersections(grid)]
    [('MAIN ST', 1, 3)]
    """
    points: dict[str, set[tuple[float, float]]] = {}
    for item in intersections:
        for name in (item.street_1, item.street_2):
            key = street_key(name)
            if _draws_a_line(key):
                points.setdefault(key, set()).add((item.lat, item.lon))
    pieces: dict[str, list[tuple[FloatArray, float]]] = {}
    for key, found in points.items():
        if len(found) < 2:
            continue
        gap = expressway_gap_m if street_kind(key) == "expressway" else max_gap_m
        cut = _pieces(_ordered(np.array(sorted(found), dtype=np.float64)), gap)
        if cut:
            pieces[key] = cut
    longest = max((length for cut in pieces.values() for _p, length in cut), default=0.0)
    lines = []
    for key in sorted(pieces):
        kind = street_kind(key)
        span = max(length for _p, length in pieces[key])
        major = kind == "expressway" or span >= major_share * longest
        for part, (coords, length) in enumerate(pieces[key], start=1):
            lines.append(
                StreetLine(
                    street=key,
                    part=part,
                    label=street_label(key),
                    kind=kind,
                    major=major,
                    length_m=round(length, 1),
                    coords=tuple((float(lon), float(lat)) for lat, lon in coords),
                )
            )
    return lines
