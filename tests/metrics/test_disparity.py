"""Disparity measures against the worked numbers of CONTEXT.md section 6 and hand calculations."""

from __future__ import annotations

import math
import re

import pytest

from safeschools.errors import DataValidationError
from safeschools.metrics import (
    alternate_risk_ratio,
    composition_index,
    disparity_table,
    identify,
    risk,
    risk_difference,
    risk_ratio,
    weighted_risk_ratio,
)
from safeschools.metrics.disparity import Ratio


def test_worked_example_risk_ratio_and_katz_interval() -> None:
    r = risk_ratio(60, 400, 30, 600)
    assert r.value == pytest.approx(3.0)
    assert r.reason is None and r.calculated
    assert (round(r.ci_low or 0, 3), round(r.ci_high or 0, 3)) == (1.972, 4.564)
    assert r.risk_group == pytest.approx(0.15) and r.risk_other == pytest.approx(0.05)
    assert r.reference == "all other students"
    assert (r.a_group, r.n_group, r.a_other, r.n_other) == (60, 400, 30, 600)


def test_katz_interval_formula_by_hand_at_90_percent() -> None:
    se = math.sqrt(1 / 60 - 1 / 400 + 1 / 30 - 1 / 600)
    r = risk_ratio(60, 400, 30, 600, confidence=0.90)
    assert r.ci_low == pytest.approx(3 * math.exp(-1.6448536 * se), rel=1e-6)
    assert r.ci_high == pytest.approx(3 * math.exp(1.6448536 * se), rel=1e-6)


def test_composition_of_the_worked_example() -> None:
    c = composition_index(60, 90, 400, 1000)
    assert round(c.share_of_outcome or 0, 3) == 0.667
    assert c.share_of_enrollment == pytest.approx(0.40)
    assert c.gap == pytest.approx(60 / 90 - 0.4)
    assert composition_index(0, 0, 0, 0).gap is None


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((8, 400, 30, 600), "fewer than 10 students in the group had the outcome"),
        ((9, 400, 30, 600), "(the minimum cell size)"),
        (
            (12, 29, 30, 600),
            "fewer than 30 students in the group are enrolled (the minimum n-size)",
        ),
        ((12, 40, 9, 600), "fewer than 10 of all other students had the outcome"),
        ((12, 40, 12, 20), "fewer than 30 of all other students are enrolled"),
        ((0, 400, 30, 600), "fewer than 10 students in the group had the outcome"),
    ],
)
def test_no_ratio_below_the_minimum_sizes_and_it_says_why(
    args: tuple[int, int, int, int], reason: str
) -> None:
    r = risk_ratio(*args)
    assert r.value is None and r.ci_low is None and r.ci_high is None
    assert r.reason is not None and reason in r.reason and r.reason.startswith("Not calculated")
    # the sentence names the size not met, never a count of the group or its comparison group
    numbers = {int(n) for n in re.findall(r"\d+", r.reason)}
    assert numbers <= {10, 30}, r.reason


def test_the_minimum_sizes_are_inclusive_and_settable() -> None:
    assert risk_ratio(10, 30, 10, 30).value == pytest.approx(1.0)
    assert risk_ratio(8, 400, 30, 600, min_cell=5).value == pytest.approx(0.4)
    assert risk_ratio(8, 20, 30, 600, min_cell=5, min_n=20).value == pytest.approx(8.0)


def test_zero_cases() -> None:
    zero_other = risk_ratio(5, 100, 0, 100, min_cell=0, min_n=0)
    assert zero_other.value is None and "comparison risk is zero" in (zero_other.reason or "")
    zero_group = risk_ratio(0, 100, 5, 100, min_cell=0, min_n=0)
    assert zero_group.value == 0.0 and zero_group.ci_low is None  # Katz needs a case each side
    nobody = risk_ratio(0, 0, 5, 100, min_cell=0, min_n=0)
    assert nobody.value is None and "enrolled" in (nobody.reason or "")
    assert risk(0, 0) is None and risk(3, 12) == 0.25


