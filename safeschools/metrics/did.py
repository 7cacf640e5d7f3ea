"""Did removing officers change outcomes? Staggered difference-in-differences.

Method (Callaway and Sant'Anna 2021, unconditional parallel trends, no covariates)
---------------------------------------------------------------------------------
Schools form cohorts by the first period without an officer (``first_treated``; 0, None or NaN
for a school never treated in the data). For each cohort g and period t:

- ``ATT(g, t) = mean(Y_t - Y_b | G = g) - mean(Y_t - Y_b | controls)``, a long difference
  against the base period b. After treatment (t >= g) the base is g-1, the last period before
  treatment. Before treatment (placebo periods) the base is t-1 with ``base_period="varying"``
  (each estimate is a one-period change) or g-1 with ``base_period="universal"`` (every estimate
  is against the same period, and event time -1 is the reference, left out).
- controls: ``"not_yet_treated"`` (default) are schools not treated by max(t, b), including the
  never-treated, excluding cohort g; ``"never_treated"`` only the never-treated.
- standard errors from the influence function of each estimate, turned into a multiplier
  bootstrap with Rademacher weights at the school level (fixed ``seed``), standard error from the
  bootstrap's interquartile range, as in the authors' R package ``did``. Event-study bands are
  uniform (sup-t) over event times when ``uniform_bands=True``.
- aggregation: event study ``theta(e)`` averages ``ATT(g, g+e)`` over cohorts weighted by cohort
  size; the overall ATT averages each cohort's post-treatment ATT(g, t) over t, then over cohorts
  weighted by size (the paper's recommended overall parameter). The uncertainty of the weights is
  included in the influence function.
- unbalanced panels: a school missing the outcome in any period is dropped (the estimator needs
  the same schools in every long difference); schools treated in the first period have no
  pre-period and are dropped too. ``dropped`` counts both.
- when every school is eventually treated there is no untreated comparison once the last cohort
  is treated: ATT(g, t) for those periods, and so the last cohort's effect, cannot be estimated
  and is reported as such (``reason``), never extrapolated.

Periods are integers in order (use the first calendar year of a school year: 2023 for 2023-24).

Why not a library: ``csdid`` pulls plotting and release tools (plotnine, matplotlib, twine) into a
runtime install, ``differences`` pulls polars, statsmodels, scipy, formulaic and joblib; neither
ships type hints for ``mypy --strict``, and the estimator without covariates is a short, closed
form that is checked here against synthetic panels with known effects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Literal

import numpy as np
import pandas as pd

from safeschools.errors import DataValidationError

__all__ = [
    "ASSUMPTIONS",
    "DidResult",
    "Effect",
    "EventTimeEffect",
    "GroupTimeEffect",
    "staggered_did",
    "twfe_estimate",
]

#: The assumptions in plain language, for the evaluation page.
ASSUMPTIONS = (
    "Parallel trends: had they kept their officers, schools that removed them would have "
    "followed the same trend as schools that had not removed them yet.",
    "No anticipation: outcomes did not change before the officer left (the event-study rows "
    "before removal check this; estimates near zero are reassuring, not proof).",
    "Staggered and irreversible: a school that removed its officer did not get one back.",
    "Every school was without an officer from 2024-25, so there is no untreated comparison after "
    "that: the last group's effect cannot be estimated and is shown as not estimable.",
    "Other changes at the same time (new programmes, the pandemic years, reporting rules) are "
    "attributed to officer removal if they hit these schools and not the comparison schools.",
)


@dataclass(frozen=True)
class GroupTimeEffect:
    """ATT(g, t): the effect for cohort g in period t (None with a reason when not estimable)."""

    cohort: int
    period: int
    base_period: int
    event_time: int
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n_treated: int
    n_control: int
    reason: str | None = None


@dataclass(frozen=True)
class Effect:
    """An aggregated effect with its confidence interval."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class EventTimeEffect:
    """The average effect ``e`` periods after treatment (negative: before, a placebo check)."""

    event_time: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n_groups: int


@dataclass(frozen=True)
class DidResult:
    """Everything the evaluation page shows; ``overall`` is None when nothing is estimable."""

    group_time: tuple[GroupTimeEffect, ...]
    overall: Effect | None
    event_study: tuple[EventTimeEffect, ...]
    cohort_sizes: dict[int, int]
    never_treated: int
    not_estimable_cohorts: tuple[int, ...]
    dropped: dict[str, int]
    control_group: str
    base_period: str
    confidence: float
    uniform_bands: bool
    bootstrap_iterations: int
    seed: int
    assumptions: tuple[str, ...] = field(default=ASSUMPTIONS)


