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

    pending = set(range(len(lines)))
    while pending:
        k = pending.pop()
        line = [c for c in lines[k] if c in values]
        if sum(1 for c in line if hidden(c)) != 1:
            continue
        options = [c for c in line if not hidden(c)]
        if not options:
            continue
        chosen = min(options, key=lambda c: (is_total(c), values[c] or 0, c))
        reasons[chosen] = Reason.COMPLEMENTARY
        pending.update(by_cell.get(chosen, []))
    return reasons


def derivable_in_publication(
    published: Mapping[str, Mapping[str, int | None]],
    *,
    equations: Sequence[Equation] = (),
) -> list[Cell]:
    """Hidden (None) cells of a published table, district row included (key
    :data:`DISTRICT`), that its lines determine: what an outsider could work out. A cell left
    out of ``published`` (not given by the publisher) is not in its column's sum.

    Linear algebra: a hidden number is determined when its coordinate vanishes in every vector
    of the null space of the hidden numbers' columns of the lines' matrix (numpy's SVD). Bounds:
    counts are 0 or more, so when the shown parts of a line already add up to its total, its
    hidden parts are all 0.
    """
    rows = sorted(r for r in published if r != DISTRICT)
    columns = sorted({c for row in published.values() for c in row})
    lines = _lines(rows, columns, equations, lambda row, c: c in published.get(row, {}))
    cells = sorted({c for line in lines for c in line})
    unknown = [c for c in cells if published.get(c[0], {}).get(c[1]) is None]
    if not unknown:
        return []
    position = {c: i for i, c in enumerate(unknown)}
    matrix = np.zeros((len(lines), len(unknown)))
    for k, line in enumerate(lines):
        for c in line[:-1]:
            if c in position:
                matrix[k, position[c]] = 1.0
        if line[-1] in position:
            matrix[k, position[line[-1]]] = -1.0
    found: set[Cell] = set()
    if matrix.any():
        _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
        rank = int((singular > 1e-9 * max(1.0, singular.max())).sum())
        null = vt[rank:]
        fixed = np.all(np.abs(null) < 1e-9, axis=0) if null.size else np.ones(len(unknown), bool)
        found |= {unknown[i] for i in np.flatnonzero(fixed)}
    for line in lines:
        parts, total = line[:-1], line[-1]
        hidden_parts = [c for c in parts if c in position]
        if not hidden_parts or total in position:
            continue
        shown = sum(published[c[0]][c[1]] or 0 for c in parts if c not in position)
        if shown == published[total[0]][total[1]]:
            found |= set(hidden_parts)
    return sorted(found)
