"""Discipline disparity the federal way (significant disproportionality, 34 CFR 300.647).

Method
------
For a group g, ``a_g`` is the number of *unduplicated* students with at least one of the outcome
(a student suspended three times counts once) and ``n_g`` its enrollment.

- risk ``R_g = a_g / n_g``.
- risk ratio ``RR_g = R_g / R_ref``. The federal comparison is *all other students* in the same
  school or district, ``R_other = sum(a_k, k != g) / sum(n_k, k != g)``. Some analyses compare with
  White students instead, which changes the result a lot, so every result records its
  ``reference``.
- alternate risk ratio ``ARR_g = R_g (district) / R_other (state)``, used when the district's
  comparison group is below the minimum cell size or n-size (34 CFR 300.647(b)(5)).
- minimum cell size (numerator) and n-size (denominator), defaults 10 and 30: the regulation
  presumes at most 10 and 30 reasonable. A ratio is calculated only when the group *and* its
  comparison group each have at least ``min_cell`` students with the outcome and at least
  ``min_n`` students enrolled (300.647(b)(3)-(4) apply both sizes to the group and to the
  comparison group). Otherwise ``value`` is None and ``reason`` says why in a plain sentence
  that names the size not met and never the count (a count under the minimum cell size, the
  group's or its comparison group's, is not published in words either). The
  same rule applies to the state comparison of the alternate risk ratio (it nearly always passes).
- confidence interval of a ratio by the Katz log method:
  ``exp(ln RR ± z * sqrt(1/a_g - 1/n_g + 1/a_ref - 1/n_ref))``. It needs at least one case on
  each side; with ``min_cell >= 1`` that always holds.
- risk difference ``R_g - R_ref`` with the Newcombe hybrid score interval (method 10 of Newcombe
  1998, built from two Wilson intervals: it stays inside [-1, 1] and keeps its coverage for small
  counts) or, on request, the Wald interval ``± z * sqrt(R_g(1-R_g)/n_g + R_ref(1-R_ref)/n_ref)``.
  The same minimum sizes apply, since a difference exposes the same counts.
- composition index: the group's share of the students with the outcome, ``a_g / sum(a)``,
  against its share of enrollment, ``n_g / sum(n)``.
- weighted risk ratio (IDEA Data Center, Bollmer, Bethel, Munk and Bitterman 2014):
  ``WRR_g = (1 - p_g) * R_g / sum(p_k * R_k, k != g)`` with ``R_k`` the district risk of group k
  and ``p_k`` the *state's* enrollment share of group k. Groups with no district risk (no students
  enrolled) are left out of the sum and ``1 - p_g`` becomes the sum of the shares kept, which is
  the same number when every group is present.
- identification: a district (or school) is identified only after its ratio exceeds the threshold
  (strictly greater) in each of up to 3 consecutive years; see :func:`identify`.

Examples
--------
The worked example of the regulation's guidance: 60 of 400 students in a group suspended, 30 of
600 other students.

>>> r = risk_ratio(60, 400, 30, 600)
>>> round(r.value, 6), round(r.ci_low, 3), round(r.ci_high, 3)
(3.0, 1.972, 4.564)
>>> risk_ratio(8, 400, 30, 600).reason
'Not calculated: fewer than 10 students in the group had the outcome (the minimum cell size).'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

from safeschools.errors import DataValidationError
from safeschools.metrics.identification import Identification, identify

__all__ = [
    "DEFAULT_MIN_CELL",
    "DEFAULT_MIN_N",
    "REFERENCE_OTHERS",
    "REFERENCE_STATE_OTHERS",
    "Composition",
    "Difference",
    "Identification",
    "Ratio",
    "alternate_risk_ratio",
    "composition_index",
    "identify",
    "risk",
    "risk_difference",
    "risk_ratio",
    "weighted_risk_ratio",
]

#: Minimum cell size (students with the outcome) the regulation presumes reasonable at most.
DEFAULT_MIN_CELL = 10
#: Minimum n-size (students enrolled) the regulation presumes reasonable at most.
DEFAULT_MIN_N = 30
REFERENCE_OTHERS = "all other students"
REFERENCE_STATE_OTHERS = "all other students in the state"


@dataclass(frozen=True)
class Ratio:
    """A risk ratio (or alternate risk ratio) and everything needed to explain it.

    ``value``, ``ci_low`` and ``ci_high`` are None when the ratio is not calculated, and then
    ``reason`` is a plain sentence saying why; otherwise ``reason`` is None. Risks are fractions
    (0.15 means 15 %).
    """

    value: float | None
    reason: str | None
    ci_low: float | None
    ci_high: float | None
    risk_group: float | None
    risk_other: float | None
    reference: str
    a_group: int
    n_group: int
    a_other: int
    n_other: int
    min_cell: int
    min_n: int
    confidence: float

    @property
    def calculated(self) -> bool:
        """True when the ratio was calculated."""
        return self.value is not None


@dataclass(frozen=True)
class Difference:
    """A risk difference ``risk_group - risk_other`` (fractions) with its interval."""

    value: float | None
    reason: str | None
    ci_low: float | None
    ci_high: float | None
    risk_group: float | None
    risk_other: float | None
    reference: str
    method: Literal["newcombe", "wald"]
    confidence: float


@dataclass(frozen=True)
class Composition:
    """A group's share of the students with the outcome against its share of enrollment."""

    share_of_outcome: float | None
    share_of_enrollment: float | None

    @property
    def gap(self) -> float | None:
        """``share_of_outcome - share_of_enrollment`` (positive: over-represented)."""
        if self.share_of_outcome is None or self.share_of_enrollment is None:
            return None
        return self.share_of_outcome - self.share_of_enrollment


