"""The exposure engine on a tiny hand-built city whose answers can be checked by eye."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import ConfigError, NotFoundError
from safeschools.model import School
from safeschools.proximity.definition import Definition, parse_hours, parse_radius
from safeschools.proximity.engine import ExposureIndex
from safeschools.proximity.presets import PRESETS
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, point_at, victim

A = (41.80, -87.70)
B = point_at(*A, distance_m=250, azimuth_deg=90)  # 250 m east of A
D = (41.90, -87.65)  # far from A and B
NORTH_100 = point_at(*A, distance_m=100, azimuth_deg=0)
MIDDLE = point_at(*A, distance_m=125, azimuth_deg=90)  # 125 m from A and from B


def _schools() -> list[School]:
    rows = []
    for year in ("2023-24", "2024-25"):
        rows += [
            School(
                "1", year, "Alpha", lat=A[0], lon=A[1], governance="district", grade_category="ES"
            ),
            School(
                "2", year, "Bravo", lat=B[0], lon=B[1], governance="district", grade_category="HS"
            ),
            # shares Alpha's building
            School(
                "3",
                year,
                "Alpha Annex",
                lat=A[0],
                lon=A[1],
                governance="charter",
                grade_category="HS",
            ),
            School(
                "4", year, "Delta", lat=D[0], lon=D[1], governance="charter", grade_category="HS"
            ),
        ]
    rows.append(
        School(
            "5",
            "2024-25",
            "Echo (new)",
            lat=NORTH_100[0],
            lon=NORTH_100[1],
            governance="district",
            grade_category="ES",
        )
    )
    rows.append(School("6", "2024-25", "No location", governance="district"))
    return rows


def _victims() -> list:  # type: ignore[type-arg]
    wed = datetime(2024, 1, 31)
    return [
        victim("v1", *NORTH_100, wed.replace(hour=7), case_number="K1"),
        victim("v1b", *NORTH_100, wed.replace(hour=7), case_number="K1"),  # same shooting
        victim("v2", *NORTH_100, wed.replace(hour=16, minute=59)),
        victim("v3", *NORTH_100, wed.replace(hour=17)),
        victim("v4", *MIDDLE, datetime(2024, 2, 1, 12), fatal=True, victimization_type="HOMICIDE"),
        victim("v7", *NORTH_100, datetime(2024, 2, 3, 10)),  # Saturday
        victim(
            "v8",
            *point_at(*D, distance_m=50),
            datetime(2023, 6, 15, 22),
            age_band="20-29",
            fatal=True,
            gunshot_injury=None,
        ),
        victim("v9", *NORTH_100, datetime(2024, 3, 10, 7, 30)),  # spring-forward Sunday
        victim("v10", *NORTH_100, datetime(2024, 11, 3, 1, 30)),  # fall-back hour, once
        victim("v11", None, None, datetime(2024, 2, 1, 12)),  # no location
        victim("v12", *NORTH_100, datetime(2024, 2, 1, 9), gunshot_injury=False, age_band=None),
    ]


@pytest.fixture
def city(sqlite_only_store: Store, settings: Settings) -> ExposureIndex:
    load_records(sqlite_only_store, settings, schools=_schools(), victims=_victims())
    return services.exposure_index(sqlite_only_store, settings=settings)


def _ids(result) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {row["school_id"]: row["victims"] for row in result.per_school}


def test_hours_window_includes_start_excludes_end(city: ExposureIndex) -> None:
    d = Definition(
        radius_m=parse_radius("0.1mi"),
        hours=parse_hours("07:00-17:00"),
        since=date(2024, 1, 31),
        until=date(2024, 1, 31),
    )
    result = city.query(d)
    # v1, v1b (07:00) and v2 (16:59) count; v3 (17:00) does not.
    assert result.victims == 3
    assert result.incidents == 2  # v1 and v1b share case K1


def test_dates_are_inclusive(city: ExposureIndex) -> None:
    base = Definition(radius_m=200, since=date(2024, 2, 1), until=date(2024, 2, 1))
    assert city.query(base).victims == 2  # v4 and v12 on 1 Feb; v11 has no location
    # up to 31 Jan: v1, v1b, v2, v3 near Alpha and v8 (June 2023) near Delta
    assert city.query(base.with_changes(until=date(2024, 1, 31), since=None)).victims == 5


def test_one_victim_near_several_schools_counts_once_in_the_total(city: ExposureIndex) -> None:
    d = Definition(radius_m=130, since=date(2024, 2, 1), until=date(2024, 2, 1), types="fatal")
    result = city.query(d)
    assert result.victims == 1 and result.fatal == 1
    # near Alpha, its annex in the same building, and Bravo; Echo is 160 m away
    assert _ids(result) == {"1": 1, "2": 1, "3": 1}
    assert result.schools == 3


@pytest.mark.parametrize(("offset_m", "counted"), [(160.9, True), (160.95, True), (161.0, False)])
def test_radius_boundary(
    sqlite_only_store: Store, settings: Settings, offset_m: float, counted: bool
) -> None:
    school = School("1", "2024-25", "Alpha", lat=A[0], lon=A[1])
    v = victim("edge", *point_at(*A, distance_m=offset_m, azimuth_deg=33), datetime(2024, 5, 1, 9))
    load_records(sqlite_only_store, settings, schools=[school], victims=[v])
    result = services.exposure.exposure(
        sqlite_only_store, Definition(radius_m=160.95), settings=settings
    )
    assert result.victims == int(counted)


def test_weekdays_and_school_days_without_calendar(city: ExposureIndex) -> None:
    d = Definition(radius_m=200, since=date(2024, 2, 1), until=date(2024, 2, 29))
    assert city.query(d).victims == 3  # v4, v12 (Thu 1 Feb), v7 (Sat 3 Feb)
    assert city.query(d.with_changes(days="weekdays")).victims == 2
    school_days = city.query(d.with_changes(days="school-days"))
    assert school_days.victims == 2
    assert any("No school calendar" in c or "from rules" in c for c in school_days.caveats)


def test_local_hours_across_daylight_saving(city: ExposureIndex) -> None:
    spring = Definition(
        radius_m=200,
        hours=parse_hours("07:00-08:00"),
        since=date(2024, 3, 10),
        until=date(2024, 3, 10),
    )
    assert city.query(spring).victims == 1  # 07:30 local on the spring-forward day
    fall = Definition(
        radius_m=200,
        hours=parse_hours("01:00-02:00"),
        since=date(2024, 11, 3),
        until=date(2024, 11, 3),
    )
    assert city.query(fall).victims == 1  # 01:30 happened twice on the clock, counted once


def test_age_type_and_gunshot_filters(city: ExposureIndex) -> None:
    everything = Definition(radius_m=500)
    assert city.query(everything).victims == 10
    older = city.query(everything.with_changes(ages=("20-29",)))
    assert older.victims == 1
    assert any("no age band" in c for c in older.caveats)
    assert city.query(everything.with_changes(types="fatal")).victims == 2
    assert city.query(everything.with_changes(types="nonfatal")).victims == 8
    assert city.query(everything.with_changes(gunshot_only=True)).victims == 8  # not v8, v12


def test_school_lists(city: ExposureIndex) -> None:
    d = Definition(radius_m=500)
    latest = city.query(d)
    assert latest.school_year == "2024-25"
    assert latest.schools_considered == 5  # six schools, one without coordinates
    assert any("no coordinates" in c for c in latest.caveats)
    older = city.query(d.with_changes(school_year="2023-24"))
    assert "5" not in _ids(older)
    incident = city.query(d.with_changes(school_year="incident"))
    # v8 (June 2023, school year 2022-23) has no school list for its year
    assert incident.victims == 9
    charters = city.query(d.with_changes(governance=("charter",)))
    assert set(_ids(charters)) == {"3", "4"}
    hs = city.query(d.with_changes(grade_categories=("HS",)))
    assert set(_ids(hs)) == {"2", "3", "4"}
    with pytest.raises(NotFoundError, match="2030-31"):
        city.query(d.with_changes(school_year="2030-31"))


def test_years_back_from_until(city: ExposureIndex) -> None:
    d = Definition(radius_m=500, years=1, until=date(2024, 6, 14))
    since, until = d.window(None)
    assert (since, until) == (date(2023, 6, 15), date(2024, 6, 14))
    assert city.query(d).victims == 9  # v8 on 2023-06-15 is the first day in; v10 is after
    assert city.query(d.with_changes(until=None)).definition["until"] == "2024-11-03"


def test_season_wraps_the_new_year(city: ExposureIndex) -> None:
    d = Definition(radius_m=500, season=((11, 1), (2, 1)), school_year="incident")
    # 31 Jan (v1, v1b, v2, v3), 1 Feb (v4, v12) and 3 Nov (v10); not 3 Feb, 10 Mar or June
    assert city.query(d).victims == 7


def test_before_and_after(city: ExposureIndex) -> None:
    result = city.query(Definition(radius_m=500), split_date=date(2024, 3, 1))
    assert result.before_after is not None
    assert (
        result.before_after["before"]["victims"] + result.before_after["after"]["victims"]
        == result.victims
    )
    assert result.before_after["after"]["victims"] == 2  # v9, v10


def test_trends_and_ranking(city: ExposureIndex) -> None:
    result = city.query(Definition(radius_m=500))
    assert sum(r["victims"] for r in result.trends["by_hour"]) == result.victims
    assert [r["month"] for r in result.trends["by_month"]] == list(range(1, 13))
    assert [r["rank"] for r in result.per_school] == list(range(1, len(result.per_school) + 1))
    victims = [r["victims"] for r in result.per_school]
    assert victims == sorted(victims, reverse=True)
    assert all(sum(r["by_year"].values()) == r["victims"] for r in result.per_school)


def test_sensitivity_grows_with_the_radius(city: ExposureIndex) -> None:
    base = Definition(radius_m=100, school_year="2023-24")
    grid = city.sensitivity(base, radii_m=[40, 110, 130, 500], hours=["all", "07:00-17:00"])
    # 100 m north of Alpha: 8 victims; v8 is 50 m from Delta; v4 is 125 m from Alpha and Bravo
    assert [row["all"] for row in grid["radius_by_hours"]] == [0, 9, 10, 10]
    assert all(row["07:00-17:00"] <= row["all"] for row in grid["radius_by_hours"])
    assert grid["years"] == ["2023", "2024"]
    assert [row["2023"] for row in grid["radius_by_year"]] == [0, 1, 1, 1]


def test_radius_beyond_the_stored_pairs_is_refused(city: ExposureIndex) -> None:
    with pytest.raises(ConfigError, match="rebuild"):
        city.query(Definition(radius_m=parse_radius("1mi")))


def test_every_result_carries_definition_vintage_and_caveats(city: ExposureIndex) -> None:
    result = city.query(PRESETS["abc7-2024"])
    data = result.to_dict()
    assert data["definition"]["name"] == "abc7-2024"
    assert data["definition"]["radius"].startswith("0.1 mi")
    assert data["data_vintage"]["newest_occurred_at"].startswith("2024-11-03")
    assert any("block-level" in c for c in data["caveats"])


# ---------------------------------------------------------------------- the CLI contract
def test_cli_exposure_contract(store: Store, settings: Settings) -> None:
    load_records(store, settings, schools=_schools(), victims=_victims())
    url = store.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        cli,
        [
            "--database-url",
            url,
            "exposure",
            "--radius",
            "0.1mi",
            "--hours",
            "07:00-17:00",
            "--weekdays",
            "--since",
            "2023-02-01",
            "--until",
            "2024-01-31",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["victims"], data["fatal"], data["schools"]) == (3, 0, 3)
    assert {(r["school_id"], r["victims"]) for r in data["per_school"]} == {
        ("1", 3),
        ("3", 3),
        ("5", 3),
    }
    older = CliRunner().invoke(
        cli,
        [
            "--database-url",
            url,
            "exposure",
            "--radius",
            "500yd",
            "--school-year",
            "2023-24",
            "--age",
            "0-19",
            "--school-days",
            "--format",
            "json",
        ],
    )
    assert older.exit_code == 0, older.output
    assert json.loads(older.output)["school_year"] == "2023-24"


@pytest.mark.parametrize("fmt", ["table", "csv", "geojson"])
def test_cli_exposure_formats(sqlite_only_store: Store, settings: Settings, fmt: str) -> None:
    load_records(sqlite_only_store, settings, schools=_schools(), victims=_victims())
    url = sqlite_only_store.engine.url.render_as_string()
    result = CliRunner().invoke(
        cli, ["--database-url", url, "exposure", "--preset", "trace-500yd", "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    if fmt == "geojson":
        features = json.loads(result.output)["features"]
        assert len(features) == 5 and all(f["geometry"]["type"] == "Point" for f in features)
    elif fmt == "csv":
        assert result.output.splitlines()[0].startswith("rank,school_id")
    else:
        assert "Alpha" in result.output and "block-level" in result.output


def test_cli_compare_definitions_lists_every_preset(
    sqlite_only_store: Store, settings: Settings, tmp_path: Path
) -> None:
    load_records(sqlite_only_store, settings, schools=_schools(), victims=_victims())
    mine = tmp_path / "presets.toml"
    mine.write_text(
        '[presets.council]\nlabel = "Our council"\nradius = "0.2mi"\nhours = "07:00-18:00"\n'
    )
    url = sqlite_only_store.engine.url.render_as_string()
    result = CliRunner().invoke(
        cli,
        ["--database-url", url, "compare-definitions", "--presets", str(mine), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    names = [row["preset"] for row in json.loads(result.output)["definitions"]]
    assert names == [*PRESETS, "council"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--radius", "0.1 furlongs"], "unknown unit"),
        (["--radius", "0.1mi", "--hours", "7-5"], "07:00-17:00"),
        (["--radius", "2mi"], "rebuild"),
        (["--preset", "nope"], "No preset named"),
        ([], "Give --radius"),
        (["--radius", "0.1mi", "--since", "2024-02-30"], "not a date"),
        (["--radius", "0.1mi", "--since", "2024-02-01", "--until", "2024-01-01"], "after"),
        (["--radius", "0.1mi", "--age", "5-9"], "Age band"),
    ],
)
def test_cli_exposure_mistakes_exit_2(
    sqlite_only_store: Store, settings: Settings, args: list[str], message: str
) -> None:
    load_records(sqlite_only_store, settings, schools=_schools(), victims=_victims())
    url = sqlite_only_store.engine.url.render_as_string()
    result = CliRunner().invoke(cli, ["--database-url", url, "exposure", *args])
    assert result.exit_code == 2
    assert message in result.output
