"""Small files of every `safeschools ingest` kind, written in tmp_path for the broken-file and
privacy tests: a few good rows (copied from the real files or tests/data) and a few bad ones,
with optional extra columns. Nothing here is committed data; the files are made per test."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.xlsx_files import (
    ADDAMS_EOY_2019,
    MISCONDUCT_HEADER,
    RACE_CATEGORIES,
    RACE_HEADER,
    race_row,
    write_xlsx,
)
from safeschools.testing import real_data

DATA = Path(__file__).resolve().parent.parent / "data"
VICTIMS = real_data(
    "chicago-victims-homicides-nonfatal-shootings-2024-2026",
    "chicago_shootings_enriched_2026_part4.csv",
)
LOCATIONS = real_data("cps-school-locations", "School_Locations_SY1718.csv")
CALENDARS = real_data("cps-calendars", "calendars.csv")
INTERSECTIONS = real_data("chicago-street-intersections", "chicago-intersections.csv")
CRIMES = DATA / "chicago_crimes" / "crimes_portal.csv"
DECISIONS = DATA / "cps_sro" / "broken_decisions.csv"
CRDC = DATA / "crdc" / "CRDC_2017-18_Suspensions.csv"

#: A name no real file holds; the privacy test looks for each part of it everywhere.
FAKE_NAME = "Zebulon Quillfeather"
FAKE_NAME_PARTS = ("Zebulon", "Quillfeather")
#: Spellings of columns that hold a person's name (no two the same in lower case).
NAME_COLUMNS = [
    "Homicide Victim First Name",
    "HOMICIDE-VICTIM-LAST-NAME",
    "homicide victim mi",
    "victim_name",
    "NAME",
    "first name",
    "lastName",
    "Full_Name",
    "Victim",
    "victimFirstName",
    "Nombre",
    "SURNAME",
    "Victim's Name (as reported)",
    "person.name",
]

Rows = list[dict[str, str]]


def _read_csv(path: Path, limit: int) -> tuple[list[str], Rows]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = []
        for row in reader:
            rows.append(dict(row))
            if len(rows) >= limit:
                break
        return list(reader.fieldnames or []), rows


def csv_text(header: list[str], rows: Rows) -> str:
    """``rows`` under ``header`` as CSV text (missing cells empty)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@dataclass
class CsvKind:
    """A CSV-read kind: its command line, file name, good and bad rows, and a text column."""

    args: list[str]
    file_name: str
    header: list[str]
    rows: Rows
    text_column: str
    rejected: int  # how many of ``rows`` the importer rejects


def _with(rows: Rows, index: int, **changes: str) -> Rows:
    out = [dict(r) for r in rows]
    out[index].update(changes)
    return out


def victims_kind() -> CsvKind:
    header, rows = _read_csv(VICTIMS, 4)
    rows = _with(rows, 1, date="not a date")
    rows = _with(rows, 2, date="2099-01-31 14:05:00")
    return CsvKind(["victims"], "victims.csv", header, rows, "block", 2)


def crimes_kind() -> CsvKind:
    header, rows = _read_csv(CRIMES, 4)
    rows = _with(rows, 1, Date="garbage")
    return CsvKind(["crimes"], "crimes.csv", header, rows, "Block", 1)


def schools_kind() -> CsvKind:
    header, rows = _read_csv(LOCATIONS, 4)
    rows = _with(rows, 1, Lat="north", Long="west")
    return CsvKind(["schools"], "School_Locations_SY1718.csv", header, rows, "Short_Name", 1)


def calendars_kind() -> CsvKind:
    header, rows = _read_csv(CALENDARS, 4)
    rows = _with(rows, 1, kind="holiday-ish")
    return CsvKind(["calendar"], "calendars.csv", header, rows, "label", 1)


def streets_kind() -> CsvKind:
    header, rows = _read_csv(INTERSECTIONS, 4)
    rows = _with(rows, 1, latitude="north")
    return CsvKind(["streets"], "intersections.csv", header, rows, "street_1", 1)


def officers_kind() -> CsvKind:
    header, rows = _read_csv(DECISIONS, 10)
    return CsvKind(["officers"], "sro_decisions.csv", header, rows, "school_name", 4)


def crdc_kind() -> CsvKind:
    header, rows = _read_csv(CRDC, 10)
    return CsvKind(
        ["discipline", "crdc"], "CRDC_2017-18_Suspensions.csv", header, rows, "SCH_NAME", 0
    )


CSV_KINDS: dict[str, Callable[[], CsvKind]] = {
    "victims": victims_kind,
    "crimes": crimes_kind,
    "schools": schools_kind,
    "calendar": calendars_kind,
    "streets": streets_kind,
    "officers": officers_kind,
    "crdc": crdc_kind,
}


