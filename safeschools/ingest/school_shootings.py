"""The national school-shooting trackers' files: the K-12 School Shooting Database (SSDB) and
The Washington Post's school shootings file, each recognised by its columns.

* **SSDB** (``incident.csv`` with ``victim.csv``, ``shooter.csv`` and ``weapon.csv`` beside it,
  CSV with a byte-order mark and the literal ``null`` for a missing value): one record per
  ``Incident_ID``; victims are counted by their ``injury`` (``Fatal`` killed; ``Wounded`` and
  ``Minor Injuries`` injured), shooters and weapons joined by the same id. A repeated
  ``Incident_ID`` is kept aside (its victims cannot be told apart), and so is a victim, shooter or
  weapon row whose id names no incident.
* **The Post** (latin-1, 50 columns): one record per row, with its own ``school_year``, the
  NCES school id, coordinates, enrollment and ``resource_officer`` (1, 0 or blank).

No free text is kept (the SSDB's summaries and narratives can name people), and no column that
may hold a name (there is none in either file; :func:`~safeschools.model.privacy.may_hold_name`
guards the rejected rows).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from safeschools.errors import SourceError, SourceSchemaError
from safeschools.ingest.base import (
    ParseResult,
    RowError,
    TableFile,
    parse_float,
    parse_int,
    parse_rows,
    public_raw,
    read_table,
)
from safeschools.model import RejectedRow
from safeschools.model.school_shootings import SchoolShooting, school_year_of
from safeschools.national.states import state_code

__all__ = [
    "K12_SSDB_SOURCE",
    "SSDB_SIBLINGS",
    "WAPO_SOURCE",
    "detect_tracker",
    "parse_school_shootings",
    "parse_ssdb",
    "parse_wapo",
]

K12_SSDB_SOURCE = {
    "name": "k12-ssdb",
    "title": "K-12 School Shooting Database (incident, victim, shooter and weapon tables)",
    "publisher": "Naval Postgraduate School, Center for Homeland Defense and Security",
    "url": "https://www.chds.us/ssdb/",
    "license": "public resource, free for any use with citation: Riedman, David and Desmond "
    "O'Neill (2020). K-12 School Shooting Database. www.chds.us/ssdb",
    "coverage": "United States, K-12 schools, 1970 on (the loaded copy ends 2022-06-20)",
}
WAPO_SOURCE = {
    "name": "wapo",
    "title": "The Washington Post school shootings database (since Columbine)",
    "publisher": "The Washington Post",
    "url": "https://github.com/washingtonpost/data-school-shootings",
    "license": "CC BY-NC-SA 4.0 (The Washington Post)",
    "coverage": "United States, K-12 schools during school hours, 1999-04-20 on",
}

#: The SSDB tables read beside ``incident.csv``.
SSDB_SIBLINGS = ("victim.csv", "shooter.csv", "weapon.csv")

_SSDB_COLUMNS = ("Incident_ID", "Date", "State", "During_School", "Location_Type")
_WAPO_COLUMNS = ("uid", "nces_school_id", "school_year", "resource_officer", "shooting_type")
_SSDB_TABLE_COLUMNS = {
    "victim.csv": ("incidentid", "injury"),
    "shooter.csv": ("incidentid", "shooteroutcome"),
    "weapon.csv": ("incidentid", "weapontype"),
}


def _value(row: dict[str, str], column: str) -> str | None:
    """A cell, trimmed; None for empty or the SSDB's literal ``null``."""
    text = (row.get(column) or "").strip()
    if not text or text.lower() == "null":
        return None
    return text


def _yes_no(text: str | None) -> bool | None:
    if text is None:
        return None
    value = text.strip().lower()
    return True if value == "yes" else False if value == "no" else None


def detect_tracker(path: Path | str) -> str:
    """Which tracker's file ``path`` is, from its columns: ``k12-ssdb`` or ``wapo``.

    Raises
    ------
    SourceSchemaError
        The file is neither (one sentence says what it lacks, or which SSDB table it is).
    """
    path = Path(path)
    with read_table(path) as table:
        if table.has(*_SSDB_COLUMNS):
            return "k12-ssdb"
        if table.has(*_WAPO_COLUMNS):
            return "wapo"
        for name, columns in _SSDB_TABLE_COLUMNS.items():
            if table.has(*columns):
                msg = (
                    f"{path.name} is the K-12 School Shooting Database's {name.split('.')[0]} "
                    "table; import its incident.csv (the other tables are read from the same "
                    "folder)."
                )
                raise SourceSchemaError(msg)
    msg = (
        f"{path.name} is not a school-shootings file: neither the K-12 School Shooting "
        f"Database's incident.csv ({', '.join(_SSDB_COLUMNS)}) nor The Washington Post's "
        f"file ({', '.join(_WAPO_COLUMNS)})."
    )
    raise SourceSchemaError(msg)


def parse_school_shootings(path: Path | str) -> ParseResult[SchoolShooting]:
    """Read either tracker's file, recognised by its columns."""
    path = Path(path)
    tracker = detect_tracker(path)
    return parse_ssdb(path) if tracker == "k12-ssdb" else parse_wapo(path)


