"""Schools, incidents and pairs as Parquet folders partitioned by tile (``tile=<key>``).

Layout under the root (a local folder, or any URL pyarrow opens, e.g. ``s3://bucket/run``)::

    schools/tile=<key>/part-<n>.parquet        id, lat, lon   (each school in its one tile)
    incidents/tile=<key>/part-<n>.parquet      id, lat, lon   (each incident in its tile and
                                                               every tile whose halo holds it)
    pairs/tile=<key>/pairs.parquet             school, incident, distance_m

Inputs are written chunk by chunk (:class:`TiledWriter`), so neither side needs to fit in memory;
a tile's task reads only its own folders (:func:`read_tile`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from safeschools.national.tiling import IntArray, Tiling, project_albers

__all__ = ["TiledWriter", "open_root", "pair_tables", "read_tile", "tiles_of"]

_POINTS = pa.schema([("id", pa.int64()), ("lat", pa.float64()), ("lon", pa.float64())])
PAIRS_SCHEMA = pa.schema(
    [("school", pa.int64()), ("incident", pa.int64()), ("distance_m", pa.float64())]
)


def open_root(root: str | Path) -> tuple[pafs.FileSystem, str]:
    """The filesystem and base path of a root folder or URL."""
    text = str(root)
    if "://" in text:
        fs, base = pafs.FileSystem.from_uri(text)
        return fs, str(base)
    path = Path(text).resolve()
    return pafs.LocalFileSystem(), path.as_posix()


def _exists(fs: pafs.FileSystem, path: str) -> bool:
    return bool(fs.get_file_info(path).type != pafs.FileType.NotFound)


class TiledWriter:
    """Writes schools and incidents under ``root``, tiled by ``tiling``; starts from empty."""

    def __init__(self, root: str | Path, tiling: Tiling) -> None:
        self.fs, self.base = open_root(root)
        self.tiling = tiling
        self._chunk = 0
        for part in ("schools", "incidents", "pairs"):
            folder = f"{self.base}/{part}"
            if _exists(self.fs, folder):
                self.fs.delete_dir(folder)
        self.fs.create_dir(self.base, recursive=True)

    def _write(self, part: str, columns: dict[str, npt.NDArray[Any]], tile: IntArray) -> None:
        """One file per tile for this chunk: rows sorted by tile, each run written alone."""
        self._chunk += 1
        order = np.argsort(tile, kind="stable")
        tile = tile[order]
        table = pa.table({name: values[order] for name, values in columns.items()})
        keys, starts = np.unique(tile, return_index=True)
        ends = np.append(starts[1:], tile.size)
        for key, start, end in zip(keys.tolist(), starts.tolist(), ends.tolist(), strict=True):
            folder = f"{self.base}/{part}/tile={key}"
            self.fs.create_dir(folder, recursive=True)
            pq.write_table(
                table.slice(start, end - start),
                f"{folder}/part-{self._chunk}.parquet",
                filesystem=self.fs,
            )

    @staticmethod
    def _located(
        ids: npt.ArrayLike, lat: npt.ArrayLike, lon: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        i = np.asarray(ids, dtype=np.int64)
        la = np.asarray(lat, dtype=np.float64)
        lo = np.asarray(lon, dtype=np.float64)
        ok = np.isfinite(la) & np.isfinite(lo)  # a point without a location is never paired
        return i[ok], la[ok], lo[ok]

    def add_schools(self, ids: npt.ArrayLike, lat: npt.ArrayLike, lon: npt.ArrayLike) -> int:
        """Write one chunk of schools (ids unique over the run); how many were located."""
        i, la, lo = self._located(ids, lat, lon)
        if i.size == 0:
            return 0
        x, y = project_albers(la, lo)
        tile = self.tiling.school_tiles(x, y)
        self._write("schools", {"id": i, "lat": la, "lon": lo}, tile)
        return int(i.size)

    def add_incidents(self, ids: npt.ArrayLike, lat: npt.ArrayLike, lon: npt.ArrayLike) -> int:
        """Write one chunk of incidents to every tile within reach; how many copies."""
        i, la, lo = self._located(ids, lat, lon)
        if i.size == 0:
            return 0
        x, y = project_albers(la, lo)
        rows, tile = self.tiling.incident_tiles(x, y)
        self._write("incidents", {"id": i[rows], "lat": la[rows], "lon": lo[rows]}, tile)
        return int(rows.size)


def tiles_of(root: str | Path, part: str = "schools") -> list[int]:
    """The tiles that hold something in ``part`` (``schools``, ``incidents`` or ``pairs``)."""
    fs, base = open_root(root)
    folder = f"{base}/{part}"
    if not _exists(fs, folder):
        return []
    found = []
    for info in fs.get_file_info(pafs.FileSelector(folder)):
        name = info.base_name
        if info.type == pafs.FileType.Directory and name.startswith("tile="):
            found.append(int(name[len("tile=") :]))
    return sorted(found)


def read_tile(root: str | Path, part: str, tile: int) -> pa.Table:
    """One tile's rows of ``part`` (an empty table when it has none)."""
    fs, base = open_root(root)
    folder = f"{base}/{part}/tile={tile}"
    schema = PAIRS_SCHEMA if part == "pairs" else _POINTS
    if not _exists(fs, folder):
        return schema.empty_table()
    return pq.read_table(folder, filesystem=fs, schema=schema, use_threads=False)


def pair_tables(root: str | Path) -> Iterator[pa.Table]:
    """The pairs, one tile's table at a time (memory: one tile)."""
    for tile in tiles_of(root, "pairs"):
        yield read_tile(root, "pairs", tile)


def write_pairs(root: str | Path, tile: int, table: pa.Table) -> None:
    """Write one tile's pairs (replacing what that tile had)."""
    fs, base = open_root(root)
    folder = f"{base}/pairs/tile={tile}"
    fs.create_dir(folder, recursive=True)
    pq.write_table(table, f"{folder}/pairs.parquet", filesystem=fs)
