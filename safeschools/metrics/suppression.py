"""Small-cell suppression for public tables: primary and complementary, with a verifier.

Method
------
A public table shows counts (rows x columns) with its row totals, column totals and, if wanted,
a grand total; a list of group counts shows its total. Every number shown, totals included, is a
count of students.

1. Primary suppression: every shown count with ``0 < x < min_cell`` is suppressed (CPS hides any
   cell under 10). A zero is shown by default (``show_zero=True``): it says "nobody", which most
   publishers print; pass ``show_zero=False`` to hide zeros too, as the strictest CPS tables do.
2. Complementary suppression: each row and column (and the line of totals) is a linear
   constraint ``sum(cells) = total``. A line with exactly one unknown number gives it away, so
   another number of that line is suppressed: the smallest interior count (ties: the one that
   also fixes another line, then the first), or the line's total when no interior count is
   left. This repeats until every line has none or at least two unknowns.
3. That rule is necessary but not sufficient (two blocks of suppressed cells joined by a single
   cell still determine it), so the result is checked by :func:`derivable_cells` and, while a
   suppressed number can still be worked out, the smallest further count that makes it
   undetermined is suppressed, and step 2 runs again.

:func:`derivable_cells` is what an outsider can do with the published table. It proves that no
suppressed number is determined, two ways: (a) linear algebra: with the suppressed numbers as
unknowns of the row and column equations, a number is determined exactly when its coordinate is
zero in every vector of the null space of the unknowns' matrix (computed with numpy's SVD);
(b) interval reasoning: counts are 0 or more, so bounds are propagated through every equation
until stable, and a number whose lower and upper bounds meet is determined.

Caveats: the public marker must be the same for primary and complementary suppression (the
``Reason`` kept here is for audit, not for display), otherwise readers learn that a number is
under ``min_cell``. Related tables (the same counts cut another way) must be suppressed together.

Examples
--------
>>> t = suppress_counts({"A": 4, "B": 40, "C": 56})
>>> t.values, t.total
({'A': None, 'B': None, 'C': 56}, 100)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from safeschools.errors import DataValidationError

__all__ = [
    "Reason",
    "SuppressedCounts",
    "SuppressedTable",
    "derivable_cells",
    "suppress_counts",
    "suppress_table",
]

Position = tuple[int, int]


class Reason(StrEnum):
    """Why a number is suppressed (for audit; show one public marker for both)."""

    PRIMARY = "primary"  # the count is under the minimum cell size
    COMPLEMENTARY = "complementary"  # suppressed so a small count cannot be worked out


@dataclass(frozen=True)
class SuppressedTable:
    """A table ready to publish: ``None`` where a number is suppressed.

    ``grid`` is the table with its totals: row ``i`` is ``cells[i] + [row total]`` and the last
    row holds the column totals and the grand total (None when suppressed or not shown).
    ``reasons`` has the same shape.
    """

    grid: tuple[tuple[int | None, ...], ...]
    reasons: tuple[tuple[Reason | None, ...], ...]
    min_cell: int
    show_grand_total: bool

    @property
    def cells(self) -> tuple[tuple[int | None, ...], ...]:
        """The interior counts."""
        return tuple(row[:-1] for row in self.grid[:-1])

    @property
    def row_totals(self) -> tuple[int | None, ...]:
        return tuple(row[-1] for row in self.grid[:-1])

    @property
    def column_totals(self) -> tuple[int | None, ...]:
        return self.grid[-1][:-1]

    @property
    def grand_total(self) -> int | None:
        return self.grid[-1][-1]

    def published(self) -> list[list[int | None]]:
        """The grid as lists, the shape :func:`derivable_cells` reads."""
        return [list(row) for row in self.grid]


@dataclass(frozen=True)
class SuppressedCounts:
    """A list of group counts and its total, ready to publish (None where suppressed)."""

    values: dict[str, int | None]
    reasons: dict[str, Reason]
    total: int | None
    total_reason: Reason | None
    min_cell: int


class _Layout:
    """Numbers of a table (flattened) and the equations that link them (rows of ``matrix``)."""

    def __init__(self, values: list[int], equations: list[list[tuple[int, int]]]) -> None:
        self.values = np.array(values, dtype=float)
        self.equations = equations
        self.matrix = np.zeros((len(equations), len(values)))
        for row, terms in enumerate(equations):
            for index, coefficient in terms:
                self.matrix[row, index] = coefficient


def _grid_layout(grid: Sequence[Sequence[int | None]]) -> _Layout:
    """Equations of a grid whose last column and row are totals: each line sums to its total."""
    rows, columns = len(grid), len(grid[0])

    def at(i: int, j: int) -> int:
        return i * columns + j

    equations = []
    for i in range(rows):
        equations.append([(at(i, j), 1) for j in range(columns - 1)] + [(at(i, columns - 1), -1)])
    for j in range(columns):
        equations.append([(at(i, j), 1) for i in range(rows - 1)] + [(at(rows - 1, j), -1)])
    values = [0 if v is None else int(v) for row in grid for v in row]
    return _Layout(values, equations)


def _unknowns_determined(layout: _Layout, unknown: np.ndarray) -> np.ndarray:
    """Mask of unknowns fixed by the equations (linear algebra) or by bounds (counts >= 0)."""
    determined = np.zeros(len(unknown), dtype=bool)
    index = np.flatnonzero(unknown)
    if index.size == 0:
        return determined
    a_u = layout.matrix[:, index]
    if a_u.any():
        _, singular, vt = np.linalg.svd(a_u)
        rank = int((singular > 1e-9 * max(1.0, singular.max())).sum())
        null = vt[rank:]
        fixed = np.all(np.abs(null) < 1e-9, axis=0) if null.size else np.ones(index.size, bool)
    else:
        fixed = np.zeros(index.size, dtype=bool)
    determined[index[fixed]] = True
    low, high = _bounds(layout, unknown)
    determined |= unknown & (high - low < 0.5)
    return determined


def _bounds(layout: _Layout, unknown: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Interval bounds of every number: known ones exact, unknown ones from 0 and the equations."""
    low = np.where(unknown, 0.0, layout.values)
    high = np.where(unknown, math.inf, layout.values)
    for _ in range(10 * len(layout.values) + 10):
        changed = False
        for terms in layout.equations:
            for k, (target, coefficient) in enumerate(terms):
                if not unknown[target]:
                    continue
                # coefficient * x_target = -sum(others); bounds of the others' sum
                others = [t for m, t in enumerate(terms) if m != k]
                s_low = sum(c * (low[i] if c > 0 else high[i]) for i, c in others)
                s_high = sum(c * (high[i] if c > 0 else low[i]) for i, c in others)
                lo, hi = (-s_high, -s_low) if coefficient > 0 else (s_low, s_high)
                if lo > low[target] + 1e-9:
                    low[target], changed = lo, True
                if hi < high[target] - 1e-9:
                    high[target], changed = hi, True
        if not changed:
            break
    return low, high


