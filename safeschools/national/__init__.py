"""National context: school shootings as each tracker counts them, and every US school with a
national incidents file, their pairs computed tile by tile on Dask.

- :mod:`~safeschools.national.trackers`, :mod:`~safeschools.national.counts`: each tracker's
  definition, in words and as a filter, and the counts by year it gives;
- :mod:`~safeschools.national.tiling`: the grid of tiles (EPSG:5070) and its halo;
- :mod:`~safeschools.national.tiled_parquet`: inputs and pairs as Parquet partitioned by tile;
- :mod:`~safeschools.national.compute`: each tile on a ``dask.distributed`` cluster;
- :mod:`~safeschools.national.synthetic`: seeded national data in the publishers' layouts.

The Dask names below are loaded when first used, so the trackers (the web pages) never import
Dask, which only the ``national`` extra installs.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "ALBERS_CRS",
    "NationalRun",
    "TiledWriter",
    "Tiling",
    "dask_client",
    "pair_tables",
    "pairs_of_tile",
    "pairs_on_dask",
    "project_albers",
    "read_tile",
    "sorted_pairs",
    "tiles_of",
]

_HOME = {
    "NationalRun": "compute",
    "dask_client": "compute",
    "pairs_of_tile": "compute",
    "pairs_on_dask": "compute",
    "sorted_pairs": "compute",
    "TiledWriter": "tiled_parquet",
    "pair_tables": "tiled_parquet",
    "read_tile": "tiled_parquet",
    "tiles_of": "tiled_parquet",
    "ALBERS_CRS": "tiling",
    "Tiling": "tiling",
    "project_albers": "tiling",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(import_module(f"{__name__}.{home}"), name)