@pytest.mark.parametrize(
    "args", [(-1, 10, 1, 10), (11, 10, 1, 10), (1, 10, 11, 10), (1.5, 10, 1, 10), (True, 10, 1, 10)]
)
def test_impossible_counts_are_refused(args: tuple[int, int, int, int]) -> None:
    with pytest.raises(DataValidationError):
        risk_ratio(*args)


def test_alternate_risk_ratio_uses_the_state_comparison_and_records_it() -> None:
    arr = alternate_risk_ratio(60, 400, 5_000, 100_000)
    assert arr.value == pytest.approx(3.0)
    assert arr.reference == "all other students in the state"
    se = math.sqrt(1 / 60 - 1 / 400 + 1 / 5_000 - 1 / 100_000)
    assert arr.ci_high == pytest.approx(3 * math.exp(1.959964 * se), rel=1e-6)
    assert alternate_risk_ratio(8, 400, 5_000, 100_000).value is None


def test_risk_difference_newcombe_matches_newcombes_published_example() -> None:
    # Newcombe (1998), method 10: 56/70 against 48/80 gives 0.2000 (0.0524 to 0.3339)
    d = risk_difference(56, 70, 48, 80)
    assert d.value == pytest.approx(0.2)
    assert (round(d.ci_low or 0, 4), round(d.ci_high or 0, 4)) == (0.0524, 0.3339)
    assert d.method == "newcombe"


def test_risk_difference_wald_by_hand_and_below_min_cell() -> None:
    d = risk_difference(60, 400, 30, 600, method="wald")
    half = 1.959964 * math.sqrt(0.15 * 0.85 / 400 + 0.05 * 0.95 / 600)
    assert d.ci_low == pytest.approx(0.1 - half, rel=1e-6)
    assert d.ci_high == pytest.approx(0.1 + half, rel=1e-6)
    assert risk_difference(8, 400, 30, 600).value is None
    assert risk_difference(12, 100, 0, 100, min_cell=0).value == pytest.approx(0.12)


def test_weighted_risk_ratio_by_hand() -> None:
    risks = {"A": 0.10, "B": 0.05, "C": 0.02}
    shares = {"A": 0.2, "B": 0.5, "C": 0.3}
    # (1 - 0.2) * 0.10 / (0.5 * 0.05 + 0.3 * 0.02) = 0.08 / 0.031
    assert weighted_risk_ratio("A", risks, shares) == pytest.approx(0.08 / 0.031)
    # (1 - 0.3) * 0.02 / (0.2 * 0.10 + 0.5 * 0.05) = 0.014 / 0.045
    assert weighted_risk_ratio("C", risks, shares) == pytest.approx(0.014 / 0.045)
    # a group with no students is left out; the weight is the shares kept
    assert weighted_risk_ratio("A", {**risks, "B": None}, shares) == pytest.approx(
        0.3 * 0.10 / (0.3 * 0.02)
    )
    assert weighted_risk_ratio("B", {**risks, "B": None}, shares) is None
    with pytest.raises(DataValidationError, match="No state enrollment share for C"):
        weighted_risk_ratio("A", risks, {"A": 0.5, "B": 0.5})


def test_table_against_white_differs_from_all_others_and_records_the_reference() -> None:
    counts = {"Black": (60, 400), "Hispanic": (45, 500), "White": (12, 300)}
    others = disparity_table(counts)
    white = disparity_table(counts, reference="White")
    assert others.reference == "all other students" and others.reference_group is None
    assert white.reference == "White students" and white.reference_group == "White"
    black_others, black_white = others.rows[0], white.rows[0]
    assert black_others.risk_ratio.value == pytest.approx(0.15 / (57 / 800))
    assert black_white.risk_ratio.value == pytest.approx(0.15 / 0.04)
    assert black_white.risk_ratio.reference == "White students"
    assert black_white.risk_ratio.value != pytest.approx(black_others.risk_ratio.value)
    assert white.rows[2].risk_ratio.value is None
    assert white.rows[2].risk_ratio.reason == "Not calculated: this is the reference group."
    assert black_others.composition.share_of_outcome == pytest.approx(60 / 117)
    assert black_others.risk_difference.value == pytest.approx(0.15 - 57 / 800)