def _check_counts(**counts: int) -> None:
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            msg = f"{name} must be a whole number, 0 or more, not {value!r}."
            raise DataValidationError(msg)


def _check_within(a: int, n: int, side: str) -> None:
    if a > n:
        msg = (
            f"{a} students with the outcome is more than the {n} enrolled ({side}): count each "
            "student once (unduplicated) and check the enrollment is for the same group and year."
        )
        raise DataValidationError(msg)


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        msg = f"confidence must be between 0 and 1 (for example 0.95), not {confidence!r}."
        raise DataValidationError(msg)
    return NormalDist().inv_cdf((1 + confidence) / 2)


def risk(a: int, n: int) -> float | None:
    """Risk ``a / n`` as a fraction; None when nobody is enrolled.

    Examples
    --------
    >>> risk(60, 400)
    0.15
    """
    _check_counts(a=a, n=n)
    _check_within(a, n, "risk")
    return None if n == 0 else a / n


def _why_not(
    a_group: int,
    n_group: int,
    a_other: int,
    n_other: int,
    min_cell: int,
    min_n: int,
    other: str,
    *,
    zero_other_ok: bool = False,
) -> str | None:
    """The plain sentence saying why a comparison is not calculated, or None."""
    _check_counts(
        a_group=a_group, n_group=n_group, a_other=a_other, n_other=n_other,
        min_cell=min_cell, min_n=min_n,
    )  # fmt: skip
    _check_within(a_group, n_group, "group")
    _check_within(a_other, n_other, other)
    # the sentence says which size is not met, never the count itself: a count under the
    # minimum cell size (the group's or its comparison group's) must not be published in words
    if a_group < min_cell:
        return (
            f"Not calculated: fewer than {min_cell} students in the group had the outcome "
            "(the minimum cell size)."
        )
    if n_group < min_n or n_group == 0:
        return (
            f"Not calculated: fewer than {max(min_n, 1)} students in the group are enrolled "
            "(the minimum n-size)."
        )
    if a_other < min_cell:
        return (
            f"Not calculated: fewer than {min_cell} of {other} had the outcome (the minimum "
            "cell size)."
        )
    if n_other < min_n or n_other == 0:
        return (
            f"Not calculated: fewer than {max(min_n, 1)} of {other} are enrolled (the minimum "
            "n-size)."
        )
    if a_other == 0 and not zero_other_ok:
        return f"Not calculated: none of {other} had the outcome, so the comparison risk is zero."
    return None


def _ratio(
    a_group: int,
    n_group: int,
    a_other: int,
    n_other: int,
    *,
    min_cell: int,
    min_n: int,
    confidence: float,
    reference: str,
) -> Ratio:
    z = _z(confidence)
    risk_group = None if n_group == 0 else a_group / n_group
    risk_other = None if n_other == 0 else a_other / n_other
    reason = _why_not(a_group, n_group, a_other, n_other, min_cell, min_n, reference)
    value = ci_low = ci_high = None
    if reason is None and risk_group is not None and risk_other is not None:
        value = risk_group / risk_other
        if a_group > 0:  # the Katz interval needs a case on both sides
            se = math.sqrt(1 / a_group - 1 / n_group + 1 / a_other - 1 / n_other)
            ci_low = math.exp(math.log(value) - z * se)
            ci_high = math.exp(math.log(value) + z * se)
    return Ratio(
        value, reason, ci_low, ci_high, risk_group, risk_other, reference,
        a_group, n_group, a_other, n_other, min_cell, min_n, confidence,
    )  # fmt: skip


def risk_ratio(
    a_group: int,
    n_group: int,
    a_other: int,
    n_other: int,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
    reference: str = REFERENCE_OTHERS,
) -> Ratio:
    """Risk ratio of a group against a comparison group, with its Katz interval.

    Parameters
    ----------
    a_group, n_group
        Students of the group with the outcome (unduplicated) and enrolled.
    a_other, n_other
        The same for the comparison group (by default all other students).
    min_cell, min_n
        Minimum cell size and n-size, applied to the group and to the comparison group.
    reference
        Words naming the comparison group, recorded on the result.

    Examples
    --------
    >>> r = risk_ratio(60, 400, 30, 600)
    >>> r.risk_group, r.risk_other, r.reference
    (0.15, 0.05, 'all other students')
    >>> risk_ratio(12, 40, 8, 600).reason
    'Not calculated: fewer than 10 of all other students had the outcome (the minimum cell size).'
    """
    return _ratio(
        a_group, n_group, a_other, n_other,
        min_cell=min_cell, min_n=min_n, confidence=confidence, reference=reference,
    )  # fmt: skip


