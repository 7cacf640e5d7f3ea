"""A national incidents file in the Gun Violence Archive's (GVA) CSV export layout.

One row per **incident** (GVA counts incidents, not victims). Columns read, as GVA's "Export as
CSV" names them (case-insensitively): ``Incident ID``, ``Incident Date`` (``January 31, 2024``,
or ISO ``2024-01-31``), ``State``, ``City Or County``, ``Address``, ``Victims Killed`` and
``Victims Injured`` (the older export's ``# Killed`` and ``# Injured`` too), and the coordinates
``Latitude`` and ``Longitude``. GVA's public query export has no coordinates: they come with
GVA's licensed data and with geocoded extracts (The Trace's, ``jamesqo/gun-violence-data``
with ``latitude``/``longitude``). A file without them is refused, since it cannot be paired
with schools. ``Suspects ...`` and ``Operations`` columns are not read; no person is named.

Each incident becomes one victimization row of source ``gva``: ``case_number`` and
``source_row_id`` are the incident id, ``fatal`` is ``killed > 0``, ``gunshot_injury`` is
``killed + injured > 0`` (an incident with no one hit keeps ``False``: GVA counts it),
``block`` the address and ``location_description`` "city, state". Dates have no time of day
(midnight is stored). Points outside the United States (:data:`US_BBOX`) are rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from safeschools.ingest.base import (
    ParseResult,
    RowError,
    TableFile,
    check_point,
    parse_float,
    parse_int,
    parse_rows,
    read_table,
    require_columns,
)
from safeschools.ingest.event_dates import check_not_future, today_in
from safeschools.ingest.nces_schools import US_BBOX
from safeschools.model import Victimization

__all__ = ["SOURCE", "incidents_from_gva_file"]

SOURCE = {
    "name": "gva",
    "title": "Gun Violence Archive incidents (CSV export layout, with coordinates)",
    "publisher": "Gun Violence Archive",
    "url": "https://www.gunviolencearchive.org/query",
    "license": "GVA terms of use: copyrighted data, use under GVA's query limits or agreement",
    "coverage": "gun violence incidents in the United States since 2014; one row per incident",
}


def _incident_date(text: str, column: str) -> datetime:
    value = text.strip()
    if not value:
        raise RowError(f"{column} is empty")
    for fmt in ("%B %d, %Y", "%Y-%m-%d", "%m/%d/%Y", "%b %d, %Y"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if not 1900 <= parsed.year <= 2100:
            raise RowError(f"{column} {value!r} is out of range")
        return parsed
    raise RowError(f"{column} {value!r} is not a date (expected January 31, 2024 or 2024-01-31)")


def _make(table: TableFile, today: date) -> Callable[[dict[str, str]], Victimization]:
    c = table.column
    id_col = c("Incident ID", "incident_id")
    date_col = c("Incident Date", "date")
    state, city, address = c("State"), c("City Or County", "city_or_county"), c("Address")
    killed_col = c("Victims Killed", "# Killed", "n_killed")
    injured_col = c("Victims Injured", "# Injured", "n_injured")
    lat_col, lon_col = c("Latitude"), c("Longitude")
    assert id_col and date_col and killed_col and injured_col and lat_col and lon_col

    def text(row: dict[str, str], column: str | None) -> str | None:
        value = (row.get(column) or "").strip() if column else ""
        return value or None

    def make(row: dict[str, str]) -> Victimization:
        row_id = text(row, id_col)
        if row_id is None:
            raise RowError(f"{id_col} is empty")
        occurred = _incident_date(row.get(date_col) or "", date_col)
        check_not_future(occurred, today=today, column=date_col)
        killed = parse_int(row.get(killed_col), column=killed_col) or 0
        injured = parse_int(row.get(injured_col), column=injured_col) or 0
        if killed < 0 or injured < 0:
            raise RowError(f"{killed_col} and {injured_col} cannot be negative")
        lat = parse_float(row.get(lat_col), column=lat_col)
        lon = parse_float(row.get(lon_col), column=lon_col)
        check_point(lat, lon, US_BBOX)
        where = ", ".join(p for p in (text(row, city), text(row, state)) if p)
        return Victimization(
            source=SOURCE["name"],
            source_row_id=row_id,
            case_number=row_id,
            occurred_at=occurred,
            lat=lat,
            lon=lon,
            location_precision="missing" if lat is None else "address",
            victimization_type="SHOOTING",
            incident_type="GUN VIOLENCE INCIDENT",
            gunshot_injury=killed + injured > 0,
            fatal=killed > 0,
            location_description=where or None,
            block=text(row, address),
        )

    return make


def incidents_from_gva_file(
    path: Path | str, *, today: date | None = None
) -> ParseResult[Victimization]:
    """Read a GVA export with coordinates (rows dated after ``today`` are rejected).

    Raises
    ------
    SourceSchemaError
        A column of the layout is missing (for instance the coordinates).
    """
    with read_table(path) as table:
        require_columns(
            table,
            "Gun Violence Archive export (with coordinates)",
            [
                ("Incident ID", "incident_id"),
                ("Incident Date", "date"),
                ("Victims Killed", "# Killed", "n_killed"),
                ("Victims Injured", "# Injured", "n_injured"),
                ("Latitude",),
                ("Longitude",),
            ],
        )
        records, rejects, rows_read = parse_rows(
            table, _make(table, today or today_in()), key=lambda v: v.source_row_id
        )
    missing = sum(1 for r in records if r.lat is None)
    return ParseResult(
        source=SOURCE["name"],
        records=records,
        rejects=rejects,
        format=f"gva: {SOURCE['title']}",
        rows_read=rows_read,
        vintage=max(r.occurred_at for r in records).date().isoformat() if records else None,
        notes=[f"{missing} incident(s) have no location and cannot be paired"] if missing else [],
    )
