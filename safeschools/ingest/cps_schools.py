"""Chicago Public Schools school lists: the yearly *School Locations* files and the *School
Profile Information* files of the City of Chicago Data Portal.

The locations files change their columns every year (SY2017-18: Lat/Long and Governance;
SY2018-19: Illinois State Plane X/Y in feet plus ``the_geom``; SY2021-22: ``the_geom`` and
Lat/Long). The layout is recognised from the columns, never from the file name. Coordinates are
taken from Lat/Long, else from the ``the_geom`` WKT point, else from State Plane X/Y
(NAD83 Illinois East, US feet, EPSG:3435) projected to lat-lon (EPSG:4326).

Profiles carry no governance column; charter schools are those whose ``Network`` is
``Charter`` (``Contract`` and ``Options`` networks likewise).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from safeschools.errors import DataValidationError, SourceSchemaError
from safeschools.ingest.base import (
    ParseResult,
    RowError,
    TableFile,
    check_point,
    parse_float,
    parse_int,
    parse_rows,
    read_table,
)
from safeschools.model import School, school_year_label

__all__ = ["SOURCE_LOCATIONS", "SOURCE_PROFILES", "schools_from_cps_file", "state_plane_to_lonlat"]

SOURCE_LOCATIONS = {
    "name": "cps-school-locations",
    "title": "Chicago Public Schools - School Locations (one dataset per school year)",
    "publisher": "Chicago Public Schools, via the City of Chicago Data Portal",
    "url": "https://data.cityofchicago.org/browse?q=school+locations",
    "license": "City of Chicago Data Portal terms of use",
    "coverage": "one row per school, charters included; columns change every year",
}
SOURCE_PROFILES = {
    "name": "cps-school-profiles",
    "title": "Chicago Public Schools - School Profile Information (one dataset per school year)",
    "publisher": "Chicago Public Schools, via the City of Chicago Data Portal",
    "url": "https://data.cityofchicago.org/browse?q=school+profile+information",
    "license": "City of Chicago Data Portal terms of use",
    "coverage": "one row per school: network (Charter), grades, enrollment, hours, lat/lon",
}

_GOVERNANCE = {
    "district": "district",
    "charter": "charter",
    "contract": "contract",
    "alop": "options",
    "safe": "options",
    "options": "options",
}
_WKT_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.IGNORECASE)
_ZIP_IN_ADDRESS = re.compile(r"^(.*?),\s*(\d{5})(?:-\d{4})?\s*$")
_YEAR_IN_NAME = re.compile(r"SY\s*(\d{2})(\d{2})|_(\d{2})(\d{2})(?:\D|$)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _state_plane_transformer() -> Any:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:3435", "EPSG:4326", always_xy=True)


def state_plane_to_lonlat(x_ft: float, y_ft: float) -> tuple[float, float]:
    """Project Illinois State Plane East (NAD83, US feet, EPSG:3435) to lon, lat degrees.

    Examples
    --------
    >>> lon, lat = state_plane_to_lonlat(1145984.28397, 1873030.20443)
    >>> round(lon, 5), round(lat, 5)
    (-87.7401, 41.80758)
    """
    lon, lat = _state_plane_transformer().transform(x_ft, y_ft)
    return float(lon), float(lat)


def _year_from_filename(path: Path) -> str | None:
    match = _YEAR_IN_NAME.search(path.stem)
    if not match:
        return None
    a, b = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    if (int(a) + 1) % 100 != int(b):
        return None
    return school_year_label(f"SY{a}{b}")


def _detect(table: TableFile) -> tuple[str, str]:
    """Return (layout, human description) of a CPS schools file, or raise."""
    if not table.has("School_ID"):
        msg = (
            f"{table.path.name} is not a CPS school locations or profiles file: it has no "
            "School_ID column. Check the file, or import it with --mapping."
        )
        raise SourceSchemaError(msg)
    if table.has("Network") and (table.has("Student_Count_Total") or table.has("Primary_Category")):
        return "profiles", "CPS school profiles (Network, enrollment, School_Latitude/Longitude)"
    if table.has("Lat", "Long"):
        coords = "Lat/Long"
    elif table.has("the_geom"):
        coords = "the_geom WKT points"
    elif table.has("X", "Y"):
        coords = "Illinois State Plane X/Y feet (EPSG:3435)"
    else:
        msg = (
            f"{table.path.name} has School_ID but no coordinates (Lat/Long, the_geom or X/Y); "
            "it is not a CPS school locations file."
        )
        raise SourceSchemaError(msg)
    return "locations", f"CPS school locations (coordinates from {coords})"


def _get(row: dict[str, str], table: TableFile, *names: str) -> str:
    column = table.column(*names)
    return (row.get(column) or "").strip() if column else ""


def _opt(value: str) -> str | None:
    return value or None


def _coordinates(row: dict[str, str], table: TableFile) -> tuple[float | None, float | None]:
    lat_col = table.column("Lat", "School_Latitude", "Latitude")
    lon_col = table.column("Long", "School_Longitude", "Longitude")
    if lat_col and lon_col:
        lat = parse_float(row.get(lat_col), column=lat_col)
        lon = parse_float(row.get(lon_col), column=lon_col)
        if lat is not None or lon is not None:
            return lat, lon
    geom = _get(row, table, "the_geom", "Location")
    if geom:
        match = _WKT_POINT.search(geom)
        if not match:
            raise RowError(f"the_geom {geom!r} is not a POINT")
        return float(match.group(2)), float(match.group(1))
    x_col, y_col = table.column("X"), table.column("Y")
    if x_col and y_col:
        x = parse_float(row.get(x_col), column=x_col)
        y = parse_float(row.get(y_col), column=y_col)
        if x is not None and y is not None:
            lon, lat = state_plane_to_lonlat(x, y)
            return lat, lon
    return None, None


def _governance(row: dict[str, str], table: TableFile, layout: str) -> str | None:
    explicit = _get(row, table, "Governance").lower()
    if explicit:
        return _GOVERNANCE.get(explicit, "district")
    network = _get(row, table, "Network").lower()
    if network in ("charter", "contract", "options"):
        return network
    if layout == "profiles":
        return "district"
    if _get(row, table, "School_Typ").lower() == "options":
        return "options"
    return None


def _make_school(
    table: TableFile, layout: str, school_year: str, bbox: tuple[float, float, float, float]
) -> Callable[[dict[str, str]], School]:
    year_col = table.column("School_Year")

    def make(row: dict[str, str]) -> School:
        school_id = _get(row, table, "School_ID")
        if not school_id:
            raise RowError("School_ID is empty")
        if not re.fullmatch(r"[0-9A-Za-z_-]{1,32}", school_id):
            raise RowError(f"School_ID {school_id!r} is not an id")
        if year_col and row.get(year_col, "").strip():
            try:
                row_year = school_year_label(row[year_col])
            except DataValidationError as exc:
                raise RowError(str(exc)) from None
            if row_year != school_year:
                raise RowError(f"School_Year {row[year_col]!r} is not {school_year}")
        name = _get(row, table, "Short_Name", "SCHOOL_NM", "School_Name", "Long_Name")
        if not name:
            raise RowError("the school has no name (Short_Name is empty)")
        lat, lon = _coordinates(row, table)
        check_point(lat, lon, bbox)
        address = _get(row, table, "Address", "SCH_ADDR")
        zip_code = _get(row, table, "Zip")
        match = _ZIP_IN_ADDRESS.match(address)
        if match and not zip_code:
            address, zip_code = match.group(1), match.group(2)
        grade_cat = _get(row, table, "Primary_Category", "Grade_Cat").upper()
        return School(
            school_id=school_id,
            school_year=school_year,
            name=name,
            long_name=_opt(_get(row, table, "Long_Name")),
            address=_opt(address),
            zip_code=_opt(zip_code),
            lat=lat,
            lon=lon,
            governance=_governance(row, table, layout),
            grade_category=grade_cat if grade_cat in ("ES", "MS", "HS") else None,
            grades=_opt(_get(row, table, "Grades_Offered", "Grades")),
            network=_opt(_get(row, table, "Network")),
            community_area=_opt(_get(row, table, "COMMAREA", "Community_Area")),
            enrollment=parse_int(
                _get(row, table, "Student_Count_Total"), column="Student_Count_Total"
            ),
            school_hours=_opt(_get(row, table, "School_Hours")),
        )

    return make


def _year_from_column(table: TableFile) -> str | None:
    """The school year the file's School_Year column states (first non-empty value)."""
    column = table.column("School_Year")
    if column is None:
        return None
    # Peek by re-reading: the rows iterator is single-use, so read a fresh one.
    with read_table(table.path) as peek:
        for _line, row in peek.rows:
            value = (row.get(column) or "").strip()
            if value:
                try:
                    return school_year_label(value)
                except DataValidationError:
                    return None
    return None


