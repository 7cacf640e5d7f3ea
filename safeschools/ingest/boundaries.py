"""Administrative boundaries: community areas, police districts and wards.

Reads a zipped shapefile (the portal's "Export > Shapefile"), a GeoJSON file or any other
single-layer vector file GDAL reads, with :mod:`pyogrio` and :mod:`shapely`. Each feature becomes
a :class:`~safeschools.model.Boundary`: its kind, a code, a name and its geometry as WKT in
lat-lon degrees (EPSG:4326); a file in another CRS (for example Illinois State Plane East,
EPSG:3435) is reprojected.

The kind is recognised from the feature properties when not given:

=================  ==============================  ====================
kind               code                            name
=================  ==============================  ====================
community_area     ``area_numbe`` / ``area_num_1``  ``community``
police_district    ``district`` / ``dist_num``      ``district_label``
ward               ``ward``                         ``ward_label``
=================  ==============================  ====================

Codes are written without leading zeros (``"3"``, not ``"003"``). Features that share a code are
merged into one MultiPolygon: the City's police district file draws district 31 (the airports
and a few unincorporated pieces) as three separate features. Invalid geometries are repaired
(open rings closed, then :func:`shapely.make_valid`; see
:mod:`safeschools.ingest.geometry_repair`), and the result's notes say so. A feature with no
geometry, no polygon, coordinates that are not numbers (NaN), or no code is a rejected row whose
reason names the feature's number. A file GDAL cannot read as text (UTF-16, an .xlsx renamed) is
refused with a sentence; a GeoJSON or CSV in Windows-1252 is read and noted.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from safeschools.errors import SourceError, SourceSchemaError
from safeschools.ingest.base import ParseResult, RowError, public_raw
from safeschools.ingest.encoding import check_vector_text
from safeschools.ingest.geometry_repair import shape_from_wkb, valid_shape
from safeschools.model import BOUNDARY_KINDS, Boundary, RejectedRow

__all__ = ["SOURCE", "boundaries_from_file", "detect_boundary_kind"]

SOURCE = {
    "name": "chicago-boundaries",
    "title": "Boundaries - Community Areas, Police Districts and Wards",
    "publisher": "City of Chicago Data Portal",
    "url": "https://data.cityofchicago.org/browse?q=boundaries",
    "license": "City of Chicago Data Portal terms of use",
    "coverage": "77 community areas, 22 police districts plus district 31, 50 wards; "
    "zipped shapefile or GeoJSON, reprojected to EPSG:4326",
}


@dataclass(frozen=True)
class _KindFields:
    code: tuple[str, ...]
    name: tuple[str, ...]
    label: str  # name fallback: f"{label} {code}"
    needs_name: bool  # the name column is part of the recognition


_FIELDS: dict[str, _KindFields] = {
    "community_area": _KindFields(
        ("area_numbe", "area_num_1", "area_number", "area_num"),
        ("community",),
        "Community area",
        needs_name=True,
    ),
    "police_district": _KindFields(
        ("district", "dist_num"), ("district_label", "dist_label"), "District", needs_name=False
    ),
    "ward": _KindFields(("ward",), ("ward_label",), "Ward", needs_name=False),
}


def _find(fields: Sequence[str], names: Sequence[str]) -> str | None:
    lower = {f.lower(): f for f in fields}
    for name in names:
        if name in lower:
            return lower[name]
    return None


def detect_boundary_kind(fields: Sequence[str]) -> str | None:
    """The boundary kind whose columns ``fields`` holds, or ``None`` when none or several do.

    Examples
    --------
    >>> detect_boundary_kind(["area_numbe", "community", "shape_area"])
    'community_area'
    >>> detect_boundary_kind(["layer", "ward", "ward_label"])
    'ward'
    """
    hits = [
        kind
        for kind, spec in _FIELDS.items()
        if _find(fields, spec.code) and (not spec.needs_name or _find(fields, spec.name))
    ]
    return hits[0] if len(hits) == 1 else None


def _text(value: Any) -> str:
    """A property value as text: integral floats without ``.0``, missing values empty."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        if float(value).is_integer():
            return str(int(value))
        return str(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value).strip()


