"""The CPS 20th-day demographics importer: both real files read in place, and broken files in
their layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers.xlsx_files import RACE_CATEGORIES, RACE_HEADER, race_file, race_row, write_xlsx

from safeschools.errors import DataValidationError, SourceSchemaError
from safeschools.ingest.cps_demographics import demographics_from_xlsx
from safeschools.model.discipline import Enrollment
from safeschools.testing import real_data

RACE = real_data("cps-demographics", "demographics_racialethnic_20thday_2023.xlsx")
PROGRAMS = real_data("cps-demographics", "demographics_lepsped_20thday_2023.xlsx")
RACE_GROUPS = [
    "all",
    "white",
    "black",
    "asian_pacific_islander",
    "american_indian",
    "hispanic",
    "multiracial",
    "asian",
    "pacific_islander",
    "race_not_available",
]


def _of(records: list[Enrollment], school_id: str) -> dict[str, int | None]:
    return {e.group: e.students for e in records if e.school_id == school_id}


def _totals(records: list[Enrollment]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for e in records:
        totals[e.group] = totals.get(e.group, 0) + (e.students or 0)
    return totals


# ---------------------------------------------------------------------- the real files
def test_real_racial_ethnic_file() -> None:
    result = demographics_from_xlsx(RACE)
    assert (result.school_year, result.rows_read, result.rejects) == ("2022-23", 648, [])
    assert len(result.records) == 648 * 10
    assert {e.school_year for e in result.records} == {"2022-23"}
    assert {e.source for e in result.records} == {"cps-demographics"}
    assert _of(result.records, "609772") == {
        "all": 553,
        "white": 18,
        "black": 18,
        "asian_pacific_islander": 0,
        "american_indian": 0,
        "hispanic": 517,
        "multiracial": 0,
        "asian": 0,
        "pacific_islander": 0,
        "race_not_available": 0,
    }
    # The district total row (322,106 students) is not stored; the 648 schools add up to it
    # in every column (the District sheet's figures).
    assert "" not in {e.school_id for e in result.records}
    assert _totals(result.records) == {
        "all": 322106,
        "white": 35380,
        "black": 115332,
        "asian_pacific_islander": 1,
        "american_indian": 806,
        "hispanic": 149647,
        "multiracial": 4841,
        "asian": 14291,
        "pacific_islander": 449,
        "race_not_available": 1359,
    }
    assert "line 3, 322106 students" in result.notes[1]
    assert "add up to it in every column" in result.notes[1]
    assert "race and ethnicity" in result.format


def test_real_bilingual_sped_lunch_file() -> None:
    result = demographics_from_xlsx(PROGRAMS)
    assert (result.school_year, result.rows_read, result.rejects) == ("2022-23", 648, [])
    assert _of(result.records, "609772") == {
        "all": 553,
        "el": 223,
        "disability": 59,
        "low_income": 422,
    }
    assert _totals(result.records) == {
        "all": 322106,
        "el": 72029,
        "disability": 49347,
        "low_income": 234283,
    }


def test_a_given_school_year_must_agree_with_the_file() -> None:
    assert demographics_from_xlsx(RACE, school_year="2022-2023").school_year == "2022-23"
    with pytest.raises(DataValidationError, match="is for school year 2022-23, not 2021-22"):
        demographics_from_xlsx(RACE, school_year="2021-22")


# ---------------------------------------------------------------------- small files
def _school(school_id: Any = 609772, total: Any = 10, **changes: Any) -> list[Any]:
    counts: list[Any] = [1, 2, 0, 0, 7, 0, 0, 0, 0]
    for i, value in changes.items():
        counts[int(i[1:])] = value
    return race_row(school_id, total, counts)


def test_a_file_without_its_school_year_needs_one(tmp_path: Path) -> None:
    path = race_file(tmp_path / "d.xlsx", [_school()], title="District Total")
    with pytest.raises(DataValidationError, match="pass it with --school-year"):
        demographics_from_xlsx(path)
    result = demographics_from_xlsx(path, school_year="2019-20")
    assert result.school_year == "2019-20"
    assert _of(result.records, "609772")["hispanic"] == 7


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (_school(school_id=None), "School ID is empty"),
        (_school(school_id="ADDAMS"), "School ID 'ADDAMS' is not a CPS school id (digits only)"),
        (_school(610513, total="ten"), "Total 'ten' is not a number"),
        (_school(610513, c4=-7), "Hispanic -7 is negative"),
        (_school(610513, c0=1.5), "White 1.5 is not a whole number of students"),
        (_school(609772), "duplicate of line 4 (school 609772)"),
    ],
)
def test_bad_rows_are_kept_aside(tmp_path: Path, row: list[Any], reason: str) -> None:
    path = race_file(tmp_path / "d.xlsx", [_school(), row])
    result = demographics_from_xlsx(path)
    assert result.rows_read == 2
    assert set(_of(result.records, "609772")) == set(RACE_GROUPS)
    [reject] = result.rejects
    assert (reject.line, reject.reason) == (5, reason)
    assert reject.raw["School Name"] == "SCHOOL"


def test_the_schools_not_adding_up_to_the_district_row_is_noted(tmp_path: Path) -> None:
    path = race_file(tmp_path / "d.xlsx", [_school(), _school(610513, 20, c4=17)])
    result = demographics_from_xlsx(path)
    assert "add up to it in every column" in result.notes[1]
    off = race_file(tmp_path / "e.xlsx", [_school()])
    book = openpyxl.load_workbook(off)
    book["Schools"]["G3"] = 11  # the district total: 11 students, the one school has 10
    book.save(off)
    note = demographics_from_xlsx(off).notes[1]
    assert note == (
        "the district total row (line 3) was not stored; the schools kept do not add up to it "
        "for all"
    )


def test_a_blank_count_is_none_with_a_note(tmp_path: Path) -> None:
    path = race_file(tmp_path / "d.xlsx", [_school(c8=None)])
    [blank] = [e for e in demographics_from_xlsx(path).records if e.group == "race_not_available"]
    assert (blank.students, blank.note) == (None, "blank in the file")


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        (
            {"Schools": [RACE_HEADER, _school()]},
            "d.xlsx is not a CPS 20th-day demographics file: no sheet (it has Schools) has "
            "the two header rows",
        ),
        (
            {"Schools": [["x"] * 25, RACE_HEADER, _school()]},
            "its header names none of the race or program categories",
        ),
        (
            {"Schools": [RACE_CATEGORIES, [h for h in RACE_HEADER if h != "Total"], _school()]},
            "no sheet (it has Schools)",
        ),
        ({"Sheet": [["nothing"]]}, "no sheet (it has Sheet)"),
    ],
)
def test_a_file_that_is_not_the_demographics_is_one_clear_sentence(
    tmp_path: Path, sheets: dict[str, list[list[Any]]], message: str
) -> None:
    path = write_xlsx(tmp_path / "d.xlsx", sheets)
    with pytest.raises(SourceSchemaError) as info:
        demographics_from_xlsx(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("School ID,Total\n609772,553\n")
    with pytest.raises(SourceSchemaError, match=r"d.csv is not an Excel workbook \(.xlsx\)"):
        demographics_from_xlsx(path)
