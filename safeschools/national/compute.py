"""Every (school, incident) pair within a radius, tile by tile, on a Dask cluster.

Each tile's task reads its own Parquet folders (its schools; its incidents and those of its
halo, see :mod:`safeschools.national.tiling`), runs the existing engine
(:func:`~safeschools.spatial.pairs_within`) on them, and writes its pairs under
``pairs/tile=<key>``. A pair is found only by its school's tile, so the union of the tiles'
pairs is exactly what :func:`pairs_within` gives on everything at once (the property tests
check it pair by pair, ids and distances).

The cluster is any ``dask.distributed`` scheduler (``scheduler="tcp://host:8786"``) or, by
default, a ``LocalCluster`` of worker processes on this machine. Workers must reach the Parquet
root: a shared folder, or an object-store URL.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from safeschools.errors import ConfigError
from safeschools.national.tiled_parquet import (
    PAIRS_SCHEMA,
    read_tile,
    tiles_of,
    write_pairs,
)
from safeschools.spatial.pairs import PairSet, pairs_within

__all__ = [
    "NationalRun",
    "dask_client",
    "pairs_of_tile",
    "pairs_of_tiles",
    "pairs_on_dask",
    "sorted_pairs",
]


#: Tasks per worker thread: enough to balance uneven tiles, few enough to cost little.
_TASKS_PER_THREAD = 4


@dataclass(frozen=True)
class NationalRun:
    """What a run on the cluster did."""

    tiles: int
    pairs: int
    seconds: float
    scheduler: str


def pairs_of_tile(tile: int, *, root: str, radius_m: float) -> int:
    """Compute and write one tile's pairs; how many. Runs on a worker."""
    schools = read_tile(root, "schools", tile)
    incidents = read_tile(root, "incidents", tile)
    found = pairs_within(
        schools.column("lat").to_numpy(),
        schools.column("lon").to_numpy(),
        incidents.column("lat").to_numpy(),
        incidents.column("lon").to_numpy(),
        radius_m=radius_m,
    )
    table = pa.table(
        {
            "school": schools.column("id").to_numpy()[found.school],
            "incident": incidents.column("id").to_numpy()[found.point],
            "distance_m": found.distance_m,
        },
        schema=PAIRS_SCHEMA,
    )
    write_pairs(root, tile, table)
    return len(found)


def pairs_of_tiles(tiles: list[int], *, root: str, radius_m: float) -> int:
    """:func:`pairs_of_tile` for each of ``tiles`` in turn (one tile in memory at a time)."""
    return sum(pairs_of_tile(tile, root=root, radius_m=radius_m) for tile in tiles)


@contextmanager
def dask_client(
    scheduler: str | None = None, *, n_workers: int = 2, connect_timeout_s: float = 10.0
) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``scheduler`` or, without one, of a new
    ``LocalCluster`` of ``n_workers`` single-threaded worker processes (closed on exit)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=f"{connect_timeout_s}s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            msg = (
                f"Could not reach a Dask scheduler at {scheduler} ({exc}); check the address "
                "(tcp://host:8786) and that `dask scheduler` runs there."
            )
            raise ConfigError(msg) from exc
        try:
            yield client
        finally:
            client.close()  # type: ignore[no-untyped-call]
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def pairs_on_dask(root: str | Path, *, radius_m: float, client: Any) -> NationalRun:
    """Run every tile that has schools on ``client``'s cluster; the pairs land under
    ``<root>/pairs``. ``root`` was filled by :class:`~safeschools.national.TiledWriter` with a
    tiling whose halo covers ``radius_m``."""
    started = time.perf_counter()
    root_text = str(root)
    tiles = tiles_of(root_text, "schools")
    # A few tasks per worker thread (a task per tile costs more in scheduling than small tiles
    # take to compute); tiles are dealt out in turn so that dense regions spread over tasks.
    threads = max(1, sum(client.nthreads().values()))
    n_tasks = max(1, min(len(tiles), _TASKS_PER_THREAD * threads))
    batches = [tiles[i::n_tasks] for i in range(n_tasks)]
    futures = client.map(pairs_of_tiles, batches, root=root_text, radius_m=radius_m, pure=False)
    counts = client.gather(futures)
    return NationalRun(
        tiles=len(tiles),
        pairs=int(sum(counts)),
        seconds=time.perf_counter() - started,
        scheduler=str(client.scheduler.address),
    )


def sorted_pairs(school: Any, incident: Any, distance_m: Any) -> PairSet:
    """Pairs ordered by (school, incident): the order two runs are compared in."""
    s = np.asarray(school, dtype=np.int64)
    p = np.asarray(incident, dtype=np.int64)
    d = np.asarray(distance_m, dtype=np.float64)
    order = np.lexsort((p, s))
    return PairSet(s[order], p[order], d[order])