# ---------------------------------------------------------------------- the SSDB
def _iso_date(text: str | None, column: str) -> date:
    if text is None:
        raise RowError(f"{column} is empty")
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise RowError(f"{column} {text!r} is not a date (expected 2022-06-20)") from None


def _checked_state(text: str | None) -> str:
    code = state_code(text or "")
    if code is None:
        raise RowError(f"State {text!r} is not a US state")
    return code


def _read_linked(
    path: Path, incident_ids: set[str], rejects: list[RejectedRow]
) -> tuple[list[dict[str, str]], int]:
    """The rows of an SSDB table whose incident id is an incident; the others kept aside."""
    kept: list[dict[str, str]] = []
    rows_read = 0
    with read_table(path) as table:
        wanted = _SSDB_TABLE_COLUMNS[path.name.lower()]
        if not table.has(*wanted):
            msg = (
                f"{path.name} is not the K-12 School Shooting Database's "
                f"{path.stem} table: it lacks {', '.join(wanted)}."
            )
            raise SourceSchemaError(msg)
        id_column = table.column("incidentid")
        assert id_column is not None
        for line, row in table.rows:
            rows_read += 1
            problem = row.get("__error__")
            ident = _value(row, id_column)
            if problem or ident not in incident_ids:
                reason = problem or f"incident id {ident!r} names no incident of incident.csv"
                rejects.append(RejectedRow(line, reason, public_raw(row), path.name))
                continue
            kept.append(row)
    return kept, rows_read


def parse_ssdb(path: Path | str) -> ParseResult[SchoolShooting]:
    """Read the SSDB's ``incident.csv`` and its ``victim``, ``shooter`` and ``weapon`` tables
    from the same folder (they must all be there)."""
    path = Path(path)
    siblings = {name: path.with_name(name) for name in SSDB_SIBLINGS}
    missing = [name for name, p in siblings.items() if not p.is_file()]
    if missing:
        msg = (
            f"{path.name} is the K-12 School Shooting Database's incident table, but "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not beside it in "
            f"{path.parent}; put the four tables (incident, victim, shooter, weapon) in one folder."
        )
        raise SourceError(msg)
    with read_table(path) as table:
        _require(table, _SSDB_COLUMNS, "K-12 School Shooting Database incident")
        for column in (
            "City", "School", "School_Level", "Time_Period", "Situation", "Shots_Fired",
            "Officer_Involved", "Location", "First_Shot", "Quarter",
        ):  # fmt: skip
            table.column(column)
        raw_incidents, rejects, rows_read = parse_rows(table, _ssdb_row, key=lambda r: r[0])
    incidents = {ident: row for ident, row in raw_incidents}
    ids = set(incidents)
    victims, n_victims = _read_linked(siblings["victim.csv"], ids, rejects)
    shooters, n_shooters = _read_linked(siblings["shooter.csv"], ids, rejects)
    weapons, n_weapons = _read_linked(siblings["weapon.csv"], ids, rejects)
    killed: Counter[str] = Counter()
    injured: Counter[str] = Counter()
    for v in victims:
        ident, injury = _value(v, "incidentid") or "", (_value(v, "injury") or "").lower()
        if injury == "fatal":
            killed[ident] += 1
        elif injury in ("wounded", "minor injuries"):
            injured[ident] += 1
    shooter_count: Counter[str] = Counter()
    shooter_died: dict[str, bool] = {}
    for s in shooters:
        ident = _value(s, "incidentid") or ""
        shooter_count[ident] += 1
        died = _yes_no(_value(s, "shooterdied"))
        if died is not None:
            shooter_died[ident] = shooter_died.get(ident, False) or died
    weapon_types: dict[str, list[str]] = defaultdict(list)
    for w in weapons:
        kind = _value(w, "weapontype")
        ident = _value(w, "incidentid") or ""
        if kind is not None and kind not in weapon_types[ident]:
            weapon_types[ident].append(kind)
    records = [
        _ssdb_record(
            ident,
            row,
            killed=killed[ident],
            injured=injured[ident],
            shooters=shooter_count[ident],
            shooter_died=shooter_died.get(ident),
            weapons=", ".join(weapon_types.get(ident, [])) or None,
        )
        for ident, row in incidents.items()
    ]
    records.sort(key=lambda r: (r.date, r.incident_id))
    return ParseResult(
        source="k12-ssdb",
        records=records,
        rejects=rejects,
        format="K-12 School Shooting Database (incident, victim, shooter, weapon)",
        rows_read=rows_read + n_victims + n_shooters + n_weapons,
        vintage=max(r.date for r in records).isoformat() if records else None,
    )


def _require(table: TableFile, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if table.column(c) is None]
    if missing:
        msg = f"{table.path.name} is not a {what} file: it lacks {', '.join(missing)}."
        raise SourceSchemaError(msg)


def _ssdb_row(row: dict[str, str]) -> tuple[str, dict[str, str]]:
    ident = _value(row, "Incident_ID")
    if ident is None:
        raise RowError("Incident_ID is empty")
    _iso_date(_value(row, "Date"), "Date")
    _checked_state(_value(row, "State"))
    return ident, row


