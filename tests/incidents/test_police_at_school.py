"""Police-reported incidents at schools: the crimes matcher on a crimes file in the portal's
layout (written here), the monthly counts, small-count suppression, the CLI and the API.

Schools (school year 2023-24): Alpha and Beta 830 m apart, Gamma and Delta 22 m apart.
Crimes: two at Alpha (33 m and 111 m), one at Beta, one between Gamma and Delta (ambiguous),
one 3 km from every school, one without a location, one on the street next to Alpha.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from safeschools import services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.metrics.suppression import derivable_cells
from safeschools.services import police_at_school as service
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import sqlite_store

HEADER = (  # noqa: SIM905
    "ID,Case Number,Date,Block,IUCR,Primary Type,Description,Location Description,Arrest,"
    "Domestic,Beat,District,Ward,Community Area,FBI Code,X Coordinate,Y Coordinate,Year,"
    "Updated On,Latitude,Longitude,Location"
).split(",")

SCHOOLS = [
    ("100001", "ALPHA", 41.8000, -87.7000),
    ("100002", "BETA", 41.8000, -87.6900),
    ("100003", "GAMMA", 41.8200, -87.7000),
    ("100004", "DELTA", 41.8202, -87.7000),
]

#: (id, date, iucr, primary type, location description, lat, lon)
CRIMES = [
    ("1", "01/10/2024 10:05:00 AM", "0460", "BATTERY", "SCHOOL, PUBLIC, BUILDING", 41.8003, -87.70),
    ("2", "01/15/2024 01:30:00 PM", "0560", "ASSAULT", "SCHOOL - PUBLIC GROUNDS", 41.8010, -87.70),
    (
        "3",
        "02/01/2024 09:00:00 AM",
        "143A",
        "WEAPONS VIOLATION",
        "SCHOOL, PRIVATE, GROUNDS",
        41.8001,
        -87.6900,
    ),
    (
        "4",
        "02/02/2024 11:00:00 AM",
        "0460",
        "BATTERY",
        "SCHOOL, PUBLIC, BUILDING",
        41.82005,
        -87.70,
    ),
    ("5", "02/03/2024 11:00:00 AM", "0486", "BATTERY", "SCHOOL, PUBLIC, GROUNDS", 41.8500, -87.70),
    ("6", "02/04/2024 12:00:00 PM", "0820", "THEFT", "SCHOOL, PRIVATE, BUILDING", None, None),
    ("7", "01/20/2024 03:00:00 PM", "0820", "THEFT", "STREET", 41.8003, -87.70),
]


def _schools_file(folder: Path) -> Path:
    path = folder / "School_Locations_SY2324.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["School_ID", "Short_Name", "Address", "Grade_Cat", "Lat", "Long"])
        for sid, name, lat, lon in SCHOOLS:
            w.writerow([sid, name, "1 W MAIN ST", "HS", lat, lon])
    return path


def _crimes_file(folder: Path, extra: list[tuple] | None = None) -> Path:  # type: ignore[type-arg]
    path = folder / "crimes.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, HEADER)
        w.writeheader()
        for cid, when, iucr, primary, place, lat, lon in [*CRIMES, *(extra or [])]:
            w.writerow(
                {
                    **dict.fromkeys(HEADER, ""),
                    "ID": cid,
                    "Case Number": f"JH{int(cid):06d}",
                    "Date": when,
                    "Block": "0000X W MAIN ST",
                    "IUCR": iucr,
                    "Primary Type": primary,
                    "Location Description": place,
                    "Arrest": "false",
                    "Domestic": "false",
                    "Year": when[6:10],
                    "Latitude": "" if lat is None else lat,
                    "Longitude": "" if lon is None else lon,
                }
            )
    return path


def _load(store: Store, settings: Settings, folder: Path, extra: list[tuple] | None = None) -> None:  # type: ignore[type-arg]
    services.ingest_file(store, "schools", _schools_file(folder), settings=settings)
    services.ingest_file(store, "crimes", _crimes_file(folder, extra), settings=settings,
                         select="all")  # fmt: skip


@pytest.fixture
def city(tmp_path: Path) -> Iterator[tuple[Store, Settings]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}", data_dir=tmp_path / "d")
    store = sqlite_store(tmp_path / "c.db")
    _load(store, settings, tmp_path)
    yield store, settings
    store.dispose()


def test_every_crime_is_matched_or_explained(city: tuple[Store, Settings]) -> None:
    store, settings = city
    rows = {r["crime_id"]: r for r in service.explained(store, settings=settings)}
    assert {k: (r["status"], r["school_id"], r["distance_m"]) for k, r in rows.items()} == {
        "1": ("matched", "100001", 33),
        "2": ("matched", "100001", 111),
        "3": ("matched", "100002", 11),
        "4": ("ambiguous", "100003", 6),
        "5": ("no school near", "100004", 3310),
        "6": ("no location", None, None),
        "7": ("not at a school", None, None),
    }
    assert rows["1"]["explanation"] == "matched to ALPHA (100001) at 33 m"
    assert rows["2"]["explanation"] == "matched to ALPHA (100001) at 111 m"
    assert rows["4"]["explanation"] == (
        "ambiguous between GAMMA (100003) (6 m) and DELTA (100004) (17 m)"
    )
    assert rows["4"]["other_school_id"] == "100004"
    assert rows["5"]["explanation"] == ("no school within 150 m (nearest DELTA (100004) at 3310 m)")
    assert rows["6"]["explanation"] == "no location: the police gave no point for this crime"
    assert rows["7"]["explanation"] == "not at a school: the place is STREET"
    assert {r["category"] for r in rows.values()} == {"battery", "assault", "weapons violation",
                                                      "other"}  # fmt: skip
    assert all(r["schools_year"] == "2023-24" for r in rows.values())


def test_distances_are_settings(city: tuple[Store, Settings]) -> None:
    store, settings = city
    narrow = settings.model_copy(update={"at_school_max_m": 100.0, "at_school_ambiguous_m": 5.0})
    rows = {r["crime_id"]: r for r in service.explained(store, settings=narrow)}
    assert rows["2"]["status"] == "no school near"
    assert rows["2"]["explanation"] == "no school within 100 m (nearest ALPHA (100001) at 111 m)"
    assert rows["4"]["status"] == "matched"  # 11 m between them is more than 5 m


def test_monthly_counts_with_small_ones_hidden(city: tuple[Store, Settings]) -> None:
    store, settings = city
    shown = settings.model_copy(update={"min_cell_size": 1})
    data = service.district_police_at_school(store, settings=shown)
    flat = {
        (r["school_id"], r["month"]): ({c: v["count"] for c, v in r["counts"].items()},
                                       r["total"]["count"])
        for r in data["rows"]
    }  # fmt: skip
    assert flat == {
        ("100001", "2024-01"): ({"battery": 1, "assault": 1, "weapons violation": 0,
                                 "other": 0}, 2),
        ("100002", "2024-02"): ({"battery": 0, "assault": 0, "weapons violation": 1,
                                 "other": 0}, 1),
    }  # fmt: skip
    assert data["coverage"]["first"] == "2024-01-10"
    assert data["coverage"]["last"] == "2024-02-04"
    assert data["coverage"]["crimes"] == 7
    assert "reasons other than behaviour" in data["caveat"]
    # The default rule (10): every non-zero count of these rows is hidden, and the totals too.
    hidden = service.district_police_at_school(store, settings=settings)
    for r in hidden["rows"]:
        for value in r["counts"].values():
            assert (value["count"] is None) == (value["status"] == "suppressed")
        assert r["total"] == {"count": None, "status": "suppressed"}
    alpha = hidden["rows"][0]["counts"]
    assert alpha["battery"] == {"count": None, "status": "suppressed"}


def test_a_total_never_reveals_a_single_hidden_count(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'c.db'}", data_dir=tmp_path / "d", min_cell_size=3
    )
    store = sqlite_store(tmp_path / "c.db")
    more = [
        (str(10 + i), f"01/{11 + i:02d}/2024 10:00:00 AM", "0460", "BATTERY",
         "SCHOOL, PUBLIC, BUILDING", 41.8002, -87.70)
        for i in range(4)
    ]  # fmt: skip
    _load(store, settings, tmp_path, more)
    data = service.school_police_at_school(store, "100001", settings=settings)
    (row,) = data["rows"]
    assert row["counts"]["battery"] == {"count": 5, "status": "shown"}
    assert row["counts"]["assault"] == {"count": None, "status": "suppressed"}
    cells = [row["counts"][c]["count"] for c in data["categories"]]
    # Nobody can work the hidden assault out of the row and its total.
    assert derivable_cells([[*cells, row["total"]["count"]]]) == {}
    assert row["total"]["count"] is None or sum(c is None for c in cells) >= 2
    store.dispose()


def test_cli(city: tuple[Store, Settings]) -> None:
    _store, settings = city
    runner = CliRunner()
    base = ["--database-url", settings.database_url, "incidents", "police-at-school"]
    table = runner.invoke(cli, base)
    assert table.exit_code == 0, table.output
    assert "ALPHA" in table.output and "hidden" in table.output
    as_json = runner.invoke(cli, [*base, "--school", "100003", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    body = json.loads(as_json.output)
    assert body["rows"] == [] and body["ambiguous"] == {"count": None, "status": "suppressed"}
    explain = runner.invoke(cli, [*base, "--explain", "--format", "csv"])
    assert explain.exit_code == 0, explain.output
    assert "no location: the police gave no point for this crime" in explain.output
    assert len(explain.output.strip().splitlines()) == 8
    one = runner.invoke(cli, [*base, "--school", "100001", "--explain", "--format", "json"])
    assert [r["crime_id"] for r in json.loads(one.output)] == ["1", "2"]
    as_csv = runner.invoke(cli, [*base, "--format", "csv"])
    assert as_csv.output.splitlines()[1].startswith("100001,ALPHA,2024-01,,suppressed")
    unknown = runner.invoke(cli, [*base, "--school", "999999"])
    assert unknown.exit_code == 2 and "Unknown school" in unknown.output


def test_api(city: tuple[Store, Settings]) -> None:
    store, settings = city
    with TestClient(create_app(settings, store=store)) as client:
        district = client.get("/api/police-at-school")
        assert district.status_code == 200
        assert [(r["school_id"], r["month"]) for r in district.json()["rows"]] == [
            ("100001", "2024-01"),
            ("100002", "2024-02"),
        ]
        school = client.get("/api/schools/100001/police-at-school")
        assert school.status_code == 200
        assert school.json()["rows"][0]["counts"]["battery"]["status"] == "suppressed"
        assert client.get("/api/schools/nope/police-at-school").status_code == 404
        paths = client.get("/openapi.json").json()["paths"]
        assert {"200", "404"} <= set(paths["/api/schools/{school_id}/police-at-school"]["get"]
                                     ["responses"])  # fmt: skip
