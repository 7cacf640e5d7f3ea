"""The demo city's street grid (synthetic): named intersections, as the City's file has them.

East-west streets run every 200 m and carry the names of the schools' addresses (the street
at ``y`` is ``W`` + ``street(y)``, e.g. ``W DEMO 5TH ST``); north-south avenues run every 300 m
(``N DEMO 3RD AVE``). Every third street and every second avenue (600 m apart) is an arterial
that crosses the whole city. Two made-up rail yards, 900 m wide, one across the city a third
and two thirds of the way north and one along it a third and two thirds of the way east, stop
the side streets, which are therefore drawn in pieces and are not major. Nothing here is
random: the grid follows from the city's frame alone. No ZIP codes: the demo city has none.
"""

from __future__ import annotations

import numpy as np

from safeschools.demo._geometry import BLOCK_M, Frame, street
from safeschools.model import Intersection

__all__ = ["make_streets"]

#: Metres between east-west streets and between north-south avenues.
STREET_EVERY_M = 2 * BLOCK_M
AVENUE_EVERY_M = 3 * BLOCK_M
#: Width of a rail yard (metres): more than the 800 m gap that cuts a street's line.
YARD_M = 9 * BLOCK_M


def _ordinal(n: int) -> str:
    suffix = "TH" if 11 <= n % 100 <= 13 else {1: "ST", 2: "ND", 3: "RD"}.get(n % 10, "TH")
    return f"{n}{suffix}"


def _in_yard(value: float, length: float) -> bool:
    return any(abs(value - length * k / 3) < YARD_M / 2 for k in (1, 2))


def make_streets(frame: Frame) -> list[Intersection]:
    """Every corner of the grid, except where a rail yard stops a side street."""
    ys = np.arange(STREET_EVERY_M / 2, frame.height_m, STREET_EVERY_M)
    xs = np.arange(AVENUE_EVERY_M / 2, frame.width_m, AVENUE_EVERY_M)
    lon, lat = frame.to_lonlat(xs, ys)  # x and y are independent: lon of x, lat of y
    out = []
    for j, x in enumerate(xs.tolist()):
        for i, y in enumerate(ys.tolist()):
            side_street = i % 3 != 0 and _in_yard(x, frame.width_m)
            side_avenue = j % 2 != 0 and _in_yard(y, frame.height_m)
            if side_street or side_avenue:
                continue
            out.append(
                Intersection(
                    f"N DEMO {_ordinal(j + 1)} AVE",
                    f"W {street(y)}",
                    round(float(lat[i]), 7),
                    round(float(lon[j]), 7),
                )
            )
    return out
