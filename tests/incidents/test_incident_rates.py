"""The monthly roll-up of school-recorded incidents and cases, worked out again here from the
hand-made set (tests/helpers/incident_rates_city.py) on SQLite and PostgreSQL; the rates; "0
recorded" against "nothing recorded"; partial periods; and the small-count rule (nothing hidden
can be worked out from what is shown)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from helpers.incident_rates_city import CASES, TODAY, incidents, load

from safeschools.metrics import incident_rates as m
from safeschools.metrics.suppression_tables import DISTRICT, derivable_in_publication
from safeschools.model.incidents import CATEGORIES
from safeschools.services import incident_rates as service
from safeschools.settings import Settings
from safeschools.storage import Store


def _settings(min_cell: int) -> Settings:
    return Settings(database_url="sqlite://", min_cell_size=min_cell)


def test_rollup_in_sql_matches_a_count_by_hand(store: Store) -> None:
    load(store, _settings(1))
    expected: Counter[tuple[str, str, str]] = Counter()
    for i in incidents():  # the withdrawn one is not in this list
        key = (i.school_id, i.occurred_at.strftime("%Y-%m"))
        expected[(*key, i.category)] += 1
        expected[(*key, "fights_restorative")] += i.is_fight and i.restorative
        expected[(*key, "fights_suspended")] += i.is_fight and "suspension" in i.responses
        expected[(*key, "fights_police")] += i.is_fight and i.police_called
    got: Counter[tuple[str, str, str]] = Counter()
    for r in store.incident_month_counts():
        for category, n in r.by_category.items():
            got[(r.school_id, r.month, category)] = n
        for what in ("fights_restorative", "fights_suspended", "fights_police"):
            got[(r.school_id, r.month, what)] = getattr(r, what)
    assert +got == +expected
    assert expected[("700001", "2026-09", "fights_restorative")] == 4
    (cases,) = store.case_month_counts()
    assert (cases.school_id, cases.month) == ("700001", "2026-09")
    assert cases.opened == len(CASES)
    assert cases.closed == sum(s == "closed" for s, _, _ in CASES) == 4
    assert cases.repaired == sum(o == "repaired" for _, o, _ in CASES) == 3
    assert (cases.recurred_yes, cases.recurred_no) == (2, 1)
    assert store.incident_month_counts(school_id="700003") == []
    assert store.incident_span() == (date(2026, 9, 10), date(2026, 11, 3))


def _period(series: list[dict], period: str) -> dict:
    return next(r for r in series if r["period"] == period)


def test_rates_months_and_school_years_without_small_counts(store: Store) -> None:
    settings = _settings(1)  # every count shown: the numbers themselves
    load(store, settings)
    alder = service.monthly(store, settings=settings, school_id="700001", today=TODAY)
    assert [r["period"] for r in alder["series"]] == ["2026-09", "2026-10", "2026-11"]
    sept = _period(alder["series"], "2026-09")
    counts = {k: v["count"] for k, v in sept["counts"].items()}
    assert counts["fight"] == 6 and counts["bullying"] == 5 and counts["total"] == 11
    rates = {k: v["value"] for k, v in sept["rates"].items()}
    assert rates["restorative_share"] == pytest.approx(4 / 6)
    assert rates["suspensions_per_fight"] == pytest.approx(2 / 6)
    assert rates["police_per_fight"] == pytest.approx(1 / 6)
    assert rates["repaired_share"] == pytest.approx(3 / 4)
    # recurrence: yes among those answered; the two not known are not counted as no
    assert rates["recurrence_share"] == pytest.approx(2 / 3)
    assert counts["recurred_unknown"] == 2
    # October: the school records, nothing happened: 0, shown; no fights: no rate, not 0
    october = _period(alder["series"], "2026-10")
    assert october["counts"]["total"] == {"count": 0, "status": "shown"}
    assert october["rates"]["restorative_share"]["status"] == "no_denominator"
    assert october["rates"]["restorative_share"]["value"] is None
    # the month in progress and the school year in progress are partial
    november = _period(alder["series"], "2026-11")
    assert november["partial_reason"] == "in_progress" and not sept["partial"]
    birch = service.monthly(
        store, settings=settings, school_id="700002", by="school-year", today=TODAY
    )
    (year,) = birch["series"]
    assert year["period"] == "2026-27" and year["partial_reason"] == "in_progress"
    assert year["counts"]["fight"]["count"] == 7 and year["rates"]["restorative_share"][
        "value"
    ] == pytest.approx(1.0)
    # the district: the schools recording in each period
    district = service.monthly(store, settings=settings, today=TODAY)
    assert _period(district["series"], "2026-09")["counts"]["total"]["count"] == 11
    assert _period(district["series"], "2026-10")["counts"]["total"]["count"] == 13
    assert [s["school_id"] for s in district["schools"]] == ["700001", "700002"]
    assert district["coverage"] == {
        "first": "2026-09-10",
        "last": "2026-11-03",
        "as_of": "2026-11-15",
        "min_cell_size": 1,
    }
    assert set(district["definitions"]) >= set(m.RATES)


def test_a_school_that_records_nothing_has_no_figures_not_zeros(store: Store) -> None:
    settings = _settings(1)
    load(store, settings)
    cedar = service.monthly(store, settings=settings, school_id="700003", today=TODAY)
    assert cedar["status"] == "nothing_recorded" and cedar["series"] == []
    assert "not 0" in cedar["reason"]
    # Birch began in October: no September row (unknown), not a September of zeros
    birch = service.monthly(store, settings=settings, school_id="700002", today=TODAY)
    assert [r["period"] for r in birch["series"]] == ["2026-10", "2026-11"]


def test_a_school_year_the_school_began_recording_in_is_partial(store: Store) -> None:
    settings = _settings(1)
    load(store, settings)
    later = date(2027, 8, 2)
    alder = service.monthly(
        store, settings=settings, school_id="700001", by="school-year", today=later
    )
    assert [(r["period"], r["partial_reason"]) for r in alder["series"]] == [
        ("2026-27", "recording_began"),
        ("2027-28", "in_progress"),
    ]
    assert alder["series"][1]["counts"]["total"] == {"count": 0, "status": "shown"}


def test_small_counts_are_hidden_and_cannot_be_worked_out(sqlite_only_store: Store) -> None:
    store, settings = sqlite_only_store, _settings(5)
    load(store, settings)
    f = service.figures(store, settings=settings, today=TODAY)
    raw = m.month_counts(
        store.incident_month_counts(), store.case_month_counts(), categories=CATEGORIES
    )
    (pub,) = f.publications.values()
    for (row, column), value in pub.values.items():
        if row == DISTRICT:
            continue
        period, measure = column.split("|")
        true = (
            raw.get(row, {}).get(period, {}).get(measure, 0) if period != pub.school_year else None
        )
        if true is not None and 0 < true < 5:
            assert value is None, (row, column)
        if value is not None and true is not None:
            assert value == true
    shown: dict[str, dict[str, int | None]] = {}
    for (row, column), value in pub.values.items():
        shown.setdefault(row, {})[column] = value
    leaks = derivable_in_publication(
        shown, equations=m.equations(pub.school_year, CATEGORIES, pub.months)
    )
    hidden_nonzero = {k for k, v in pub.status.items() if v == "suppressed"}
    true_values: dict[tuple[str, str], int] = {}
    for row, months in raw.items():
        for month, counts in months.items():
            for measure, v in counts.items():
                true_values[(row, f"{month}|{measure}")] = v
    assert [c for c in leaks if c in hidden_nonzero and true_values.get(c, 1) > 0] == []
    # a rate computed from a hidden count is hidden too
    sept = service.monthly(store, settings=settings, school_id="700001", today=TODAY)
    for r in sept["series"]:
        for name, (top, bottom) in m.RATES.items():
            if "suppressed" in (r["counts"][top]["status"], r["counts"][bottom]["status"]):
                assert r["rates"][name] == {
                    "value": None,
                    "status": "suppressed",
                    "numerator": None,
                    "denominator": None,
                }


def test_months_of_a_school_year_and_its_lines() -> None:
    assert m.months_of_school_year("2026-27")[0] == "2026-07"
    assert m.months_of_school_year("2026-27")[-1] == "2027-06"
    lines = m.equations("2026-27", CATEGORIES)
    assert (
        ["2026-09|fights_restorative", "2026-09|fights_not_restorative"],
        "2026-09|fights",
    ) in lines
    with pytest.raises(Exception, match="--by month"):
        service._series(None, "x", "week")  # type: ignore[arg-type]


def test_a_new_incident_changes_the_figures_at_once(sqlite_only_store: Store) -> None:
    from datetime import datetime

    from safeschools.model.incidents import Incident

    store, settings = sqlite_only_store, _settings(1)
    load(store, settings)
    before = service.monthly(store, settings=settings, school_id="700001", today=TODAY)
    assert _period(before["series"], "2026-10")["counts"]["total"]["count"] == 0
    with store.engine.begin() as conn:
        store.add_school_incident(
            Incident("700001", datetime(2026, 10, 2, 9), "weapon", "grounds", 1),
            at=datetime(2026, 11, 15, 10),
            by=None,
            conn=conn,
        )
    after = service.monthly(store, settings=settings, school_id="700001", today=TODAY)
    assert _period(after["series"], "2026-10")["counts"]["weapon"]["count"] == 1
    assert _period(after["series"], "2026-10")["counts"]["total"]["count"] == 1
