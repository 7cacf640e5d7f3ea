"""Complementary suppression of a whole publication: every school, every column, the district.

A publication is one school year of counts: a row per school, a column per thing counted (a
measure for one student group, say out-of-school suspensions of Black students), and a row
:data:`DISTRICT` with the district's total of every column. Some columns add up to another one
in every row (the race groups to all students; in-school plus out-of-school suspensions to
suspensions): those are the publication's *equations*, given as ``(parts, total)``. The schools
add up to the district in every column. A hidden count can therefore be worked out from any
line (one equation in one row, or one column) that has exactly one hidden number.

:func:`suppress_publication` hides every count ``0 < x < min_cell`` (primary) and then, line by
line, the smallest other count of any line with exactly one hidden number (complementary; a
total only when nothing else is left), until no line has exactly one. Numbers the publisher did
not give (None) are unknown to everyone: in an equation of a row they are unknowns; in a
column they are left out of the district's sum, which adds only the numbers given.

This is the line rule of :mod:`safeschools.metrics.suppression`, made to scale to a district's
hundreds of schools and dozens of columns (it only revisits the lines that change). The full
check with linear algebra, :func:`derivable_in_publication`, runs in the tests on whole seeded
publications.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from safeschools.metrics.suppression import Reason

__all__ = ["DISTRICT", "Equation", "derivable_in_publication", "suppress_publication"]

#: Row key of the district's totals.
DISTRICT = "__district__"
Cell = tuple[str, str]
#: Columns that add up to another column in every row: ``(parts, total)``.
Equation = tuple[Sequence[str], str]


def _lines(
    rows: Sequence[str],
    columns: Sequence[str],
    equations: Sequence[Equation],
    in_column: Callable[[str, str], bool],
) -> list[list[Cell]]:
    """Every line of the publication as the cells it links, the total last."""
    lines: list[list[Cell]] = []
    for row in [*rows, DISTRICT]:
        for parts, total in equations:
            lines.append([(row, c) for c in parts] + [(row, total)])
    for c in columns:
        lines.append([(row, c) for row in rows if in_column(row, c)] + [(DISTRICT, c)])
    return lines


def _totals(equations: Sequence[Equation]) -> set[str]:
    return {total for _, total in equations}


def district_totals(
    counts: Mapping[str, Mapping[str, int | None]], columns: Sequence[str]
) -> dict[str, int | None]:
    """The district's row: each column's sum over the schools that gave a number."""
    out: dict[str, int | None] = {}
    for c in columns:
        given = [v for row in counts.values() if (v := row.get(c)) is not None]
        out[c] = sum(given) if given else None
    return out


def suppress_publication(
    counts: Mapping[str, Mapping[str, int | None]],
    *,
    equations: Sequence[Equation] = (),
    min_cell: int = 10,
    show_zero: bool = True,
    max_rounds: int = 20,
) -> dict[Cell, Reason]:
    """Which counts of a publication to hide (schools and the district's row), and why.

    Parameters
    ----------
    counts
        ``{school: {column: count or None}}`` (None: not given by the publisher).
    equations
        ``(parts, total)``: columns that add up to another in every row.

    Examples
    --------
    >>> hidden = suppress_publication(
    ...     {"A": {"x": 4, "y": 40, "all": 44}, "B": {"x": 30, "y": 50, "all": 80}},
    ...     equations=[(["x", "y"], "all")],
    ... )
    >>> sorted(hidden)
    [('A', 'x'), ('A', 'y'), ('B', 'x'), ('B', 'y')]
    """
    rows = sorted(counts)
    columns = sorted({c for row in counts.values() for c in row})
    values: dict[Cell, int | None] = {}
    for row in rows:
        for c in columns:
            values[(row, c)] = counts[row].get(c)
    for c, total in district_totals(counts, columns).items():
        values[(DISTRICT, c)] = total
    lowest = 1 if show_zero else 0
    reasons: dict[Cell, Reason] = {
        cell: Reason.PRIMARY
        for cell, v in values.items()
        if v is not None and lowest <= v < min_cell
    }
    lines = _lines(rows, columns, equations, lambda row, c: values[(row, c)] is not None)
    by_cell: dict[Cell, list[int]] = {}
    for k, line in enumerate(lines):
        for cell in line:
            by_cell.setdefault(cell, []).append(k)
    totals = _totals(equations)

    def hidden(cell: Cell) -> bool:
        return cell in reasons or values.get(cell) is None

    def is_total(cell: Cell) -> bool:
        return cell[0] == DISTRICT or cell[1] in totals

    def order(c: Cell) -> tuple[bool, bool, int, Cell]:
        # a hidden 0 protects nothing (a line whose shown numbers already add up to its total
        # says its hidden ones are 0): the smallest count of 1 or more, a total last
        return (not values[c], is_total(c), values[c] or 0, c)

    def line_rule(pending: set[int]) -> None:
        while pending:
            k = pending.pop()
            line = [c for c in lines[k] if c in values]
            if sum(1 for c in line if hidden(c)) != 1:
                continue
            options = [c for c in line if not hidden(c)]
            if options:
                chosen = min(options, key=order)
                reasons[chosen] = Reason.COMPLEMENTARY
                pending.update(by_cell.get(chosen, []))

    line_rule(set(range(len(lines))))
    # the line rule is necessary, not sufficient: check with linear algebra and bounds, and
    # hide one more count next to each number that can still be worked out (up to a size
    # that keeps the check quick; beyond it the line rule stands alone)
    for _ in range(max_rounds):
        if len(lines) * sum(1 for c in values if hidden(c)) > MAX_CHECK_SIZE:
            break
        shown = {
            row: {
                c: (None if hidden((row, c)) else values[(row, c)])
                for c in columns
                if values.get((row, c)) is not None
            }
            for row in [*rows, DISTRICT]
        }
        leaks = [
            c
            for c in derivable_in_publication(shown, equations=equations)
            if c in reasons and values[c]
        ]
        if not leaks:
            break
        for leak in leaks:
            options = [
                c
                for k in by_cell.get(leak, [])
                for c in lines[k]
                if c in values and not hidden(c) and values[c]
            ]
            if options:
                chosen = min(options, key=order)
                reasons[chosen] = Reason.COMPLEMENTARY
                line_rule(set(by_cell.get(chosen, [])))
    return reasons


#: Above this many (lines x hidden numbers) the linear-algebra check is skipped.
MAX_CHECK_SIZE = 20_000_000


def derivable_in_publication(
    published: Mapping[str, Mapping[str, int | None]],
    *,
    equations: Sequence[Equation] = (),
) -> list[Cell]:
    """Hidden (None) cells of a published table, district row included (key
    :data:`DISTRICT`), that its lines determine: what an outsider could work out. A cell left
    out of ``published`` (not given by the publisher) is not in its column's sum.

    Two rules, applied again and again with what each one finds, until nothing new is found:
    linear algebra (a hidden number is determined when its unit vector lies in the row space of
    the hidden numbers' columns of the lines' matrix, from numpy's SVD; its value is then the
    least-squares solution) and bounds (counts are 0 or more, so when the
    shown parts of a line already add up to its total, its hidden parts are all 0).
    """
    known: dict[Cell, float] = {
        (row, c): float(v)
        for row, cols in published.items()
        for c, v in cols.items()
        if v is not None
    }
    rows = sorted(r for r in published if r != DISTRICT)
    columns = sorted({c for row in published.values() for c in row})
    lines = _lines(rows, columns, equations, lambda row, c: c in published.get(row, {}))
    cells = sorted({c for line in lines for c in line})
    found: set[Cell] = set()
    while True:
        new = _determined(lines, cells, known)
        if not new:
            return sorted(found)
        found |= set(new)
        known.update(new)


def _determined(
    lines: list[list[Cell]], cells: list[Cell], known: Mapping[Cell, float]
) -> dict[Cell, float]:
    """Unknown cells the lines fix, with their values, given the ``known`` ones."""
    unknown = [c for c in cells if c not in known]
    if not unknown:
        return {}
    position = {c: i for i, c in enumerate(unknown)}
    matrix = np.zeros((len(lines), len(unknown)))
    rhs = np.zeros(len(lines))
    for k, line in enumerate(lines):
        for c, sign in [*((c, 1.0) for c in line[:-1]), (line[-1], -1.0)]:
            if c in position:
                matrix[k, position[c]] += sign
            else:
                rhs[k] -= sign * known.get(c, 0.0)
    used = np.flatnonzero(np.abs(matrix).sum(axis=1) > 0)  # lines with an unknown
    matrix, rhs = matrix[used], rhs[used]
    out: dict[Cell, float] = {}
    for line in lines:  # bounds: the shown parts already make the total
        parts, total = line[:-1], line[-1]
        hidden = [c for c in parts if c in position]
        if (
            hidden
            and total not in position
            and sum(known[c] for c in parts if c in known) == known[total]
        ):
            out.update(dict.fromkeys(hidden, 0.0))
    if matrix.any():
        # x_i is fixed when e_i lies in the row space of the matrix: the squared norm of its
        # projection on the row space (the first ``rank`` right singular vectors) is 1
        # one BLAS thread: for matrices of this size (hundreds of lines, a few thousand
        # unknowns) threads cost more than they give, ten times more on a busy machine
        with threadpool_limits(limits=1, user_api="blas"):
            _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
        rank = int((singular > 1e-9 * max(1.0, singular.max())).sum())
        fixed = np.abs(1.0 - (vt[:rank] ** 2).sum(axis=0)) < 1e-8
        if fixed.any():
            solution = np.linalg.lstsq(matrix, rhs, rcond=None)[0]
            for i in np.flatnonzero(fixed):
                out.setdefault(unknown[i], round(float(solution[i])))
    return out
