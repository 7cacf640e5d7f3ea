"""City of Chicago *Crimes - 2001 to present* (portal dataset ``ijzp-q8t2``).

One row per incident, except murders, which have one row per victim. Locations are at the block
address (the publisher moves each point to the block). Two spellings are read:

- the portal's CSV export: ``ID``, ``Case Number``, ``Date`` as ``01/31/2024 02:05:00 PM``,
  ``IUCR``, ``Primary Type``, ..., ``X Coordinate``/``Y Coordinate`` (Illinois State Plane East,
  NAD83, US feet, EPSG:3435), ``Updated On``, ``Latitude``, ``Longitude``, ``Location``;
- the SODA API's JSON: the same names in lower-case snake case (``case_number``, ``date`` as
  ``2024-01-31T14:05:00.000``, ``x_coordinate``, ``updated_on``, ...).

Only the rows a caller selects become :class:`~safeschools.model.Victimization` records:

- ``homicides``: the IUCR codes in :data:`HOMICIDE_IUCR` (first and second degree murder,
  involuntary manslaughter, reckless homicide); these are ``fatal``;
- ``shootings``: aggravated battery with a firearm, :data:`SHOOTING_IUCR` (handgun, other
  firearm); these have ``gunshot_injury`` True;
- ``all``: every row.

Rows of other crime types are left out silently and counted in the result's notes; they are
not rejected. When ``Latitude``/``Longitude`` are empty but the State Plane X/Y are given, the
point is projected to lat-lon degrees (EPSG:4326).

Caveats, from the publisher: the Chicago Police Department warns against comparing these counts
over time (classification and reporting practices change, and rows are reclassified after the
fact), and the dataset lags by about seven days, so the last week is always incomplete.
An incident row counts incidents, not victims, except for murders: a non-fatal shooting with
three victims is one row here and three rows in ``chicago-victims``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from safeschools.errors import ConfigError
from safeschools.ingest.base import (
    ParseResult,
    RowError,
    TableFile,
    check_point,
    parse_float,
    parse_local_datetime,
    parse_rows,
    read_table,
    require_columns,
)
from safeschools.ingest.cps_schools import state_plane_to_lonlat
from safeschools.ingest.event_dates import check_not_future, today_in
from safeschools.model import Victimization

__all__ = [
    "HOMICIDE_IUCR",
    "SELECTIONS",
    "SHOOTING_IUCR",
    "SOURCE",
    "crimes_from_file",
    "crimes_from_table",
    "parse_selection",
]

SOURCE = {
    "name": "chicago-crimes",
    "title": "Crimes - 2001 to present",
    "publisher": "Chicago Police Department, via the City of Chicago Data Portal",
    "url": "https://data.cityofchicago.org/d/ijzp-q8t2",
    "dataset_id": "ijzp-q8t2",
    "license": "City of Chicago Data Portal terms of use",
    "coverage": "2001 to about 7 days ago; one row per incident (one per victim for murders); "
    "block-level locations; IUCR codes; CPD warns against comparisons over time",
}

#: IUCR codes of homicides: 0110 first degree murder, 0130 second degree murder,
#: 0141 involuntary manslaughter, 0142 reckless homicide. Rows with these codes are fatal.
HOMICIDE_IUCR: frozenset[str] = frozenset({"0110", "0130", "0141", "0142"})
#: IUCR codes of shootings: aggravated battery with a firearm, 041A handgun and 041B other
#: firearm. Rows with these codes have a gunshot injury.
SHOOTING_IUCR: frozenset[str] = frozenset({"041A", "041B"})
#: What ``select`` accepts.
SELECTIONS = ("shootings", "homicides", "all")

_CODES = {"shootings": SHOOTING_IUCR, "homicides": HOMICIDE_IUCR}


def parse_selection(select: str | Iterable[str]) -> tuple[str, ...]:
    """Normalise ``select`` (``"shootings,homicides"``, ``["all"]``, ...) to a sorted tuple.

    Raises
    ------
    ConfigError
        An unknown or empty selection.

    Examples
    --------
    >>> parse_selection("homicides, shootings")
    ('homicides', 'shootings')
    >>> parse_selection(["all", "shootings"])
    ('all',)
    """
    items = select.split(",") if isinstance(select, str) else list(select)
    chosen = {s.strip().lower() for s in items if s.strip()}
    unknown = sorted(chosen - set(SELECTIONS))
    if unknown or not chosen:
        msg = (
            f"Cannot select {', '.join(unknown) or 'nothing'}; "
            f"use --select with shootings, homicides (comma-separated) or all."
        )
        raise ConfigError(msg)
    if "all" in chosen:
        return ("all",)
    return tuple(sorted(chosen))


def _normalise_iucr(text: str) -> str:
    """IUCR codes are 4 characters; spreadsheets drop the leading zero (``110`` for ``0110``)."""
    return text.strip().upper().zfill(4)


def _make(
    table: TableFile,
    selection: tuple[str, ...],
    bbox: tuple[float, float, float, float],
    counts: Counter[str],
    today: date,
) -> Callable[[dict[str, str]], Victimization | None]:
    def col(name: str) -> str | None:
        return table.column(name, name.lower().replace(" ", "_"))

    id_col, date_col, iucr_col = col("ID"), col("Date"), col("IUCR")
    assert id_col is not None and date_col is not None and iucr_col is not None
    lat_col, lon_col = col("Latitude"), col("Longitude")
    x_col, y_col = col("X Coordinate"), col("Y Coordinate")
    names = {
        "case": col("Case Number"),
        "type": col("Primary Type"),
        "locdesc": col("Location Description"),
        "block": col("Block"),
        "district": col("District"),
        "beat": col("Beat"),
        "area": col("Community Area"),
        "ward": col("Ward"),
        "updated": col("Updated On"),
    }
    wanted: frozenset[str] | None = None
    if selection != ("all",):
        wanted = frozenset().union(*(_CODES[s] for s in selection))

    def text(row: dict[str, str], column: str | None) -> str | None:
        if column is None:
            return None
        return (row.get(column) or "").strip() or None

    def make(row: dict[str, str]) -> Victimization | None:
        raw_iucr = text(row, iucr_col)
        if raw_iucr is None:
            raise RowError("IUCR is empty")
        iucr = _normalise_iucr(raw_iucr)
        if wanted is not None and iucr not in wanted:
            counts["left_out"] += 1
            return None
        row_id = text(row, id_col)
        if row_id is None:
            raise RowError("ID is empty")
        occurred = parse_local_datetime(row.get(date_col) or "", column="Date")
        check_not_future(occurred, today=today, column="Date")
        lat = parse_float(row.get(lat_col), column="Latitude") if lat_col else None
        lon = parse_float(row.get(lon_col), column="Longitude") if lon_col else None
        projected = False
        if lat is None and lon is None and x_col and y_col:
            x = parse_float(row.get(x_col), column="X Coordinate")
            y = parse_float(row.get(y_col), column="Y Coordinate")
            if x is not None and y is not None:
                lon, lat = state_plane_to_lonlat(x, y)
                projected = True
        check_point(lat, lon, bbox)
        updated_text = text(row, names["updated"])
        updated = parse_local_datetime(updated_text, column="Updated On") if updated_text else None
        primary = (text(row, names["type"]) or "").upper() or None
        if projected:
            counts["projected"] += 1
        return Victimization(
            source=SOURCE["name"],
            source_row_id=row_id,
            case_number=text(row, names["case"]),
            occurred_at=occurred,
            lat=lat,
            lon=lon,
            location_precision="missing" if lat is None else "block",
            victimization_type=primary,
            incident_type=primary,
            iucr=iucr,
            gunshot_injury=True if iucr in SHOOTING_IUCR else None,
            fatal=iucr in HOMICIDE_IUCR,
            location_description=text(row, names["locdesc"]),
            block=text(row, names["block"]),
            district=text(row, names["district"]),
            beat=text(row, names["beat"]),
            community_area=text(row, names["area"]),
            ward=text(row, names["ward"]),
            source_updated_at=updated,
        )

    return make


def crimes_from_table(
    table: TableFile,
    *,
    bbox: tuple[float, float, float, float],
    select: str | Iterable[str] = ("shootings", "homicides"),
    today: date | None = None,
) -> ParseResult[Victimization]:
    """Read an already opened crimes table (portal CSV export or SODA API JSON).

    Parameters
    ----------
    table
        The table, from :func:`~safeschools.ingest.base.read_table`.
    bbox
        The district's area (min_lon, min_lat, max_lon, max_lat), EPSG:4326; points outside it
        are rejected (swapped latitude and longitude are named as such).
    select
        ``"shootings"``, ``"homicides"``, ``"all"``, or several of them (a sequence or a
        comma-separated string).
    today
        Rows dated after this day are rejected (default: today in America/Chicago).

    Returns
    -------
    ParseResult
        Victimizations of source ``chicago-crimes``; rows of other crime types are counted in
        ``notes``, never rejected.

    Examples
    --------
    >>> from safeschools.settings import CHICAGO_BBOX
    >>> result = crimes_from_file(  # doctest: +SKIP
    ...     "Crimes_-_2001_to_Present.csv", bbox=CHICAGO_BBOX, select="homicides"
    ... )
    """
    selection = parse_selection(select)
    require_columns(
        table,
        "City of Chicago Crimes - 2001 to present",
        [
            ("ID",),
            ("Date",),
            ("IUCR",),
            ("Latitude", "X Coordinate", "x_coordinate"),
        ],
    )
    counts: Counter[str] = Counter()
    records, rejects, rows_read = parse_rows(
        table,
        _make(table, selection, bbox, counts, today or today_in()),
        key=lambda v: v.source_row_id,
    )
    layout = "SODA API JSON" if table.kind == "json" else "portal CSV export"
    stamps = [r.source_updated_at or r.occurred_at for r in records]
    notes = []
    if counts["left_out"]:
        notes.append(f"{counts['left_out']} rows of other crime types left out")
    if counts["projected"]:
        notes.append(
            f"{counts['projected']} row(s) located from State Plane X/Y (no Latitude/Longitude)"
        )
    missing = sum(1 for r in records if r.lat is None)
    if missing:
        notes.append(f"{missing} row(s) have no location and cannot be mapped")
    if table.encoding not in ("utf-8-sig", "utf-8"):
        notes.append(f"read as {table.encoding}")
    return ParseResult(
        source=SOURCE["name"],
        records=records,
        rejects=rejects,
        format=f"{SOURCE['name']}: {layout} ({', '.join(selection)})",
        rows_read=rows_read,
        vintage=max(stamps).isoformat(timespec="seconds") if stamps else None,
        notes=notes,
    )


def crimes_from_file(
    path: Path | str,
    *,
    bbox: tuple[float, float, float, float],
    select: str | Iterable[str] = ("shootings", "homicides"),
    today: date | None = None,
) -> ParseResult[Victimization]:
    """Read a crimes file as the portal exports it or its API returns it.

    See :func:`crimes_from_table` for the parameters.
    """
    with read_table(path) as table:
        return crimes_from_table(table, bbox=bbox, select=select, today=today)
