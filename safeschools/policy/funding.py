"""Sharing a trade-in fund between schools, exact to the cent.

Method
------
A pool (integer cents) is shared in proportion to each school's weight (officers given up,
enrollment, exposure, need, or 1 for an equal share). Exact shares are computed with fractions;
each school first gets the whole cents of its exact share, and the cents left over go one each to
the schools with the largest remainders (the largest-remainder or Hamilton method). Ties are
broken by the larger weight, then by the school id, so the result is deterministic. The shares
always add up to the pool exactly.

Examples
--------
>>> allocate(100, {"a": 1, "b": 1, "c": 1})
{'a': 34, 'b': 33, 'c': 33}
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from safeschools.errors import DataValidationError

__all__ = ["FORMULAS", "allocate", "weights_for"]

#: Formulas a district can choose, and what the weight of a school is under each.
FORMULAS = {
    "equal": "the same share for every school",
    "per_officer": "in proportion to the officers the school gave up",
    "enrollment": "in proportion to the school's enrollment",
    "exposure": "in proportion to the victims near the school (from the exposure engine)",
    "need": "in proportion to a need score the district sets for each school",
}


def allocate(
    pool_cents: int, weights: Mapping[str, int | float | Decimal | Fraction]
) -> dict[str, int]:
    """Share ``pool_cents`` between the keys of ``weights``; the shares add up to the pool.

    Raises
    ------
    DataValidationError
        A negative pool or weight, or weights that are all zero.
    """
    if isinstance(pool_cents, bool) or not isinstance(pool_cents, int):
        msg = f"The pool must be a whole number of cents, not {pool_cents!r}."
        raise DataValidationError(msg)
    if pool_cents < 0:
        msg = f"The pool cannot be negative ({pool_cents} cents)."
        raise DataValidationError(msg)
    exact: dict[str, Fraction] = {}
    for key, weight in weights.items():
        value = Fraction(str(weight)) if isinstance(weight, float) else Fraction(weight)
        if value < 0:
            msg = f"The weight of {key} is negative ({weight}); weights must be 0 or more."
            raise DataValidationError(msg)
        exact[key] = value
    total = sum(exact.values(), Fraction(0))
    if not exact:
        return {}
    if total == 0:
        msg = (
            "Every school's weight is 0: nothing to share the pool by; check the formula's inputs."
        )
        raise DataValidationError(msg)
    shares: dict[str, int] = {}
    remainders: list[tuple[Fraction, Fraction, str]] = []
    for key, weight in exact.items():
        quota = pool_cents * weight / total
        whole = quota.numerator // quota.denominator
        shares[key] = whole
        remainders.append((quota - whole, weight, key))
    left = pool_cents - sum(shares.values())
    remainders.sort(key=lambda r: (-r[0], -r[1], r[2]))
    for _, _, key in remainders[:left]:
        shares[key] += 1
    return shares


def weights_for(
    formula: str,
    schools: Mapping[str, Mapping[str, float | int | None]],
) -> dict[str, Fraction]:
    """Each school's weight under a formula, from its facts (``officers_removed``,
    ``enrollment``, ``victims``, ``need``). A missing fact is an error, not a zero."""
    if formula not in FORMULAS:
        msg = f"Unknown formula {formula!r}; choose one of {', '.join(FORMULAS)}."
        raise DataValidationError(msg)
    fact = {
        "per_officer": "officers_removed",
        "enrollment": "enrollment",
        "exposure": "victims",
        "need": "need",
    }.get(formula)
    weights: dict[str, Fraction] = {}
    for school_id, facts in schools.items():
        if fact is None:
            weights[school_id] = Fraction(1)
            continue
        value = facts.get(fact)
        if value is None:
            msg = f"School {school_id} has no {fact}; the {formula} formula needs it for all."
            raise DataValidationError(msg)
        weights[school_id] = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    return weights
