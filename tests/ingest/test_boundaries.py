"""Boundaries: the real community areas, police districts and wards, and small hand-made files.

tests/data/boundaries/wards_state_plane.geojson is in Illinois State Plane East (EPSG:3435, US
feet): ward 1 is a 1000 ft square centred on a CPS school whose WGS84 point the publisher gives,
ward 2 is a bow tie (invalid), ward 3 is drawn as two features, one feature has no ward and one
has no geometry.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod
from shapely.geometry import MultiPolygon

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import SourceError, SourceSchemaError
from safeschools.ingest.boundaries import boundaries_from_file, detect_boundary_kind
from safeschools.settings import CHICAGO_BBOX, Settings
from safeschools.storage import Store
from safeschools.testing import real_data

DATA = Path(__file__).resolve().parent.parent / "data" / "boundaries"
COMMUNITY_AREAS = real_data(
    "chicago-boundaries", "Boundaries_-_Community_Areas_current_shapefile.zip"
)
POLICE_DISTRICTS = real_data("chicago-boundaries", "police_districts.geojson")
WARDS = real_data("chicago-boundaries", "ward_boundaries.geojson")
SCHOOL_LONLAT = (-87.74009743581296, 41.807578506885676)

REAL = [
    (COMMUNITY_AREAS, "community_area", 77, 77, [str(i) for i in range(1, 78)]),
    (
        POLICE_DISTRICTS,
        "police_district",
        25,
        23,
        [str(i) for i in [*range(1, 13), *range(14, 21), 22, 24, 25, 31]],
    ),
    (WARDS, "ward", 50, 50, [str(i) for i in range(1, 51)]),
]


@pytest.mark.parametrize(("path", "kind", "features", "count", "codes"), REAL)
def test_real_boundaries_counts_and_codes(
    path: Path, kind: str, features: int, count: int, codes: list[str]
) -> None:
    result = boundaries_from_file(path)
    assert result.rows_read == features
    assert result.rejects == []
    assert {b.kind for b in result.records} == {kind}
    assert [b.code for b in result.records] == codes
    assert len(result.records) == count
    assert "EPSG:4326" in result.format


@pytest.mark.parametrize(("path", "kind", "features", "count", "codes"), REAL)
def test_real_geometries_are_valid_lon_lat_degrees(
    path: Path, kind: str, features: int, count: int, codes: list[str]
) -> None:
    min_lon, min_lat, max_lon, max_lat = CHICAGO_BBOX
    for boundary in boundaries_from_file(path, kind=kind).records:
        geom = shapely.from_wkt(boundary.geometry_wkt)
        assert geom.is_valid, boundary.code
        assert geom.geom_type in ("Polygon", "MultiPolygon")
        left, bottom, right, top = geom.bounds
        assert min_lon <= left < right <= max_lon, boundary.code
        assert min_lat <= bottom < top <= max_lat, boundary.code


def test_community_area_names() -> None:
    names = {b.code: b.name for b in boundaries_from_file(COMMUNITY_AREAS).records}
    assert names["25"] == "AUSTIN"
    assert names["1"] == "ROGERS PARK"
    assert names["77"] == "EDGEWATER"


def test_police_district_31_is_merged_into_one_multipolygon() -> None:
    result = boundaries_from_file(POLICE_DISTRICTS)
    district = {b.code: b for b in result.records}["31"]
    geom = shapely.from_wkt(district.geometry_wkt)
    assert isinstance(geom, MultiPolygon)
    assert len(geom.geoms) == 3
    assert district.name == "District 31"
    assert (
        "police district 31 was drawn as 3 features; merged into one MultiPolygon" in result.notes
    )


def test_state_plane_file_is_reprojected_and_repaired() -> None:
    result = boundaries_from_file(DATA / "wards_state_plane.geojson")
    assert result.rows_read == 6
    assert [b.code for b in result.records] == ["1", "2", "3"]
    assert "EPSG:3435 reprojected to EPSG:4326" in result.format
    geoms = {b.code: shapely.from_wkt(b.geometry_wkt) for b in result.records}
    centre = geoms["1"].centroid
    distance = Geod(ellps="WGS84").inv(centre.x, centre.y, *SCHOOL_LONLAT)[2]
    assert distance < 1.0
    assert all(g.is_valid for g in geoms.values())
    assert geoms["2"].geom_type == "MultiPolygon"  # the bow tie's two triangles
    assert geoms["3"].geom_type == "MultiPolygon"
    assert "1 invalid geometry repaired with make_valid (codes 2)" in result.notes
    assert "ward 3 was drawn as 2 features; merged into one MultiPolygon" in result.notes


def test_features_without_code_or_geometry_are_rejected() -> None:
    result = boundaries_from_file(DATA / "wards_state_plane.geojson")
    reasons = {r.line: r.reason for r in result.rejects}
    assert reasons == {5: "ward is empty", 6: "feature has no geometry"}
    assert result.rejects[0].location == "wards_state_plane.geojson"


def test_unknown_properties_ask_for_kind() -> None:
    with pytest.raises(SourceSchemaError, match="pass --kind with one of"):
        boundaries_from_file(DATA / "unknown_properties.geojson")


def test_wrong_kind_names_the_missing_property() -> None:
    with pytest.raises(SourceSchemaError, match="has no ward property"):
        boundaries_from_file(COMMUNITY_AREAS, kind="ward")
    with pytest.raises(SourceSchemaError, match="Unknown boundary kind 'zip_code'"):
        boundaries_from_file(WARDS, kind="zip_code")


def test_unreadable_file_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "wards.geojson"
    path.write_text("this is not GeoJSON")
    with pytest.raises(SourceError, match="cannot be read as a zipped shapefile or GeoJSON"):
        boundaries_from_file(path)
    with pytest.raises(SourceError, match="does not exist"):
        boundaries_from_file(tmp_path / "missing.zip")


def test_file_with_no_usable_feature_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wards.geojson"
    feature = {"type": "Feature", "properties": {"ward": 1}, "geometry": None}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(SourceError, match="nothing was imported"):
        boundaries_from_file(path)


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        (["area_numbe", "community", "shape_area"], "community_area"),
        (["area_num_1", "COMMUNITY"], "community_area"),
        (["district", "district_label"], "police_district"),
        (["layer", "ward", "ward_label"], "ward"),
        (["area_numbe"], None),  # a number without the community name is not enough
        (["ward", "district"], None),  # ambiguous
        ([], None),
    ],
)
def test_detect_boundary_kind(fields: list[str], kind: str | None) -> None:
    assert detect_boundary_kind(fields) == kind


@pytest.mark.parametrize(("path", "kind", "count"), [(p, k, n) for p, k, _f, n, _c in REAL])
def test_importing_the_same_file_twice_changes_nothing(
    store: Store, settings: Settings, path: Path, kind: str, count: int
) -> None:
    first = services.ingest_file(store, "boundaries", path, settings=settings)
    assert first.record is not None
    assert (first.record.inserted, first.record.updated, first.record.unchanged) == (count, 0, 0)
    stored = store.boundaries(kind=kind)
    assert len(stored) == count

    skipped = services.ingest_file(store, "boundaries", path, settings=settings)
    assert skipped.skipped
    again = services.ingest_file(store, "boundaries", path, settings=settings, force=True)
    assert again.record is not None
    assert (again.record.inserted, again.record.updated, again.record.unchanged) == (0, 0, count)
    assert store.boundaries(kind=kind) == stored


def test_kinds_are_kept_apart_in_the_store(store: Store, settings: Settings) -> None:
    services.ingest_file(store, "boundaries", WARDS, settings=settings)
    services.ingest_file(store, "boundaries", POLICE_DISTRICTS, settings=settings)
    assert len(store.boundaries(kind="ward")) == 50
    assert len(store.boundaries(kind="police_district")) == 23
    assert len(store.boundaries()) == 73


def test_cli_ingest_boundaries(settings: Settings) -> None:
    runner = CliRunner()
    base = ["--database-url", settings.database_url, "ingest", "boundaries"]
    ok = runner.invoke(cli, [*base, str(WARDS), "--kind", "ward", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["accepted"] == 50

    unknown = runner.invoke(cli, [*base, str(DATA / "unknown_properties.geojson")])
    assert unknown.exit_code == 2
    assert "pass --kind" in unknown.output