def test_table_flags_uses_the_alternate_ratio_and_weights_by_state_shares() -> None:
    counts = {"Black": (60, 400), "White": (5, 100)}  # comparison of Black: 5 < min cell
    state = {"Black": (5_000, 50_000), "White": (2_000, 100_000)}
    t = disparity_table(counts, threshold=2.5, state_counts=state)
    black = t.rows[0]
    assert black.risk_ratio.value is None and "fewer than 10 of all other students" in (
        black.risk_ratio.reason or ""
    )
    assert black.alternate_risk_ratio is not None
    assert black.alternate_risk_ratio.value == pytest.approx(0.15 / 0.02)
    assert black.ratio is black.alternate_risk_ratio and black.flagged
    # WRR with state shares 1/3, 2/3: (1 - 1/3) * 0.15 / (2/3 * 0.05) = 3.0
    assert black.weighted_risk_ratio == pytest.approx(3.0)
    assert t.rows[1].weighted_risk_ratio is None  # White: 5 < min cell
    assert not t.rows[1].flagged
    assert disparity_table(counts, threshold=2.5).rows[0].flagged is False  # no state counts
    with pytest.raises(DataValidationError, match="reference group 'Asian'"):
        disparity_table(counts, reference="Asian")


def test_table_flag_is_strictly_above_the_threshold() -> None:
    counts = {"A": (60, 400), "B": (30, 600)}
    assert disparity_table(counts, threshold=3.5).rows[0].flagged is False
    assert disparity_table(counts, threshold=2.99).rows[0].flagged is True


def _r(value: float | None) -> Ratio:
    return Ratio(value, None, None, None, None, None, "x", 0, 0, 0, 0, 10, 30, 0.95)


@pytest.mark.parametrize(
    ("series", "consecutive", "identified", "years"),
    [
        ({2021: 3.2, 2022: 3.5, 2023: 3.1}, 3, True, (2023,)),
        ({2021: 3.2, 2022: 3.5}, 3, False, ()),
        ({2021: 3.2, 2022: 3.5}, 2, True, (2022,)),
        ({2021: 3.2, 2022: None, 2023: 3.1}, 3, False, ()),
        ({2021: 3.2, 2022: None, 2023: 3.1}, 1, True, (2021, 2023)),
        ({2021: 3.2, 2022: 3.0, 2023: 3.1}, 2, False, ()),  # exactly 3.0 does not exceed
        ({2020: 3.2, 2021: 3.2, 2023: 3.1}, 2, False, (2021,)),  # 2022 missing breaks the run
        ({2019: 4.0, 2020: 4.0, 2021: 4.0, 2022: 1.0}, 3, False, (2021,)),
        ({"2021-22": 3.2, "2022-23": 3.5, "2023-24": 3.9}, 3, True, ("2023-24",)),
        ({2021: _r(3.2), 2022: _r(None), 2023: _r(3.3)}, 1, True, (2021, 2023)),
        ({2021: _r(3.2), 2022: _r(3.3), 2023: _r(3.3), 2024: _r(3.4)}, 3, True, (2023, 2024)),
        ({}, 3, False, ()),
    ],
)
def test_identification_rule(
    series: dict[object, object], consecutive: int, identified: bool, years: tuple[object, ...]
) -> None:
    result = identify(series, threshold=3.0, consecutive=consecutive)  # type: ignore[arg-type]
    assert result.identified is identified
    assert result.identified_years == years
    assert result.reason.startswith("Identified" if identified else ("Not", "No"))


def test_identification_refuses_more_than_three_years_and_bad_years() -> None:
    with pytest.raises(DataValidationError, match="1, 2 or 3"):
        identify({2021: 3.2}, threshold=3.0, consecutive=4)
    with pytest.raises(DataValidationError, match="Cannot read the year"):
        identify({"last year": 3.2}, threshold=3.0)
    with pytest.raises(DataValidationError, match="twice"):
        identify({2021: 3.2, "2021-22": 3.3}, threshold=3.0)
