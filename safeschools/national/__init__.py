"""Every US school and a national incidents file: pairs computed tile by tile on Dask.

- :mod:`~safeschools.national.tiling`: the grid of tiles (EPSG:5070) and its halo;
- :mod:`~safeschools.national.tiled_parquet`: inputs and pairs as Parquet partitioned by tile;
- :mod:`~safeschools.national.compute`: each tile on a ``dask.distributed`` cluster;
- :mod:`~safeschools.national.synthetic`: seeded national data in the publishers' layouts.
"""

from safeschools.national.compute import (
    NationalRun,
    dask_client,
    pairs_of_tile,
    pairs_on_dask,
    sorted_pairs,
)
from safeschools.national.tiled_parquet import TiledWriter, pair_tables, read_tile, tiles_of
from safeschools.national.tiling import ALBERS_CRS, Tiling, project_albers

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
