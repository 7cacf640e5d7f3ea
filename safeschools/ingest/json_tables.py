"""JSON tables: a list of row objects (the Socrata API) or a GeoJSON FeatureCollection of
points, read with a cap on nesting so that no file can exhaust the parser's stack.

A row table is never nested deeper than a few levels (a GeoJSON MultiPolygon is eight deep:
collection, features, feature, geometry, coordinates and three levels of rings and points);
:data:`MAX_JSON_DEPTH` leaves room for any real file. The depth is measured before parsing,
outside strings, in one vectorised pass (:func:`json_depth`), so a file of a million nested
brackets is refused with a sentence instead of a ``RecursionError``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from safeschools.errors import SourceError, SourceSchemaError
from safeschools.ingest.field_limit import MAX_FIELD_CHARS, too_long

__all__ = ["MAX_JSON_DEPTH", "json_depth", "json_rows", "load_json"]

#: The deepest nesting of arrays and objects a JSON file may have.
MAX_JSON_DEPTH = 32

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")

Rows = Iterator[tuple[int, dict[str, str]]]


def json_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in ``text``, brackets inside strings not counted.

    Examples
    --------
    >>> json_depth('[{"a": [1, 2], "b": "[[[["}]')
    3
    >>> json_depth("42")
    0
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    codes = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1).astype(np.int32)
    return int(np.cumsum(steps).max())


def load_json(path: Path, encoding: str) -> Any:
    """Parse ``path`` (decoded with ``encoding``) as JSON, nesting at most
    :data:`MAX_JSON_DEPTH` levels.

    Raises
    ------
    SourceError
        The file is not valid JSON or is nested too deep; one sentence says which.
    """
    try:
        text = path.read_text(encoding=encoding, errors="replace" if encoding == "cp1252" else None)
    except UnicodeDecodeError as exc:
        msg = f"{path.name} is not valid {encoding} text ({exc}); it may be truncated or binary."
        raise SourceError(msg) from exc
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        msg = (
            f"{path.name} nests its JSON {depth} levels deep (at most {MAX_JSON_DEPTH} are read); "
            "it is not a table of rows. Export the rows again as a JSON list or CSV."
        )
        raise SourceError(msg)
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        msg = f"{path.name} is not valid JSON ({exc}); it may be truncated, download it again."
        raise SourceError(msg) from exc


def _feature_row(index: int, feature: Any) -> dict[str, Any]:
    """One GeoJSON feature as a row: its properties, and a point's longitude and latitude."""
    if not isinstance(feature, dict):
        return {"__error__": f"feature {index} is not a GeoJSON Feature object"}
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        return {"__error__": f"feature {index} has properties that are not an object"}
    row = dict(props)
    geometry = feature.get("geometry") or {}
    if not isinstance(geometry, dict):
        row["__error__"] = f"feature {index} has a geometry that is not an object"
        return row
    if geometry.get("type") == "Point":
        coords = geometry.get("coordinates")
        if not isinstance(coords, list) or len(coords) < 2:
            row["__error__"] = f"feature {index}: Point coordinates are not [longitude, latitude]"
            return row
        lon, lat = coords[0], coords[1]
        if any(isinstance(v, float) and not math.isfinite(v) for v in (lon, lat)):
            row["__error__"] = f"feature {index}: Point coordinates are not numbers (NaN)"
            return row
        row.setdefault("longitude", lon)
        row.setdefault("latitude", lat)
    return row


def json_rows(path: Path, encoding: str) -> tuple[str, list[str], Rows]:
    """Read a JSON list of row objects or a GeoJSON FeatureCollection: its kind (``json`` or
    ``geojson``), its columns in order of appearance and its (row number, row) pairs; a row
    that is not an object carries an ``__error__``."""
    data = load_json(path, encoding)
    records: list[dict[str, Any]]
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
        if not isinstance(features, list):
            msg = f"{path.name} is GeoJSON whose features are not a list; export it again."
            raise SourceSchemaError(msg)
        records = [_feature_row(i, f) for i, f in enumerate(features, start=1)]
        kind = "geojson"
    elif isinstance(data, list):
        records = [r if isinstance(r, dict) else {"__error__": "not a JSON object"} for r in data]
        kind = "json"
    else:
        msg = f"{path.name} is JSON but not a list of rows or a GeoJSON FeatureCollection."
        raise SourceSchemaError(msg)
    columns: list[str] = []
    seen: set[str] = set()
    for rec in records:
        for key in rec:
            if key not in seen and key != "__error__":
                seen.add(key)
                columns.append(key)

    def rows() -> Rows:
        for index, rec in enumerate(records, start=1):
            row = {str(k): _json_text(v) for k, v in rec.items()}
            if any(len(v) > MAX_FIELD_CHARS for v in row.values()):
                raise too_long(path, f"row {index}")
            yield index, row

    return kind, columns, rows()


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
