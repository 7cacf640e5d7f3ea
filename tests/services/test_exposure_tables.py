"""The victim export of a definition lists exactly the victims the definition counts, on the
demo city and on the real files (CPS SY2425 profiles and the 2024-26 victims extract, read in
place), through the API as a reporter downloads it; and a result's frames agree with it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers.demo_city import DemoCity

from safeschools import services
from safeschools.app import create_app
from safeschools.proximity.presets import PRESETS
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data, sqlite_store

PROFILES = "Chicago_Public_Schools_-_School_Profile_Information_SY2425.csv"
VICTIMS = "chicago-victims-homicides-nonfatal-shootings-2024-2026"
CUSTOM = [
    {"radius": "0.1mi", "hours": "07:00-17:00", "days": "weekdays"},
    {"radius": "250m", "since": "2025-01-01", "until": "2025-12-31", "type": "fatal"},
]


def _rows(client: TestClient, url: str, params: dict[str, str]) -> list[dict[str, str]]:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def _check_every_definition(store: Store, settings: Settings) -> dict[str, int]:
    """For every preset and a few custom definitions: as many rows as victims counted, every
    victim within the radius of each school it lists; the counts by definition."""
    counted: dict[str, int] = {}
    with TestClient(create_app(settings, store=store)) as client:
        queries = [{"preset": name} for name in PRESETS] + CUSTOM
        for query in queries:
            api = client.get("/api/exposure", params=query).json()
            rows = _rows(client, "/api/export/exposure-victims.csv", query)
            key = query.get("preset") or str(query)
            if not api["answerable"]:
                assert rows == [], key  # no answer: no rows, and the sidecar says why
                continue
            assert len(rows) == api["victims"], key
            assert len({(r["source"], r["source_row_id"]) for r in rows}) == len(rows)
            radius = api["definition"]["radius_m"]
            for row in rows:
                distances = [float(x) for x in row["distances_m"].split(";")]
                assert len(distances) == int(row["schools_near"]) >= 1
                assert max(distances) <= radius + 0.1, key
                assert distances == sorted(distances)
            per_school = {r["school_id"]: r["victims"] for r in api["per_school"]}
            listed: dict[str, int] = {}
            for row in rows:
                for school in row["school_ids"].split(";"):
                    listed[school] = listed.get(school, 0) + 1
            assert listed == per_school, key
            counted[key] = len(rows)
        everything = _rows(client, "/api/export/victimizations.csv", {})
    assert all(n <= len(everything) for n in counted.values())
    return counted


def test_victim_export_counts_exactly_on_the_demo_city(demo_city: DemoCity) -> None:
    counted = _check_every_definition(demo_city.store, demo_city.settings)
    assert counted["abc7-2024"] == 11
    assert set(counted) >= set(PRESETS)  # the demo answers every preset
    result = services.exposure.exposure(demo_city.store, "abc7-2024", settings=demo_city.settings)
    frame = result.to_pandas("victims")
    assert len(frame) == result.victims == 11


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Settings]]:
    folder: Path = tmp_path_factory.mktemp("real-exports")
    settings = Settings(database_url=f"sqlite:///{folder / 'real.db'}", data_dir=folder / "data")
    store = sqlite_store(folder / "real.db")
    services.ingest_file(
        store, "schools", real_data("cps-school-profiles", PROFILES), settings=settings
    )
    for path in sorted(real_data(VICTIMS).glob("*.csv")):
        services.ingest_file(store, "victims", path, settings=settings)
    yield store, settings
    store.dispose()


def test_victim_export_counts_exactly_on_the_real_files(real_store: tuple[Store, Settings]) -> None:
    store, settings = real_store
    counted = _check_every_definition(store, settings)
    # the extract has no age bands: the presets that count children cannot be answered
    assert {"trace-500yd", "quarter-mile", "clearmap-half-mile"} <= set(counted)
    assert "abc7-2024" not in counted
    assert 0 < counted["quarter-mile"] < counted["trace-500yd"] < counted["clearmap-half-mile"]
    assert counted["quarter-mile"] < len(store.victimizations())


def test_frames_agree_with_the_export_on_the_real_files(
    real_store: tuple[Store, Settings],
) -> None:
    store, settings = real_store
    result = services.exposure.exposure(store, "quarter-mile", settings=settings)
    victims = result.to_pandas("victims")
    pairs = result.to_pandas("pairs")
    schools = result.to_pandas()
    assert len(victims) == result.victims
    assert len(pairs) == int(schools["victims"].sum()) == int(victims["schools_near"].sum())
    geo = result.to_geopandas("victims")
    assert geo.crs.to_epsg() == 4326 and geo.geometry.notna().all()
    assert geo.total_bounds[0] > -88.0 and geo.total_bounds[2] < -87.5  # Chicago
