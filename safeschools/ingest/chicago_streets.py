"""Named street intersections: the City of Chicago's street centre lines, reduced to the points
where two named streets meet.

The file has the columns ``street_1``, ``street_2``, ``longitude`` and ``latitude`` (WGS84
degrees), and optionally ``intersection`` (``N ABERDEEN ST & N OGDEN AVE``) and ``zipcode``.
Each row becomes an :class:`~safeschools.model.Intersection`; consecutive intersections along a
street name are that street's line (:mod:`safeschools.spatial.streets`, built at import).

A row is rejected, with its reason, when a street name is empty, both names are the same
street, its ``intersection`` does not read ``street_1 & street_2``, a coordinate is missing or
not a number, the point is outside the district's area, or the same two streets came before at
another place. A ZIP code that is not five digits (the file writes ``0`` for a few places on
the city's edge) is kept as no ZIP code, and the import's notes count those rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from safeschools.ingest.base import (
    ParseResult,
    RowError,
    TableFile,
    check_point,
    parse_float,
    parse_rows,
    read_table,
    require_columns,
)
from safeschools.ingest.encoding import encoding_note
from safeschools.model import Intersection

__all__ = ["SOURCE", "intersections_from_file", "intersections_from_table"]

SOURCE = {
    "name": "chicago-street-intersections",
    "title": "Street Center Lines, reduced to named intersections",
    "publisher": "City of Chicago Data Portal (dataset 6imu-meau)",
    "url": "https://data.cityofchicago.org/d/6imu-meau",
    "license": "City of Chicago Data Portal terms of use",
    "coverage": "about 24,000 named intersections of the city's streets, with ZIP codes "
    "(WGS84, 5 decimals, about 1 m); the street grid under every map and the places search "
    "finds",
}

_ZIP = re.compile(r"^\d{5}$")
_SPACES = re.compile(r"\s+")


def _name(text: str) -> str:
    return _SPACES.sub(" ", text.strip().upper())


def _make(
    table: TableFile, bbox: tuple[float, float, float, float]
) -> Callable[[dict[str, str]], Intersection]:
    col_name = table.column("intersection")
    col_1 = table.column("street_1")
    col_2 = table.column("street_2")
    col_zip = table.column("zipcode", "zip_code", "zip")
    col_lat = table.column("latitude", "lat")
    col_lon = table.column("longitude", "lon")
    assert col_1 and col_2 and col_lat and col_lon  # require_columns checked them

    def make(row: dict[str, str]) -> Intersection:
        street_1, street_2 = _name(row.get(col_1, "")), _name(row.get(col_2, ""))
        for column, value in ((col_1, street_1), (col_2, street_2)):
            if not value:
                raise RowError(f"{column} is empty")
        if street_1 == street_2:
            raise RowError(f"{col_1} and {col_2} name the same street ({street_1})")
        if col_name:
            written = _name(row.get(col_name, ""))
            if written and written != f"{street_1} & {street_2}":
                raise RowError(
                    f"{col_name} {written!r} is not {col_1} & {col_2} ({street_1} & {street_2})"
                )
        lat = parse_float(row.get(col_lat), column=col_lat)
        lon = parse_float(row.get(col_lon), column=col_lon)
        if lat is None or lon is None:
            raise RowError(f"{col_lat if lat is None else col_lon} is empty")
        check_point(lat, lon, bbox)
        zip_text = (row.get(col_zip) or "").strip() if col_zip else ""
        zip_code = zip_text if _ZIP.match(zip_text) else None
        return Intersection(street_1, street_2, lat, lon, zip_code)

    return make


def intersections_from_table(
    table: TableFile,
    *,
    bbox: tuple[float, float, float, float],
    source: str = SOURCE["name"],
) -> ParseResult[Intersection]:
    """Read an already opened intersections table; see the module docstring for the rules."""
    require_columns(
        table,
        "street intersections",
        [("street_1",), ("street_2",), ("latitude", "lat"), ("longitude", "lon")],
    )
    records, rejects, rows_read = parse_rows(table, _make(table, bbox), key=lambda r: r.key)
    notes = []
    no_zip = sum(1 for r in records if r.zip_code is None)
    if no_zip:
        notes.append(f"{no_zip} row(s) give no five-digit ZIP code; kept without one")
    streets = {name for r in records for name in (r.street_1, r.street_2)}
    notes.append(f"{len(streets)} street names")
    return ParseResult(
        source=source,
        records=records,
        rejects=rejects,
        format=f"{source}: intersections CSV",
        rows_read=rows_read,
        notes=notes,
    )


def intersections_from_file(
    path: Path | str, *, bbox: tuple[float, float, float, float]
) -> ParseResult[Intersection]:
    """Read a street intersections file (CSV, JSON rows or GeoJSON points).

    Parameters
    ----------
    path
        The file, e.g. ``chicago-intersections.csv``.
    bbox
        The district's area (min_lon, min_lat, max_lon, max_lat), degrees (EPSG:4326): a point
        outside it is a rejected row.

    Examples
    --------
    >>> from safeschools.settings import CHICAGO_BBOX
    >>> from safeschools.testing import real_data
    >>> result = intersections_from_file(
    ...     real_data("chicago-street-intersections", "chicago-intersections.csv"),
    ...     bbox=CHICAGO_BBOX,
    ... )
    >>> result.rows_read, len(result.records), len(result.rejects)
    (24048, 24048, 0)
    """
    with read_table(path) as table:
        result = intersections_from_table(table, bbox=bbox)
    result.notes.extend(encoding_note(table.encoding))
    return result
