"""CRDC school-level files: small files written in the public-use layout (tests/data/crdc)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safeschools.errors import DataValidationError, SourceSchemaError
from safeschools.ingest.base import ParseResult
from safeschools.ingest.context import ParseContext
from safeschools.ingest.crdc import RESERVE_CODES, WITHOUT_IDEA_NOTE, records_from_crdc
from safeschools.model.discipline import DisciplineFigure, Enrollment, NameMatch

DATA = Path(__file__).resolve().parents[1] / "data" / "crdc"
SCHOOLS = {
    "609862": ["COLES", "Edward Coles Elementary Language Academy"],
    "609739": ["WASHINGTON HS", "George Washington High School"],
    "609678": ["JONES HS", "William Jones College Preparatory High School"],
    "610190": ["LINCOLN PARK HS", "Lincoln Park High School"],
}


def _parse(name: str, **kw: Any) -> tuple[dict[tuple[str, str, str], object], ParseResult[Any]]:
    result = records_from_crdc(DATA / name, ParseContext(schools=SCHOOLS, **kw))
    cells: dict[tuple[str, str, str], object] = {}
    for r in result.records:
        if isinstance(r, Enrollment):
            cells[(r.school_id, "enrollment", r.group)] = (r.students, r.note)
        elif isinstance(r, DisciplineFigure):
            assert r.school_year == "2017-18" or name.startswith("crdc_1516")
            cells[(r.school_id, r.measure, r.group)] = (r.value, r.note)
    return cells, result


def test_enrollment_sums_races_and_sexes() -> None:
    cells, result = _parse("CRDC_2017-18_Enrollment.csv")
    assert result.school_year == "2017-18"
    coles = {g: v for (sid, m, g), v in cells.items() if sid == "609862"}
    assert coles == {
        "all": (300, None),
        "hispanic": (190, None),
        "black": (110, None),
        "american_indian": (0, None),
        "asian": (0, None),
        "pacific_islander": (0, None),
        "white": (0, None),
        "multiracial": (0, None),
        "female": (150, None),
        "male": (150, None),
        "el": (50, None),
        "disability": (25, None),
    }
    assert cells[("609678", "enrollment", "disability")] == (None, RESERVE_CODES[-9])
    assert cells[("609678", "enrollment", "all")] == (1000, None)


def test_students_disciplined_sum_with_and_without_disabilities() -> None:
    cells, _ = _parse("CRDC_2017-18_Suspensions.csv")
    iss = {g: v for (sid, m, g), v in cells.items() if sid == "609862" and m == "students_iss"}
    assert iss["all"] == (13.0, None)
    assert iss["hispanic"] == (5.0, None)
    assert iss["black"] == (8.0, None)
    assert iss["male"] == (10.0, None)
    assert iss["female"] == (3.0, None)
    assert iss["disability"] == (3.0, None)
    assert iss["el"] == (4.0, None)
    oss = {g: v for (sid, m, g), v in cells.items() if sid == "609862" and m == "students_oss"}
    assert oss["all"] == (10.0, None)
    assert oss["black"] == (8.0, None)
    assert oss["female"] == (1.0, None)
    assert oss["disability"] == (2.0, None)
    assert oss["el"] == (1.0, None)
    assert cells[("609862", "students_suspended", "all")] == (10.0, None)
    # single + multiple OSS, without + with disabilities: 40 + 30 + 12 + 9 + 2
    assert cells[("609739", "students_oss", "all")] == (93.0, None)
    assert cells[("609739", "students_oss", "black")] == (91.0, None)


def test_reserve_codes_are_none_with_their_meaning() -> None:
    cells, _ = _parse("CRDC_2017-18_Suspensions.csv")
    suppressed = (None, "CRDC reserve code -11: suppressed for privacy")
    assert cells[("609678", "students_iss", "white")] == suppressed
    assert cells[("609678", "students_iss", "female")] == suppressed
    assert cells[("609678", "students_iss", "all")] == suppressed
    assert cells[("609678", "students_iss", "asian")] == (1.0, None)
    staff, _ = _parse("CRDC_2017-18_School_Support.csv")
    assert staff[("609739", "sworn_officers", "all")] == (2.0, None)
    assert staff[("609739", "security_guards", "all")] == (4.5, None)
    assert staff[("609862", "sworn_officers", "all")] == (0.0, None)
    assert staff[("609678", "sworn_officers", "all")] == (None, RESERVE_CODES[-9])


def test_other_districts_skipped_unmatched_and_bad_rows_rejected() -> None:
    cells, result = _parse("CRDC_2017-18_Enrollment.csv")
    assert result.rows_read == 6
    assert {sid for sid, _, _ in cells} == {"609862", "609739", "609678"}
    reasons = {r.line: r.reason for r in result.rejects}
    assert set(reasons) == {6, 7}
    assert "no CPS school id for CRDC school 170993000005 'Nowhere Academy'" in reasons[6]
    assert "add it to the crosswalk" in reasons[6]
    assert reasons[7] == "SCH_ENR_HI_M 'abc' is not a number"
    matches = {m.source_name: m for m in result.records if isinstance(m, NameMatch)}
    assert "Evanston Twp High School" not in matches
    assert matches["Coles Elementary Language Academy"].school_id == "609862"


def test_reviewed_combokey_row_maps_nces_to_cps() -> None:
    reviewed = [NameMatch("crdc", "170993000005", "610190", "reviewed")]
    cells, result = _parse("CRDC_2017-18_Enrollment.csv", crosswalk=reviewed)
    assert cells[("610190", "enrollment", "hispanic")] == (10, None)
    assert [r.line for r in result.rejects] == [7]


def test_file_without_idea_columns_says_so() -> None:
    cells, result = _parse("crdc_1516_referrals_arrests.csv")
    assert result.school_year == "2015-16"
    assert cells[("609739", "students_referred_law_enforcement", "all")] == (7.0, WITHOUT_IDEA_NOTE)
    assert cells[("609739", "students_arrested", "black")] == (3.0, WITHOUT_IDEA_NOTE)
    assert ("609739", "students_arrested", "disability") not in cells


def test_school_year_required() -> None:
    with pytest.raises(DataValidationError, match=r"pass --school-year 2017-18"):
        records_from_crdc(DATA / "not_crdc.csv", ParseContext())
    _, result = _parse("crdc_1516_referrals_arrests.csv", school_year="2016-17")
    assert result.school_year == "2016-17"


def test_missing_columns_one_sentence() -> None:
    with pytest.raises(
        SourceSchemaError,
        match=r"^not_crdc.csv is not a CRDC school-level file: it lacks the column\(s\) "
        r"SCH_NAME, COMBOKEY or SCHID\.$",
    ):
        records_from_crdc(DATA / "not_crdc.csv", ParseContext(school_year="2017-18"))
