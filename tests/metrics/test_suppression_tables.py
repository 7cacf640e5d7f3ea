"""Whole-publication suppression: on many random publications (fixed seed) nothing hidden can
be worked out, even by substituting what the bounds give and solving again; zeros are never
used as complements (a reader can tell a hidden zero)."""

from __future__ import annotations

import numpy as np

from safeschools.metrics.suppression_tables import (
    DISTRICT,
    derivable_in_publication,
    district_totals,
    suppress_publication,
)

GROUPS = ("hispanic", "black", "white", "asian", "multiracial")
EQUATIONS = [(list(GROUPS), "all"), (["female", "male"], "all")]


def _publish(counts: dict[str, dict[str, int | None]]) -> dict[str, dict[str, int | None]]:
    hidden = suppress_publication(counts, equations=EQUATIONS)
    columns = sorted({c for row in counts.values() for c in row})
    full = {s: dict(row) for s, row in counts.items()}
    full[DISTRICT] = district_totals(counts, columns)
    for school, column in hidden:
        full[school][column] = None
    return full


def _school(rng: np.random.Generator) -> dict[str, int | None]:
    groups = {g: int(rng.choice([0, 0, 1, 2, 4, 8, 12, 20, 30])) for g in GROUPS}
    total = sum(groups.values())
    female = int(rng.integers(0, total + 1))
    return {**groups, "all": total, "female": female, "male": total - female}


def test_random_publications_never_give_away_a_hidden_count() -> None:
    rng = np.random.default_rng(2024)
    for _ in range(300):
        counts = {f"S{i}": _school(rng) for i in range(int(rng.integers(3, 8)))}
        published = _publish(counts)
        truth = {**counts, DISTRICT: district_totals(counts, sorted(counts["S0"]))}
        leaks = [
            cell
            for cell in derivable_in_publication(published, equations=EQUATIONS)
            if truth[cell[0]][cell[1]]
        ]
        assert leaks == [], (counts, leaks)


def test_a_zero_is_never_the_complement() -> None:
    # school A shows three groups that add up to its total: its hidden groups are 0, and if
    # those zeros were the complements, B's small counts would follow from the columns
    counts: dict[str, dict[str, int | None]] = {
        "A": {"hispanic": 18, "black": 0, "white": 0, "asian": 13, "multiracial": 15},
        "B": {"hispanic": 2, "black": 2, "white": 4, "asian": 10, "multiracial": 9},
        "C": {"hispanic": 8, "black": 20, "white": 18, "asian": 22, "multiracial": 4},
        "D": {"hispanic": 13, "black": 27, "white": 28, "asian": 2, "multiracial": 5},
    }
    for row in counts.values():
        row["all"] = sum(v or 0 for v in row.values())
        row["female"] = (row["all"] or 0) // 2
        row["male"] = (row["all"] or 0) - (row["female"] or 0)
    hidden = suppress_publication(counts, equations=EQUATIONS)
    assert hidden and not any(counts[s][c] == 0 for s, c in hidden if s != DISTRICT)
    derived = derivable_in_publication(_publish(counts), equations=EQUATIONS)
    assert all(counts[s][c] == 0 for s, c in derived)  # only the shown zeros' own lines
