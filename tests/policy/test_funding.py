"""Trade-in shares add up to the pool exactly, for awkward amounts too."""

from __future__ import annotations

from fractions import Fraction

import pytest

from safeschools.errors import DataValidationError
from safeschools.policy.funding import allocate, weights_for


@pytest.mark.parametrize(
    ("pool", "weights"),
    [
        (100, {"a": 1, "b": 1, "c": 1}),
        (1, {"a": 1, "b": 1, "c": 1}),
        (1_030_000_000, {str(i): i % 7 + 1 for i in range(39)}),  # $10.3M over 39 schools
        (390_000_001, {"a": 3, "b": 0, "c": Fraction(1, 3), "d": 2.5}),
        (7, {"a": 1e-9, "b": 1e9}),
    ],
)
def test_shares_add_up_to_the_pool(pool: int, weights: dict[str, float]) -> None:
    shares = allocate(pool, weights)
    assert sum(shares.values()) == pool
    assert set(shares) == set(weights)
    total = sum(Fraction(str(w)) if isinstance(w, float) else Fraction(w) for w in weights.values())
    for key, weight in weights.items():
        exact = (
            pool
            * (Fraction(str(weight)) if isinstance(weight, float) else Fraction(weight))
            / total
        )
        assert abs(shares[key] - exact) < 1  # never more than a cent from the exact share


def test_largest_remainder_and_deterministic_ties() -> None:
    assert allocate(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert allocate(100, {"c": 1, "b": 1, "a": 1}) == {"a": 34, "b": 33, "c": 33}
    # remainders 0.5 each: the larger weight wins the cent
    assert allocate(3, {"a": 1, "b": 1, "c": 4}) == {"a": 1, "b": 0, "c": 2}  # tie: by id
    assert allocate(10, {"a": 1, "b": 3}) == {"a": 2, "b": 8}  # 2.5 / 7.5: tie, b has more weight
    assert allocate(0, {"a": 1}) == {"a": 0}
    assert allocate(5, {"a": 0, "b": 2}) == {"a": 0, "b": 5}


@pytest.mark.parametrize(
    ("pool", "weights", "message"),
    [
        (-1, {"a": 1}, "negative"),
        (10.5, {"a": 1}, "whole number of cents"),
        (10, {"a": 0, "b": 0}, "weight is 0"),
        (10, {"a": -1, "b": 2}, "negative"),
    ],
)
def test_bad_inputs_are_refused(pool: int, weights: dict[str, int], message: str) -> None:
    with pytest.raises(DataValidationError, match=message):
        allocate(pool, weights)


def test_weights_for_each_formula() -> None:
    facts = {
        "1": {"officers_removed": 2, "enrollment": 1200, "victims": 10, "need": 0.5},
        "2": {"officers_removed": 1, "enrollment": 600, "victims": 0, "need": 1.5},
    }
    assert weights_for("equal", facts) == {"1": 1, "2": 1}
    assert weights_for("per_officer", facts) == {"1": 2, "2": 1}
    assert allocate(300_00, weights_for("enrollment", facts)) == {"1": 200_00, "2": 100_00}
    assert allocate(100, weights_for("need", facts)) == {"1": 25, "2": 75}
    with pytest.raises(DataValidationError, match="no enrollment"):
        weights_for("enrollment", {"3": {"enrollment": None}})
    with pytest.raises(DataValidationError, match="Unknown formula"):
        weights_for("lottery", facts)
