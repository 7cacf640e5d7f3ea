"""School-incident pairs of every US school, computed tile by tile on a Dask cluster.

The store's schools and victimizations are written to Parquet partitioned by tile (the
victimizations chunk by chunk), each tile runs :func:`~safeschools.spatial.pairs_within` on a
worker (:mod:`safeschools.national.compute`), and the pairs are loaded into the store's pairs
table one tile at a time, replacing the stored pairs, in one transaction that holds the import
lock. The pairs are then complete through the newest import, for ``radius_m``: the exposure
questions read them as they read the pairs made at import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select

from safeschools.errors import ConfigError
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.storage import tables as t

__all__ = ["NationalPairs", "national_pairs"]

#: As at import (:func:`~safeschools.services.pairs.refresh_pairs`): a centimetre more, so that
#: a victimization exactly at the largest radius is kept.
_MARGIN_M = 0.01


@dataclass(frozen=True)
class NationalPairs:
    """What :func:`national_pairs` did."""

    schools: int
    incidents: int
    tiles: int
    pairs: int
    radius_m: float
    parquet: str
    scheduler: str
    cluster_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def national_pairs(
    store: Store,
    *,
    settings: Settings,
    radius_m: float | None = None,
    scheduler: str | None = None,
    parquet: str | Path | None = None,
    client: Any = None,
) -> NationalPairs:
    """Recompute every stored pair on a Dask cluster and load them into the store.

    ``radius_m`` defaults to ``settings.max_pair_radius_m`` (give the same radius, or the next
    import recomputes every pair on this machine). ``scheduler`` is a ``dask.distributed``
    address (``tcp://host:8786``); without it (and without a ``client``) a ``LocalCluster`` of
    ``settings.national_workers`` processes runs here. ``parquet`` (default
    ``settings.national_parquet_dir`` or ``<data_dir>/national``) must be reachable by every
    worker.
    """
    # pyarrow and Dask (the ``national`` extra) are loaded only here, never by the web pages
    from safeschools.national.compute import dask_client, pairs_on_dask
    from safeschools.national.tiled_parquet import TiledWriter, pair_tables
    from safeschools.national.tiling import Tiling

    radius = float(radius_m if radius_m is not None else settings.max_pair_radius_m)
    if not np.isfinite(radius) or radius <= 0:
        msg = f"The radius must be a positive number of metres, not {radius_m!r}."
        raise ConfigError(msg)
    root = str(parquet or settings.national_parquet_dir or Path(settings.data_dir) / "national")
    with store.transaction() as conn:
        store.lock_imports(conn=conn)
        latest = store.max_import_id(conn=conn)
        schools = store.school_points(conn=conn)
        lat_min, lat_max = _latitudes(conn)
        tiling = Tiling.for_radius(
            tile_m=settings.national_tile_m,
            radius_m=radius + _MARGIN_M,
            lat_min=lat_min,
            lat_max=lat_max,
        )
        writer = TiledWriter(root, tiling)
        n_schools = writer.add_schools(
            np.arange(schools["lat"].size), schools["lat"], schools["lon"]
        )
        n_incidents = 0
        for chunk in store.victim_point_chunks(conn=conn):
            writer.add_incidents(chunk["id"], chunk["lat"], chunk["lon"])
            n_incidents += int(
                np.count_nonzero(np.isfinite(chunk["lat"]) & np.isfinite(chunk["lon"]))
            )
        if client is not None:
            run = pairs_on_dask(root, radius_m=radius + _MARGIN_M, client=client)
        else:
            with dask_client(scheduler, n_workers=settings.national_workers) as own:
                run = pairs_on_dask(root, radius_m=radius + _MARGIN_M, client=own)
        store.delete_all_pairs(conn=conn)
        written = 0
        for table in pair_tables(root):
            school = table.column("school").to_numpy()
            written += store.insert_pairs(
                schools["school_year"][school].tolist(),
                schools["school_id"][school].tolist(),
                table.column("incident").to_numpy().tolist(),
                table.column("distance_m").to_numpy().tolist(),
                conn=conn,
            )
        store.set_state(
            "pairs", json.dumps({"max_radius_m": radius, "import_id": latest}), conn=conn
        )
    return NationalPairs(
        schools=n_schools,
        incidents=n_incidents,
        tiles=run.tiles,
        pairs=written,
        radius_m=radius,
        parquet=root,
        scheduler=run.scheduler,
        cluster_seconds=round(run.seconds, 3),
    )


def _latitudes(conn: Any) -> tuple[float, float]:
    """The lowest and highest latitude of the stored schools and victimizations."""
    lows, highs = [], []
    for table in (t.schools, t.victimizations):
        low, high = conn.execute(select(func.min(table.c.lat), func.max(table.c.lat))).one()
        if low is not None:
            lows.append(float(low))
            highs.append(float(high))
    return (min(lows), max(highs)) if lows else (17.0, 72.0)
