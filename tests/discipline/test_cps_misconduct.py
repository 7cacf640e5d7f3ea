"""The CPS misconduct report importer: the real report read in place, and broken files in its
layout (each a clear message or a rejected row with its line and reason)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers.xlsx_files import (
    CHARTER_EOY_2018,
    MISCONDUCT_HEADER,
    misconduct_file,
    misconduct_row,
    write_xlsx,
)

from safeschools.errors import SourceError, SourceSchemaError
from safeschools.ingest.base import ParseResult
from safeschools.ingest.cps_misconduct import COLUMN_MEASURES, misconduct_from_xlsx
from safeschools.model.discipline import MEASURE_UNITS, DisciplineFigure
from safeschools.testing import real_data

REPORT = real_data(
    "cps-discipline-misconduct",
    "misconduct_police_notification_expulsion_report_thru_EOY2022_school_level.xlsx",
)
MEASURES = sorted(set(COLUMN_MEASURES.values()))


@pytest.fixture(scope="module")
def real() -> ParseResult[Any]:
    return misconduct_from_xlsx(REPORT)


def _by_key(figures: list[DisciplineFigure]) -> dict[tuple[str, str, str, str], float | None]:
    return {(f.school_id, f.school_year, f.period, f.measure): f.value for f in figures}


# ---------------------------------------------------------------------- the real report
def test_real_report_rows_periods_and_years(real: ParseResult[Any]) -> None:
    assert real.rows_read == 9220
    assert real.rejects == []
    assert len(MEASURES) == 18
    assert len(real.records) == 9220 * 18
    rows = {(f.school_id, f.school_year, f.period) for f in real.records}
    assert len(rows) == 9220
    assert Counter(p for _, _, p in rows) == {"EOY": 4748, "S1": 4472}
    years = Counter(y for _, y, _ in rows)
    assert sorted(years) == [f"{y}-{(y + 1) % 100:02d}" for y in range(2013, 2022)]
    assert years["2013-14"] == 1121 and years["2020-21"] == 587 and years["2021-22"] == 990
    assert {f.group for f in real.records} == {"all"}
    assert {f.source for f in real.records} == {"cps-misconduct"}
    assert real.school_year is None
    assert "9220 school rows (EOY 4748, S1 4472)" in real.notes[0]


def test_real_report_values_of_one_school_checked_by_hand(real: ParseResult[Any]) -> None:
    # ADDAMS (609772), lines 20 and 24 of the sheet, read in Excel.
    got = _by_key(real.records)
    eoy = {m: got[("609772", "2018-19", "EOY", m)] for m in MEASURES}
    assert eoy == {
        "misconducts": 39,
        "misconducts_group_1_2": 8,
        "misconducts_group_3_4": 27,
        "misconducts_group_5_6": 4,
        "suspensions": 22,
        "iss": 10,
        "iss_per_100": 1.45,
        "students_iss": 9,
        "iss_avg_days": 1.1,
        "oss": 12,
        "oss_per_100": 1.74,
        "students_oss": 6,
        "oss_avg_days": 1.17,
        "police_notifications": 1,
        "police_notifications_per_100": 0.15,
        "students_police_notification": 1,
        "students_expelled": 0,
        "expulsions_per_100": 0,
    }
    assert got[("609772", "2018-19", "S1", "misconducts")] == 20
    assert got[("609772", "2018-19", "S1", "oss")] == 6
    assert got[("609772", "2021-22", "EOY", "misconducts")] == 40
    assert got[("609772", "2021-22", "EOY", "iss")] == 11
    assert got[("609772", "2021-22", "EOY", "iss_per_100")] == 1.92


def test_real_report_charters_give_only_expulsions(real: ParseResult[Any]) -> None:
    charter = [f for f in real.records if f.school_id == "400121" and f.school_year == "2017-18"]
    assert {f.measure: f.value for f in charter if f.value is not None} == {
        "students_expelled": 1,
        "expulsions_per_100": 0.15,
    }
    blanks = [f for f in charter if f.value is None]
    assert len(blanks) == 16
    assert {f.note for f in blanks} == {"charter schools report only expulsions"}
    # 547 charter rows (the only rows with "--") x 16 measures.
    assert sum(1 for f in real.records if f.value is None) == 547 * 16
    # Counts are whole and nothing is negative.
    for f in real.records:
        if f.value is not None:
            assert f.value >= 0
            if MEASURE_UNITS[f.measure] in ("incidents", "students"):
                assert f.value == int(f.value)


# ---------------------------------------------------------------------- broken files
def test_title_rows_above_the_header_and_blank_rows_keep_line_numbers(tmp_path: Path) -> None:
    path = misconduct_file(
        tmp_path / "r.xlsx",
        [
            misconduct_row(),
            [None] * 5,
            CHARTER_EOY_2018,
            misconduct_row(period="S1"),
            [],
            misconduct_row(school_id=None),
        ],
        title_rows=3,
    )
    result = misconduct_from_xlsx(path)
    assert result.rows_read == 4
    # Excel's numbering: 3 title lines, the header on line 4, blank lines 6 and 9.
    assert [(r.line, r.reason) for r in result.rejects] == [(10, "School ID is empty")]
    assert len(result.records) == 3 * 18
    assert _by_key(result.records)[("609772", "2018-19", "EOY", "oss")] == 12


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"school_id": None}, "School ID is empty"),
        ({"school_id": "ADDAMS"}, "School ID 'ADDAMS' is not a CPS school id"),
        ({"school_year": "2018-2020"}, "does not span two consecutive years"),
        ({"school_year": None}, "School Year is empty"),
        ({"period": "Q3"}, "Time Period 'Q3' is unknown"),
        ({"# of OSS": "twelve"}, "# of OSS 'twelve' is not a number"),
        ({"# of OSS": -3}, "# of OSS -3 is negative"),
        ({"ISS per 100 Students": -0.5}, "ISS per 100 Students -0.5 is negative"),
        ({"# of Unique Students Receiving ISS": 2.5}, "is not a whole number"),
        ({"# of Students Expelled": True}, "is not a number"),
    ],
)
def test_bad_rows_are_kept_aside_with_line_and_reason(
    tmp_path: Path, changes: dict[str, Any], reason: str
) -> None:
    path = misconduct_file(tmp_path / "r.xlsx", [CHARTER_EOY_2018, misconduct_row(**changes)])
    result = misconduct_from_xlsx(path)
    assert result.rows_read == 2
    assert len(result.records) == 18  # the charter row only
    assert {f.school_id for f in result.records} == {"400121"}
    [reject] = result.rejects
    assert reject.line == 3
    assert reason in reject.reason
    assert reject.location == "r.xlsx"
    assert reject.raw["School Name"] == "ADDAMS"


def test_a_repeated_school_year_and_period_is_a_duplicate(tmp_path: Path) -> None:
    path = misconduct_file(
        tmp_path / "r.xlsx", [misconduct_row(), misconduct_row(**{"# of OSS": 99})]
    )
    result = misconduct_from_xlsx(path)
    assert [(r.line, r.reason) for r in result.rejects] == [
        (3, "duplicate of line 2 (school 609772, 2018-19 EOY)")
    ]
    assert _by_key(result.records)[("609772", "2018-19", "EOY", "oss")] == 12


def test_numbers_written_as_text_are_read_and_a_missing_measure_column_is_noted(
    tmp_path: Path,
) -> None:
    header = [h for h in MISCONDUCT_HEADER if h != "Average Length of OSS"]
    row = misconduct_row(**{"# of OSS": "12", "# of Misconducts": "1,039"})
    del row[MISCONDUCT_HEADER.index("Average Length of OSS")]
    path = write_xlsx(tmp_path / "r.xlsx", {"Data": [header, row]})
    result = misconduct_from_xlsx(path)
    got = _by_key(result.records)
    assert got[("609772", "2018-19", "EOY", "oss")] == 12
    assert got[("609772", "2018-19", "EOY", "misconducts")] == 1039
    assert ("609772", "2018-19", "EOY", "oss_avg_days") not in got
    assert "measures not in this file: oss_avg_days" in result.notes
    assert "sheet 'Data'" in result.format


def test_blank_cells_of_a_district_school_are_none_with_a_note(tmp_path: Path) -> None:
    path = misconduct_file(tmp_path / "r.xlsx", [misconduct_row(**{"# of OSS": None})])
    [oss] = [f for f in misconduct_from_xlsx(path).records if f.measure == "oss"]
    assert oss.value is None
    assert oss.note == "not given in the report (blank or --)"


def _csv(path: Path) -> Path:
    path.write_text(",".join(MISCONDUCT_HEADER[:5]) + "\n609772,ADDAMS,ISP,2018-2019,EOY\n")
    return path


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda p: write_xlsx(p / "r.xlsx", {"Sheet1": [["a", "b"], [1, 2]]}),
            SourceSchemaError,
            "r.xlsx is not the CPS Misconduct, Police Notification and Expulsion Report: "
            "no sheet (it has Sheet1)",
        ),
        (
            lambda p: write_xlsx(
                p / "r.xlsx",
                {"School Level Behavior Data": [MISCONDUCT_HEADER[1:], misconduct_row()[1:]]},
            ),
            SourceSchemaError,
            "has a header row with School ID, School Year, Time Period",
        ),
        (
            lambda p: _csv(p / "r.csv"),
            SourceSchemaError,
            "r.csv is not an Excel workbook (.xlsx) but text or another format",
        ),
        (
            lambda p: _csv(p / "r.xlsx"),
            SourceSchemaError,
            "r.xlsx is not an Excel workbook (.xlsx)",
        ),
        (lambda p: _bytes(p / "r.xlsx", b""), SourceError, "r.xlsx is empty"),
        (
            lambda p: _bytes(p / "r.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500),
            SourceSchemaError,
            "r.xls is an old Excel .xls file",
        ),
        (
            lambda p: _bytes(p / "r.xlsx", b"PK\x03\x04" + b"\0" * 100),
            SourceSchemaError,
            "r.xlsx is not a readable .xlsx workbook",
        ),
        (lambda p: p / "missing.xlsx", SourceError, "does not exist"),
    ],
)
def test_a_file_that_is_not_the_report_is_one_clear_sentence(
    tmp_path: Path, make: Any, error: type[Exception], message: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(error) as info:
        misconduct_from_xlsx(path)
    text = str(info.value)
    assert message in text
    assert "\n" not in text and text.endswith(".")


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
