"""Each real file in ../shared/data/real imports with the row counts its SOURCE.md states."""

from __future__ import annotations

import pytest

from safeschools import services
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data

LOCATIONS = [
    ("School_Locations_SY1718.csv", "2017-18", 661, "Lat/Long"),
    ("School_Locations_1819.csv", "2018-19", 659, "the_geom"),
    ("Chicago_Public_Schools_-_School_Locations_SY2122.csv", "2021-22", 647, "Lat/Long"),
]
PROFILES = [
    ("Chicago_Public_Schools_-_School_Profile_Information_SY1819.csv", "2018-19", 651, 94),
    ("Chicago_Public_Schools_-_School_Profile_Information_SY2122.csv", "2021-22", 655, 97),
    ("Chicago_Public_Schools_-_School_Profile_Information_SY2425.csv", "2024-25", 652, 93),
]
VICTIM_FILES = {
    "chicago_shootings_enriched_2024.csv": 724,
    "chicago_shootings_enriched_2025_part1.csv": 523,
    "chicago_shootings_enriched_2025_part2.csv": 522,
    "chicago_shootings_enriched_2025_part3.csv": 522,
    "chicago_shootings_enriched_2026_part1.csv": 224,
    "chicago_shootings_enriched_2026_part2.csv": 223,
    "chicago_shootings_enriched_2026_part3.csv": 223,
    "chicago_shootings_enriched_2026_part4.csv": 223,
}


@pytest.mark.parametrize(("name", "year", "rows", "coords"), LOCATIONS)
def test_school_locations_import_with_stated_counts(
    store: Store, settings: Settings, name: str, year: str, rows: int, coords: str
) -> None:
    report = services.ingest_file(
        store, "schools", real_data("cps-school-locations", name), settings=settings
    )
    assert report.record is not None
    assert (report.record.rows_read, report.record.accepted, report.record.rejected) == (
        rows,
        rows,
        0,
    )
    assert report.record.school_year == year
    assert coords in report.format
    assert len(store.schools(school_year=year)) == rows


def test_sy1718_governance_counts(sqlite_only_store: Store, settings: Settings) -> None:
    services.ingest_file(
        sqlite_only_store,
        "schools",
        real_data("cps-school-locations", "School_Locations_SY1718.csv"),
        settings=settings,
    )
    schools = sqlite_only_store.schools(school_year="2017-18")
    governance = {
        g: sum(1 for s in schools if s.governance == g)
        for g in ("district", "charter", "contract", "options")
    }
    # SOURCE.md: District 518, Charter 122, ALOP 10, Contract 9, Safe 2 (ALOP and Safe are options).
    assert governance == {"district": 518, "charter": 122, "contract": 9, "options": 12}


@pytest.mark.parametrize(("name", "year", "rows", "charters"), PROFILES)
def test_school_profiles_import_with_stated_counts(
    store: Store, settings: Settings, name: str, year: str, rows: int, charters: int
) -> None:
    report = services.ingest_file(
        store, "schools", real_data("cps-school-profiles", name), settings=settings
    )
    assert report.record is not None
    assert report.record.accepted == rows and report.record.rejected == 0
    assert "profiles" in report.format
    schools = store.schools(school_year=year)
    assert len(schools) == rows
    assert sum(1 for s in schools if s.governance == "charter") == charters
    assert all(s.enrollment is not None for s in schools)


def test_locations_and_profiles_of_one_year_complete_each_other(
    store: Store, settings: Settings
) -> None:
    services.ingest_file(
        store,
        "schools",
        real_data("cps-school-locations", "School_Locations_1819.csv"),
        settings=settings,
    )
    before = {s.school_id: s for s in store.schools(school_year="2018-19")}
    assert before["400009"].governance is None  # the 2018-19 locations file has no governance
    report = services.ingest_file(
        store,
        "schools",
        real_data(
            "cps-school-profiles", "Chicago_Public_Schools_-_School_Profile_Information_SY1819.csv"
        ),
        settings=settings,
    )
    assert report.record is not None and report.record.updated > 600
    after = {s.school_id: s for s in store.schools(school_year="2018-19")}
    assert after["400009"].governance == "charter"
    assert before["400009"].grades == "K, 1, 2, 3, 4, 5, 6, 7, 8"  # the locations file says
    assert after["400009"].grades == "K-8"  # the profiles file, imported later, wins
    assert after["400009"].enrollment is not None


def test_victims_extract_imports_every_row_without_names(store: Store, settings: Settings) -> None:
    folder = "chicago-victims-homicides-nonfatal-shootings-2024-2026"
    total = 0
    for name, rows in VICTIM_FILES.items():
        report = services.ingest_file(store, "victims", real_data(folder, name), settings=settings)
        assert report.record is not None
        assert (report.record.rows_read, report.record.accepted, report.record.rejected) == (
            rows,
            rows,
            0,
        )
        total += rows
    assert total == 3184
    victims = store.victimizations()
    assert len(victims) == 3184
    assert sum(v.fatal for v in victims) == 859
    assert sum(1 for v in victims if v.gunshot_injury is False) == 125
    assert {v.location_precision for v in victims} == {"block"}
    # Names never reach the store: no column holds them, no stored value matches one.
    names = _homicide_names(real_data(folder))
    assert len(names) > 500
    dump = " ".join(str(value) for v in victims for value in vars_of(v)).upper()
    assert not [n for n in names if n in dump]


def vars_of(record: object) -> list[object]:
    from dataclasses import astuple

    return list(astuple(record))  # type: ignore[call-overload]


def _homicide_names(folder) -> set[str]:  # type: ignore[no-untyped-def]
    import csv

    names: set[str] = set()
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["homicide_victim_last_name"]:
                    names.add(
                        f"{row['homicide_victim_first_name']} {row['homicide_victim_last_name']}"
                    )
    return names
