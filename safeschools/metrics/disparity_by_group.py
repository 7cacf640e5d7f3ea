"""Disparity measures of every group at once, with the reference group recorded.

The method is in :mod:`safeschools.metrics.disparity`; this module only lays the measures out per
group: risk, risk ratio against all other students (the federal method) or against a named group,
alternate risk ratio against the state when the district comparison fails the minimum sizes,
risk difference, composition, weighted risk ratio, and a flag above a threshold.

Examples
--------
>>> t = disparity_table({"Black": (60, 400), "White": (30, 600)}, reference="White")
>>> t.reference, round(t.rows[0].risk_ratio.value, 6), t.rows[1].risk_ratio.reason
('White students', 3.0, 'Not calculated: this is the reference group.')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from safeschools.errors import DataValidationError
from safeschools.metrics.disparity import (
    DEFAULT_MIN_CELL,
    DEFAULT_MIN_N,
    REFERENCE_OTHERS,
    Composition,
    Difference,
    Ratio,
    alternate_risk_ratio,
    composition_index,
    risk,
    risk_difference,
    risk_ratio,
    weighted_risk_ratio,
)

__all__ = ["DisparityRow", "DisparityTable", "disparity_table"]


@dataclass(frozen=True)
class DisparityRow:
    """One group's measures in a :class:`DisparityTable`.

    ``ratio`` is the number used for the flag: the risk ratio, or the alternate risk ratio when
    the risk ratio was not calculated and the alternate one was.
    """

    group: str
    a: int
    n: int
    risk: float | None
    risk_ratio: Ratio
    alternate_risk_ratio: Ratio | None
    risk_difference: Difference
    composition: Composition
    weighted_risk_ratio: float | None
    flagged: bool

    @property
    def ratio(self) -> Ratio:
        """The risk ratio, or the alternate one when only that was calculated."""
        arr = self.alternate_risk_ratio
        if self.risk_ratio.value is None and arr is not None and arr.value is not None:
            return arr
        return self.risk_ratio


@dataclass(frozen=True)
class DisparityTable:
    """Disparity measures of every group, with the reference group that was used."""

    rows: tuple[DisparityRow, ...]
    reference: str
    reference_group: str | None
    threshold: float | None
    min_cell: int
    min_n: int
    confidence: float


def disparity_table(
    counts: Mapping[str, tuple[int, int]],
    *,
    reference: str = "others",
    min_cell: int = DEFAULT_MIN_CELL,
    min_n: int = DEFAULT_MIN_N,
    threshold: float | None = None,
    state_counts: Mapping[str, tuple[int, int]] | None = None,
    state_shares: Mapping[str, float] | None = None,
    confidence: float = 0.95,
) -> DisparityTable:
    """Every group's risk, ratio, difference, composition and flag, in one table.

    Parameters
    ----------
    counts
        ``{group: (a, n)}``: students with the outcome (unduplicated) and enrolled, per group.
    reference
        ``"others"`` (the federal method: each group against all other students) or the name of
        a group in ``counts`` (for example ``"White"``), against which every other group is
        compared. The reference group's own row has no ratio.
    state_counts
        ``{group: (a, n)}`` for the state. With ``reference="others"`` it gives the alternate risk
        ratio of a group whose district comparison fails the minimum sizes, and (unless
        ``state_shares`` is given) the state enrollment shares for the weighted risk ratio.
    threshold
        A row is flagged when its ratio (risk ratio, or alternate risk ratio) exceeds it.

    Notes
    -----
    The weighted risk ratio is given only for groups that meet the minimum cell size and n-size.
    """
    if reference != "others" and reference not in counts:
        msg = f"The reference group {reference!r} is not among the groups: {', '.join(counts)}."
        raise DataValidationError(msg)
    total_a = sum(a for a, _ in counts.values())
    total_n = sum(n for _, n in counts.values())
    shares = dict(state_shares) if state_shares is not None else None
    if shares is None and state_counts is not None:
        state_n = sum(n for _, n in state_counts.values())
        shares = {k: (n / state_n if state_n else 0.0) for k, (_, n) in state_counts.items()}
    risks = {g: risk(a, n) for g, (a, n) in counts.items()}
    words = REFERENCE_OTHERS if reference == "others" else f"{reference} students"
    rows = []
    for group, (a, n) in counts.items():
        if reference == "others":
            ref_a, ref_n = total_a - a, total_n - n
        else:
            ref_a, ref_n = counts[reference]
        rr = risk_ratio(
            a,
            n,
            ref_a,
            ref_n,
            reference=words,
            min_cell=min_cell,
            min_n=min_n,
            confidence=confidence,
        )
        if group == reference:
            rr = Ratio(
                None, "Not calculated: this is the reference group.", None, None,
                rr.risk_group, rr.risk_other, words, a, n, ref_a, ref_n,
                min_cell, min_n, confidence,
            )  # fmt: skip
        arr = None
        comparison_fails = ref_a < min_cell or ref_n < min_n
        if reference == "others" and state_counts is not None and comparison_fails:
            sa = sum(x for k, (x, _) in state_counts.items() if k != group)
            sn = sum(x for k, (_, x) in state_counts.items() if k != group)
            arr = alternate_risk_ratio(
                a, n, sa, sn, min_cell=min_cell, min_n=min_n, confidence=confidence
            )
        rd = risk_difference(
            a,
            n,
            ref_a,
            ref_n,
            reference=words,
            min_cell=min_cell,
            min_n=min_n,
            confidence=confidence,
        )
        wrr = None
        if shares is not None and a >= min_cell and n >= max(min_n, 1):
            wrr = weighted_risk_ratio(group, risks, shares)
        row = DisparityRow(
            group, a, n, risks[group], rr, arr, rd,
            composition_index(a, total_a, n, total_n), wrr, False,
        )  # fmt: skip
        used = row.ratio.value
        flagged = threshold is not None and used is not None and used > threshold
        rows.append(
            DisparityRow(group, a, n, risks[group], rr, arr, rd, row.composition, wrr, flagged)
        )
    return DisparityTable(
        tuple(rows),
        words,
        None if reference == "others" else reference,
        threshold,
        min_cell,
        min_n,
        confidence,
    )
