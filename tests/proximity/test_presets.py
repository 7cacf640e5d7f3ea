"""The presets say what they reproduce: the unit of the published figure, the source's words,
what is approximated; the headlines count in the preset's unit."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import ConfigError
from safeschools.model import School
from safeschools.proximity.definition import UNITS, parse_hours, parse_season
from safeschools.proximity.engine import ExposureIndex
from safeschools.proximity.presets import PRESETS, load_presets
from safeschools.render.i18n import language
from safeschools.render.views import overview_context
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, point_at, victim

A = (41.80, -87.70)
NEAR = point_at(*A, distance_m=140, azimuth_deg=0)  # inside 150 m and 0.1 mi


def test_every_preset_names_its_unit_and_source() -> None:
    for name, d in PRESETS.items():
        assert d.unit in UNITS, name
        assert d.source_note, name
        assert d.to_dict()["unit"] == d.unit
    units = {name: d.unit for name, d in PRESETS.items()}
    assert units["abc7-2024"] == "victims"  # "106 shot"
    assert units["wbez-dismissal"] == "incidents"  # "41 after-school shooting incidents"
    assert units["trace-500yd"] == "incidents"  # Gun Violence Archive incidents
    assert units["banner-1-block"] == "victims"


def test_notes_speak_to_people_not_programmers() -> None:
    for d in PRESETS.values():
        for text in (d.source_note or "", *d.notes):
            assert "--" not in text and "SAFESCHOOLS_" not in text, text
            assert not re.search(r"\bchange it with\b", text), text


def test_the_banner_preset_follows_the_banners_method() -> None:
    d = PRESETS["banner-1-block"]
    assert d.radius_m == 150.0  # 1 block x 100 m + 50 m for the immediate street
    assert d.hours == parse_hours("07:00-19:00")  # hours 7 through 18
    assert d.days == "all"  # no weekday or holiday filter
    assert d.season == parse_season("09-01..06-15")
    assert d.ages == ("0-19",)  # the nearest band to "18 and under"
    assert d.quote == "for the immediate street"
    assert "immediate street" in (d.source_note or "") and "parcel" in (d.source_note or "")
    assert any("point" in n and "parcel" in n for n in d.notes)
    assert "for the parcel" not in (d.source_note or "")


def test_the_wbez_and_trace_presets_count_incidents() -> None:
    wbez = PRESETS["wbez-dismissal"]
    assert wbez.hours == parse_hours("14:00-16:50")  # 2:00 to 4:49 p.m.
    assert (wbez.days, wbez.ages, wbez.radius_m) == ("weekdays", ("0-19",), 160.9344)
    assert wbez.quote is not None and "incidents" in wbez.quote
    assert any("radius was not stated" in n for n in wbez.notes)
    trace = PRESETS["trace-500yd"]
    assert any("no one was hit" in n and "undercounts" in n for n in trace.notes)


def _banner_city(store: Store, settings: Settings) -> ExposureIndex:
    schools = [School("1", "2024-25", "Alpha", lat=A[0], lon=A[1], grade_category="ES")]
    victims = [
        victim("sat", *NEAR, datetime(2024, 10, 5, 10)),  # a Saturday in the season
        victim("thanks", *NEAR, datetime(2024, 11, 28, 12)),  # Thanksgiving
        victim("june15", *NEAR, datetime(2025, 6, 15, 18, 59)),  # last day, last minute
        victim("june16", *NEAR, datetime(2025, 6, 16, 12)),  # after the season
        victim("aug", *NEAR, datetime(2024, 8, 30, 12)),  # before the season
        victim("dawn", *NEAR, datetime(2024, 10, 7, 6, 59)),  # before 07:00
        victim("seven", *NEAR, datetime(2024, 10, 7, 19)),  # 19:00 is out
        victim("adult", *NEAR, datetime(2024, 10, 7, 12), age_band="20-29"),
    ]
    load_records(store, settings, schools=schools, victims=victims)
    return services.exposure_index(store, settings=settings)


def test_the_banner_preset_counts_weekends_and_holidays_in_the_season(
    sqlite_only_store: Store, settings: Settings
) -> None:
    index = _banner_city(sqlite_only_store, settings)
    result = index.query(PRESETS["banner-1-block"])
    # Saturday, Thanksgiving and 15 June at 18:59 count; nothing else does
    assert result.victims == 3 and result.count == 3 and result.unit == "victims"


def _wbez_city(store: Store, settings: Settings) -> ExposureIndex:
    schools = [School("1", "2024-25", "Alpha", lat=A[0], lon=A[1], grade_category="ES")]
    wed = datetime(2024, 10, 9, 15)
    victims = [
        victim("a1", *NEAR, wed, case_number="K1"),
        victim("a2", *NEAR, wed, case_number="K1"),  # the same shooting
        victim("b1", *NEAR, wed.replace(hour=16, minute=49), case_number="K2"),
        victim("c1", *NEAR, wed.replace(hour=16, minute=50), case_number="K3"),  # too late
    ]
    load_records(store, settings, schools=schools, victims=victims)
    return services.exposure_index(store, settings=settings)


def test_an_incidents_preset_reports_incidents(
    sqlite_only_store: Store, settings: Settings
) -> None:
    index = _wbez_city(sqlite_only_store, settings)
    result = index.query(PRESETS["wbez-dismissal"])
    assert (result.victims, result.incidents) == (3, 2)
    assert result.unit == "incidents" and result.count == 2
    assert result.to_dict()["definition"]["unit"] == "incidents"
    assert index.query(PRESETS["abc7-2024"].with_changes(since=None, until=None)).unit == (
        "victims"
    )


def test_cli_headline_and_compare_table_use_the_unit(
    sqlite_only_store: Store, settings: Settings
) -> None:
    _wbez_city(sqlite_only_store, settings)
    url = sqlite_only_store.engine.url.render_as_string()
    runner = CliRunner()
    wbez = runner.invoke(cli, ["--database-url", url, "exposure", "--preset", "wbez-dismissal"])
    assert wbez.exit_code == 0, wbez.output
    assert "2 incidents (3 victims, 0 fatal) near 1 schools." in wbez.output
    mine = runner.invoke(cli, ["--database-url", url, "exposure", "--radius", "0.1mi"])
    assert "4 victims (0 fatal, 3 incidents) near 1 schools." in mine.output
    table = runner.invoke(
        cli, ["--database-url", url, "compare-definitions"], env={"COLUMNS": "250"}
    )
    assert table.exit_code == 0, table.output
    assert "2 incidents" in table.output and "counts" in table.output
    report = json.loads(
        runner.invoke(
            cli, ["--database-url", url, "compare-definitions", "--format", "json"]
        ).output
    )
    rows = {r["preset"]: r for r in report["definitions"]}
    assert (rows["wbez-dismissal"]["unit"], rows["wbez-dismissal"]["count"]) == ("incidents", 2)
    assert rows["abc7-2024"]["unit"] == "victims"
    assert rows["abc7-2024"]["count"] == rows["abc7-2024"]["victims"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "2 incidents (3 victims, 0 of them killed) were near 1 of 1 schools."),
        ("es", "2 incidentes (3 víctimas, 0 de ellas muertas) ocurrieron cerca de 1 de 1"),
    ],
)
def test_the_pages_headline_uses_the_unit(
    sqlite_only_store: Store, settings: Settings, lang: str, expected: str
) -> None:
    index = _wbez_city(sqlite_only_store, settings)
    data = index.query(PRESETS["wbez-dismissal"]).to_dict(include_all_schools=True)
    context = overview_context(data, language(lang), params={}, base=None)
    assert context["lede"].startswith(expected)
    victims = index.query(PRESETS["wbez-dismissal"].with_changes(unit="victims")).to_dict()
    lede = overview_context(victims, language(lang), params={}, base=None)["lede"]
    assert lede.startswith("3 ")


def test_user_presets_may_name_their_unit(tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    path.write_text(
        '[presets.mine]\nradius = "0.2mi"\nunit = "incidents"\nquote = "shootings near schools"\n',
        encoding="utf-8",
    )
    mine = load_presets(path)["mine"]
    assert (mine.unit, mine.quote) == ("incidents", "shootings near schools")
    path.write_text('[presets.bad]\nradius = "0.2mi"\nunit = "people"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="Unit 'people' must be one of victims, incidents"):
        load_presets(path)


def test_the_definitions_rows_carry_unit_and_quote(
    sqlite_only_store: Store, settings: Settings
) -> None:
    from safeschools.render.views import definitions_context

    _wbez_city(sqlite_only_store, settings)
    report = services.compare_definitions(sqlite_only_store, settings=settings)
    for lang in ("en", "es"):
        rows = {r["name"]: r for r in definitions_context(report, PRESETS, language(lang))["rows"]}
        assert rows["wbez-dismissal"]["unit"] == "incidents"
        assert rows["wbez-dismissal"]["incidents"] == 2
        assert rows["wbez-dismissal"]["quote"].startswith("41 after-school")
        assert all("--" not in n for r in rows.values() for n in r["notes"])
