"""ISBE end-of-year discipline workbook, read in place, matched against the real CPS names."""

from __future__ import annotations

from typing import Any

import pytest

from safeschools.ingest.base import ParseResult
from safeschools.ingest.context import ParseContext
from safeschools.ingest.cps_schools import schools_from_cps_file
from safeschools.ingest.isbe_eoy import EXPULSION_NOTE, REDACTED_NOTE, figures_from_isbe_eoy
from safeschools.model.discipline import DisciplineFigure, NameMatch
from safeschools.settings import Settings
from safeschools.testing import REAL_DATA, real_data

ISBE = real_data("isbe-eoy-student-discipline", "18-20-eoy-student-discipline.xlsx")


@pytest.fixture(scope="module")
def cps_names() -> dict[str, list[str]]:
    """Every CPS school id in the real locations and profiles files with all its names."""
    names: dict[str, list[str]] = {}
    bbox = Settings().area_bbox
    for folder in ("cps-school-locations", "cps-school-profiles"):
        for path in sorted((REAL_DATA / folder).glob("*.csv")):
            for school in schools_from_cps_file(path, bbox=bbox).records:
                known = names.setdefault(school.school_id, [])
                for name in (school.name, school.long_name):
                    if name and name not in known:
                        known.append(name)
    return names


@pytest.fixture(scope="module")
def real(cps_names: dict[str, list[str]]) -> ParseResult[Any]:
    return figures_from_isbe_eoy(ISBE, ParseContext(schools=cps_names, accept_fuzzy=True))


def _figures(result: ParseResult[Any]) -> dict[tuple[str, str, str, str], DisciplineFigure]:
    return {
        (f.school_year, f.school_id, f.measure, f.group): f
        for f in result.records
        if isinstance(f, DisciplineFigure)
    }


def test_chicago_rows_per_sheet(real: ParseResult[Any]) -> None:
    assert real.notes[0] == "Chicago rows: 2017-18 1167, 2018-19 1106, 2019-20 878"
    assert real.school_year is None
    assert {f.school_year for f in real.records if isinstance(f, DisciplineFigure)} == {
        "2017-18",
        "2018-19",
        "2019-20",
    }


def test_match_rate_against_real_cps_names(real: ParseResult[Any]) -> None:
    matches = [m for m in real.records if isinstance(m, NameMatch)]
    assert len(matches) == 641
    matched = [m for m in matches if m.school_id is not None]
    assert len(matched) / len(matches) >= 0.95
    by_name = {m.source_name: m for m in matches}
    assert (
        by_name["Coles Elem Language Academy"].school_id,
        by_name["Coles Elem Language Academy"].method,
    ) == ("609862", "normalized")
    assert by_name["Acero Chtr Sch Network - Octavio Paz Campus"].school_id == "400083"
    assert by_name["Univ of Chicago Chtr-Donoghue"].school_id == "400075"
    tie = by_name["Perspectives Chtr - High School of Technology"]
    assert tie.method == "unmatched"
    assert "400062" in (tie.note or "") and "400066" in (tie.note or "")


def test_values_checked_by_hand(real: ParseResult[Any]) -> None:
    figures = _figures(real)
    # Coles Elem Language Academy, 2017-18 OSS: 11 incidents, 7 students, Male 11, Black 11.
    coles = {k[2:]: f for k, f in figures.items() if k[:2] == ("2017-18", "609862")}
    assert coles[("oss", "all")].value == 11
    assert coles[("students_oss", "all")].value == 7
    assert coles[("oss", "male")].value == 11
    assert coles[("oss", "black")].value == 11
    assert coles[("oss", "female")].value == 0
    assert coles[("oss", "hispanic")].value is None
    assert coles[("oss", "hispanic")].note == REDACTED_NOTE
    # Urban Prep Englewood, 2017-18: two expulsion rows (4 with services, 3 without) summed.
    up = {k[2:]: f for k, f in figures.items() if k[:2] == ("2017-18", "400086")}
    assert up[("expulsions", "all")].value == 7
    assert up[("expulsions", "all")].note == EXPULSION_NOTE
    assert up[("students_expelled", "all")].value == 7
    assert up[("expulsions", "black")].value == 7
    assert up[("expulsions", "female")].value is None
    assert up[("expulsions", "female")].note == f"{REDACTED_NOTE}; {EXPULSION_NOTE}"


def test_unmatched_schools_rows_rejected_and_listed(real: ParseResult[Any]) -> None:
    unmatched = [
        m.source_name for m in real.records if isinstance(m, NameMatch) and m.school_id is None
    ]
    assert unmatched
    rejected_names = {r.raw["school name"] for r in real.rejects}
    assert set(unmatched) <= rejected_names
    reason = next(r.reason for r in real.rejects if r.raw["school name"] == unmatched[0])
    assert reason.startswith(f"no CPS school id for ISBE name {unmatched[0]!r}")
    assert reason.endswith("(add it to the crosswalk)")
    assert any(n.startswith(f"{len(unmatched)} names without an accepted") for n in real.notes)


def test_fuzzy_rows_need_a_review_and_a_reviewed_row_wins(
    cps_names: dict[str, list[str]],
) -> None:
    reviewed = [
        NameMatch("isbe-eoy", "Coles Elem Language Academy", "610000", "reviewed"),
        NameMatch(
            "isbe-eoy", "Perspectives Chtr - High School of Technology", "400062", "reviewed"
        ),
    ]
    context = ParseContext(schools=cps_names, crosswalk=reviewed, school_year="2017-18")
    result = figures_from_isbe_eoy(ISBE, context)
    figures = _figures(result)
    assert figures[("2017-18", "610000", "oss", "all")].value == 11
    assert ("2017-18", "609862", "oss", "all") not in figures
    assert ("2017-18", "400062", "oss", "all") in figures
    matches = {m.source_name: m for m in result.records if isinstance(m, NameMatch)}
    assert matches["Coles Elem Language Academy"].method == "reviewed"
    fuzzy = next(
        r for r in result.rejects if r.raw["school name"] == "Urban Prep Chtr Acad Englewood HS"
    )
    assert "only fuzzily" in fuzzy.reason and "--accept-fuzzy" in fuzzy.reason
    assert {f.school_year for f in result.records if isinstance(f, DisciplineFigure)} == {"2017-18"}