def _ssdb_record(
    ident: str,
    row: dict[str, str],
    *,
    killed: int,
    injured: int,
    shooters: int,
    shooter_died: bool | None,
    weapons: str | None,
) -> SchoolShooting:
    day = _iso_date(_value(row, "Date"), "Date")
    place = _value(row, "Location_Type")
    return SchoolShooting(
        source="k12-ssdb",
        incident_id=ident,
        date=day,
        school_year=school_year_of(day),
        state=_checked_state(_value(row, "State")),
        city=_value(row, "City") or "",
        school=_value(row, "School") or "",
        license=K12_SSDB_SOURCE["license"],
        time=_value(row, "First_Shot"),
        school_level=_value(row, "School_Level"),
        location_type=None if place in (None, "ND") else place,  # ND: no data
        during_school=_yes_no(_value(row, "During_School")),
        time_period=_value(row, "Time_Period"),
        situation=(_value(row, "Situation") or "").strip() or None,
        shots_fired=_value(row, "Shots_Fired"),
        killed=killed,
        injured=injured,
        shooters=shooters,
        shooter_died=shooter_died,
        officer_involved=_yes_no(_value(row, "Officer_Involved")),
        weapons=weapons,
    )


# ---------------------------------------------------------------------- the Post
def _us_date(text: str | None) -> date:
    if text is None:
        raise RowError("date is empty")
    try:
        return datetime.strptime(text, "%m/%d/%Y").date()
    except ValueError:
        raise RowError(f"date {text!r} is not a date (expected 4/20/1999)") from None


def _post_school_year(text: str | None, day: date) -> str:
    """The Post's own school year (``1998-1999``) as ``1998-99``; from the date when blank."""
    if text is None:
        return school_year_of(day)
    parts = text.split("-")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise RowError(f"school_year {text!r} is not a school year (expected 1998-1999)")
    start, end = int(parts[0]), int(parts[1])
    if end % 100 != (start + 1) % 100:
        raise RowError(f"school_year {text!r} is not two consecutive years")
    return f"{start}-{(start + 1) % 100:02d}"


def _count(row: dict[str, str], column: str) -> int | None:
    value = parse_int(_value(row, column), column=column)
    if value is not None and value < 0:
        raise RowError(f"{column} {value} is negative")
    return value


def _wapo_row(row: dict[str, str]) -> SchoolShooting:
    ident = _value(row, "uid")
    if ident is None:
        raise RowError("uid is empty")
    day = _us_date(_value(row, "date"))
    officer = _value(row, "resource_officer")
    if officer not in (None, "0", "1"):
        raise RowError(f"resource_officer {officer!r} is not 1, 0 or blank")
    lat = parse_float(_value(row, "lat"), column="lat")
    lon = parse_float(_value(row, "long"), column="long")
    if lat is not None and not -90 <= lat <= 90:
        raise RowError(f"lat {lat} is out of range")
    if lon is not None and not -180 <= lon <= 180:
        raise RowError(f"long {lon} is out of range")
    died = [_value(row, c) for c in ("shooter_deceased1", "shooter_deceased2")]
    return SchoolShooting(
        source="wapo",
        incident_id=ident,
        date=day,
        school_year=_post_school_year(_value(row, "school_year"), day),
        state=_checked_state(_value(row, "state")),
        city=_value(row, "city") or "",
        school=_value(row, "school_name") or "",
        license=WAPO_SOURCE["license"],
        time=_value(row, "time"),
        nces_school_id=_value(row, "nces_school_id"),
        school_level=_value(row, "school_type"),
        situation=(_value(row, "shooting_type") or "").strip() or None,
        killed=_count(row, "killed"),
        injured=_count(row, "injured"),
        shooters=sum(1 for c in ("age_shooter1", "age_shooter2") if _value(row, c)) or None,
        shooter_died=True if "1" in died else (False if "0" in died else None),
        resource_officer=None if officer is None else int(officer),
        enrollment=_count(row, "enrollment"),
        lat=lat,
        lon=lon,
        weapons=_value(row, "weapon"),
    )


def parse_wapo(path: Path | str) -> ParseResult[SchoolShooting]:
    """Read The Washington Post's school shootings file: one record per row."""
    path = Path(path)
    with read_table(path) as table:
        _require(table, _WAPO_COLUMNS, "Washington Post school shootings")
        for column in (
            "date", "state", "city", "school_name", "time", "school_type", "killed", "injured",
            "enrollment", "lat", "long", "weapon", "age_shooter1", "age_shooter2",
            "shooter_deceased1", "shooter_deceased2",
        ):  # fmt: skip
            table.column(column)
        make: Callable[[dict[str, str]], SchoolShooting] = _wapo_row
        records, rejects, rows_read = parse_rows(table, make, key=lambda r: r.incident_id)
    return ParseResult(
        source="wapo",
        records=records,
        rejects=rejects,
        format="The Washington Post school shootings",
        rows_read=rows_read,
        vintage=max(r.date for r in records).isoformat() if records else None,
    )
