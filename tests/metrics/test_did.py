"""Staggered difference-in-differences on synthetic panels with known effects (fixed seeds)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from safeschools.errors import DataValidationError
from safeschools.metrics import staggered_did, twfe_estimate

PERIODS = list(range(2015, 2025))


def make_panel(
    cohorts: dict[int, int],
    effect: Callable[[int], float],
    *,
    seed: int = 7,
    noise: float = 1.0,
) -> pd.DataFrame:
    """Units per cohort (0 = never treated); outcome = unit + year effects + effect(e) + noise."""
    rng = np.random.default_rng(seed)
    year_effect = {t: 0.4 * (t - 2015) + rng.normal(0, 0.5) for t in PERIODS}
    rows = []
    unit = 0
    for g, size in cohorts.items():
        for _ in range(size):
            level = rng.normal(10, 2) + (0.5 if g == 2018 else 0.0)  # levels may differ
            for t in PERIODS:
                treated = g > 0 and t >= g
                y = level + year_effect[t] + (effect(t - g) if treated else 0.0)
                rows.append((unit, t, y + rng.normal(0, noise), g))
            unit += 1
    return pd.DataFrame(rows, columns=["unit", "period", "outcome", "first_treated"])


COHORTS = {2018: 60, 2020: 60, 2022: 60, 0: 60}


def test_a_constant_effect_is_recovered() -> None:
    result = staggered_did(make_panel(COHORTS, lambda e: -2.0))
    overall = result.overall
    assert overall is not None
    assert abs(overall.estimate + 2.0) < 0.2
    assert overall.ci_low < -2.0 < overall.ci_high and overall.ci_high < 0
    assert result.cohort_sizes == {2018: 60, 2020: 60, 2022: 60} and result.never_treated == 60
    post = [c for c in result.group_time if c.event_time >= 0]
    assert all(c.estimate is not None and abs(c.estimate + 2) < 0.6 for c in post)


def test_no_effect_is_not_invented() -> None:
    result = staggered_did(make_panel(COHORTS, lambda e: 0.0, seed=11))
    overall = result.overall
    assert overall is not None
    assert abs(overall.estimate) < 0.2 and overall.ci_low < 0 < overall.ci_high
    for row in result.event_study:
        assert row.ci_low < 0 < row.ci_high, row


def test_a_dynamic_effect_shows_in_the_event_study_and_pre_periods_are_flat() -> None:
    def truth(e: int) -> float:
        return -1.0 - 0.5 * e

    result = staggered_did(make_panel(COHORTS, truth, seed=3))
    rows = {r.event_time: r for r in result.event_study}
    assert sorted(rows) == list(range(-6, 7))  # 2022 cohort reaches e = -6, 2018 reaches e = 6
    for e, row in rows.items():
        expected = truth(e) if e >= 0 else 0.0
        assert abs(row.estimate - expected) < 0.45, row
        assert row.ci_low < expected < row.ci_high, row  # uniform band
    assert rows[6].n_groups == 1 and rows[0].n_groups == 3
    assert result.uniform_bands
    # bands are wider than pointwise intervals
    assert rows[0].ci_high - rows[0].estimate > 1.96 * rows[0].se


def test_universal_base_leaves_out_the_reference_period() -> None:
    result = staggered_did(make_panel(COHORTS, lambda e: -2.0), base_period="universal")
    events = {r.event_time: r for r in result.event_study}
    assert -1 not in events and all(abs(events[e].estimate) < 0.4 for e in events if e < -1)
    assert all(c.base_period == c.cohort - 1 for c in result.group_time)
    assert result.overall is not None and abs(result.overall.estimate + 2) < 0.2


def test_never_treated_controls() -> None:
    result = staggered_did(make_panel(COHORTS, lambda e: -2.0), control_group="never_treated")
    assert result.overall is not None and abs(result.overall.estimate + 2) < 0.25
    assert all(c.n_control == 60 for c in result.group_time)


def test_when_every_school_is_treated_the_last_cohort_is_not_estimable() -> None:
    panel = make_panel({2018: 100, 2020: 100, 2024: 100}, lambda e: -2.0)
    result = staggered_did(panel)
    assert result.never_treated == 0 and result.not_estimable_cohorts == (2024,)
    last = [c for c in result.group_time if c.cohort == 2024 and c.event_time >= 0]
    assert len(last) == 1 and last[0].estimate is None
    assert last[0].reason == "No school was still untreated in 2024 to compare with."
    also = [c for c in result.group_time if c.period == 2024 and c.cohort == 2018]
    assert also[0].estimate is None
    assert result.overall is not None and abs(result.overall.estimate + 2) < 0.25
    assert result.overall.ci_low < -2 < result.overall.ci_high
    assert any("2024-25" in a and "not estimable" in a for a in result.assumptions)


def test_heterogeneous_timing_biases_twfe_but_not_callaway_santanna() -> None:
    def truth(e: int) -> float:
        return 1.0 * (e + 1)  # effects that build up with exposure

    cohorts = {2016: 80, 2019: 80, 2022: 80}
    panel = make_panel(cohorts, truth, seed=5, noise=0.5)
    result = staggered_did(panel)
    # true overall: each cohort's mean post effect (up to 2024 and before the last cohort's
    # treatment ends the comparison, i.e. periods < 2022 for earlier cohorts), equally weighted
    per_cohort = []
    for g in (2016, 2019):
        per_cohort.append(np.mean([truth(t - g) for t in PERIODS if g <= t < 2022]))
    true_overall = float(np.mean(per_cohort))
    assert result.not_estimable_cohorts == (2022,)
    assert result.overall is not None
    assert abs(result.overall.estimate - true_overall) < 0.2
    naive = twfe_estimate(panel)
    assert abs(naive - true_overall) > 1.0  # TWFE uses treated schools as controls


def test_unbalanced_units_are_dropped_and_counted() -> None:
    panel = make_panel(COHORTS, lambda e: -2.0)
    panel = panel.drop(panel.index[(panel.unit == 0) & (panel.period == 2017)])
    panel.loc[panel.unit == 1, "first_treated"] = 2015  # treated from the first period
    result = staggered_did(panel)
    assert result.dropped == {"missing periods": 1, "treated from the first period": 1}
    assert result.cohort_sizes[2018] == 58


def test_standard_errors_are_reproducible_and_close_to_the_analytic_ones() -> None:
    panel = make_panel(COHORTS, lambda e: -2.0)
    a = staggered_did(panel, seed=1)
    b = staggered_did(panel, seed=1)
    analytic = staggered_did(panel, bootstrap_iterations=0)
    assert a == b
    assert a.overall is not None and analytic.overall is not None
    assert a.overall.se == pytest.approx(analytic.overall.se, rel=0.15)
    assert not analytic.uniform_bands


def test_intervals_cover_the_truth_about_95_percent_of_the_time() -> None:
    covered = []
    for seed in range(40):
        panel = make_panel({2018: 30, 2020: 30, 2024: 30}, lambda e: -2.0, seed=100 + seed)
        overall = staggered_did(panel, bootstrap_iterations=0).overall
        assert overall is not None
        covered.append(overall.ci_low < -2.0 < overall.ci_high)
    assert 0.85 <= np.mean(covered) <= 1.0


def test_none_and_nan_mean_never_treated() -> None:
    panel = make_panel(COHORTS, lambda e: -2.0)
    with_none = panel.astype({"first_treated": object})
    with_none.loc[with_none.first_treated == 0, "first_treated"] = None
    assert staggered_did(with_none).overall == staggered_did(panel).overall


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"outcome": "suspensions"}, "no column suspensions"),
        ({"control_group": "everyone"}, "control_group"),
        ({"base_period": "first"}, "base_period"),
        ({"confidence": 1.5}, "confidence"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(DataValidationError, match=match):
        staggered_did(make_panel({2020: 3, 0: 3}, lambda e: 0.0), **kwargs)  # type: ignore[arg-type]


def test_duplicate_rows_are_refused() -> None:
    panel = make_panel({2020: 3, 0: 3}, lambda e: 0.0)
    with pytest.raises(DataValidationError, match="twice"):
        staggered_did(pd.concat([panel, panel.head(1)]))
