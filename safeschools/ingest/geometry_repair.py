"""Turning a feature's stored geometry into a shape the rest of safeschools can trust.

GDAL hands over what a file draws, right or wrong: a ring whose last point is not its first
(an "open ring"), coordinates that are NaN or infinite, a bow tie. :func:`shape_from_wkb`
closes open rings (shapely's ``on_invalid="fix"``) and says so, and refuses coordinates that
are not finite numbers with the feature's number; :func:`valid_shape` repairs what is still
invalid with :func:`shapely.make_valid`. Warnings that GDAL and GEOS raise on such input are
absorbed here and become notes or reasons, never noise on the console.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import shapely
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from safeschools.ingest.base import RowError

__all__ = ["shape_from_wkb", "valid_shape"]


def _finite(geom: BaseGeometry) -> bool:
    coords = shapely.get_coordinates(geom)
    return bool(np.isfinite(coords).all())


def shape_from_wkb(wkb: Any, *, feature: int) -> tuple[BaseGeometry, bool]:
    """The 2-D shape of feature number ``feature`` (1-based) and whether an open ring had to be
    closed to read it.

    Raises
    ------
    RowError
        The geometry cannot be read, or a coordinate is NaN or infinite; the reason names the
        feature.
    """
    closed = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            geom = shapely.from_wkb(wkb)
        except GEOSException:
            try:
                geom = shapely.from_wkb(wkb, on_invalid="fix")
            except GEOSException as exc:
                msg = f"feature {feature}: its geometry cannot be read ({exc})"
                raise RowError(msg) from None
            closed = True
    if geom is None:
        msg = f"feature {feature}: its geometry cannot be read or repaired"
        raise RowError(msg)
    if not _finite(geom):
        msg = f"feature {feature}: a coordinate is not a number (NaN or infinite)"
        raise RowError(msg)
    return shapely.force_2d(geom), closed


def valid_shape(geom: BaseGeometry, *, feature: int) -> tuple[BaseGeometry, bool]:
    """``geom`` made valid (and whether it had to be), for feature number ``feature``.

    Raises
    ------
    RowError
        A coordinate is not finite (a reprojection can make one so), or GEOS cannot repair
        the geometry.
    """
    if not _finite(geom):
        msg = f"feature {feature}: a coordinate is not a number (NaN or infinite)"
        raise RowError(msg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            if geom.is_valid:
                return geom, False
            repaired = shapely.make_valid(geom)
        except GEOSException as exc:
            msg = f"feature {feature}: its geometry cannot be repaired ({exc})"
            raise RowError(msg) from None
    return repaired, True