def _code(text: str) -> str:
    """``"003"`` -> ``"3"``; other codes are kept as written (stripped)."""
    value = text.strip()
    return str(int(value)) if value.isdigit() else value


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    """The polygon parts of ``geom`` (lines and points left by make_valid are dropped)."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if isinstance(geom, MultiPolygon):
        return [p for p in geom.geoms if not p.is_empty]
    parts: list[Polygon] = []
    for part in getattr(geom, "geoms", []):
        parts.extend(_polygons(part))
    return parts


def _read(path: Path) -> tuple[dict[str, Any], Any, list[Any]]:
    import pyogrio
    from pyogrio import errors as ogr_errors

    if not path.exists():
        msg = f"{path} does not exist; check the path."
        raise SourceError(msg)
    check_vector_text(path)
    unreadable = (
        ogr_errors.DataSourceError,
        ogr_errors.DataLayerError,
        ogr_errors.FieldError,
        ogr_errors.GeometryError,
        ogr_errors.FeatureError,
        ogr_errors.CRSError,
    )
    notes: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            layers = pyogrio.list_layers(path)
            try:
                meta, _fids, geometry, field_data = pyogrio.raw.read(path, layer=0)
            except UnicodeDecodeError:
                meta, _fids, geometry, field_data = pyogrio.raw.read(
                    path, layer=0, encoding="cp1252"
                )
                notes.append("read as cp1252 (the file is not UTF-8; check accented names)")
    except UnicodeDecodeError as exc:
        msg = (
            f"{path.name} is neither UTF-8 nor Windows-1252 text ({exc.reason}); "
            "export the boundaries again as GeoJSON in UTF-8."
        )
        raise SourceError(msg) from exc
    except unreadable as exc:
        msg = (
            f"{path.name} cannot be read as a zipped shapefile or GeoJSON ({exc}); "
            "export the boundaries again as Shapefile or GeoJSON."
        )
        raise SourceError(msg) from exc
    if any("closed ring" in str(w.message) for w in caught):
        notes.append("open rings (last point not the first) were closed")
    if len(layers) > 1:
        notes.append(f"read layer {layers[0][0]!r}, the first of {len(layers)}")
    if notes:
        meta["note"] = "; ".join(notes)
    return meta, geometry, list(field_data)


def _to_wgs84(crs_text: str | None, path: Path) -> tuple[Any, str]:
    """A pyproj transformer to EPSG:4326 (``None`` when already in lon/lat) and the CRS's name."""
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    if not crs_text:
        return None, "no CRS given, taken as EPSG:4326"
    try:
        crs = CRS.from_user_input(crs_text)
    except CRSError as exc:
        msg = f"{path.name} has a coordinate system pyproj cannot read ({exc}); re-export it."
        raise SourceSchemaError(msg) from exc
    if crs.equals(CRS("EPSG:4326"), ignore_axis_order=True):
        return None, "EPSG:4326"
    epsg = crs.to_epsg()
    name = f"EPSG:{epsg}" if epsg else crs.name
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True), name


def _reproject(geom: BaseGeometry, transformer: Any) -> BaseGeometry:
    def project(coords: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, project)


