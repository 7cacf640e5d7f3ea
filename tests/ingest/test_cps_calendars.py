"""CPS calendars: the real compiled file, broken rows, and the store's replace-by-year writes."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import SourceSchemaError
from safeschools.ingest.cps_calendars import calendars_from_file
from safeschools.ingest.registry import SOURCES
from safeschools.model import CalendarDay
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data

CALENDARS = real_data("cps-calendars", "calendars.csv")
HEADER = "school_year,date,weekday,kind,label,grades,confidence,sources,note\n"
GOOD = [
    "2030-31,2030-09-03,Tue,first_day,First day,all,high,X,",
    "2030-31,2030-11-28,Thu,no_school,Thanksgiving,all,high,X,",
    "2030-31,2031-06-13,Fri,last_day,Last day,all,medium,X,",
]


def _write(tmp_path: Path, rows: list[str], name: str = "cal.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_real_calendar_file_imports_every_row() -> None:
    result = calendars_from_file(CALENDARS)
    assert result.rows_read == 256
    assert len(result.records) == 256
    assert result.rejects == []
    assert result.source == "cps-calendars"
    kinds = Counter(r.kind for r in result.records)
    assert kinds == {
        "first_day": 7,
        "last_day": 7,
        "no_school": 204,
        "unplanned_closure": 33,
        "makeup_school_day": 5,
    }
    assert Counter(r.grades for r in result.records) == {"all": 248, "ES": 5, "HS": 3}
    # 2020-06-18 is both the last day and a make-up day: both facts are kept.
    june_18 = sorted(r.kind for r in result.records if r.day == date(2020, 6, 18))
    assert june_18 == ["last_day", "makeup_school_day"]
    assert {r.school_year for r in result.records} == {
        "2018-19",
        "2019-20",
        "2020-21",
        "2021-22",
        "2022-23",
        "2023-24",
        "2024-25",
    }


def test_real_calendar_note_keeps_label_caveat_and_sources() -> None:
    result = calendars_from_file(CALENDARS)
    last = next(r for r in result.records if r.school_year == "2018-19" and r.kind == "last_day")
    assert last.confidence == "medium"
    assert last.note is not None
    assert last.note.startswith("Last day of school (as scheduled). WGN 2019-01-28")
    assert last.note.endswith("(sources: K18a;K18b;K19ST0124;R1819)")


def test_calendar_source_is_registered() -> None:
    source = SOURCES["cps-calendars"]
    assert source.kind == "calendars"
    assert "2018-19" in source.coverage


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2030-31,2030-13-01,Tue,no_school,x,all,high,X,", r"date '2030-13-01' is not a date"),
        ("2030-31,,Tue,no_school,x,all,high,X,", r"date is empty"),
        ("2030-31,2030-10-01,Tue,holiday,x,all,high,X,", r"Unknown calendar kind 'holiday'"),
        ("2030-31,2031-07-01,Tue,no_school,x,all,high,X,", r"not in school year 2030-31"),
        ("2030-31,2030-10-01,Wed,no_school,x,all,high,X,", r"weekday 'Wed' does not match"),
        ("2030-31,2030-10-01,Tue,no_school,x,MS,high,X,", r"Unknown grades 'MS'"),
        ("2030-31,2030-10-01,Tue,no_school,x,all,sure,X,", r"Unknown confidence 'sure'"),
        ("2030,2030-10-01,Tue,no_school,x,all,high,X,", r"'2030' does not span two consecutive"),
        ("2030-31,2030-11-28,Thu,no_school,again,all,low,X,", r"duplicate id 2030-31 2030-11-28"),
        (
            "2030-31,2030-09-04,Wed,first_day,again,all,low,X,",
            r"duplicate id 2030-31 all first_day",
        ),
    ],
)
def test_broken_calendar_row_is_rejected_with_a_reason(
    tmp_path: Path, row: str, reason: str
) -> None:
    result = calendars_from_file(_write(tmp_path, [*GOOD, row]))
    assert result.rows_read == 4
    assert len(result.records) == 3
    assert len(result.rejects) == 1
    reject = result.rejects[0]
    assert reject.line == 5
    assert reject.location == "cal.csv"
    assert reject.raw["date"] == row.split(",")[1]
    assert re.search(reason, reject.reason), reject.reason


def test_year_without_last_day_gets_a_note(tmp_path: Path) -> None:
    result = calendars_from_file(_write(tmp_path, GOOD[:2]))
    assert result.rejects == []
    assert any("2030-31 has no last_day row" in n for n in result.notes)


def test_calendar_file_without_its_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,when\nx,2024-01-01\n", encoding="utf-8")
    with pytest.raises(SourceSchemaError, match="is not a school calendar file"):
        calendars_from_file(path)


def test_import_real_calendar_twice_changes_nothing(store: Store, settings: Settings) -> None:
    first = services.ingest_file(store, "calendars", CALENDARS, settings=settings)
    assert first.record is not None
    assert (first.record.rows_read, first.record.accepted, first.record.rejected) == (256, 256, 0)
    assert first.record.inserted == 256
    stored = store.calendar_days()
    assert len(stored) == 256
    assert set(stored) == set(calendars_from_file(CALENDARS).records)
    assert len(store.calendar_days(school_year="2019-20")) == 57

    again = services.ingest_file(store, "calendars", CALENDARS, settings=settings)
    assert again.skipped
    forced = services.ingest_file(store, "calendars", CALENDARS, settings=settings, force=True)
    assert forced.record is not None
    assert (forced.record.inserted, forced.record.updated, forced.record.unchanged) == (0, 0, 256)
    assert store.calendar_days() == stored


def test_calendar_import_replaces_only_the_years_it_covers(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    services.ingest_file(store, "calendars", CALENDARS, settings=settings)
    services.ingest_file(store, "calendars", _write(tmp_path, GOOD), settings=settings)
    # Move the last day of 2030-31 and drop its Thanksgiving row; add a new day off.
    moved = [
        GOOD[0],
        "2030-31,2031-06-12,Thu,last_day,Last day,all,high,X,",
        "2030-31,2030-11-29,Fri,no_school,Day after Thanksgiving,all,high,X,",
    ]
    report = services.ingest_file(
        store, "calendars", _write(tmp_path, moved, "moved.csv"), settings=settings
    )
    assert report.record is not None
    # new: last day June 12 and Nov 29; gone: June 13 and Nov 28 (counted as updated)
    assert (report.record.inserted, report.record.updated, report.record.unchanged) == (2, 2, 1)
    year = store.calendar_days(school_year="2030-31")
    assert [(d.day, d.kind) for d in year] == [
        (date(2030, 9, 3), "first_day"),
        (date(2030, 11, 29), "no_school"),
        (date(2031, 6, 12), "last_day"),
    ]
    assert len(store.calendar_days()) == 256 + 3


def test_replace_calendar_days_counts_a_changed_note_as_updated(store: Store) -> None:
    day = CalendarDay("2030-31", date(2030, 9, 3), "first_day", confidence="low", note="draft")
    with store.transaction() as conn:
        import_id = store.start_import(
            source="test",
            kind="calendars",
            location="test",
            format="test",
            school_year=None,
            checksum="x",
            started_at=datetime(2024, 1, 1),
            conn=conn,
        )
        first = store.replace_calendar_days([day], import_id, conn=conn)
        same = store.replace_calendar_days([day], import_id, conn=conn)
        changed = store.replace_calendar_days(
            [CalendarDay("2030-31", date(2030, 9, 3), "first_day", "all", "high")],
            import_id,
            conn=conn,
        )
    assert (first.inserted, same.unchanged, changed.updated) == (1, 1, 1)
    assert store.calendar_days()[0].confidence == "high"
    assert store.calendar_days()[0].note is None


def test_cli_ingest_calendar(settings: Settings) -> None:
    runner = CliRunner()
    out = runner.invoke(
        cli,
        ["--database-url", settings.database_url, "ingest", "calendar", str(CALENDARS), "--json"],
    )
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert (summary["kind"], summary["rows_read"], summary["accepted"]) == ("calendars", 256, 256)

    missing = runner.invoke(
        cli, ["--database-url", settings.database_url, "ingest", "calendar", "nope.csv"]
    )
    assert missing.exit_code == 2
    assert "does not exist" in missing.output
