"""Measures computed from counts: discipline disparity the federal way, small-cell suppression for
public tables, and a staggered difference-in-differences for "did removing officers work?".

Each module opens with its method. No storage, no web: numbers in, dataclasses out.

- :mod:`~safeschools.metrics.disparity`: risk, risk ratio, alternate risk ratio, risk difference,
  composition, weighted risk ratio (34 CFR 300.647).
- :mod:`~safeschools.metrics.disparity_by_group`: all of them per group, reference recorded.
- :mod:`~safeschools.metrics.identification`: identified after up to 3 consecutive years.
- :mod:`~safeschools.metrics.suppression`: primary and complementary suppression, and a verifier.
- :mod:`~safeschools.metrics.did`: Callaway and Sant'Anna group-time effects and event study.
"""

from __future__ import annotations

from safeschools.metrics.did import (
    DidResult,
    Effect,
    EventTimeEffect,
    GroupTimeEffect,
    staggered_did,
    twfe_estimate,
)
from safeschools.metrics.disparity import (
    DEFAULT_MIN_CELL,
    DEFAULT_MIN_N,
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
from safeschools.metrics.disparity_by_group import DisparityRow, DisparityTable, disparity_table
from safeschools.metrics.identification import Identification, identify
from safeschools.metrics.suppression import (
    Reason,
    SuppressedCounts,
    SuppressedTable,
    derivable_cells,
    suppress_counts,
    suppress_table,
)

__all__ = [
    "DEFAULT_MIN_CELL",
    "DEFAULT_MIN_N",
    "Composition",
    "DidResult",
    "Difference",
    "DisparityRow",
    "DisparityTable",
    "Effect",
    "EventTimeEffect",
    "GroupTimeEffect",
    "Identification",
    "Ratio",
    "Reason",
    "SuppressedCounts",
    "SuppressedTable",
    "alternate_risk_ratio",
    "composition_index",
    "derivable_cells",
    "disparity_table",
    "identify",
    "risk",
    "risk_difference",
    "risk_ratio",
    "staggered_did",
    "suppress_counts",
    "suppress_table",
    "twfe_estimate",
    "weighted_risk_ratio",
]
