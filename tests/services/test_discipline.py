"""Importing discipline files through the service and the CLI: one transaction, twice changes
nothing, an interrupted import leaves the store as it was, options make another import; on
SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.xlsx_files import (
    CHARTER_EOY_2018,
    misconduct_file,
    misconduct_row,
    race_file,
    race_row,
)

from safeschools.cli import cli
from safeschools.errors import DataValidationError, SourceError
from safeschools.ingest.base import ParseResult
from safeschools.ingest.context import ParseContext
from safeschools.model import School
from safeschools.model.discipline import NameMatch
from safeschools.services.discipline import PARSERS, ingest_discipline_file
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, real_data

REPORT = real_data(
    "cps-discipline-misconduct",
    "misconduct_police_notification_expulsion_report_thru_EOY2022_school_level.xlsx",
)
RACE = real_data("cps-demographics", "demographics_racialethnic_20thday_2023.xlsx")
PROGRAMS = real_data("cps-demographics", "demographics_lepsped_20thday_2023.xlsx")
NOW = datetime(2026, 11, 2, 9, 30)
TABLES = ("discipline_figures", "enrollments", "name_crosswalk", "imports", "rejected_rows")


def _state(store: Store) -> dict[str, int]:
    return {t: store.count(t) for t in TABLES}


def _import(store: Store, settings: Settings, kind: str, path: Path, **options: Any) -> Any:
    return ingest_discipline_file(store, kind, path, settings=settings, now=lambda: NOW, **options)


def _small_report(tmp_path: Path, name: str = "r.xlsx", oss: int = 12) -> Path:
    rows = [
        CHARTER_EOY_2018,
        misconduct_row(**{"# of OSS": oss}),
        misconduct_row(period="S1"),
        misconduct_row(school_id="ADDAMS"),
    ]
    return misconduct_file(tmp_path / name, rows)


# ---------------------------------------------------------------------- service
def test_import_twice_changes_nothing(store: Store, settings: Settings, tmp_path: Path) -> None:
    path = _small_report(tmp_path)
    first = _import(store, settings, "cps-misconduct", path)
    rec = first.record
    assert rec is not None
    assert (rec.rows_read, rec.accepted, rec.rejected) == (4, 54, 1)
    assert (rec.inserted, rec.updated, rec.unchanged) == (54, 0, 0)
    assert (rec.kind, rec.source, rec.started_at) == ("cps-misconduct", "cps-misconduct", NOW)
    assert first.reject_sample[0].line == 5
    [reject] = store.rejected_rows(rec.id)
    assert "School ID 'ADDAMS' is not a CPS school id" in reject.reason
    state = _state(store)
    assert state == {
        "discipline_figures": 54,
        "enrollments": 0,
        "name_crosswalk": 0,
        "imports": 1,
        "rejected_rows": 1,
    }
    figures = store.discipline_figures(school_id="609772", period="EOY", measures=["oss"])
    assert [(f.school_year, f.value) for f in figures] == [("2018-19", 12.0)]

    again = _import(store, settings, "cps-misconduct", path)
    assert again.skipped and again.duplicate_of is not None
    assert again.duplicate_of.id == rec.id
    assert _state(store) == state

    forced = _import(store, settings, "cps-misconduct", path, force=True)
    assert forced.record is not None
    assert (forced.record.inserted, forced.record.updated, forced.record.unchanged) == (0, 0, 54)
    assert _state(store)["discipline_figures"] == 54

    corrected = _import(store, settings, "cps-misconduct", _small_report(tmp_path, "c.xlsx", 13))
    assert corrected.record is not None
    assert (corrected.record.inserted, corrected.record.updated) == (0, 1)
    assert "1 stored row(s) updated by this file" in corrected.notes
    figures = store.discipline_figures(school_id="609772", period="EOY", measures=["oss"])
    assert [f.value for f in figures] == [13.0]


def test_interrupted_import_leaves_the_store_as_it_was(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(store, settings, "cps-demographics", race_file(tmp_path / "d.xlsx", []))
    before = _state(store)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    # The figures are written first; the interruption comes while the import record is closed.
    monkeypatch.setattr(store, "finish_import", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _import(store, settings, "cps-misconduct", _small_report(tmp_path))
    assert _state(store) == before
    monkeypatch.undo()
    done = _import(store, settings, "cps-misconduct", _small_report(tmp_path))
    assert done.record is not None and done.record.inserted == 54


def test_options_that_change_the_reading_make_another_import(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    row = race_row(609772, 3, [1, 0, 0, 0, 2, 0, 0, 0, 0])
    path = race_file(tmp_path / "d.xlsx", [row], title="District Total")
    with pytest.raises(DataValidationError, match="pass it with --school-year"):
        _import(store, settings, "cps-demographics", path)
    a = _import(store, settings, "cps-demographics", path, school_year="2019-2020")
    b = _import(store, settings, "cps-demographics", path, school_year="2019-20")
    c = _import(store, settings, "cps-demographics", path, school_year="2020-21")
    assert a.record is not None and a.record.school_year == "2019-20"
    assert b.skipped
    assert c.record is not None and c.record.inserted == 10
    got = {(e.school_year, e.group): e.students for e in store.enrollments(school_id="609772")}
    assert got[("2019-20", "hispanic")] == got[("2020-21", "hispanic")] == 2
    assert got[("2019-20", "all")] == 3


def test_context_holds_the_stores_schools_and_the_crosswalk(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_records(
        store,
        settings,
        schools=[
            School("609772", "2018-19", "ADDAMS ELEM", lat=41.7, lon=-87.6),
            School("609772", "2019-20", "Jane Addams Elementary", lat=41.7, lon=-87.6),
            School("610513", "2019-20", "Air Force HS", lat=41.8, lon=-87.6),
        ],
    )
    seen: list[ParseContext] = []

    def names(path: Path, context: ParseContext) -> ParseResult[Any]:
        """A parser that records what it was given and passes the crosswalk on."""
        seen.append(context)
        return ParseResult("names", list(context.crosswalk), [], "names", 1)

    monkeypatch.setitem(PARSERS, "names", names)
    stored = NameMatch("names", "Addams Elem School", "609772", "normalized")
    with store.transaction() as conn:
        store.upsert_name_matches([stored], None, conn=conn)
    path = tmp_path / "any.txt"
    path.write_text("x")
    _import(store, settings, "names", path, accept_fuzzy=True)
    assert seen[0].schools == {
        "609772": ["Jane Addams Elementary", "ADDAMS ELEM"],
        "610513": ["Air Force HS"],
    }
    assert list(seen[0].crosswalk) == [stored]
    assert seen[0].accept_fuzzy is True and seen[0].school_year is None

    crosswalk = tmp_path / "crosswalk.csv"
    crosswalk.write_text(
        "source,source_name,school_id,method,score,cps_name,note\n"
        "names,Addams Elem School,609772,reviewed,,ADDAMS,checked by hand\n"
        "names,Nowhere Elem,,unmatched,,,\n"
    )
    report = _import(store, settings, "names", path, crosswalk=crosswalk, accept_fuzzy=True)
    assert not report.skipped  # another crosswalk: another import
    assert [(m.source_name, m.school_id, m.method) for m in seen[1].crosswalk] == [
        ("Addams Elem School", "609772", "reviewed"),
        ("Nowhere Elem", None, "unmatched"),
    ]
    assert [(m.source_name, m.method) for m in store.name_matches("names")] == [
        ("Addams Elem School", "reviewed"),
        ("Nowhere Elem", "unmatched"),
    ]
    with pytest.raises(SourceError, match=r"crosswalk file .* does not exist"):
        _import(store, settings, "names", path, crosswalk=tmp_path / "none.csv")


def test_school_ids_the_store_does_not_know_are_noted(
    sqlite_only_store: Store, settings: Settings, tmp_path: Path
) -> None:
    store = sqlite_only_store
    load_records(
        store, settings, schools=[School("609772", "2018-19", "ADDAMS", lat=41.7, lon=-87.6)]
    )
    report = _import(store, settings, "cps-misconduct", _small_report(tmp_path))
    assert (
        "1 of 2 school ids are not among the stored schools (400121); their figures are kept "
        "(import the school locations of their years to name them)"
    ) in report.notes


def test_wrong_kind_year_or_path_is_one_sentence(
    sqlite_only_store: Store, settings: Settings, tmp_path: Path
) -> None:
    store = sqlite_only_store
    path = _small_report(tmp_path)
    with pytest.raises(DataValidationError, match="Unknown discipline file kind 'crdx'"):
        _import(store, settings, "crdx", path)
    with pytest.raises(DataValidationError, match="covers every school year it lists"):
        _import(store, settings, "cps-misconduct", path, school_year="2018-19")
    with pytest.raises(DataValidationError, match="Write the school year like 2022-23"):
        _import(store, settings, "cps-demographics", path, school_year="2018")
    with pytest.raises(SourceError, match="does not exist"):
        _import(store, settings, "cps-misconduct", tmp_path / "nope.xlsx")
    assert _state(store)["imports"] == 0


def test_real_files_import_once_and_twice_changes_nothing(store: Store, settings: Settings) -> None:
    started = time.perf_counter()
    report = _import(store, settings, "cps-misconduct", REPORT)
    seconds = time.perf_counter() - started
    rec = report.record
    assert rec is not None
    assert (rec.rows_read, rec.accepted, rec.rejected, rec.inserted) == (9220, 165960, 0, 165960)
    assert seconds < 90, f"the real report took {seconds:.1f} s to import"
    for path in (RACE, PROGRAMS):
        _import(store, settings, "cps-demographics", path)
    state = _state(store)
    assert state["discipline_figures"] == 165960
    assert state["enrollments"] == 648 * 10 + 648 * 3  # "all" is in both files, once
    again = _import(store, settings, "cps-misconduct", REPORT, force=True)
    assert again.record is not None
    assert (again.record.inserted, again.record.updated, again.record.unchanged) == (0, 0, 165960)
    assert _state(store) == {**state, "imports": state["imports"] + 1}
    addams = store.discipline_figures(school_id="609772", school_year="2018-19", period="EOY")
    assert {f.measure: f.value for f in addams}["police_notifications_per_100"] == 0.15
    charter = store.discipline_figures(school_id="400121", measures=["oss"])
    assert {f.note for f in charter} == {"charter schools report only expulsions"}
    got = {e.group: e.students for e in store.enrollments(school_id="609772")}
    assert (got["all"], got["hispanic"], got["el"], got["low_income"]) == (553, 517, 223, 422)


# ---------------------------------------------------------------------- CLI
def _cli(tmp_path: Path, *args: str) -> Any:
    return CliRunner().invoke(
        cli, ["--database-url", f"sqlite:///{tmp_path / 'c.db'}", "ingest", "discipline", *args]
    )


def test_cli_imports_and_reports(tmp_path: Path) -> None:
    path = _small_report(tmp_path)
    result = _cli(tmp_path, "cps-misconduct", str(path))
    assert result.exit_code == 0, result.output
    assert "Read 4 rows: 54 accepted, 1 rejected (inserted 54" in result.output
    assert "line 5: School ID 'ADDAMS' is not a CPS school id" in result.output
    again = _cli(tmp_path, "cps-misconduct", str(path), "--json")
    assert again.exit_code == 0
    assert '"skipped_as_duplicate_of": 1' in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cps-misconduct", "{csv}"], "r.csv is not an Excel workbook (.xlsx)"),
        (["cps-demographics", "{xlsx}"], "is not a CPS 20th-day demographics file"),
        (["cps-misconduct", "{empty}"], "e.xlsx is empty"),
        (["cps-misconduct", "{xlsx}", "--school-year", "2018-19"], "covers every school year"),
        (["cps-misconduct", "{xlsx}", "--crosswalk", "{none}"], "does not exist"),
    ],
)
def test_cli_bad_file_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    files = {
        "csv": tmp_path / "r.csv",
        "xlsx": _small_report(tmp_path),
        "empty": tmp_path / "e.xlsx",
        "none": tmp_path / "none.csv",
    }
    files["csv"].write_text("School ID,School Year\n609772,2018-2019\n")
    files["empty"].write_bytes(b"")
    result = _cli(tmp_path, *(a.format(**{k: str(v) for k, v in files.items()}) for a in args))
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_unknown_kind_lists_the_kinds(tmp_path: Path) -> None:
    result = _cli(tmp_path, "crdx", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2
    assert "'cps-demographics'" in result.output and "'cps-misconduct'" in result.output
