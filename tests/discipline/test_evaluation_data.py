"""The evaluation states what it stands on: the school years with and without the outcome, why
nothing was estimated (never "0 schools" or "0 bootstrap draws"), the schools whose officers
came back after removal (left out, or counted from their first removal, as the user chooses),
and the schools the balanced panel dropped; in English and Spanish."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from safeschools.model.discipline import DisciplineFigure, Enrollment
from safeschools.model.officers import SroAssignment
from safeschools.render import evaluation_views
from safeschools.render.equity_views import outcome_gaps
from safeschools.render.i18n import language
from safeschools.services import evaluation as service_evaluation
from safeschools.services import outcomes as service_outcomes
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import sqlite_store

YEARS = ("2017-18", "2018-19", "2019-20", "2020-21", "2021-22")
#: officers by school year; "F" loses its officers in 2019-20 and gets one back in 2020-21
HISTORY = {
    "A": (2, 2, 2, 0, 0),
    "B": (2, 2, 2, 0, 0),
    "C": (1, 1, 1, 1, 0),
    "D": (2, 2, 2, 2, 2),
    "E": (1, 1, 1, 1, 1),
    "F": (2, 2, 0, 1, 1),
}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = sqlite_store(tmp_path / "s.db")
    figures, enrolled = [], []
    for i, school in enumerate(HISTORY):
        for k, year in enumerate(YEARS):
            value = 40 + 3 * i + 2 * k
            figures.append(
                DisciplineFigure(
                    "cps-misconduct", school, year, "EOY", "police_notifications", "all", value
                )
            )
            enrolled.append(Enrollment("cps-demographics", school, year, "all", 1000))
    at = datetime(2024, 1, 1, tzinfo=UTC)
    with store.transaction() as conn:
        store.upsert_discipline_figures(figures, None, conn=conn)
        store.upsert_enrollments(enrolled, None, conn=conn)
        for school, counts in HISTORY.items():
            for year, n in zip(YEARS, counts, strict=True):
                store.put_sro_assignment(
                    SroAssignment(school, year, "sro", n, "edit"), read_version=0, at=at, conn=conn
                )
    yield store
    store.dispose()


def test_officers_that_come_back_are_flagged_and_left_out_by_default(store: Store) -> None:
    settings = Settings()
    assert service_outcomes.officer_returns(store) == {
        "F": {"removed": "2019-20", "back": ["2020-21", "2021-22"]}
    }
    default = service_evaluation.evaluation(store, settings=settings, bootstrap_iterations=99)
    assert default["reversal_rule"] == "leave_out"
    assert default["officers_returned"] == [
        {
            "school_id": "F",
            "name": "F",  # no school record: the id stands for the name
            "removed": "2019-20",
            "back": ["2020-21", "2021-22"],
            "left_out": True,
        }
    ]
    assert [(c["cohort"], c["schools"]) for c in default["cohorts"]] == [
        ("2020-21", 2),
        ("2021-22", 1),
    ]
    assert default["schools"] == 5 and default["bootstrap_iterations"] == 99
    chosen = service_evaluation.evaluation(
        store, settings=settings, bootstrap_iterations=99, reversals="first_removal"
    )
    assert chosen["officers_returned"][0]["left_out"] is False
    assert ("2019-20", 1) in [(c["cohort"], c["schools"]) for c in chosen["cohorts"]]
    with pytest.raises(Exception, match="first_removal"):
        service_evaluation.evaluation(store, settings=settings, reversals="ignore")

    en = evaluation_views.assumption_checks(language("en"), default)
    assert (
        "came back after removal: F (officers removed in 2019-20, back in 2020-21, 2021-22)"
        in en[0]
    )
    assert "left out of the comparison" in en[0]
    es = evaluation_views.assumption_checks(language("es"), default)
    assert "F" in es[0] and "came back" not in es[0] and es[0] != en[0]
    first = evaluation_views.assumption_checks(language("en"), chosen)
    assert "counted as removed from their first removal on" in first[0]


def test_nothing_estimated_says_why_and_shows_no_zero(store: Store) -> None:
    # a rule that hides every count: the evaluation says so, with no school or draw count
    settings = Settings(min_cell_size=100)
    data = service_evaluation.evaluation(store, settings=settings)
    assert data["overall"] is None
    assert data["schools"] is None and data["bootstrap_iterations"] is None
    assert data["not_estimated"][0]["code"] == "suppressed"
    assert [y["status"] for y in data["data_years"]] == ["loaded"] * 5
    # shootings near: no victims loaded at all for any year
    near = service_evaluation.evaluation(
        store, settings=Settings(), outcome="shootings_near", shootings={}
    )
    assert near["schools"] is None and near["bootstrap_iterations"] is None
    assert {y["status"] for y in near["data_years"]} == {"not_loaded"}
    en = evaluation_views.not_estimated_reasons(language("en"), near)
    assert any("not in the loaded victims file" in r for r in en)
    es = evaluation_views.not_estimated_reasons(language("es"), near)
    assert es and all("loaded" not in r for r in es)


def test_outcomes_list_the_years_no_file_publishes(store: Store) -> None:
    settings = Settings()
    with store.transaction() as conn:
        store.put_sro_assignment(
            SroAssignment("A", "2023-24", "sro", 0, "edit"),
            read_version=0,
            at=datetime(2024, 1, 1, tzinfo=UTC),
            conn=conn,
        )
    data = service_outcomes.outcomes(store, "A", settings=settings, shootings={"2023-24": 3})
    by_year = {s["school_year"]: s for s in data["series"]}
    assert by_year["2022-23"]["discipline"] == "not_loaded" and by_year["2022-23"]["values"] == {}
    assert by_year["2021-22"]["shootings"] == "not_covered"
    assert by_year["2021-22"]["shootings_near"] is None  # unknown, not 0
    assert data["data_years"]["discipline_missing"] == ["2022-23", "2023-24"]
    text = service_outcomes.outcomes_csv(data)
    assert "A,2022-23,police_notifications" not in text  # no published cell to show
    assert "A,2021-22,shootings_near,,,1000,not_covered" in text
    en = outcome_gaps(language("en"), data)
    assert en[0].startswith("Discipline figures for 2022-23, 2023-24 are not published")
    es = outcome_gaps(language("es"), data)
    assert len(es) == len(en) and es[0] != en[0] and "2022-23" in es[0]
