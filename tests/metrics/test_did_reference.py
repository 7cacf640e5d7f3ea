"""Our staggered difference-in-differences against a reference implementation of Callaway and
Sant'Anna (2021): the ``differences`` package's ATTgt, on the same synthetic panel. The group-time
effects, the overall effect (cohort aggregation) and the event study agree to rounding; the
standard errors (ours: multiplier bootstrap; theirs: analytic) agree to within 15 %."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from safeschools.metrics.did import staggered_did


def _panel(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for unit in range(240):
        cohort = (2016, 2018, 2020, 0)[unit % 4]
        level = rng.normal()
        for year in range(2013, 2023):
            effect = -2.0 - 0.2 * (year - cohort) if cohort and year >= cohort else 0.0
            rows.append((unit, year, level + 0.3 * (year - 2013) + rng.normal() + effect, cohort))
    return pd.DataFrame(rows, columns=["unit", "period", "outcome", "first_treated"])


@pytest.mark.parametrize("control", ["not_yet_treated", "never_treated"])
def test_estimates_match_the_differences_package(control: str) -> None:
    panel = _panel(7)
    ours = staggered_did(panel, control_group=control, bootstrap_iterations=999, seed=3)  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reference package's own pandas/polars warnings
        from differences import ATTgt

        data = panel.assign(cohort=panel["first_treated"].replace(0, np.nan))
        att = ATTgt(data=data.set_index(["unit", "period"]), cohort_column="cohort")
        att.fit(formula="outcome", control_group=control, progress_bar=False)
        cells = att.results().iloc[:, 0]
        overall = att.aggregate("cohort", overall=True)
        event = att.aggregate("event")
    mine = {(g.cohort, g.period): g.estimate for g in ours.group_time if g.estimate is not None}
    theirs = {(int(g), int(t)): float(v) for (g, _, t), v in cells.items()}
    assert mine.keys() == theirs.keys()
    for key, value in theirs.items():
        assert mine[key] == pytest.approx(value, abs=1e-9), key
    assert ours.overall is not None
    assert ours.overall.estimate == pytest.approx(float(overall.iloc[0, 0]), abs=1e-9)
    assert ours.overall.se == pytest.approx(float(overall.iloc[0, 1]), rel=0.15)
    by_event = {int(e): float(v) for e, v in event.iloc[:, 0].items()}
    assert {e.event_time: e.estimate for e in ours.event_study} == pytest.approx(by_event)


def test_a_missing_year_does_not_shift_event_times() -> None:
    """2019 is missing (a pandemic year, say): event times stay calendar years, as in the
    reference implementation."""
    panel = _panel(11)
    panel = panel[panel["period"] != 2019]
    ours = staggered_did(panel, bootstrap_iterations=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from differences import ATTgt

        data = panel.assign(cohort=panel["first_treated"].replace(0, np.nan))
        att = ATTgt(data=data.set_index(["unit", "period"]), cohort_column="cohort")
        att.fit(formula="outcome", control_group="not_yet_treated", progress_bar=False)
        event = att.aggregate("event")
    by_event = {int(e): float(v) for e, v in event.iloc[:, 0].items()}
    mine = {e.event_time: e.estimate for e in ours.event_study}
    assert mine.keys() == by_event.keys()
    assert mine == pytest.approx(by_event)
    cell = next(g for g in ours.group_time if g.cohort == 2018 and g.period == 2020)
    assert cell.event_time == 2
