"""The generic importer: any city's CSV or GeoJSON with a TOML column mapping.

tests/data/generic/oakland_shootings.csv is made up (8 rows): 4 good, one date in another
format, one "maybe" in the fatal column, one point in Chicago (outside the Oakland box) and one
duplicate id. docs/mappings/example-victims.toml is the mapping users copy.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import SourceError, SourceSchemaError
from safeschools.ingest.generic import load_mapping, records_from_mapping
from safeschools.model import School, Victimization
from safeschools.settings import Settings
from safeschools.storage import Store

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "tests" / "data" / "generic"
EXAMPLE = ROOT / "docs" / "mappings" / "example-victims.toml"
VICTIMS = DATA / "oakland_shootings.csv"
OAKLAND_BBOX = (-122.36, 37.70, -122.11, 37.89)


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text)
    return path


def test_example_mapping_reads_the_victims_file() -> None:
    result = records_from_mapping(VICTIMS, EXAMPLE, bbox=OAKLAND_BBOX)
    assert result.source == "oakland-shootings"
    assert result.format == "oakland-shootings: CSV with mapping example-victims.toml"
    assert (result.rows_read, len(result.records), len(result.rejects)) == (8, 4, 4)
    records = {r.source_row_id: r for r in result.records}
    assert all(isinstance(r, Victimization) for r in result.records)
    first = records["OPD-1"]
    assert first.occurred_at == datetime(2024, 1, 5, 15, 10)
    assert (first.lat, first.lon) == (37.8044, -122.2712)
    assert first.fatal is False
    assert first.age_band == "0-19"  # an exact age 17 becomes its band
    assert first.gunshot_injury is True  # from [constants]
    assert first.location_precision == "block"
    assert first.case_number == "24-000101"
    assert first.source == "oakland-shootings"
    assert records["OPD-2"].fatal is True
    assert records["OPD-2"].age_band == "20-29"
    assert records["OPD-3"].age_band == "UNKNOWN"
    assert records["OPD-7"].location_precision == "missing"
    reasons = {r.line: r.reason for r in result.rejects}
    assert "does not match the format '%Y-%m-%d %H:%M'" in reasons[5]
    assert "add a [values.fatal] map" in reasons[6]
    assert "outside the district's area" in reasons[7]
    assert reasons[9] == "duplicate id OPD-1 (first seen on line 2)"


def test_geojson_points_give_lat_lon() -> None:
    result = records_from_mapping(
        DATA / "oakland_shootings.geojson", DATA / "geojson-victims.toml", bbox=OAKLAND_BBOX
    )
    assert "GeoJSON" in result.format
    records = {r.source_row_id: r for r in result.records}
    assert (records["OPD-1"].lat, records["OPD-1"].lon) == (37.8044, -122.2712)
    assert records["OPD-2"].fatal is True
    assert records["OPD-7"].lat is None
    assert records["OPD-7"].location_precision == "missing"


def test_schools_with_a_year_column() -> None:
    result = records_from_mapping(
        DATA / "district_schools.csv", DATA / "schools.toml", bbox=OAKLAND_BBOX, kind="schools"
    )
    schools = {s.school_id: s for s in result.records}
    assert all(isinstance(s, School) for s in result.records)
    assert set(schools) == {"OUSD-101", "OUSD-102", "OUSD-105"}
    assert schools["OUSD-101"].school_year == "2024-25"
    assert schools["OUSD-101"].enrollment == 1650
    assert schools["OUSD-102"].governance == "charter"
    assert schools["OUSD-105"].school_year == "2023-24"
    assert result.school_year is None  # two years in one file
    reasons = {r.line: r.reason for r in result.rejects}
    assert reasons == {4: "enrollment 'abc' is not a number", 5: "SchoolName is empty"}


def test_schools_with_a_constant_year() -> None:
    result = records_from_mapping(
        DATA / "district_schools.csv", DATA / "schools-constant-year.toml", bbox=OAKLAND_BBOX
    )
    assert result.school_year == "2024-25"
    assert {s.school_year for s in result.records} == {"2024-25"}
    assert len(result.records) == 4


def test_school_year_option_fills_or_must_agree(tmp_path: Path) -> None:
    mapping = _mapping(
        tmp_path,
        'kind = "schools"\nsource = "ousd"\n[columns]\nschool_id = "SchoolCode"\n'
        'name = "SchoolName"\n',
    )
    result = records_from_mapping(
        DATA / "district_schools.csv", mapping, bbox=OAKLAND_BBOX, school_year="2022-2023"
    )
    assert {s.school_year for s in result.records} == {"2022-23"}
    with pytest.raises(SourceSchemaError, match="it says school_year 2024-25, not 2022-23"):
        records_from_mapping(
            DATA / "district_schools.csv",
            DATA / "schools-constant-year.toml",
            bbox=OAKLAND_BBOX,
            school_year="2022-23",
        )


GOOD_HEAD = 'kind = "victims"\nsource = "oakland-shootings"\n'
GOOD_COLUMNS = '[columns]\nsource_row_id = "incident_id"\noccurred_at = "datetime"\n'


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            GOOD_HEAD + GOOD_COLUMNS + 'killed_flag = "killed"\n',
            r"unknown victims field 'killed_flag' under \[columns\]; use one of: source_row_id",
        ),
        (
            GOOD_HEAD + '[columns]\nsource_row_id = "incident_id"\n',
            r"no column gives occurred_at, .* add occurred_at = \"<column>\" under \[columns\]",
        ),
        (
            'kind = "schools"\nsource = "ousd"\n[columns]\nschool_id = "a"\nname = "b"\n',
            r'add school_year = "2024-25" at the top',
        ),
        (
            'kind = "crimes"\nsource = "x"\n' + GOOD_COLUMNS,
            r'set kind = "victims" or kind = "schools"',
        ),
        ('kind = "victims"\n' + GOOD_COLUMNS, r"source is None; set source = "),
        (
            'kind = "victims"\nsource = "Oakland Shootings"\n' + GOOD_COLUMNS,
            r"short lower-case name",
        ),
        (GOOD_HEAD + GOOD_COLUMNS + 'source = "agency"\n', r"it is the top-level source"),
        (GOOD_HEAD + GOOD_COLUMNS + '[formats]\nfatal = "%Y"\n', r"not a date-time field"),
        (GOOD_HEAD + GOOD_COLUMNS + '[formats]\noccurred_at = "Y-m-d"\n', r"strptime format"),
        (GOOD_HEAD + GOOD_COLUMNS + 'lat = "lat"\n', r"maps only one of lat and lon"),
        (GOOD_HEAD + "colums = 1\n" + GOOD_COLUMNS, r"unknown key\(s\) colums at the top level"),
        (
            GOOD_HEAD + 'school_year = "2024-25"\n' + GOOD_COLUMNS,
            r"school_year is only for schools",
        ),
        (GOOD_HEAD + GOOD_COLUMNS + "[values]\nfatal = 1\n", r"\[values.fatal\] must be a table"),
        (GOOD_HEAD + GOOD_COLUMNS + '[constants]\nfatal = "perhaps"\n', r"\[constants\] fatal"),
        (GOOD_HEAD + GOOD_COLUMNS + "[constants]\noccurred_at = 1\n", r"both a column and"),
    ],
)
def test_mapping_errors_name_the_fix(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(SourceSchemaError, match=match):
        records_from_mapping(VICTIMS, _mapping(tmp_path, text), bbox=OAKLAND_BBOX)


def test_mapped_column_missing_from_the_file(tmp_path: Path) -> None:
    text = GOOD_HEAD + '[columns]\nsource_row_id = "incident_id"\noccurred_at = "when"\n'
    with pytest.raises(
        SourceSchemaError, match=r"has no column 'when' \(mapped to occurred_at .*Fix \[columns\]"
    ):
        records_from_mapping(VICTIMS, _mapping(tmp_path, text), bbox=OAKLAND_BBOX)


def test_mapping_of_another_kind(tmp_path: Path) -> None:
    with pytest.raises(SourceSchemaError, match="is for victims, not schools"):
        records_from_mapping(VICTIMS, EXAMPLE, bbox=OAKLAND_BBOX, kind="schools")


def test_unreadable_mapping_files(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="is not valid TOML"):
        load_mapping(_mapping(tmp_path, "kind = victims\n"))
    with pytest.raises(SourceError, match="check the --mapping path"):
        load_mapping(tmp_path / "missing.toml")


def test_import_with_mapping_into_store(store: Store, settings: Settings) -> None:
    oakland = settings.model_copy(update={"area_bbox": OAKLAND_BBOX})
    report = services.ingest_file(store, "victims", VICTIMS, settings=oakland, mapping=EXAMPLE)
    assert report.record is not None
    assert report.record.source == "oakland-shootings"
    assert (report.record.accepted, report.record.rejected, report.record.inserted) == (4, 4, 4)
    assert len(store.victimizations(source="oakland-shootings")) == 4
    again = services.ingest_file(
        store, "victims", VICTIMS, settings=oakland, mapping=EXAMPLE, force=True
    )
    assert again.record is not None
    assert (again.record.inserted, again.record.updated, again.record.unchanged) == (0, 0, 4)

    schools = services.ingest_file(
        store,
        "schools",
        DATA / "district_schools.csv",
        settings=oakland,
        mapping=DATA / "schools-constant-year.toml",
    )
    assert schools.record is not None and schools.record.school_year == "2024-25"
    assert len(store.schools(school_year="2024-25")) == 4


def test_cli_mapping(settings: Settings) -> None:
    runner = CliRunner()
    env = {"SAFESCHOOLS_AREA_BBOX": json.dumps(list(OAKLAND_BBOX))}
    base = ["--database-url", settings.database_url, "ingest"]
    ok = runner.invoke(
        cli, [*base, "victims", str(VICTIMS), "--mapping", str(EXAMPLE), "--json"], env=env
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["accepted"] == 4

    bad = runner.invoke(
        cli,
        [*base, "schools", str(VICTIMS), "--mapping", str(DATA / "geojson-victims.toml")],
        env=env,
    )
    assert bad.exit_code == 2
    assert "is for victims, not schools" in bad.output

    missing = runner.invoke(
        cli, [*base, "victims", str(VICTIMS), "--mapping", "nope.toml", "--force"], env=env
    )
    assert missing.exit_code == 2
    assert "check the --mapping path" in missing.output