def alternate_risk_ratio(
    a_group: int,
    n_group: int,
    a_state_other: int,
    n_state_other: int,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
    reference: str = REFERENCE_STATE_OTHERS,
) -> Ratio:
    """The district group's risk against the risk of all other students in the state.

    Use it when the district's own comparison group is below the minimum cell size or n-size.

    Examples
    --------
    >>> round(alternate_risk_ratio(60, 400, 5_000, 100_000).value, 6)
    3.0
    """
    return _ratio(
        a_group, n_group, a_state_other, n_state_other,
        min_cell=min_cell, min_n=min_n, confidence=confidence, reference=reference,
    )  # fmt: skip


def _wilson(a: int, n: int, z: float) -> tuple[float, float]:
    p = a / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def risk_difference(
    a_group: int,
    n_group: int,
    a_other: int,
    n_other: int,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
    reference: str = REFERENCE_OTHERS,
    method: Literal["newcombe", "wald"] = "newcombe",
) -> Difference:
    """Risk difference ``R_group - R_other`` with a Newcombe (default) or Wald interval.

    Examples
    --------
    >>> d = risk_difference(60, 400, 30, 600)
    >>> round(d.value, 6), round(d.ci_low, 4), round(d.ci_high, 4)
    (0.1, 0.0623, 0.1411)
    """
    if method not in ("newcombe", "wald"):
        msg = f"method must be 'newcombe' or 'wald', not {method!r}."
        raise DataValidationError(msg)
    z = _z(confidence)
    r1 = None if n_group == 0 else a_group / n_group
    r2 = None if n_other == 0 else a_other / n_other
    reason = _why_not(
        a_group, n_group, a_other, n_other, min_cell, min_n, reference, zero_other_ok=True
    )
    if reason is not None or r1 is None or r2 is None:
        return Difference(None, reason, None, None, r1, r2, reference, method, confidence)
    value = r1 - r2
    if method == "wald":
        half = z * math.sqrt(r1 * (1 - r1) / n_group + r2 * (1 - r2) / n_other)
        low, high = value - half, value + half
    else:
        l1, u1 = _wilson(a_group, n_group, z)
        l2, u2 = _wilson(a_other, n_other, z)
        low = value - math.sqrt((r1 - l1) ** 2 + (u2 - r2) ** 2)
        high = value + math.sqrt((u1 - r1) ** 2 + (r2 - l2) ** 2)
    return Difference(value, None, low, high, r1, r2, reference, method, confidence)


def composition_index(a_group: int, a_total: int, n_group: int, n_total: int) -> Composition:
    """The group's share of students with the outcome and its share of enrollment.

    Examples
    --------
    >>> c = composition_index(60, 90, 400, 1000)
    >>> round(c.share_of_outcome, 3), c.share_of_enrollment
    (0.667, 0.4)
    """
    _check_counts(a_group=a_group, a_total=a_total, n_group=n_group, n_total=n_total)
    if a_group > a_total or n_group > n_total:
        msg = "The group's counts are larger than the totals; the totals must include the group."
        raise DataValidationError(msg)
    return Composition(
        None if a_total == 0 else a_group / a_total, None if n_total == 0 else n_group / n_total
    )


def weighted_risk_ratio(
    group: str, risks_by_group: Mapping[str, float | None], state_shares: Mapping[str, float]
) -> float | None:
    """IDEA Data Center weighted risk ratio of ``group``; None when it cannot be calculated.

    Parameters
    ----------
    risks_by_group
        District risk (fraction) of every group, None for a group with no students.
    state_shares
        The state's enrollment share of every group (fractions adding up to 1).

    Examples
    --------
    District risks A 0.10, B 0.05, C 0.02; state shares A 0.2, B 0.5, C 0.3:
    ``WRR_A = 0.8 * 0.10 / (0.5 * 0.05 + 0.3 * 0.02) = 0.08 / 0.031``.

    >>> round(weighted_risk_ratio("A", {"A": 0.1, "B": 0.05, "C": 0.02},
    ...                           {"A": 0.2, "B": 0.5, "C": 0.3}), 4)
    2.5806
    """
    missing = sorted(set(risks_by_group) - set(state_shares))
    if missing:
        msg = f"No state enrollment share for {', '.join(missing)}; give a share for every group."
        raise DataValidationError(msg)
    if any(share < 0 for share in state_shares.values()):
        msg = "State enrollment shares must be 0 or more."
        raise DataValidationError(msg)
    own = risks_by_group.get(group)
    if own is None:
        return None
    kept = [(state_shares[k], r) for k, r in risks_by_group.items() if k != group and r is not None]
    weight = sum(p for p, _ in kept)
    denominator = sum(p * r for p, r in kept)
    if denominator <= 0:
        return None
    return weight * own / denominator