def write_csv_kind(
    folder: Path,
    kind: CsvKind,
    *,
    extra: dict[str, str] | None = None,
    encoding: str = "utf-8",
    accent: bool = False,
) -> Path:
    """Write ``kind`` as a CSV in ``folder``: ``extra`` columns added to every row, and with
    ``accent`` a column the importer does not read holding accented letters."""
    extra = dict(extra or {})
    if accent:
        extra["Comentario"] = "NIÑO, AÑO, CAFÉ"
    header = list(kind.header) + [c for c in extra if c not in kind.header]
    rows = [dict(r, **extra) for r in kind.rows]
    path = folder / kind.file_name
    path.write_bytes(csv_text(header, rows).encode(encoding))
    return path


# ---------------------------------------------------------------------- boundaries
SQUARE = [[-87.70, 41.80], [-87.69, 41.80], [-87.69, 41.81], [-87.70, 41.81], [-87.70, 41.80]]


def ward_feature(ward: int, ring: list[Any] | None, **props: Any) -> dict[str, Any]:
    """A ward as a GeoJSON feature (no geometry when ``ring`` is None)."""
    geometry = None if ring is None else {"type": "Polygon", "coordinates": [ring]}
    properties = {"ward": ward, "ward_label": f"Ward {ward}", **props}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def geojson_text(features: list[dict[str, Any]]) -> str:
    """A FeatureCollection; NaN is written as the bare token ``NaN``, as some writers do."""
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def boundaries_file(folder: Path, *, extra: dict[str, str] | None = None) -> Path:
    """Two wards: ward 1 drawn, ward 2 without a geometry (a rejected row)."""
    path = folder / "wards.geojson"
    features = [ward_feature(1, SQUARE, **(extra or {})), ward_feature(2, None, **(extra or {}))]
    path.write_text(geojson_text(features), encoding="utf-8")
    return path


# ---------------------------------------------------------------------- workbooks
def misconduct_workbook(folder: Path, *, extra: dict[str, str] | None = None) -> Path:
    """The ADDAMS row and a row whose School ID is not a number (rejected)."""
    names = list((extra or {}).values())
    bad = list(ADDAMS_EOY_2019)
    bad[0] = "not-an-id"
    return write_xlsx(
        folder / "misconduct.xlsx",
        {
            "Overview": [["Misconduct, Police Notification and Expulsion Report"]],
            "School Level Behavior Data": [
                [*MISCONDUCT_HEADER, *(extra or {})],
                [*ADDAMS_EOY_2019, *names],
                [*bad, *names],
            ],
        },
    )


def demographics_workbook(folder: Path, *, extra: dict[str, str] | None = None) -> Path:
    """Two schools and a row whose School ID is not a number (rejected)."""
    names = list((extra or {}).values())
    good = [race_row(610001, 10, [1, 2, 0, 0, 3, 4, 0, 0, 0]), race_row(610002, 5, [5] + [0] * 8)]
    bad = race_row("not-an-id", 4, [4] + [0] * 8)
    totals: list[Any] = [None, "District Total 2022-2023", None, None, None, None]
    for i in range(6, 25):
        totals.append(sum(r[i] for r in good) if i == 6 or i % 2 == 1 else None)
    return write_xlsx(
        folder / "demographics.xlsx",
        {
            "District": [["20th Day 2022-2023"]],
            "Schools": [
                RACE_CATEGORIES,
                [*RACE_HEADER, *(extra or {})],
                totals,
                *([*r, *names] for r in [*good, bad]),
            ],
        },
    )


ISBE_HEADER = [
    "District Name",
    "School Name",
    "ActionDesc",
    "Total Incidents",
    "Total Students",
    "Female",
    "Male",
]


def isbe_workbook(folder: Path, *, extra: dict[str, str] | None = None) -> Path:
    """Chicago rows: one whose ActionDesc is unknown and one whose school is not known
    (both rejected when the store has no schools)."""
    names = list((extra or {}).values())
    district = "City of Chicago SD 299"
    rows = [
        [district, "Coles Elem Language Academy", "Out-of-School Suspension", 3, 2, 1, 2],
        [district, "Coles Elem Language Academy", "Detention", 1, 1, 0, 1],
    ]
    return write_xlsx(
        folder / "isbe-eoy.xlsx",
        {"2019": [[*ISBE_HEADER, *(extra or {})], *([*r, *names] for r in rows)]},
    )


WORKBOOKS: dict[str, tuple[list[str], Callable[..., Path]]] = {
    "cps-misconduct": (["discipline", "cps-misconduct"], misconduct_workbook),
    "cps-demographics": (["discipline", "cps-demographics"], demographics_workbook),
    "isbe-eoy": (["discipline", "isbe-eoy"], isbe_workbook),
}


def xlsx_bytes(folder: Path) -> bytes:
    """The bytes of a small, valid .xlsx workbook (to rename as .csv or .geojson)."""
    return write_xlsx(folder / "_any.xlsx", {"Sheet": [["a", "b"], [1, 2]]}).read_bytes()


def deep_json(depth: int = 100_000) -> str:
    """A JSON array nested ``depth`` levels deep."""
    return "[" * depth + "]" * depth
