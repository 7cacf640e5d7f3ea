"""School-victimization pairs: computed once at import, refreshed incrementally."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from safeschools.settings import Settings
from safeschools.spatial import pairs_within
from safeschools.storage import Store

#: Imports of these kinds change which schools and victimizations are near each other.
PAIR_KINDS = ("schools", "victims", "crimes")


@dataclass(frozen=True)
class PairRefresh:
    """What :func:`refresh_pairs` did."""

    full: bool
    victims_checked: int
    schools_checked: int
    pairs_written: int


def refresh_pairs(store: Store, conn: Any, *, max_radius_m: float) -> PairRefresh:
    """Bring the stored school-victimization pairs up to date, inside the caller's transaction.

    Distances are computed once, for every pair within ``max_radius_m`` metres; every exposure
    question is then a filter on the pairs. The store remembers up to which import the pairs are
    complete: only victimizations and school-years written by a later import are (re)paired.
    A different ``max_radius_m`` than last time recomputes everything.
    """
    state_text = store.get_state("pairs", conn=conn)
    state = json.loads(state_text) if state_text else None
    full = state is None or float(state["max_radius_m"]) != float(max_radius_m)
    done_through = 0 if full else int(state["import_id"])  # type: ignore[index]
    latest = store.max_import_id(conn=conn)
    victims = store.victim_points(conn=conn)
    schools = store.school_points(conn=conn)
    new_v = victims["import_id"] > done_through
    new_s = schools["import_id"] > done_through
    if full:
        store.delete_all_pairs(conn=conn)
    else:
        store.delete_pairs_of_victims(victims["id"][new_v].tolist(), conn=conn)
        store.delete_pairs_of_schools(
            list(zip(schools["school_year"][new_s], schools["school_id"][new_s], strict=True)),
            conn=conn,
        )
    written = 0
    # Every school-year against the new victimizations, then the new school-years against the
    # victimizations that were already paired.
    for s_mask, v_mask in ((np.ones_like(new_s), new_v), (new_s, ~new_v)):
        if not s_mask.any() or not v_mask.any():
            continue
        s_idx = np.flatnonzero(s_mask)
        v_idx = np.flatnonzero(v_mask)
        pairs = pairs_within(
            schools["lat"][s_idx],
            schools["lon"][s_idx],
            victims["lat"][v_idx],
            victims["lon"][v_idx],
            # a centimetre more, so that a victim exactly at the largest radius is kept
            radius_m=max_radius_m + 0.01,
        )
        chosen = s_idx[pairs.school]
        written += store.insert_pairs(
            schools["school_year"][chosen].tolist(),
            schools["school_id"][chosen].tolist(),
            victims["id"][v_idx[pairs.point]].tolist(),
            pairs.distance_m.tolist(),
            conn=conn,
        )
    store.set_state(
        "pairs", json.dumps({"max_radius_m": float(max_radius_m), "import_id": latest}), conn=conn
    )
    return PairRefresh(
        full=full,
        victims_checked=int(new_v.sum()),
        schools_checked=int(new_s.sum()),
        pairs_written=written,
    )


def stored_pair_radius(store: Store, settings: Settings) -> float:
    with store.engine.connect() as conn:
        text_value = store.get_state("pairs", conn=conn)
    if text_value is None:
        return float(settings.max_pair_radius_m)
    return float(json.loads(text_value)["max_radius_m"])


def rebuild_pairs(store: Store, *, settings: Settings) -> PairRefresh:
    """Recompute every pair for ``settings.max_pair_radius_m`` (after changing it)."""
    with store.transaction() as conn:
        store.lock_imports(conn=conn)
        store.delete_all_pairs(conn=conn)
        store.set_state("pairs", json.dumps({"max_radius_m": -1.0, "import_id": 0}), conn=conn)
        return refresh_pairs(store, conn, max_radius_m=settings.max_pair_radius_m)
