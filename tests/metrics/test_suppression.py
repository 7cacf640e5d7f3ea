"""Small-cell suppression: nothing under the minimum cell size is shown or can be worked out."""

from __future__ import annotations

import numpy as np
import pytest

from safeschools.errors import DataValidationError
from safeschools.metrics import Reason, derivable_cells, suppress_counts, suppress_table


def _primary_only(cells: list[list[int]], min_cell: int = 10) -> list[list[int | None]]:
    grid: list[list[int | None]] = [[*row, sum(row)] for row in cells]
    grid.append([sum(c) for c in zip(*[[*r, sum(r)] for r in cells], strict=True)])
    return [[None if v is not None and 0 < v < min_cell else v for v in row] for row in grid]


def test_primary_suppression_alone_leaks_and_the_verifier_shows_it() -> None:
    cells = [[3, 20, 31], [30, 40, 12]]
    leaked = derivable_cells(_primary_only(cells))
    assert leaked == {(0, 0): 3}  # the row total minus the other cells


def test_a_leak_through_the_counts_being_zero_or_more_is_found() -> None:
    # x + y = 5, v + w = 7, x + v = 12, y + w = 0: the equations alone leave a free direction
    # (+1, -1, -1, +1), but counts are 0 or more, so y = w = 0, then x = 5 and v = 7
    grid: list[list[int | None]] = [[None, None, 5], [None, None, 7], [12, 0, 12]]
    assert derivable_cells(grid) == {(0, 0): 5, (0, 1): 0, (1, 0): 7, (1, 1): 0}


def test_a_free_direction_is_not_a_leak() -> None:
    grid: list[list[int | None]] = [[None, None, 5], [None, None, 7], [6, 6, 12]]
    assert derivable_cells(grid) == {}


def test_two_blocks_joined_by_one_cell_determine_it() -> None:
    # every line has two unknowns, yet the bridge cell (1, 2) is determined
    cells: list[list[int | None]] = [
        [None, None, 50, 50, 200],
        [None, None, None, 50, 200],
        [50, 50, None, None, 200],
        [50, 50, None, None, 200],
        [200, 200, 200, 200, 800],
    ]
    worked = derivable_cells(cells)
    assert (1, 2) in worked


def test_complementary_suppression_of_a_small_table() -> None:
    t = suppress_table([[3, 20], [30, 40]])
    assert t.grid == ((None, None, 23), (None, None, 70), (33, 60, 93))
    assert t.reasons[0][0] is Reason.PRIMARY
    assert t.reasons[0][1] is Reason.COMPLEMENTARY
    assert t.cells[1] == (None, None) and t.row_totals == (23, 70) and t.grand_total == 93
    assert derivable_cells(t.published()) == {}


def test_small_totals_are_suppressed_too_and_zero_is_a_parameter() -> None:
    t = suppress_table([[2, 3, 0], [40, 50, 60]])
    assert t.row_totals[0] is None and t.reasons[0][3] is Reason.PRIMARY
    assert t.cells[0][2] == 0 or t.reasons[0][2] is Reason.COMPLEMENTARY
    hidden = suppress_table([[0, 40], [30, 50]], show_zero=False)
    assert hidden.cells[0][0] is None and hidden.reasons[0][0] is Reason.PRIMARY
    shown = suppress_table([[0, 40], [30, 50]])
    assert shown.cells == ((0, 40), (30, 50))
    for table in (t, hidden, shown):
        assert derivable_cells(table.published()) == {}


def test_nothing_small_nothing_suppressed() -> None:
    t = suppress_table([[10, 20], [30, 40]])
    assert t.grid == ((10, 20, 30), (30, 40, 70), (40, 60, 100))
    assert all(r is None for row in t.reasons for r in row)


def test_counts_list_keeps_the_smallest_complement() -> None:
    t = suppress_counts({"Asian": 4, "Black": 120, "Hispanic": 40, "White": 15})
    assert t.values == {"Asian": None, "Black": 120, "Hispanic": 40, "White": None}
    assert t.reasons == {"Asian": Reason.PRIMARY, "White": Reason.COMPLEMENTARY}
    assert t.total == 179
    assert derivable_cells([[None, 120, 40, None, 179]]) == {}
    assert derivable_cells([[None, 120, 40, 15, 179]]) == {(0, 0): 4}


def test_counts_list_suppresses_the_total_when_nothing_else_is_left() -> None:
    t = suppress_counts({"A": 4, "B": 0})
    assert t.values == {"A": None, "B": 0} and t.total is None
    assert t.total_reason is Reason.PRIMARY  # 4 is itself under 10
    t = suppress_counts({"A": 4, "B": 30})
    assert t.values == {"A": None, "B": None} and t.total == 34


def test_grand_total_left_out() -> None:
    t = suppress_table([[3, 20], [30, 40]], show_grand_total=False)
    assert t.grand_total is None and t.reasons[2][2] is None
    worked = derivable_cells(t.published())
    assert set(worked) <= {(2, 2)}  # only the total that was not shown, never a count


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_tables_never_leak(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = [0, 1, 2, 3, 5, 8, 9, 10, 12, 15, 25, 40, 100]
    checked = suppressed = 0
    for _ in range(150):
        rows, columns = int(rng.integers(1, 8)), int(rng.integers(1, 6))
        cells = rng.choice(values, size=(rows, columns)).tolist()
        t = suppress_table(
            cells,
            min_cell=int(rng.choice([5, 10, 11])),
            show_zero=bool(rng.integers(0, 2)),
            show_grand_total=bool(rng.integers(0, 2)),
        )
        leaks = {p: v for p, v in derivable_cells(t.published()).items() if t.reasons[p[0]][p[1]]}
        assert leaks == {}, (cells, t.grid)
        # every small count is hidden; every shown count is the true one
        full = [[*row, sum(row)] for row in cells]
        full.append([sum(c) for c in zip(*full, strict=True)])
        for i, row in enumerate(t.grid):
            for j, shown in enumerate(row):
                if shown is not None:
                    assert shown == full[i][j]
                    assert not 0 < shown < t.min_cell
                    checked += 1
                elif t.reasons[i][j] is not None:
                    suppressed += 1
    assert checked > 1000 and suppressed > 300  # the test looked at real suppression


@pytest.mark.parametrize("seed", [4, 5])
def test_random_count_lists_never_leak(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(200):
        counts = {f"g{k}": int(v) for k, v in enumerate(rng.integers(0, 40, rng.integers(1, 9)))}
        t = suppress_counts(counts)
        published = [[*t.values.values(), t.total]]
        assert derivable_cells(published) == {}, counts
        assert all(v is None or not 0 < v < 10 for v in t.values.values())


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: suppress_table([[1, -2]]), "0 or more"),
        (lambda: suppress_table([[1, 2], [3]]), "same length"),
        (lambda: suppress_table([[1]], min_cell=0), "min_cell"),
        (lambda: derivable_cells([]), "non-empty"),
    ],
)
def test_bad_input_is_refused(call: object, match: str) -> None:
    with pytest.raises(DataValidationError, match=match):
        call()  # type: ignore[operator]
