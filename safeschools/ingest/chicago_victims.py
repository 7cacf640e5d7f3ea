"""City of Chicago *Violence Reduction - Victims of Homicides and Non-Fatal Shootings*
(portal dataset ``gumc-mgzr``).

One row per victimization (a shooting with three victims is three rows sharing a case number),
located at the block address. Three spellings of the same data are read:

- the portal's CSV export: upper-case columns, ``UNIQUE_ID``, ``DATE`` as
  ``01/31/2024 02:05:00 PM``;
- the SODA API's JSON: lower-case keys, ``unique_id``, ``date`` as ``2024-01-31T14:05:00.000``;
- re-published extracts: lower-case columns with ``cpd_id`` and ``date`` as ``2024-01-31 14:05:00``.

``AGE`` is a band (``0-19``, ``20-29``, ..., ``UNKNOWN``), never an exact age. A victimization is
fatal when ``VICTIMIZATION_PRIMARY`` is ``HOMICIDE``. The homicide victims' names
(``HOMICIDE_VICTIM_FIRST_NAME``, ``_MI``, ``_LAST_NAME``) are never read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from safeschools.ingest.base import (
    ParseResult,
    RowError,
    TableFile,
    check_point,
    parse_bool,
    parse_float,
    parse_local_datetime,
    parse_rows,
    read_table,
    require_columns,
)
from safeschools.ingest.event_dates import check_not_future, today_in
from safeschools.model import Victimization

__all__ = ["SOURCE", "normalise_age_band", "victims_from_file", "victims_from_table"]

SOURCE = {
    "name": "chicago-victims",
    "title": "Violence Reduction - Victims of Homicides and Non-Fatal Shootings",
    "publisher": "Chicago Police Department, via the City of Chicago Data Portal",
    "url": "https://data.cityofchicago.org/d/gumc-mgzr",
    "dataset_id": "gumc-mgzr",
    "license": "City of Chicago Data Portal terms of use",
    "coverage": "homicides since 1991, non-fatal shootings since 2010; one row per victim; "
    "block-level locations; age in 10-year bands; rows change after the fact",
}

_BAND = re.compile(r"^(\d{1,2})\s*-\s*(\d{1,2})$|^(\d{1,2})\s*\+$")


def normalise_age_band(text: str) -> str | None:
    """``0-19``-style bands, ``80+`` and ``UNKNOWN``; ``None`` when empty.

    Examples
    --------
    >>> normalise_age_band(" 0-19 ")
    '0-19'
    >>> normalise_age_band("unknown")
    'UNKNOWN'
    """
    value = text.strip().upper()
    if not value:
        return None
    if value in ("UNKNOWN", "UNK", "N/A"):
        return "UNKNOWN"
    match = _BAND.match(value)
    if match is None:
        raise RowError(f"age {text!r} is not an age band such as 0-19 or 80+")
    if match.group(3):
        return f"{int(match.group(3))}+"
    low, high = int(match.group(1)), int(match.group(2))
    if low > high:
        raise RowError(f"age band {text!r} runs backwards")
    return f"{low}-{high}"


def _text(row: dict[str, str], column: str | None) -> str | None:
    if column is None:
        return None
    value = (row.get(column) or "").strip()
    return value or None


def _make(
    table: TableFile, source: str, bbox: tuple[float, float, float, float], today: date
) -> Callable[[dict[str, str]], Victimization]:
    c = table.column
    id_col = c("UNIQUE_ID", "cpd_id")
    date_col = c("DATE")
    lat_col, lon_col = c("LATITUDE"), c("LONGITUDE")
    cols = {
        "case": c("CASE_NUMBER"),
        "vtype": c("VICTIMIZATION_PRIMARY"),
        "itype": c("INCIDENT_PRIMARY"),
        "iucr": c("VICTIMIZATION_IUCR_CD", "INCIDENT_IUCR_CD"),
        "gun": c("GUNSHOT_INJURY_I"),
        "age": c("AGE"),
        "sex": c("SEX"),
        "race": c("RACE"),
        "locdesc": c("LOCATION_DESCRIPTION"),
        "block": c("BLOCK"),
        "district": c("DISTRICT"),
        "beat": c("BEAT"),
        "area": c("COMMUNITY_AREA"),
        "ward": c("WARD"),
        "updated": c("UPDATED"),
    }
    assert id_col is not None and date_col is not None

    def make(row: dict[str, str]) -> Victimization:
        row_id = (row.get(id_col) or "").strip()
        if not row_id:
            raise RowError(f"{id_col} is empty")
        occurred = parse_local_datetime(row.get(date_col) or "", column=date_col)
        check_not_future(occurred, today=today, column=date_col)
        lat = parse_float(row.get(lat_col or ""), column="LATITUDE") if lat_col else None
        lon = parse_float(row.get(lon_col or ""), column="LONGITUDE") if lon_col else None
        check_point(lat, lon, bbox)
        vtype = _text(row, cols["vtype"])
        if vtype is None:
            raise RowError("VICTIMIZATION_PRIMARY is empty")
        updated_text = _text(row, cols["updated"])
        updated = parse_local_datetime(updated_text, column="UPDATED") if updated_text else None
        age_text = _text(row, cols["age"])
        gun = _text(row, cols["gun"])
        return Victimization(
            source=source,
            source_row_id=row_id,
            case_number=_text(row, cols["case"]),
            occurred_at=occurred,
            lat=lat,
            lon=lon,
            location_precision="missing" if lat is None else "block",
            victimization_type=vtype.upper(),
            incident_type=(_text(row, cols["itype"]) or "").upper() or None,
            iucr=_text(row, cols["iucr"]),
            gunshot_injury=parse_bool(gun) if gun else None,
            fatal=vtype.upper() == "HOMICIDE",
            age_band=normalise_age_band(age_text) if age_text else None,
            sex=_text(row, cols["sex"]),
            race=_text(row, cols["race"]),
            location_description=_text(row, cols["locdesc"]),
            block=_text(row, cols["block"]),
            district=_text(row, cols["district"]),
            beat=_text(row, cols["beat"]),
            community_area=_text(row, cols["area"]),
            ward=_text(row, cols["ward"]),
            source_updated_at=updated,
        )

    return make


def victims_from_table(
    table: TableFile,
    *,
    bbox: tuple[float, float, float, float],
    source: str = SOURCE["name"],
    today: date | None = None,
) -> ParseResult[Victimization]:
    """Read an already opened victims table (portal CSV, API JSON or extract).

    A row dated after ``today`` (default: today in America/Chicago) is rejected.
    """
    require_columns(
        table,
        "City of Chicago victims of homicides and non-fatal shootings",
        [
            ("UNIQUE_ID", "cpd_id"),
            ("CASE_NUMBER",),
            ("DATE",),
            ("VICTIMIZATION_PRIMARY",),
            ("LATITUDE",),
            ("LONGITUDE",),
        ],
    )
    records, rejects, rows_read = parse_rows(
        table, _make(table, source, bbox, today or today_in()), key=lambda v: v.source_row_id
    )
    if table.kind == "json":
        layout = "SODA API JSON"
    elif table.column("UNIQUE_ID") and table.column("UNIQUE_ID") == "UNIQUE_ID":
        layout = "portal CSV export"
    else:
        layout = "CSV extract"
    stamps = [r.source_updated_at or r.occurred_at for r in records]
    vintage = max(stamps).isoformat(timespec="seconds") if stamps else None
    notes = []
    located = sum(1 for r in records if r.lat is None)
    if located:
        notes.append(f"{located} victimization(s) have no location and cannot be mapped")
    if table.encoding not in ("utf-8-sig", "utf-8"):
        notes.append(f"read as {table.encoding}")
    return ParseResult(
        source=source,
        records=records,
        rejects=rejects,
        format=f"{source}: {layout}",
        rows_read=rows_read,
        vintage=vintage,
        notes=notes,
    )


def victims_from_file(
    path: Path | str, *, bbox: tuple[float, float, float, float], today: date | None = None
) -> ParseResult[Victimization]:
    """Read a victims file as the portal, its API or a re-publisher writes it (rows dated
    after ``today`` are rejected)."""
    with read_table(path) as table:
        return victims_from_table(table, bbox=bbox, today=today)