def _panel(
    data: pd.DataFrame, unit: str, period: str, outcome: str, first_treated: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Balanced outcome matrix (units x periods), cohort per unit (0 = never), periods."""
    missing = [c for c in (unit, period, outcome, first_treated) if c not in data.columns]
    if missing:
        msg = f"The panel has no column {', '.join(missing)}; name the columns with the keywords."
        raise DataValidationError(msg)
    frame = data[[unit, period, outcome, first_treated]].copy()
    if frame.duplicated([unit, period]).any():
        msg = "A unit appears twice in the same period; give one outcome per unit and period."
        raise DataValidationError(msg)
    cohorts = frame.groupby(unit)[first_treated].agg(lambda s: s.fillna(0).iloc[0])
    if (frame.groupby(unit)[first_treated].nunique(dropna=False) > 1).any():
        msg = "first_treated differs between rows of one unit; give one value per unit."
        raise DataValidationError(msg)
    wide = frame.pivot(index=unit, columns=period, values=outcome).sort_index(axis=1)
    periods = np.array([int(p) for p in wide.columns])
    complete = wide.notna().all(axis=1)
    g = cohorts.reindex(wide.index).astype(float).to_numpy()
    early = (g > 0) & (g <= periods[0])
    keep = complete.to_numpy() & ~early
    dropped = {"missing periods": int((~complete).sum()), "treated from the first period": 0}
    dropped["treated from the first period"] = int((early & complete.to_numpy()).sum())
    # treated after the last period: untreated throughout the data, like the never-treated
    g = np.where(g > periods[-1], 0.0, g)
    return wide.to_numpy(dtype=float)[keep], g[keep].astype(int), periods, dropped


def _bootstrap_se(
    psi: np.ndarray, iterations: int, seed: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Standard errors (n x k influence functions) and the bootstrap draws (B x k) or None."""
    n = psi.shape[0]
    analytic = np.sqrt((psi**2).sum(axis=0)) / n
    if iterations == 0:
        return analytic, None
    rng = np.random.default_rng(seed)
    weights = rng.choice(np.array([-1.0, 1.0]), size=(iterations, n))
    draws = weights @ psi / n
    q75, q25 = np.quantile(draws, [0.75, 0.25], axis=0)
    z = NormalDist().inv_cdf(0.75) - NormalDist().inv_cdf(0.25)
    se = (q75 - q25) / z
    return np.where(se > 0, se, analytic), draws


def _weighted(
    items: list[tuple[float, np.ndarray, int]], cohort: np.ndarray
) -> tuple[float, np.ndarray]:
    """Average of (estimate, influence function, cohort) weighted by cohort size, with its IF."""
    share = np.array([np.mean(cohort == g) for _, _, g in items])
    total = share.sum()
    weights = share / total
    estimates = np.array([est for est, _, _ in items])
    psi = sum(w * p for w, (_, p, _) in zip(weights, items, strict=True))
    indicators = np.column_stack([(cohort == g).astype(float) for _, _, g in items])
    weight_if = (indicators - share) / total - np.outer(
        (indicators - share).sum(axis=1), share / total**2
    )
    psi = np.asarray(psi, dtype=float) + weight_if @ estimates
    return float(weights @ estimates), psi.reshape(len(cohort))


def staggered_did(
    data: pd.DataFrame,
    *,
    unit: str = "unit",
    period: str = "period",
    outcome: str = "outcome",
    first_treated: str = "first_treated",
    control_group: Literal["not_yet_treated", "never_treated"] = "not_yet_treated",
    base_period: Literal["varying", "universal"] = "varying",
    confidence: float = 0.95,
    bootstrap_iterations: int = 999,
    uniform_bands: bool = True,
    seed: int = 0,
) -> DidResult:
    """Group-time effects, the overall effect and the event study of a staggered adoption.

    Parameters
    ----------
    data
        Long panel: one row per unit and period with the outcome and the unit's first treated
        period (0, None or NaN when never treated).
    bootstrap_iterations
        Multiplier bootstrap draws; 0 uses the analytic standard errors and pointwise bands.

    Examples
    --------
    >>> rows = [(u, t, (u % 3) + t + (-2.0 if g and t >= g else 0.0), g)
    ...         for u, g in enumerate([2, 2, 3, 3, 0, 0]) for t in range(1, 5)]
    >>> panel = pd.DataFrame(rows, columns=["unit", "period", "outcome", "first_treated"])
    >>> round(staggered_did(panel).overall.estimate, 6)
    -2.0
    """
    _check_options(control_group, base_period, confidence, bootstrap_iterations)
    y, cohort, periods, dropped = _panel(data, unit, period, outcome, first_treated)
    cohorts = sorted({int(g) for g in cohort if g > 0})
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    cells, psis = _group_time_effects(
        y, cohort, periods, cohorts, control_group=control_group, base_period=base_period
    )
    estimated = [c for c in cells if c.estimate is not None]
    items = list(zip(estimated, psis, strict=True))
    events, by_event = _by_event_time(items, cohort)
    overall, not_estimable = _overall(items, cohorts, cohort)
    # standard errors from one bootstrap over every estimate
    columns = [p for _, p in items] + [p for _, p in by_event.values()]
    if overall is not None:
        columns.append(overall[1])
    if columns:
        se, draws = _bootstrap_se(np.column_stack(columns), bootstrap_iterations, seed)
    else:
        se, draws = np.zeros(0), None
    event_se = se[len(items) : len(items) + len(by_event)]
    critical = z
    if uniform_bands and draws is not None and len(by_event):
        block = draws[:, len(items) : len(items) + len(by_event)]
        critical = _uniform_critical_value(block, event_se, confidence, z)
    event_study = tuple(
        EventTimeEffect(
            e, est, float(s), est - critical * float(s), est + critical * float(s), len(events[e])
        )
        for (e, (est, _)), s in zip(by_event.items(), event_se, strict=True)
    )
    overall_effect = None
    if overall is not None:
        s = float(se[-1])
        overall_effect = Effect(overall[0], s, overall[0] - z * s, overall[0] + z * s)
    sizes: dict[int, int] = {g: int((cohort == g).sum()) for g in cohorts}
    return DidResult(
        _with_intervals(cells, se, z),
        overall_effect,
        event_study,
        sizes,
        int((cohort == 0).sum()),
        not_estimable,
        dropped,
        control_group,
        base_period,
        confidence,
        uniform_bands and draws is not None,
        bootstrap_iterations,
        seed,
    )


def _check_options(
    control_group: str, base_period: str, confidence: float, bootstrap_iterations: int
) -> None:
    if control_group not in ("not_yet_treated", "never_treated"):
        msg = f"control_group must be 'not_yet_treated' or 'never_treated', not {control_group!r}."
        raise DataValidationError(msg)
    if base_period not in ("varying", "universal"):
        msg = f"base_period must be 'varying' or 'universal', not {base_period!r}."
        raise DataValidationError(msg)
    if not 0 < confidence < 1 or bootstrap_iterations < 0:
        msg = "confidence must be between 0 and 1 and bootstrap_iterations 0 or more."
        raise DataValidationError(msg)


def _group_time_effects(
    y: np.ndarray,
    cohort: np.ndarray,
    periods: np.ndarray,
    cohorts: list[int],
    *,
    control_group: str,
    base_period: str,
) -> tuple[list[GroupTimeEffect], list[np.ndarray]]:
    """Every ATT(g, t), without standard errors yet, and the influence function of each one
    estimated (in the same order)."""
    cells: list[GroupTimeEffect] = []
    psis: list[np.ndarray] = []
    for g in cohorts:
        g_index = int(np.searchsorted(periods, g))  # first period at or after g
        treated = cohort == g
        for t_index, t in enumerate(periods):
            if base_period == "universal" or t_index >= g_index:
                b_index = g_index - 1
            else:
                b_index = t_index - 1
            if t_index == b_index or b_index < 0:
                continue
            latest = periods[max(t_index, b_index)]
            if control_group == "never_treated":
                control = cohort == 0
            else:
                control = (cohort == 0) | ((cohort > latest) & (cohort != g))
            event = int(t) - g  # calendar periods: a missing year does not shift event times
            base = int(periods[b_index])
            if not control.any() or not treated.any():
                reason = (
                    f"No school was still untreated in {int(latest)} to compare with."
                    if not control.any()
                    else "No treated school in this cohort."
                )
                cells.append(
                    GroupTimeEffect(
                        g, int(t), base, event, None, None, None, None,
                        int(treated.sum()), 0, reason,
                    )
                )  # fmt: skip
                continue
            change = y[:, t_index] - y[:, b_index]
            mean_t, mean_c = change[treated].mean(), change[control].mean()
            psi = (
                treated * (change - mean_t) / treated.mean()
                - control * (change - mean_c) / control.mean()
            )
            psis.append(psi)
            cells.append(
                GroupTimeEffect(
                    g, int(t), base, event, float(mean_t - mean_c), None, None, None,
                    int(treated.sum()), int(control.sum()),
                )
            )  # fmt: skip
    return cells, psis


def _by_event_time(
    items: list[tuple[GroupTimeEffect, np.ndarray]], cohort: np.ndarray
) -> tuple[dict[int, list[tuple[float, np.ndarray, int]]], dict[int, tuple[float, np.ndarray]]]:
    """The estimates of each event time, and their average weighted by cohort size."""
    events: dict[int, list[tuple[float, np.ndarray, int]]] = {}
    for c, p in items:
        events.setdefault(c.event_time, []).append((float(c.estimate or 0.0), p, c.cohort))
    return events, {e: _weighted(v, cohort) for e, v in sorted(events.items())}


def _overall(
    items: list[tuple[GroupTimeEffect, np.ndarray]], cohorts: list[int], cohort: np.ndarray
) -> tuple[tuple[float, np.ndarray] | None, tuple[int, ...]]:
    """Each cohort's post-treatment effects averaged over periods, then over cohorts weighted
    by size (None when no cohort has one), and the cohorts without any."""
    per_cohort: list[tuple[float, np.ndarray, int]] = []
    for g in cohorts:
        post = [(c, p) for c, p in items if c.cohort == g and c.event_time >= 0]
        if post:
            est = float(np.mean([c.estimate for c, _ in post]))
            per_cohort.append((est, np.mean([p for _, p in post], axis=0), g))
    not_estimable = tuple(g for g in cohorts if g not in {g2 for _, _, g2 in per_cohort})
    return (_weighted(per_cohort, cohort) if per_cohort else None), not_estimable


def _uniform_critical_value(
    block: np.ndarray, event_se: np.ndarray, confidence: float, z: float
) -> float:
    """The sup-t critical value of the event-study bands from the bootstrap draws (at least
    the pointwise ``z``)."""
    safe = np.where(event_se > 0, event_se, np.inf)
    critical = float(np.quantile(np.abs(block / safe).max(axis=1), confidence))
    return max(critical, z) if math.isfinite(critical) else z


def _with_intervals(
    cells: list[GroupTimeEffect], se: np.ndarray, z: float
) -> tuple[GroupTimeEffect, ...]:
    """The group-time effects with their standard errors (the first of ``se``, in order)."""
    out: list[GroupTimeEffect] = []
    k = 0
    for c in cells:
        if c.estimate is None:
            out.append(c)
            continue
        s = float(se[k])
        out.append(
            GroupTimeEffect(
                c.cohort, c.period, c.base_period, c.event_time, c.estimate, s,
                c.estimate - z * s, c.estimate + z * s, c.n_treated, c.n_control,
            )
        )  # fmt: skip
        k += 1
    return tuple(out)


def twfe_estimate(
    data: pd.DataFrame,
    *,
    unit: str = "unit",
    period: str = "period",
    outcome: str = "outcome",
    first_treated: str = "first_treated",
) -> float:
    """The naive two-way fixed effects coefficient (for comparison only; biased under staggered
    adoption with effects that change over time). Same input and balancing as :func:`staggered_did`.
    """
    y, cohort, periods, _ = _panel(data, unit, period, outcome, first_treated)
    treated = ((cohort[:, None] > 0) & (periods[None, :] >= cohort[:, None])).astype(float)

    def within(m: np.ndarray) -> np.ndarray:
        return np.asarray(
            m - m.mean(axis=1, keepdims=True) - m.mean(axis=0, keepdims=True) + m.mean()
        )

    d, yy = within(treated), within(y)
    denominator = float((d * d).sum())
    if denominator == 0:
        msg = "Treatment does not vary within units and periods; TWFE is not identified."
        raise DataValidationError(msg)
    return float((d * yy).sum() / denominator)
