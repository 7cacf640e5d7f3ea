"""One table (columns, rows, metadata) in every format an analyst asks for: CSV, GeoJSON,
Parquet, a pandas DataFrame or a GeoPandas GeoDataFrame.

Every format holds the same rows and the same columns, in the same order:

- **CSV** is a plain table whose first line is the header; a date or time is ISO text
  (``2024-01-31T14:05:00``), a list (the schools a victim is near, say) is its items joined
  with ``;``, and an absent value is an empty cell (never 0).
- **GeoJSON** places each row with the table's ``geometry`` (a point at ``lat``/``lon``, or a
  polygon from WKT, lat-lon degrees, EPSG:4326); the other columns are its properties, and the
  metadata (the definition, what the data covers, why a figure is absent) sits beside
  ``features``.
- **Parquet** keeps the types (integers, decimals, booleans, timestamps, lists) and carries the
  metadata as key-value pairs of the file's schema, each value JSON text: read them with
  ``pyarrow.parquet.read_schema(path).metadata``.
- **pandas** and **GeoPandas** frames carry the metadata in ``DataFrame.attrs``; a GeoDataFrame
  has points in EPSG:4326.

GeoPandas and pyarrow are optional (``pip install 'safeschools[analysis]'``); they are imported
only when a frame or a Parquet file is asked for, and a clear :class:`ImportError` names the
extra when they are missing.
"""

from __future__ import annotations

import importlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any

from shapely.geometry import Point

from safeschools.spreadsheet import csv_dict_writer

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Table",
    "csv_bytes",
    "geojson_bytes",
    "optional_import",
    "parquet_bytes",
    "point",
    "to_frame",
    "to_geoframe",
]

#: Where each optional library comes from (the extra that installs it).
_EXTRAS = {"pandas": "analysis", "geopandas": "analysis", "pyarrow": "analysis"}
#: What the library is needed for, for the error message.
_NEEDED_FOR = {
    "pandas": "DataFrames",
    "geopandas": "GeoDataFrames",
    "pyarrow": "Parquet files",
}


def optional_import(name: str) -> ModuleType:
    """Import an optional library, or raise an :class:`ImportError` that says how to install it.

    Examples
    --------
    >>> optional_import("pandas").__name__
    'pandas'
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        extra = _EXTRAS.get(name.split(".")[0], "analysis")
        what = _NEEDED_FOR.get(name.split(".")[0], name)
        msg = f"{what} need {name}: pip install 'safeschools[{extra}]'"
        raise ImportError(msg) from exc


Geometry = Callable[[dict[str, Any]], dict[str, Any] | None]


def point(row: dict[str, Any]) -> dict[str, Any] | None:
    """A GeoJSON point at the row's ``lat`` and ``lon`` (None when either is missing)."""
    lat, lon = row.get("lat"), row.get("lon")
    if lat is None or lon is None or lat != lat or lon != lon:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


@dataclass
class Table:
    """Rows to write: the columns in order, the rows (dicts keyed by column), how to place a
    row on a map (None: no GeoJSON) and which columns the geometry replaces, and the metadata
    every format carries beside the rows (JSON-ready values)."""

    columns: list[str]
    rows: list[dict[str, Any]]
    geometry: Geometry | None = None
    geometry_columns: tuple[str, ...] = ("lat", "lon")
    meta: dict[str, Any] = field(default_factory=dict)


def _cell(value: Any) -> Any:
    """A value as a CSV cell: ISO dates and times, ``;``-joined lists, empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(str(_cell(v)) for v in value)
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | set):
        return list(value)
    msg = f"{type(value).__name__} is not JSON"
    raise TypeError(msg)


def csv_bytes(table: Table) -> bytes:
    """The rows as UTF-8 CSV, the header first.

    Examples
    --------
    >>> csv_bytes(Table(["a", "b"], [{"a": 1, "b": [2, 3]}, {"a": None, "b": []}])).decode()
    'a,b\\r\\n1,2;3\\r\\n,\\r\\n'
    """
    buffer = io.StringIO()
    writer = csv_dict_writer(buffer, table.columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({c: _cell(row.get(c)) for c in table.columns} for row in table.rows)
    return buffer.getvalue().encode("utf-8")


def geojson_bytes(table: Table) -> bytes:
    """The rows as a GeoJSON FeatureCollection with the metadata beside the features."""
    if table.geometry is None:
        msg = "This table has no places to map; write it as CSV or Parquet."
        raise ValueError(msg)
    geometry = table.geometry
    features = [
        {
            "type": "Feature",
            "geometry": geometry(row),
            "properties": {c: row.get(c) for c in table.columns if c not in table.geometry_columns},
        }
        for row in table.rows
    ]
    collection = {"type": "FeatureCollection", **table.meta, "features": features}
    return json.dumps(
        collection, ensure_ascii=False, allow_nan=False, default=_json_default
    ).encode("utf-8")


def _arrow_column(values: list[Any]) -> Any:
    """A pyarrow array of the values; a column of mixed kinds becomes text (as in the CSV)."""
    pa = optional_import("pyarrow")
    values = [None if isinstance(v, float) and v != v else v for v in values]
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(_cell(v)) for v in values], type=pa.string())


def parquet_bytes(table: Table) -> bytes:
    """The rows as a Parquet file, the metadata as key-value pairs of its schema (JSON text)."""
    pa = optional_import("pyarrow")
    pq = optional_import("pyarrow.parquet")
    arrays = [_arrow_column([row.get(c) for row in table.rows]) for c in table.columns]
    arrow = pa.Table.from_arrays(arrays, names=list(table.columns))
    meta = {
        key: json.dumps(value, ensure_ascii=False, default=_json_default)
        for key, value in table.meta.items()
    }
    arrow = arrow.replace_schema_metadata(meta)
    sink = io.BytesIO()
    pq.write_table(arrow, sink)
    return sink.getvalue()


def to_frame(table: Table) -> pd.DataFrame:
    """The rows as a pandas DataFrame (the columns in order), the metadata in ``attrs``."""
    pd = optional_import("pandas")
    frame = pd.DataFrame.from_records(table.rows, columns=table.columns)
    frame.attrs.update(json.loads(json.dumps(table.meta, default=_json_default)))
    return frame  # type: ignore[no-any-return]


def to_geoframe(table: Table) -> Any:
    """The rows as a GeoPandas GeoDataFrame of points at ``lat``/``lon`` (EPSG:4326; a row
    without a place has no geometry), the metadata in ``attrs``."""
    gpd = optional_import("geopandas")
    frame = to_frame(table)
    places = [point(row) for row in table.rows]
    geometry = gpd.GeoSeries(
        [None if p is None else Point(p["coordinates"]) for p in places],
        index=frame.index,
        crs="EPSG:4326",
    )
    geo = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    geo.attrs.update(frame.attrs)
    return geo
