"""An exposure result as tables for analysts: per school, per victim and per school-victim pair,
as pandas and GeoPandas frames, on a tiny city whose answers can be checked by eye.

Alpha (1) at A; Bravo (2) 250 m east of A; Delta (3) far away. Victims:
- k1a and k1b, one shooting (case K1), 100 m north of A: 100 m from Alpha, about 269 m from
  Bravo;
- mid, fatal, 125 m east of A: 125 m from Alpha and from Bravo;
- far, 50 m from Delta, aged 20-29;
- nowhere, without a location.
Within 300 m: k1a, k1b and mid near Alpha and Bravo, far near Delta: 4 victims, 7 pairs.
"""

from __future__ import annotations

import sys
from datetime import date, datetime

import pandas as pd
import pytest

from safeschools import services
from safeschools.model import School
from safeschools.proximity.definition import Definition
from safeschools.services.exposure_tables import COUNTED_VICTIM_COLUMNS, counted_victims
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.tables import optional_import
from safeschools.testing import load_records, point_at, victim

A = (41.80, -87.70)
B = point_at(*A, distance_m=250, azimuth_deg=90)
D = (41.90, -87.65)
NORTH_100 = point_at(*A, distance_m=100, azimuth_deg=0)
EAST_125 = point_at(*A, distance_m=125, azimuth_deg=90)
NEAR_D = point_at(*D, distance_m=50)


def _load(store: Store, settings: Settings) -> None:
    schools = [
        School("1", "2024-25", "Alpha", lat=A[0], lon=A[1], grade_category="ES"),
        School("2", "2024-25", "Bravo", lat=B[0], lon=B[1], grade_category="HS"),
        School("3", "2024-25", "Delta", lat=D[0], lon=D[1], grade_category="HS"),
    ]
    when = datetime(2024, 1, 31, 9)
    victims = [
        victim("k1a", *NORTH_100, when, case_number="K1"),
        victim("k1b", *NORTH_100, when, case_number="K1"),
        victim("mid", *EAST_125, datetime(2024, 2, 1, 12), fatal=True),
        victim("far", *NEAR_D, datetime(2023, 6, 15, 22), age_band="20-29"),
        victim("nowhere", None, None, datetime(2024, 2, 1, 12)),
    ]
    load_records(store, settings, schools=schools, victims=victims)


@pytest.fixture
def result(sqlite_only_store: Store, settings: Settings):  # type: ignore[no-untyped-def]
    _load(sqlite_only_store, settings)
    return services.exposure.exposure(
        sqlite_only_store, Definition(radius_m=300), settings=settings
    )


def test_schools_frame_is_the_school_table(result) -> None:  # type: ignore[no-untyped-def]
    frame = result.to_pandas()
    columns, rows = result.school_table()
    assert list(frame.columns) == columns
    assert frame.set_index("school_id")["victims"].to_dict() == {"1": 3, "2": 3, "3": 1}
    assert frame.set_index("school_id")["fatal"].to_dict() == {"1": 1, "2": 1, "3": 0}
    assert len(frame) == len(rows) == 3
    assert frame.attrs["definition"]["radius"] == "300 m"
    assert frame.attrs["answerable"] is True


def test_victims_frame_has_one_row_per_victim_counted(result) -> None:  # type: ignore[no-untyped-def]
    frame = result.to_pandas("victims")
    assert len(frame) == result.victims == 4
    assert frame["case_number"].tolist() == ["Cfar", "K1", "K1", "Cmid"]  # by time
    assert pd.api.types.is_datetime64_any_dtype(frame["occurred_at"])
    mid = frame[frame["case_number"] == "Cmid"].iloc[0]
    assert mid["schools_near"] == 2 and bool(mid["fatal"])
    assert mid["school_ids"] == ["1", "2"] and mid["distances_m"] == [125.0, 125.0]
    k1 = frame[frame["case_number"] == "K1"].iloc[0]
    assert k1["nearest_school_id"] == "1" and k1["nearest_distance_m"] == 100.0
    assert 268 < k1["distances_m"][1] < 271
    assert not [c for c in frame.columns if "name" in c]


def test_pairs_frame_adds_up_to_each_school(result) -> None:  # type: ignore[no-untyped-def]
    pairs = result.to_pandas("pairs")
    assert len(pairs) == 7
    assert pairs.groupby("school_id").size().to_dict() == {"1": 3, "2": 3, "3": 1}
    assert (pairs["distance_m"] <= 300).all()
    assert pairs["school_name"].tolist().count("Bravo") == 3


def test_geopandas_frames_are_points_in_lat_lon(result) -> None:  # type: ignore[no-untyped-def]
    schools = result.to_geopandas()
    assert schools.crs.to_epsg() == 4326
    alpha = schools[schools["school_id"] == "1"].geometry.iloc[0]
    assert (alpha.x, alpha.y) == (A[1], A[0])
    victims = result.to_geopandas("victims")
    far = victims[victims["case_number"] == "Cfar"].geometry.iloc[0]
    assert (far.y, far.x) == pytest.approx(NEAR_D)
    assert victims.attrs["definition"]["radius"] == "300 m"


def test_unanswerable_result_has_no_counts_and_no_victims(
    sqlite_only_store: Store, settings: Settings
) -> None:
    _load(sqlite_only_store, settings)
    d = Definition(radius_m=300, since=date(2030, 1, 1), until=date(2030, 12, 31))
    result = services.exposure.exposure(sqlite_only_store, d, settings=settings)
    schools = result.to_pandas()
    assert len(schools) == 3 and schools["victims"].isna().all()  # absent, never 0
    victims = result.to_pandas("victims")
    assert victims.empty and list(victims.columns) == result.victim_table()[0]
    assert victims.attrs["answerable"] is False and victims.attrs["reasons"]
    assert result.to_geopandas("pairs").empty


def test_unknown_table_is_refused(result) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="schools, victims, pairs"):
        result.to_pandas("incidents")


def test_missing_optional_library_names_the_extra(result, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "geopandas", None)
    with pytest.raises(ImportError, match=r"pip install 'safeschools\[analysis\]'"):
        result.to_geopandas()
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match="Parquet files need pyarrow"):
        optional_import("pyarrow")


def test_counted_victims_adds_the_store_columns(store: Store, settings: Settings) -> None:
    _load(store, settings)
    result = services.exposure.exposure(store, Definition(radius_m=300), settings=settings)
    table = counted_victims(store, result)
    assert table.columns == list(COUNTED_VICTIM_COLUMNS)
    assert [r["source_row_id"] for r in table.rows] == ["far", "k1a", "k1b", "mid"]
    assert {r["age_band"] for r in table.rows} == {"0-19", "20-29"}
    assert table.rows[0]["location_precision"] == "block"
    assert table.meta["definition"]["radius"] == "300 m"