def _layout(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return "zipped shapefile"
    if suffix in (".geojson", ".json"):
        return "GeoJSON"
    if suffix == ".shp":
        return "shapefile"
    return f"{suffix.lstrip('.') or 'vector'} file"


def boundaries_from_file(
    path: Path | str,
    *,
    kind: str | None = None,
    source: str = SOURCE["name"],
) -> ParseResult[Boundary]:
    """Read boundaries of one kind from a zipped shapefile, a shapefile or a GeoJSON file.

    Parameters
    ----------
    path
        The file. A ``.zip`` is read in place (GDAL's ``/vsizip/``).
    kind
        One of :data:`~safeschools.model.BOUNDARY_KINDS`; recognised from the properties when
        omitted.
    source
        Name of the source kept with the import.

    Returns
    -------
    ParseResult
        One :class:`~safeschools.model.Boundary` per code, geometry as WKT in lon/lat degrees
        (EPSG:4326), sorted by code (numerically when codes are numbers).

    Raises
    ------
    SourceError
        The file cannot be read, or not one feature has both a geometry and a code.
    SourceSchemaError
        The kind cannot be recognised, or the file lacks the kind's code column.

    Examples
    --------
    >>> from safeschools.testing import real_data
    >>> result = boundaries_from_file(
    ...     real_data("chicago-boundaries", "police_districts.geojson")
    ... )  # doctest: +SKIP
    >>> len(result.records)  # doctest: +SKIP
    23
    """
    path = Path(path)
    if kind is not None and kind not in BOUNDARY_KINDS:
        msg = (
            f"Unknown boundary kind {kind!r}; use --kind with one of: {', '.join(BOUNDARY_KINDS)}."
        )
        raise SourceSchemaError(msg)
    meta, geometry, field_data = _read(path)
    fields = [str(f) for f in meta.get("fields", [])]
    if kind is None:
        kind = _recognised_kind(fields, path)
    spec = _FIELDS[kind]
    code_field = _find(fields, spec.code)
    if code_field is None:
        msg = (
            f"{path.name} has no {' or '.join(spec.code)} property, so it holds no "
            f"{kind.replace('_', ' ')} codes; check the file or --kind."
        )
        raise SourceSchemaError(msg)
    transformer, crs_name = _to_wgs84(meta.get("crs"), path)
    by_code, rejects, repaired = _shapes_by_code(
        path,
        {f: field_data[i] for i, f in enumerate(fields)},
        geometry,
        code_field=code_field,
        name_field=_find(fields, spec.name),
        transformer=transformer,
    )
    if not by_code:
        first = ""
        if rejects:
            line, reason = rejects[0].line, rejects[0].reason
            first = f" ({reason})" if reason.startswith(f"feature {line}") else ""
            first = first or f" (feature {line}: {reason})"
        msg = (
            f"None of the {len(geometry)} features of {path.name} has both a usable geometry "
            f"and a {code_field}{first}; nothing was imported. Check the file."
        )
        raise SourceError(msg)
    records, notes = _one_per_code(by_code, kind, spec)
    if repaired:
        notes.append(
            f"{len(repaired)} invalid geometr{'y' if len(repaired) == 1 else 'ies'} repaired "
            f"with make_valid (codes {', '.join(repaired)})"
        )
    crs_note = crs_name
    if transformer is not None:
        crs_note = f"{crs_name} reprojected to EPSG:4326"
        notes.append(f"reprojected from {crs_name} to EPSG:4326")
    if "note" in meta:
        notes.append(str(meta["note"]))
    return ParseResult(
        source=source,
        records=records,
        rejects=rejects,
        format=f"{source}: {kind} boundaries, {_layout(path)} ({crs_note})",
        rows_read=len(geometry),
        notes=notes,
    )


def _recognised_kind(fields: Sequence[str], path: Path) -> str:
    kind = detect_boundary_kind(fields)
    if kind is None:
        msg = (
            f"Cannot tell which boundaries {path.name} holds (properties: "
            f"{', '.join(fields) or 'none'}); pass --kind with one of: "
            f"{', '.join(BOUNDARY_KINDS)}."
        )
        raise SourceSchemaError(msg)
    return kind


def _shapes_by_code(
    path: Path,
    values: dict[str, Any],
    geometry: Sequence[Any],
    *,
    code_field: str,
    name_field: str | None,
    transformer: Any,
) -> tuple[dict[str, list[tuple[str, BaseGeometry]]], list[RejectedRow], list[str]]:
    """Each code's (name, polygon shape in lon/lat) features, the rejected features, and the
    codes whose geometry was repaired. ``values`` holds each property's column."""
    rejects: list[RejectedRow] = []
    repaired: list[str] = []
    by_code: dict[str, list[tuple[str, BaseGeometry]]] = {}
    kept = {f for f in (code_field, name_field) if f}
    for index in range(len(geometry)):
        raw = {f: _text(column[index]) for f, column in values.items()}
        line = index + 1
        code = _code(raw[code_field])
        wkb = geometry[index]
        if not code:
            rejects.append(
                RejectedRow(line, f"{code_field} is empty", public_raw(raw, kept), path.name)
            )
            continue
        if wkb is None:
            rejects.append(
                RejectedRow(line, "feature has no geometry", public_raw(raw, kept), path.name)
            )
            continue
        try:
            geom, closed = shape_from_wkb(wkb, feature=line)
            if transformer is not None:
                geom = _reproject(geom, transformer)
            geom, fixed = valid_shape(geom, feature=line)
        except RowError as exc:
            rejects.append(RejectedRow(line, str(exc), public_raw(raw, kept), path.name))
            continue
        if closed or fixed:
            repaired.append(code)
        parts = _polygons(geom)
        if not parts:
            reason = f"feature has no polygon (geometry {geom.geom_type})"
            rejects.append(RejectedRow(line, reason, public_raw(raw, kept), path.name))
            continue
        shape: BaseGeometry = parts[0] if len(parts) == 1 else MultiPolygon(parts)
        name = raw[name_field] if name_field else ""
        by_code.setdefault(code, []).append((name, shape))
    return by_code, rejects, repaired


def _one_per_code(
    by_code: dict[str, list[tuple[str, BaseGeometry]]], kind: str, spec: _KindFields
) -> tuple[list[Boundary], list[str]]:
    """One boundary per code, sorted by code (numerically when codes are numbers): the features
    of a code drawn in several parts merged into one MultiPolygon, each merge noted."""
    notes: list[str] = []
    records: list[Boundary] = []
    for code in sorted(by_code, key=lambda c: (not c.isdigit(), int(c) if c.isdigit() else 0, c)):
        items = by_code[code]
        if len(items) == 1:
            shape = items[0][1]
        else:
            merged = shapely.union_all([g for _n, g in items])
            parts = _polygons(merged)
            shape = MultiPolygon(parts)
            notes.append(
                f"{kind.replace('_', ' ')} {code} was drawn as {len(items)} features; "
                "merged into one MultiPolygon"
            )
        name = next((n for n, _g in items if n), "") or f"{spec.label} {code}"
        wkt = shapely.to_wkt(shape, rounding_precision=-1, output_dimension=2)
        records.append(Boundary(kind=kind, code=code, name=name, geometry_wkt=wkt))
    return records, notes