def schools_from_cps_file(
    path: Path | str,
    *,
    school_year: str | None = None,
    bbox: tuple[float, float, float, float],
) -> ParseResult[School]:
    """Read a CPS school locations or profiles file of any year.

    Parameters
    ----------
    path
        The CSV (or JSON) file as the portal exports it.
    school_year
        ``2019-20``; when omitted, taken from the ``School_Year`` column, else the file name
        (``SY1718``, ``_1819``).
    bbox
        The district's area (min_lon, min_lat, max_lon, max_lat), EPSG:4326.
    """
    with read_table(path) as table:
        return _schools_from_table(table, school_year=school_year, bbox=bbox)


def _schools_from_table(
    table: TableFile, *, school_year: str | None, bbox: tuple[float, float, float, float]
) -> ParseResult[School]:
    layout, description = _detect(table)
    from_column = _year_from_column(table)
    if school_year is not None:
        year = school_year_label(school_year)
    else:
        year = from_column or _year_from_filename(table.path)  # type: ignore[assignment]
    if year is None:
        msg = f"Cannot tell which school year {table.path.name} is for; pass --school-year 2019-20."
        raise SourceSchemaError(msg)
    if from_column is not None and from_column != year:
        msg = (
            f"{table.path.name} says it is for {from_column}, not {year}; "
            "drop --school-year or correct it."
        )
        raise SourceSchemaError(msg)
    records, rejects, rows_read = parse_rows(
        table, _make_school(table, layout, year, bbox), key=lambda s: s.school_id
    )
    notes = []
    missing = sum(1 for s in records if s.lat is None)
    if missing:
        notes.append(f"{missing} school(s) have no coordinates")
    if table.encoding not in ("utf-8-sig", "utf-8"):
        notes.append(f"read as {table.encoding}")
    source = SOURCE_PROFILES if layout == "profiles" else SOURCE_LOCATIONS
    return ParseResult(
        source=source["name"],
        records=records,
        rejects=rejects,
        format=f"{source['name']}: {description}",
        rows_read=rows_read,
        school_year=year,
        vintage=year,
        notes=notes,
    )
