"""Equity and evaluation use cases on the seeded demo city (known disparities and a known
effect of officers) and on small hand-made stores: suppression that cannot be undone, ratios
as the federal method computes them, identification over consecutive years, the staggered
difference-in-differences recovering the demo's effect and finding none where there is none."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from helpers.demo_city import DemoCity
from sqlalchemy import text

from safeschools import services
from safeschools.errors import DataValidationError, NotFoundError
from safeschools.metrics.disparity import risk_difference, risk_ratio
from safeschools.metrics.suppression_tables import (
    DISTRICT,
    derivable_in_publication,
    suppress_publication,
)
from safeschools.model.discipline import DisciplineFigure, Enrollment
from safeschools.services import equity as service_equity
from safeschools.services import evaluation as service_evaluation
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import sqlite_store


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="module")
def demo(demo_city: DemoCity) -> Store:
    return demo_city.store


def _published(
    pub: service_equity.Publication, hide: set[tuple[str, str]] | None = None
) -> dict[str, dict[str, int | None]]:
    """The publication as an outsider sees it: hidden cells None, cells not given left out."""
    hidden = set(pub.hidden) if hide is None else hide
    return {
        school: {c: (None if (school, c) in hidden else v) for c, v in row.items() if v is not None}
        for school, row in pub.counts.items()
    }


@pytest.mark.parametrize("year", ["2023-24", "2020-21"])
def test_publication_hides_small_counts_and_nothing_can_be_worked_out(
    demo: Store, settings: Settings, year: str
) -> None:
    pub = service_equity.publication(demo, school_year=year, settings=settings)
    small = {
        (s, c)
        for s, row in pub.counts.items()
        for c, v in row.items()
        if v is not None and 0 < v < settings.min_cell_size
    }
    assert small, "the demo must have small counts to hide"
    assert small <= set(pub.hidden)
    for s, c in small:
        measure, group = c.split(":")
        assert pub.cell(s, measure, group) == {"value": None, "status": "suppressed"}
        assert pub.shown(s, measure, group) is None
    equations = service_equity.publication_equations(pub)
    assert any(total == "suspensions:all" for _, total in equations)
    assert derivable_in_publication(_published(pub), equations=equations) == []
    # hiding only the small counts would give them away through the totals
    leaks = derivable_in_publication(_published(pub, small), equations=equations)
    assert set(leaks) & small
    # the district's totals are the sums of the schools that gave a number
    assert pub.counts[DISTRICT]["students_oss:all"] == sum(
        pub.counts[s].get("students_oss:all") or 0 for s in pub.schools
    )


def test_school_equity_computes_the_federal_ratio_and_hides_what_is_hidden(
    demo: Store, settings: Settings
) -> None:
    result = service_equity.school_equity(demo, "900001", settings=settings)
    assert result["school_year"] == "2023-24"
    assert result["reference"] == "all other students"
    assert (result["min_cell"], result["min_n"]) == (10, 30)
    rows = {r["group"]: r for r in result["rows"]}
    pub = service_equity.publication(demo, school_year="2023-24", settings=settings)
    enrolled = {
        e.group: e.students for e in demo.enrollments(school_id="900001", school_year="2023-24")
    }
    shown = [g for g, r in rows.items() if r["count"]["status"] == "shown" and g != "all"]
    hidden = [g for g, r in rows.items() if r["count"]["status"] == "suppressed"]
    assert shown and hidden
    for g in shown:
        a, n = pub.value("900001", "students_oss", g), enrolled[g]
        a_all, n_all = pub.value("900001", "students_oss", "all"), enrolled["all"]
        assert a is not None and n is not None and a_all is not None and n_all is not None
        expected = risk_ratio(a, n, a_all - a, n_all - n)
        assert rows[g]["ratio"] == expected.value
        assert rows[g]["ci_low"] == expected.ci_low
        assert rows[g]["flagged"] == (expected.value is not None and expected.value > 3.0)
        assert rows[g]["composition"] == {
            "share_of_outcome": a / a_all,
            "share_of_enrollment": n / n_all,
        }
        difference = risk_difference(a, n, a_all - a, n_all - n)
        if difference.value is not None:
            assert rows[g]["risk_difference"]["value"] == difference.value
    for g in hidden:
        assert rows[g]["risk"] is rows[g]["ratio"] is rows[g]["ci_low"] is None
        assert rows[g]["composition"] is rows[g]["risk_difference"] is None
        assert rows[g]["reason"] == "Hidden: computed from a suppressed count."
    white = service_equity.school_equity(demo, "900001", settings=settings, reference="white")
    assert white["reference"] == "white students"
    with pytest.raises(DataValidationError, match="reference group"):
        service_equity.school_equity(demo, "900001", settings=settings, reference="martians")
    with pytest.raises(NotFoundError, match="2031-32"):
        service_equity.school_equity(demo, "900001", settings=settings, school_year="2031-32")


def test_district_table_and_its_csv_never_show_a_hidden_count(
    demo: Store, settings: Settings
) -> None:
    table = service_equity.district_disparity(demo, settings=settings, school_year="2022-23")
    assert table["groups"] == ["hispanic", "asian", "black", "white", "multiracial"]
    assert table["flagged"] > 0
    assert table["rows"][-1]["school_id"] is None  # the district's row comes last
    pub = service_equity.publication(demo, school_year="2022-23", settings=settings)
    text = service_equity.disparity_csv(table)
    lines = [line.split(",") for line in text.splitlines()[1:]]
    assert any(row[5] == "suppressed" for row in lines)
    for row in lines:
        school = DISTRICT if row[0] == "district" else row[0]
        if pub.is_hidden(school, "students_oss", row[4]):
            assert row[5] == row[7] == row[8] == "suppressed", row
        else:
            assert row[5] == str(pub.value(school, "students_oss", row[4]))
    for r in table["rows"]:
        for cell in r["cells"]:
            assert cell["flagged"] == (cell["ratio"] is not None and cell["ratio"] > 3.0)
    with pytest.raises(DataValidationError, match="dimension"):
        service_equity.district_disparity(demo, settings=settings, dimension="shoe size")


def test_outcomes_over_time_mark_the_officers_and_hide_small_rates(
    demo: Store, settings: Settings
) -> None:
    removal = service_equity.removal_years(demo)
    school, _ = next((s, y) for s, y in sorted(removal.items()) if y == "2021-22")
    result = service_equity.outcomes(demo, school, settings=settings, shootings={"2021-22": 4})
    assert result["removal_year"] == "2021-22"
    assert [o["officers"] for o in result["officers"]][:5] == [2, 2, 2, 2, 2]
    assert result["series"][0]["school_year"] == "2016-17"
    by_year = {s["school_year"]: s for s in result["series"]}
    assert by_year["2021-22"]["shootings_near"] == 4
    for s in result["series"]:
        for cell in s["values"].values():
            if cell["status"] == "suppressed":
                assert cell["value"] is None and cell["per_100"] is None
            else:
                assert cell["value"] >= 10 or cell["value"] == 0
    district = service_equity.outcomes(demo, None, settings=settings)
    assert district["removal_year"] is None
    assert district["officers"][0]["schools_with_officers"] == 17


def test_evaluation_recovers_the_demo_effect_and_invents_none(
    demo: Store, settings: Settings
) -> None:
    police = service_evaluation.evaluation(demo, settings=settings, outcome="police_notifications")
    overall = police["overall"]
    assert overall is not None
    assert overall["ci_high"] < 0  # officers raised police notifications in the demo
    assert [c["cohort"] for c in police["cohorts"]] == ["2020-21", "2021-22", "2023-24"]
    assert police["still_with_officers"] == 0  # every demo high school removed its officers
    pre = [e for e in police["event_study"] if e["event_time"] < 0]
    assert pre and all(e["ci_low"] < 0 < e["ci_high"] for e in pre[-2:])
    suspensions = service_evaluation.evaluation(demo, settings=settings, outcome="suspensions")
    assert suspensions["overall"] is not None
    assert suspensions["overall"]["ci_low"] < 0 < suspensions["overall"]["ci_high"]
    assert police["assumptions"] and police["limits"]
    index = services.exposure_index(demo, settings=settings)
    shootings = service_evaluation.shootings_by_school_year(index, settings=settings)
    assert set(shootings) == {"2020-21", "2021-22", "2022-23", "2023-24", "2024-25"}
    near = service_evaluation.evaluation(
        demo, settings=settings, outcome="shootings_near", shootings=shootings
    )
    assert near["not_estimable"] == ["2024-25"]
    with pytest.raises(DataValidationError, match="Unknown outcome"):
        service_evaluation.evaluation(demo, settings=settings, outcome="happiness")


def test_a_school_that_reported_nothing_is_not_in_the_district_sum() -> None:
    counts: dict[str, dict[str, int | None]] = {
        "A": {"all": 4},
        "B": {"all": 120},
        "C": {"all": None},  # a charter school: not reported
        "D": {"all": 300},
    }
    hidden = suppress_publication(counts)
    assert set(hidden) == {("A", "all"), ("B", "all")}  # B hides A from the district's 424
    published = {
        s: {"all": None if (s, "all") in hidden else v}
        for s, v in (("A", 4), ("B", 120), ("D", 300))
    }
    published[DISTRICT] = {"all": 424}
    assert derivable_in_publication(published) == []


def _write(store: Store, figures: list[DisciplineFigure], enrolled: list[Enrollment]) -> None:
    with store.transaction() as conn:
        store.upsert_discipline_figures(figures, None, conn=conn)
        store.upsert_enrollments(enrolled, None, conn=conn)


def test_identified_only_after_three_consecutive_years_above(
    tmp_path: Path, settings: Settings
) -> None:
    store = sqlite_store(tmp_path / "s.db")
    figures, enrolled = [], []
    # black students 60 of 400 suspended, others 30 of 600: a ratio of 3.0... then 4.0
    for year, (a_black, a_other) in {
        "2019-20": (80, 30),
        "2020-21": (80, 30),
        "2021-22": (80, 30),
        "2022-23": (60, 30),
    }.items():
        for group, a, n in (("black", a_black, 400), ("white", a_other, 600)):
            figures.append(DisciplineFigure("crdc", "1", year, "EOY", "students_oss", group, a))
            enrolled.append(Enrollment("crdc", "1", year, group, n))
        figures.append(
            DisciplineFigure("crdc", "1", year, "EOY", "students_oss", "all", a_black + a_other)
        )
        enrolled.append(Enrollment("crdc", "1", year, "all", 1000))
    _write(store, figures, enrolled)
    third = service_equity.school_equity(store, "1", settings=settings, school_year="2021-22")
    black = next(r for r in third["rows"] if r["group"] == "black")
    assert black["ratio"] == pytest.approx(4.0)
    assert black["flagged"] and black["identified"]
    second = service_equity.school_equity(store, "1", settings=settings, school_year="2020-21")
    assert not next(r for r in second["rows"] if r["group"] == "black")["identified"]
    fourth = service_equity.school_equity(store, "1", settings=settings, school_year="2022-23")
    row = next(r for r in fourth["rows"] if r["group"] == "black")
    # the worked example of CONTEXT section 6: 60/400 against 30/600
    assert row["ratio"] == pytest.approx(3.0)
    assert (round(row["ci_low"], 3), round(row["ci_high"], 3)) == (1.972, 4.564)
    assert not row["flagged"] and not row["identified"]  # 3.0 is not above 3.0
    store.dispose()


def test_no_officer_history_means_no_evaluation(tmp_path: Path, settings: Settings) -> None:
    store = sqlite_store(tmp_path / "s.db")
    with pytest.raises(NotFoundError, match="officer"):
        service_evaluation.evaluation(store, settings=settings)
    store.dispose()


def test_a_publication_is_kept_in_the_store_for_every_later_process(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The suppression check runs once per import: a later process (here: the memory cache
    emptied) reads the kept publication from the store, equal to the computed one; a new import
    drops it and the next reader computes the new data's."""
    from safeschools.services import publication as service_publication

    store = sqlite_store(tmp_path / "kept.db")
    figures = [
        DisciplineFigure("crdc", school, "2023-24", "EOY", "students_oss", group, value)
        for school, group, value in (
            ("1", "all", 40),
            ("1", "black", 3),
            ("1", "white", 37),
            ("2", "all", 25),
            ("2", "white", 25),
        )
    ]
    _import(store, figures)
    computed = service_equity.publication(store, school_year="2023-24", settings=settings)
    assert computed.hidden  # the 3 is hidden, and what would give it away
    monkeypatch.setattr(service_publication, "_KEPT", service_publication.VersionedCache(size=8))

    def never(*args: object) -> None:
        raise AssertionError("computed again")

    monkeypatch.setattr(service_publication, "_publish", never)
    assert service_equity.publication(store, school_year="2023-24", settings=settings) == computed
    monkeypatch.undo()
    _import(store, [DisciplineFigure("crdc", "2", "2023-24", "EOY", "students_oss", "black", 9)])
    fresh = service_equity.publication(store, school_year="2023-24", settings=settings)
    assert fresh.value("2", "students_oss", "black") == 9
    with store.engine.connect() as conn:
        keys = [
            k
            for (k,) in conn.execute(text("SELECT key FROM store_state"))
            if k.startswith("publication/")
        ]
    assert len(keys) == 1  # the older import's publication is gone
    store.dispose()


def _import(store: Store, figures: list[DisciplineFigure]) -> None:
    """Write ``figures`` as one import (a new data version)."""
    with store.transaction() as conn:
        import_id = store.start_import(
            source="crdc",
            kind="test",
            location="test",
            format="csv",
            school_year="2023-24",
            checksum=f"test-{len(figures)}",
            started_at=datetime(2026, 1, 5, 9, 0),
            conn=conn,
        )
        store.upsert_discipline_figures(figures, import_id, conn=conn)
