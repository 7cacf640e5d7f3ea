"""A corpus of broken files for every `ingest` kind (issue 13, item 9): each ends with its own
sentence and exit code 2, or is read with the bad rows set aside; none ends "Unexpected error".

The files are made in tmp_path from small good files (tests/helpers/ingest_files.py). The CLI
runs in-process (click's CliRunner), each case on its own SQLite file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.ingest_files import (
    CSV_KINDS,
    SQUARE,
    WORKBOOKS,
    csv_text,
    deep_json,
    geojson_text,
    ward_feature,
    write_csv_kind,
    xlsx_bytes,
)

from safeschools import services
from safeschools.cli import cli
from safeschools.ingest.json_tables import MAX_JSON_DEPTH, json_depth
from safeschools.settings import Settings
from safeschools.storage import Store

Maker = Callable[[Path], Path]


@dataclass(frozen=True)
class Case:
    """A broken file: how to make it, the sentence (a substring) the CLI must say, its exit
    code, and for a file that is read, how many rows at least are rejected."""

    id: str
    args: tuple[str, ...]
    make: Maker
    expect: str
    exit_code: int = 2
    rejected: int = 0


def _bytes(name: str, data: bytes) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _text(name: str, text: str) -> Maker:
    return _bytes(name, text.encode("utf-8"))


def _csv(kind: str, encoding: str = "utf-8", *, accent: bool = True) -> Maker:
    return lambda folder: write_csv_kind(
        folder, CSV_KINDS[kind](), encoding=encoding, accent=accent
    )


def _renamed_xlsx(name: str) -> Maker:
    return lambda folder: _bytes(name, xlsx_bytes(folder))(folder)


def _json_rows(kind: str, name: str, nested_value_depth: int) -> Maker:
    """The kind's rows as a JSON list, one value nested ``nested_value_depth`` levels."""

    def make(folder: Path) -> Path:
        spec = CSV_KINDS[kind]()
        rows: list[dict[str, object]] = [dict(r) for r in spec.rows]
        value: object = []
        for _ in range(nested_value_depth):
            value = [value]
        rows[0][spec.text_column] = value
        path = folder / name
        path.write_text(json.dumps(rows), encoding="utf-8")
        return path

    return make


def _victims_geojson_nan(folder: Path) -> Path:
    """Victims as GeoJSON points; the second point's longitude is NaN."""
    spec = CSV_KINDS["victims"]()
    features = []
    for i, row in enumerate(spec.rows[:1] + spec.rows[3:]):
        props = {k: v for k, v in row.items() if k not in ("latitude", "longitude")}
        props["cpd_id"] = f"{props['cpd_id']}-{i}"
        lon = float("nan") if i == 1 else float(row["longitude"])
        geometry = {"type": "Point", "coordinates": [lon, float(row["latitude"])]}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    path = folder / "victims.geojson"
    path.write_text(geojson_text(features), encoding="utf-8")
    return path


def _wards(name: str, features: list[dict[str, object]], encoding: str = "utf-8") -> Maker:
    return _bytes(name, geojson_text(features).encode(encoding))


OPEN_RING = SQUARE[:-1]
NAN_RING = [[-87.70, 41.80], [float("nan"), 41.80], [-87.69, 41.81], [-87.70, 41.80]]
WARD_ACCENT = ward_feature(1, SQUARE, ward_label="Ward Ñuñez")
WARDS_CSV = (
    "ward,ward_label,WKT\n"
    '1,Ward Ñuñez,"POLYGON((-87.7 41.8,-87.69 41.8,-87.69 41.81,-87.7 41.8))"\n'
)
ZIP = "ZIP archive"
DEEP = "levels deep"
NOT_XLSX = "not an Excel workbook"
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
CRDC_YEAR = "CRDC_2017-18_"

CASES: list[Case] = []
for kind in ("victims", "crimes", "schools", "calendar", "streets", "officers", "crdc"):
    spec = CSV_KINDS[kind]()
    args = tuple(spec.args)
    prefix = CRDC_YEAR if kind == "crdc" else ""
    CASES += [
        # Windows-1252 (Latin-1) text is read, and noted
        Case(f"{kind}-latin1", args, _csv(kind, "cp1252"), "cp1252", 0, spec.rejected),
        # UTF-16 with a byte-order mark (Excel's "Unicode text"), and without one
        Case(f"{kind}-utf16", args, _csv(kind, "utf-16"), f"Read {len(spec.rows)} rows", 0),
        Case(f"{kind}-utf16le-no-bom", args, _csv(kind, "utf-16-le"), "read as utf-16-le", 0),
        # an .xlsx workbook renamed .csv
        Case(f"{kind}-xlsx-as-csv", args, _renamed_xlsx(f"{prefix}book.csv"), ZIP),
        # a JSON file nested 100,000 levels, and a row whose value is nested 40 levels
        Case(f"{kind}-deep-json", args, _text(f"{prefix}deep.json", deep_json()), DEEP),
        Case(f"{kind}-deep-value", args, _json_rows(kind, f"{prefix}rows.json", 40), DEEP),
    ]
