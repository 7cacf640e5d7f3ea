"""City of Chicago Crimes - 2001 to present: selection, rejection, projection, store and CLI.

tests/data/chicago_crimes/ holds the same 14 hand-made rows in the portal's CSV layout and in the
SODA API's JSON layout: 4 shootings (041A/041B; one with a bad date, one with X/Y only),
6 homicides (two victims of one murder; one with swapped lat/lon; one with no location) and
4 other crimes (domestic battery, theft, criminal damage, aggravated assault with a handgun).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyproj import Geod

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import ConfigError, SourceSchemaError
from safeschools.ingest.chicago_crimes import (
    HOMICIDE_IUCR,
    SHOOTING_IUCR,
    crimes_from_file,
    parse_selection,
)
from safeschools.ingest.cps_schools import state_plane_to_lonlat
from safeschools.settings import CHICAGO_BBOX, Settings
from safeschools.storage import Store

DATA = Path(__file__).resolve().parent.parent / "data" / "chicago_crimes"
CSV = DATA / "crimes_portal.csv"
JSON = DATA / "crimes_api.json"
GEOD = Geod(ellps="WGS84")

#: A CPS school in the SY2018-19 locations file, published with both State Plane X/Y (feet,
#: EPSG:3435) and a WGS84 point: the publisher's own answer for the projection.
SCHOOL_XY = (1145984.28397, 1873030.20443)
SCHOOL_LONLAT = (-87.74009743581296, 41.807578506885676)


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def test_code_sets_are_documented_constants() -> None:
    assert frozenset({"0110", "0130", "0141", "0142"}) == HOMICIDE_IUCR
    assert frozenset({"041A", "041B"}) == SHOOTING_IUCR


@pytest.mark.parametrize("path", [CSV, JSON], ids=["portal-csv", "api-json"])
@pytest.mark.parametrize(
    ("select", "accepted", "rejected", "left_out"),
    [
        (("shootings", "homicides"), 8, 2, 4),
        ("shootings,homicides", 8, 2, 4),
        ("shootings", 3, 1, 10),
        ("homicides", 5, 1, 8),
        ("all", 12, 2, 0),
        (["all", "shootings"], 12, 2, 0),
    ],
)
def test_selection_counts(
    path: Path, select: str | tuple[str, ...], accepted: int, rejected: int, left_out: int
) -> None:
    result = crimes_from_file(path, bbox=CHICAGO_BBOX, select=select)
    assert result.rows_read == 14
    assert (len(result.records), len(result.rejects)) == (accepted, rejected)
    assert accepted + rejected + left_out == 14
    left_notes = [n for n in result.notes if "other crime types" in n]
    if left_out:
        assert left_notes == [f"{left_out} rows of other crime types left out"]
    else:
        assert left_notes == []
    assert {r.source for r in result.records} == {"chicago-crimes"}


def test_rejected_rows_say_why() -> None:
    result = crimes_from_file(CSV, bbox=CHICAGO_BBOX)
    reasons = {r.line: r.reason for r in result.rejects}
    assert set(reasons) == {8, 9}  # file lines (header is line 1)
    assert "02/30/2024 03:15:00 PM" in reasons[8] and "is not a date" in reasons[8]
    assert "look swapped" in reasons[9]
    assert {r.raw["ID"] for r in result.rejects} == {"13400007", "13400008"}


def test_flags_and_fields() -> None:
    records = {r.source_row_id: r for r in crimes_from_file(CSV, bbox=CHICAGO_BBOX).records}
    handgun, other_gun = records["13400001"], records["13400004"]
    assert (handgun.gunshot_injury, handgun.fatal, handgun.iucr) == (True, False, "041A")
    assert (other_gun.gunshot_injury, other_gun.fatal, other_gun.iucr) == (True, False, "041B")
    for row_id in ("13400002", "13400003", "13400010", "13400011", "13400014"):
        assert records[row_id].fatal is True
        assert records[row_id].gunshot_injury is None
    # Murders are one row per victim: two victims share the case number.
    assert records["13400002"].case_number == records["13400003"].case_number == "JH100002"
    assert handgun.occurred_at == datetime(2024, 1, 31, 14, 5)
    assert handgun.source_updated_at == datetime(2024, 2, 7, 15, 41, 25)
    assert handgun.victimization_type == "BATTERY"
    assert handgun.community_area == "69"
    assert handgun.district == "003"
    assert handgun.block == "069XX S STATE ST"
    assert handgun.location_precision == "block"
    assert records["13400014"].location_precision == "missing"
    assert records["13400014"].lat is None


def test_csv_and_json_layouts_give_the_same_records() -> None:
    from_csv = crimes_from_file(CSV, bbox=CHICAGO_BBOX, select="all")
    from_json = crimes_from_file(JSON, bbox=CHICAGO_BBOX, select="all")
    assert from_csv.records == from_json.records
    assert "portal CSV export" in from_csv.format
    assert "SODA API JSON" in from_json.format
    assert from_csv.vintage == from_json.vintage == "2024-03-17T15:40:58"


def test_state_plane_projection_within_one_metre_of_known_points() -> None:
    # The projection's false origin (300 000 m east at 36°40'N, 88°20'W) is exact by definition.
    assert _distance_m(state_plane_to_lonlat(984250.0, 0.0), (-88 - 1 / 3, 36 + 2 / 3)) < 1.0
    assert _distance_m(state_plane_to_lonlat(*SCHOOL_XY), SCHOOL_LONLAT) < 1.0


def test_row_with_only_x_y_is_projected() -> None:
    result = crimes_from_file(CSV, bbox=CHICAGO_BBOX)
    row = next(r for r in result.records if r.source_row_id == "13400009")
    assert row.lat is not None and row.lon is not None
    assert _distance_m((row.lon, row.lat), SCHOOL_LONLAT) < 1.0
    assert row.location_precision == "block"
    assert "1 row(s) located from State Plane X/Y (no Latitude/Longitude)" in result.notes


def test_iucr_without_leading_zero_is_read(tmp_path: Path) -> None:
    text = CSV.read_text().replace(",0110,HOMICIDE", ",110,HOMICIDE")
    path = tmp_path / "crimes.csv"
    path.write_text(text)
    result = crimes_from_file(path, bbox=CHICAGO_BBOX, select="homicides")
    assert len(result.records) == 5
    assert {r.iucr for r in result.records} == {"0110", "0130", "0141", "0142"}


def test_unselected_bad_rows_are_left_out_not_rejected(tmp_path: Path) -> None:
    text = CSV.read_text().replace("02/12/2024 04:30:00 PM", "not a date")  # the theft row
    path = tmp_path / "crimes.csv"
    path.write_text(text)
    result = crimes_from_file(path, bbox=CHICAGO_BBOX)
    assert len(result.rejects) == 2
    assert "4 rows of other crime types left out" in result.notes


@pytest.mark.parametrize("select", ["", "shootings,robberies", ["murders"]])
def test_unknown_selection_is_a_config_error(select: str | list[str]) -> None:
    with pytest.raises(ConfigError, match="use --select with shootings, homicides"):
        parse_selection(select)


def test_a_file_without_crime_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "not_crimes.csv"
    path.write_text("ID,Date,Block\n1,01/31/2024 02:05:00 PM,001XX N STATE ST\n")
    with pytest.raises(SourceSchemaError, match="lacks the column"):
        crimes_from_file(path, bbox=CHICAGO_BBOX)


def test_import_into_store_then_again_changes_nothing(store: Store, settings: Settings) -> None:
    first = services.ingest_file(store, "crimes", CSV, settings=settings)
    assert first.record is not None
    rec = first.record
    assert (rec.rows_read, rec.accepted, rec.rejected, rec.inserted) == (14, 8, 2, 8)
    assert rec.kind == "crimes" and rec.source == "chicago-crimes"
    assert "4 rows of other crime types left out" in (rec.note or "")
    rows = store.victimizations(source="chicago-crimes")
    assert len(rows) == 8
    assert sum(r.fatal for r in rows) == 5
    assert [r.line for r in store.rejected_rows(rec.id)] == [8, 9]

    skipped = services.ingest_file(store, "crimes", CSV, settings=settings)
    assert skipped.skipped
    again = services.ingest_file(store, "crimes", JSON, settings=settings)
    assert again.record is not None
    assert (again.record.inserted, again.record.updated, again.record.unchanged) == (0, 0, 8)


def test_cli_ingest_crimes(settings: Settings) -> None:
    runner = CliRunner()
    base = ["--database-url", settings.database_url, "ingest", "crimes"]
    result = runner.invoke(cli, [*base, str(CSV), "--select", "homicides", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["accepted"], summary["rejected"]) == (5, 1)
    assert "8 rows of other crime types left out" in summary["notes"]

    bad = runner.invoke(cli, [*base, str(JSON), "--select", "robberies"])
    assert bad.exit_code == 2
    assert "use --select with shootings, homicides" in bad.output


def test_another_selection_of_the_same_file_is_not_a_duplicate(
    store: Store, settings: Settings
) -> None:
    path = DATA / "crimes_portal.csv"
    first = services.ingest_file(store, "crimes", path, settings=settings)
    again = services.ingest_file(store, "crimes", path, settings=settings)
    assert first.record is not None and again.skipped
    wider = services.ingest_file(store, "crimes", path, settings=settings, select="all")
    assert wider.record is not None and not wider.skipped
    assert wider.record.accepted > first.record.accepted
