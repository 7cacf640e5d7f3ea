"""The tables of an exposure result for analysts: every victim a definition counts, with the
store's columns of each victim (never a name: the store holds none), the schools it is
counted near and the distances.

One row per victim, so the rows add up to the definition's ``victims``; ``school_ids`` and
``distances_m`` list the schools it is counted near, nearest first (a victim near two schools
is one row with two of each). For one row per school-victim pair, use
``ExposureResult.to_pandas("pairs")``.
"""

from __future__ import annotations

from safeschools.proximity.data import NEAR_COLUMNS, ExposureResult
from safeschools.storage import Store
from safeschools.tables import Table, point

__all__ = ["COUNTED_VICTIM_COLUMNS", "VICTIMIZATION_COLUMNS", "counted_victims"]

#: The store's columns of a victimization that an export shows, one by one: no name can slip in.
VICTIMIZATION_COLUMNS = (
    "source",
    "source_row_id",
    "case_number",
    "occurred_at",
    "lat",
    "lon",
    "location_precision",
    "victimization_type",
    "incident_type",
    "iucr",
    "gunshot_injury",
    "fatal",
    "age_band",
    "sex",
    "race",
    "location_description",
    "block",
    "district",
    "beat",
    "community_area",
    "ward",
    "source_updated_at",
)
#: The columns of :func:`counted_victims`: the store's row id, the victim, the schools near.
COUNTED_VICTIM_COLUMNS = ("victim_id", *VICTIMIZATION_COLUMNS, *NEAR_COLUMNS)


def counted_victims(store: Store, result: ExposureResult) -> Table:
    """Every victim ``result`` counts, one row each (:data:`COUNTED_VICTIM_COLUMNS`, by time),
    with the result's metadata (definition, coverage, vintage, caveats).

    No rows when the data cannot answer the definition: the metadata's ``answerable`` and
    ``reasons`` say why (no answer, not 0 victims).

    Examples
    --------
    >>> result = exposure(store, "abc7-2024", settings=settings)  # doctest: +SKIP
    >>> len(counted_victims(store, result).rows) == result.victims  # doctest: +SKIP
    True
    """
    _columns, rows = result.victim_table()
    stored = store.victimizations_by_id(int(r["victim_id"]) for r in rows)
    out = [
        {
            "victim_id": row["victim_id"],
            **{c: getattr(stored[row["victim_id"]], c) for c in VICTIMIZATION_COLUMNS},
            **{c: row[c] for c in NEAR_COLUMNS},
        }
        for row in rows
    ]
    return Table(list(COUNTED_VICTIM_COLUMNS), out, point, meta=result.metadata())
