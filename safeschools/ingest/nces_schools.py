"""NCES EDGE school geocodes: every US public school, and every private school of the Private
School Universe Survey (PSS).

Layouts read (CSV as NCES publishes them, columns recognised case-insensitively):

- **public** (``EDGE_GEOCODE_PUBLICSCH_YYYY``): ``NCESSCH`` (the 12-digit NCES school id),
  ``NAME``, ``STREET``, ``CITY``, ``STATE`` (or ``LSTATE``), ``ZIP``, ``LOCALE``, ``LAT``, ``LON``,
  ``SCHOOLYEAR`` (``2022-2023``) and geography columns that are not read (``LEAID``, ``CNTY``,
  ``CBSA``, ``CD``, ``SLDL``, ...);
- **private** (``EDGE_GEOCODE_PRIVATESCH_YYYY``, from the PSS): ``PPIN`` (the PSS id) instead of
  ``NCESSCH``, otherwise the same.

A school's id is its NCES id (``NCESSCH`` or ``PPIN``); its school year comes from
``--school-year``, else ``SCHOOLYEAR``. Governance is ``public`` or ``private``; the address is
``STREET, CITY, STATE ZIP``. Points outside the United States' area (:data:`US_BBOX`: the 50 states
and Puerto Rico; the Aleutians west of 180° and the Pacific territories are left out) are
rejected with their reason; they are not stored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from safeschools.errors import DataValidationError
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
from safeschools.model import School, school_year_label

__all__ = [
    "SOURCE_PRIVATE",
    "SOURCE_PUBLIC",
    "US_BBOX",
    "schools_from_nces_file",
]

#: min_lon, min_lat, max_lon, max_lat (EPSG:4326): the 50 states and Puerto Rico.
US_BBOX = (-179.99, 17.5, -64.5, 71.5)

SOURCE_PUBLIC = {
    "name": "nces-edge-public",
    "title": "EDGE Public School Geocodes",
    "publisher": "National Center for Education Statistics (NCES), EDGE program",
    "url": "https://nces.ed.gov/programs/edge/Geographic/SchoolLocations",
    "license": "Public domain (U.S. federal government work)",
    "coverage": "every US public school (CCD), one file per school year; point locations",
}
SOURCE_PRIVATE = {
    "name": "nces-edge-private",
    "title": "EDGE Private School Geocodes (Private School Universe Survey)",
    "publisher": "National Center for Education Statistics (NCES), EDGE program",
    "url": "https://nces.ed.gov/programs/edge/Geographic/SchoolLocations",
    "license": "Public domain (U.S. federal government work)",
    "coverage": "private schools answering the PSS, every other school year; point locations",
}


def _text(row: dict[str, str], column: str | None) -> str | None:
    if column is None:
        return None
    value = (row.get(column) or "").strip()
    return value or None


def _make(
    table: TableFile, *, id_col: str, governance: str, school_year: str | None
) -> Callable[[dict[str, str]], School]:
    c = table.column
    name_col = c("NAME", "SCH_NAME")
    lat_col, lon_col = c("LAT", "LATITUDE"), c("LON", "LONGITUDE")
    year_col = c("SCHOOLYEAR", "SURVYEAR")
    street, city = c("STREET", "LSTREET1"), c("CITY", "LCITY")
    state, zip_col = c("STATE", "LSTATE"), c("ZIP", "LZIP")
    assert name_col is not None and lat_col is not None and lon_col is not None

    def make(row: dict[str, str]) -> School:
        school_id = (row.get(id_col) or "").strip()
        if not school_id:
            raise RowError(f"{id_col} is empty")
        name = _text(row, name_col)
        if name is None:
            raise RowError(f"{name_col} is empty")
        if school_year is not None:
            year = school_year
        else:
            text = _text(row, year_col)
            if text is None:
                raise RowError("SCHOOLYEAR is empty; give the year with --school-year")
            try:
                year = school_year_label(text)
            except DataValidationError as exc:
                raise RowError(str(exc)) from None
        lat = parse_float(row.get(lat_col), column=lat_col)
        lon = parse_float(row.get(lon_col), column=lon_col)
        check_point(lat, lon, US_BBOX)
        where = ", ".join(p for p in (_text(row, street), _text(row, city)) if p)
        place = " ".join(p for p in (_text(row, state), _text(row, zip_col)) if p)
        address = ", ".join(p for p in (where, place) if p) or None
        return School(
            school_id=school_id,
            school_year=year,
            name=name,
            address=address,
            zip_code=_text(row, zip_col),
            lat=lat,
            lon=lon,
            governance=governance,
        )

    return make


def schools_from_nces_file(
    path: Path | str, *, school_year: str | None = None
) -> ParseResult[School]:
    """Read an EDGE public (``NCESSCH``) or private (``PPIN``) school geocode file.

    Raises
    ------
    SourceSchemaError
        The file has neither ``NCESSCH`` nor ``PPIN``, or lacks ``NAME``, ``LAT`` or ``LON``.
    """
    year = school_year_label(school_year) if school_year is not None else None
    with read_table(path) as table:
        require_columns(
            table,
            "NCES EDGE school geocode",
            [("NCESSCH", "PPIN"), ("NAME", "SCH_NAME"), ("LAT", "LATITUDE"), ("LON", "LONGITUDE")],
        )
        public_id = table.column("NCESSCH")
        if public_id is not None:
            source, id_col, governance = SOURCE_PUBLIC, public_id, "public"
        else:
            private_id = table.column("PPIN")
            assert private_id is not None
            source, id_col, governance = SOURCE_PRIVATE, private_id, "private"
        records, rejects, rows_read = parse_rows(
            table,
            _make(table, id_col=id_col, governance=governance, school_year=year),
            key=lambda s: f"{s.school_id} ({s.school_year})",
        )
    years = sorted({r.school_year for r in records})
    return ParseResult(
        source=source["name"],
        records=records,
        rejects=rejects,
        format=f"{source['name']}: {source['title']}",
        rows_read=rows_read,
        school_year=years[0] if len(years) == 1 else None,
        notes=[f"school years {', '.join(years)}"] if len(years) > 1 else [],
    )