def derivable_cells(table_with_totals: Sequence[Sequence[int | None]]) -> dict[Position, int]:
    """Suppressed numbers (None) of a published table that an outsider can work out.

    Parameters
    ----------
    table_with_totals
        The published grid: each row ends with its row total, the last row holds the column
        totals and the grand total; None where a number is suppressed or not shown. A list of
        group counts with its total is a grid of one row ``[[c1, c2, ..., total]]`` (its column
        equations are then trivial).

    Returns
    -------
    dict
        ``{(row, column): value}`` for every determined None; empty when nothing leaks.

    Examples
    --------
    >>> derivable_cells([[None, 5, 9], [6, 10, 16], [None, 15, 25]])
    {(0, 0): 4, (2, 0): 10}
    >>> derivable_cells([[None, None, 9], [None, None, 16], [10, 15, 25]])
    {}
    """
    grid = [list(row) for row in table_with_totals]
    if not grid or not grid[0] or any(len(row) != len(grid[0]) for row in grid):
        msg = "The table must be a non-empty grid with rows of the same length."
        raise DataValidationError(msg)
    single_row = len(grid) == 1
    if single_row:  # one line: counts then total; add the trivial column-total row
        grid = [grid[0], list(grid[0])]
    layout = _grid_layout(grid)
    unknown = np.array([v is None for row in grid for v in row])
    if single_row:  # the copied row repeats the cells, it is not published again
        layout = _Layout(list(layout.values), layout.equations[:1])
        unknown[len(grid[0]) :] = False
    determined = _unknowns_determined(layout, unknown)
    columns = len(grid[0])
    known = ~unknown
    # the value of a determined number: least squares on the equations
    solution = np.zeros(len(unknown))
    index = np.flatnonzero(unknown)
    if index.size:
        rhs = -layout.matrix[:, known] @ layout.values[known]
        solution[index] = np.linalg.lstsq(layout.matrix[:, index], rhs, rcond=None)[0]
    low, high = _bounds(layout, unknown)
    found: dict[Position, int] = {}
    for flat in np.flatnonzero(determined):
        value = low[flat] if high[flat] - low[flat] < 0.5 else solution[flat]
        found[(int(flat) // columns, int(flat) % columns)] = round(float(value))
    return found


def _suppress(
    layout: _Layout, shown: np.ndarray, is_total: np.ndarray, min_cell: int, show_zero: bool
) -> dict[int, Reason]:
    """Flat index -> reason for every number to suppress."""
    values = layout.values
    lowest = 1 if show_zero else 0
    reasons = {
        int(i): Reason.PRIMARY
        for i in np.flatnonzero(shown & (values >= lowest) & (values < min_cell))
    }

    def unknown() -> np.ndarray:
        mask = ~shown
        mask[list(reasons)] = True
        return mask

    def suppressed() -> np.ndarray:
        # a number not shown (a grand total left out) follows from the other totals, so
        # step 2 counts only suppressed numbers; step 3 checks with the true unknowns
        mask = np.zeros(len(values), dtype=bool)
        mask[list(reasons)] = True
        return mask

    def count(terms: list[tuple[int, int]], mask: np.ndarray) -> int:
        return sum(bool(mask[i]) for i, _ in terms)

    while True:
        # step 2: no line with exactly one suppressed number
        changed = True
        while changed:
            changed = False
            for terms in layout.equations:
                hidden = suppressed()
                options = [i for i, _ in terms if not hidden[i] and shown[i]]
                if count(terms, hidden) != 1 or not options:
                    continue
                singles = [other for other in layout.equations if count(other, hidden) == 1]

                def order(
                    i: int, singles: list[list[tuple[int, int]]] = singles
                ) -> tuple[bool, float, int, int]:
                    fixes = sum(any(i == j for j, _ in other) for other in singles)
                    return (bool(is_total[i]), values[i], -fixes, i)

                reasons[min(options, key=order)] = Reason.COMPLEMENTARY
                changed = True
        # step 3: anything still determined?
        hidden = unknown()
        leaks = [i for i in np.flatnonzero(_unknowns_determined(layout, hidden)) if i in reasons]
        if not leaks:
            return reasons
        leak = int(leaks[0])
        candidates = sorted(
            (int(i) for i in np.flatnonzero(~hidden)), key=lambda i: (is_total[i], values[i], i)
        )
        chosen = candidates[0] if candidates else None
        for i in candidates:
            trial = hidden.copy()
            trial[i] = True
            if not _unknowns_determined(layout, trial)[leak]:
                chosen = i
                break
        if chosen is None:  # pragma: no cover - everything is hidden, nothing can leak
            return reasons
        reasons[chosen] = Reason.COMPLEMENTARY


def _check_min_cell(min_cell: int) -> None:
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        msg = f"min_cell must be a whole number, 1 or more, not {min_cell!r}."
        raise DataValidationError(msg)


def _check_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < 0:
        msg = f"Counts must be whole numbers, 0 or more, not {value!r}."
        raise DataValidationError(msg)
    return int(value)


def suppress_table(
    cells: Sequence[Sequence[int]],
    *,
    min_cell: int = 10,
    show_zero: bool = True,
    show_grand_total: bool = True,
) -> SuppressedTable:
    """Suppress a table of counts and its totals (computed from the cells) for publication.

    Examples
    --------
    >>> t = suppress_table([[3, 20], [30, 40]])
    >>> t.grid
    ((None, None, 23), (None, None, 70), (33, 60, 93))
    >>> derivable_cells(t.published())
    {}
    """
    _check_min_cell(min_cell)
    body = [[_check_count(v) for v in row] for row in cells]
    if not body or not body[0] or any(len(row) != len(body[0]) for row in body):
        msg = "The table must be a non-empty grid of counts with rows of the same length."
        raise DataValidationError(msg)
    grid = [[*row, sum(row)] for row in body]
    grid.append([sum(column) for column in zip(*grid, strict=True)])
    layout = _grid_layout(grid)
    rows, columns = len(grid), len(grid[0])
    shown = np.ones(rows * columns, dtype=bool)
    if not show_grand_total:
        shown[-1] = False
    is_total = np.array(
        [i == rows - 1 or j == columns - 1 for i in range(rows) for j in range(columns)]
    )
    reasons = _suppress(layout, shown, is_total, min_cell, show_zero)
    out = [
        tuple(
            None if (i * columns + j) in reasons or not shown[i * columns + j] else grid[i][j]
            for j in range(columns)
        )
        for i in range(rows)
    ]
    why = [tuple(reasons.get(i * columns + j) for j in range(columns)) for i in range(rows)]
    return SuppressedTable(tuple(out), tuple(why), min_cell, show_grand_total)


def suppress_counts(
    counts: Mapping[str, int], *, min_cell: int = 10, show_zero: bool = True
) -> SuppressedCounts:
    """Suppress a list of group counts and its total (computed) for publication.

    Examples
    --------
    >>> suppress_counts({"A": 0, "B": 12, "C": 30}).values
    {'A': 0, 'B': 12, 'C': 30}
    """
    _check_min_cell(min_cell)
    keys = list(counts)
    values = [_check_count(counts[k]) for k in keys]
    total = sum(values)
    layout = _Layout([*values, total], [[*((i, 1) for i in range(len(values))), (len(values), -1)]])
    shown = np.ones(len(values) + 1, dtype=bool)
    is_total = np.array([False] * len(values) + [True])
    reasons = _suppress(layout, shown, is_total, min_cell, show_zero)
    return SuppressedCounts(
        {k: None if i in reasons else values[i] for i, k in enumerate(keys)},
        {k: reasons[i] for i, k in enumerate(keys) if i in reasons},
        None if len(values) in reasons else total,
        reasons.get(len(values)),
        min_cell,
    )