CASES += [
    Case("victims-xls-as-csv", ("victims",), _bytes("old.csv", XLS), "old Excel (.xls)"),
    Case("victims-json-scalar", ("victims",), _text("v.json", "42"), "not a list of rows"),
    Case(
        "victims-geojson-features-not-a-list",
        ("victims",),
        _text("v.geojson", '{"type": "FeatureCollection", "features": 7}'),
        "features are not a list",
    ),
    Case("victims-geojson-nan-point", ("victims",), _victims_geojson_nan, "NaN", 0, 1),
    Case("victims-dated-2099", ("victims",), _csv("victims"), "in the future", 0, 2),
    Case(
        "crimes-dated-2099",
        ("crimes",),
        lambda folder: _text(
            "crimes.csv",
            csv_text(
                CSV_KINDS["crimes"]().header,
                [
                    dict(r, Date="01/31/2099 02:05:00 PM") if i == 0 else r
                    for i, r in enumerate(CSV_KINDS["crimes"]().rows)
                ],
            ),
        )(folder),
        "in the future",
        0,
        2,
    ),
    # boundaries: GDAL reads them, so what GDAL cannot read is refused first, by name
    Case(
        "boundaries-latin1",
        ("boundaries",),
        _wards("w.geojson", [WARD_ACCENT], "cp1252"),
        "cp1252",
        0,
    ),
    Case(
        "boundaries-latin1-csv",
        ("boundaries",),
        _bytes("w.csv", WARDS_CSV.encode("cp1252")),
        "cp1252",
        0,
    ),
    Case(
        "boundaries-utf16",
        ("boundaries",),
        _wards("w.geojson", [WARD_ACCENT], "utf-16"),
        "UTF-16 text; save it as UTF-8",
    ),
    Case(
        "boundaries-utf16-csv",
        ("boundaries",),
        _bytes("w.csv", WARDS_CSV.encode("utf-16")),
        "UTF-16 text",
    ),
    Case("boundaries-xlsx-as-csv", ("boundaries",), _renamed_xlsx("w.csv"), ZIP),
    Case("boundaries-xlsx-as-geojson", ("boundaries",), _renamed_xlsx("w.geojson"), ZIP),
    Case("boundaries-deep-json", ("boundaries",), _text("w.geojson", deep_json()), DEEP),
    Case(
        "boundaries-open-ring",
        ("boundaries",),
        _wards("w.geojson", [ward_feature(1, OPEN_RING)]),
        "open rings",
        0,
    ),
    Case(
        "boundaries-nan-only",
        ("boundaries",),
        _wards("w.geojson", [ward_feature(1, NAN_RING)]),
        "feature 1: a coordinate is not a number",
    ),
    Case(
        "boundaries-nan-second",
        ("boundaries",),
        _wards("w.geojson", [ward_feature(1, SQUARE), ward_feature(2, NAN_RING)]),
        "1 accepted, 1 rejected",
        0,
        1,
    ),
]
for kind, (args, _make) in WORKBOOKS.items():
    CASES += [
        Case(
            f"{kind}-csv-latin1",
            tuple(args),
            _bytes("report.csv", "a,b\nÑ,1\n".encode("cp1252")),
            NOT_XLSX,
        ),
        Case(
            f"{kind}-utf16",
            tuple(args),
            _bytes("report.csv", "a,b\nÑ,1\n".encode("utf-16")),
            NOT_XLSX,
        ),
        Case(f"{kind}-deep-json", tuple(args), _text("report.json", deep_json()), NOT_XLSX),
        Case(f"{kind}-other-workbook", tuple(args), _renamed_xlsx("report.xlsx"), "not"),
    ]


def test_the_corpus_covers_every_ingest_kind() -> None:
    assert len(CASES) >= 40
    commands = {c.args[0] if c.args[0] != "discipline" else c.args[1] for c in CASES}
    assert commands == {
        "victims",
        "crimes",
        "schools",
        "calendar",
        "streets",
        "officers",
        "boundaries",
        "crdc",
        "cps-misconduct",
        "cps-demographics",
        "isbe-eoy",
    }


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_file_gets_its_sentence_never_unexpected(tmp_path: Path, case: Case) -> None:
    path = case.make(tmp_path)
    db = f"sqlite:///{tmp_path / 'corpus.db'}"
    result = CliRunner().invoke(cli, ["--database-url", db, "ingest", *case.args, str(path)])
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Unexpected error" not in output
    assert result.exit_code == case.exit_code, output
    assert case.expect in output, output
    if case.exit_code == 2:
        assert output.startswith("Error: ") and len(output.strip().splitlines()) == 1, output
    else:
        assert f"{case.rejected} rejected" in output or case.rejected == 0, output


def test_future_dates_use_the_injected_clock(
    sqlite_only_store: Store, settings: Settings, tmp_path: Path
) -> None:
    """Three rows (two of 2026-03-09, one of 2099) are in the future for a clock pinned to
    2026-03-08 in Chicago; the fourth is not a date."""
    spec = CSV_KINDS["victims"]()
    path = write_csv_kind(tmp_path, spec)
    report = services.ingest_file(
        sqlite_only_store, "victims", path, settings=settings, now=lambda: datetime(2026, 3, 8, 23)
    )
    assert report.record is not None
    reasons = [r.reason for r in sqlite_only_store.rejected_rows(report.record.id)]
    assert report.record.accepted == 0
    assert sum("in the future (after today, 2026-03-08)" in r for r in reasons) == 3
    assert len(reasons) == 4


def test_an_event_later_today_is_accepted(
    sqlite_only_store: Store, settings: Settings, tmp_path: Path
) -> None:
    spec = CSV_KINDS["victims"]()
    path = write_csv_kind(tmp_path, spec)
    report = services.ingest_file(
        sqlite_only_store,
        "victims",
        path,
        settings=settings,
        now=lambda: datetime(2026, 3, 9, 0, 1),
    )
    assert report.record is not None and report.record.accepted == len(spec.rows) - 2


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert json_depth('[{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]') == 2
    assert json_depth(deep_json(MAX_JSON_DEPTH + 1)) == MAX_JSON_DEPTH + 1
