"""Every US school against a national incidents file: the embedded engine, the same engine on a
Dask ``LocalCluster`` tile by tile, and the GeoPandas ``sjoin`` a user would write.

Data (seeded, :mod:`safeschools.national.synthetic`): 100,000 schools and 1M, 3M and 10M
incidents clustered around 400 "cities" over the lower 48 states; radius 0.5 mile. Sizes are
parameters: ``SAFESCHOOLS_BENCH_NATIONAL_SCHOOLS`` and ``SAFESCHOOLS_BENCH_NATIONAL_INCIDENTS``
(comma-separated), or ``python -m benchmarks.bench_national --schools 20000 --incidents
200000,500000`` for a quick run.

Each engine runs once per size in a fresh child process that reads the coordinates from raw
files (``np.fromfile``):

- embedded: :func:`safeschools.spatial.pairs_within` on everything at once.
- dask: :class:`~safeschools.national.TiledWriter` writes the Parquet in tiles of 200 km (the
  default of ``SAFESCHOOLS_NATIONAL_TILE_M``; ``SAFESCHOOLS_BENCH_NATIONAL_TILE_M`` here),
  incidents 1M at a time, then :func:`~safeschools.national.pairs_on_dask` on a
  ``LocalCluster`` of 2 worker
  processes (single-threaded); the time is tiling + cluster run (the cluster's start-up is
  left out and reported).
- geopandas: ``points_from_xy`` (EPSG:4326), ``.to_crs(5070)`` for both layers,
  ``sjoin(incidents, schools, predicate="dwithin", distance=radius)`` and the joined pairs'
  distances.

Peak memory is the peak resident set (``VmHWM`` of /proc/<pid>/status) of each process: the
child's own for embedded and geopandas; for dask the driver's and each worker's (they hold one
tile at a time). Embedded and dask must give the same pairs (a SHA-256 of the sorted pair keys
and distances); geopandas differs only by the Albers scale error (about 1%), its count is shown.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks._harness import Row

SEED = 20261207
RADIUS_M = 804.672
N_SCHOOLS = 100_000
N_INCIDENTS = (1_000_000, 3_000_000, 10_000_000)
CHUNK = 1_000_000
TILE_M = float(os.environ.get("SAFESCHOOLS_BENCH_NATIONAL_TILE_M", 200_000))
ROOT = Path(__file__).resolve().parent.parent


def _sizes() -> tuple[int, list[int]]:
    schools = int(os.environ.get("SAFESCHOOLS_BENCH_NATIONAL_SCHOOLS", N_SCHOOLS))
    text = os.environ.get("SAFESCHOOLS_BENCH_NATIONAL_INCIDENTS")
    incidents = [int(float(x)) for x in text.split(",")] if text else list(N_INCIDENTS)
    return schools, incidents


def _write_inputs(folder: Path, n_schools: int, n_incidents: int) -> None:
    from safeschools.national.synthetic import national_points, point_chunks

    s_lat, s_lon = national_points(n_schools, seed=SEED)
    s_lat.tofile(folder / "s_lat.f8")
    s_lon.tofile(folder / "s_lon.f8")
    with (folder / "i_lat.f8").open("wb") as f_lat, (folder / "i_lon.f8").open("wb") as f_lon:
        for _, lat, lon in point_chunks(n_incidents, seed=SEED + 1, chunk=CHUNK):
            lat.tofile(f_lat)
            lon.tofile(f_lon)


def _peak_mib(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _digest(school: Any, incident: Any, distance: Any) -> str:
    s = np.asarray(school, np.int64)
    p = np.asarray(incident, np.int64)
    d = np.asarray(distance, np.float64)
    order = np.lexsort((p, s))
    h = hashlib.sha256()
    for a in (s[order], p[order], np.round(d[order], 6)):
        h.update(a.tobytes())
    return h.hexdigest()[:12]


# ---------------------------------------------------------------------- the child processes
def _embedded(folder: Path) -> dict[str, Any]:
    from safeschools.spatial import pairs_within

    s_lat, s_lon, i_lat, i_lon = (np.fromfile(folder / f"{k}.f8") for k in _FILES)
    start = time.perf_counter()
    found = pairs_within(s_lat, s_lon, i_lat, i_lon, radius_m=RADIUS_M)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "pairs": len(found),
        "digest": _digest(found.school, found.point, found.distance_m),
        "peak_mib": _peak_mib(),
    }


def _dask(folder: Path) -> dict[str, Any]:
    import pyarrow as pa

    from safeschools.national import TiledWriter, Tiling, dask_client, pair_tables, pairs_on_dask

    root = folder / "tiles"
    tiling = Tiling.for_radius(tile_m=TILE_M, radius_m=RADIUS_M, lat_min=24.0, lat_max=50.0)
    start = time.perf_counter()
    writer = TiledWriter(root, tiling)
    s_lat, s_lon = np.fromfile(folder / "s_lat.f8"), np.fromfile(folder / "s_lon.f8")
    writer.add_schools(np.arange(s_lat.size), s_lat, s_lon)
    del s_lat, s_lon
    i_lat = np.memmap(folder / "i_lat.f8", dtype=np.float64, mode="r")
    i_lon = np.memmap(folder / "i_lon.f8", dtype=np.float64, mode="r")
    copies = 0
    for first in range(0, i_lat.size, CHUNK):
        last = min(first + CHUNK, i_lat.size)
        copies += writer.add_incidents(
            np.arange(first, last), np.array(i_lat[first:last]), np.array(i_lon[first:last])
        )
    tiled_s = time.perf_counter() - start
    up = time.perf_counter()
    with dask_client(None, n_workers=2) as client:
        up_s = time.perf_counter() - up
        run = pairs_on_dask(root, radius_m=RADIUS_M, client=client)
        workers = client.run(_peak_mib)
    total = tiled_s + run.seconds
    table = pa.concat_tables(list(pair_tables(root)))
    return {
        "seconds": total,
        "tiling_s": tiled_s,
        "cluster_s": run.seconds,
        "startup_s": up_s,
        "tiles": run.tiles,
        "copies": copies,
        "pairs": run.pairs,
        "digest": _digest(
            table.column("school").to_numpy(),
            table.column("incident").to_numpy(),
            table.column("distance_m").to_numpy(),
        ),
        "peak_mib": _peak_mib(),
        "worker_peak_mib": max(workers.values()),
    }


def _geopandas(folder: Path) -> dict[str, Any]:
    import geopandas

    s_lat, s_lon, i_lat, i_lon = (np.fromfile(folder / f"{k}.f8") for k in _FILES)
    start = time.perf_counter()
    incidents = geopandas.GeoDataFrame(
        geometry=geopandas.points_from_xy(i_lon, i_lat), crs="EPSG:4326"
    ).to_crs(5070)
    schools = geopandas.GeoDataFrame(
        {"school": np.arange(s_lat.size)},
        geometry=geopandas.points_from_xy(s_lon, s_lat),
        crs="EPSG:4326",
    ).to_crs(5070)
    joined = geopandas.sjoin(incidents, schools, predicate="dwithin", distance=RADIUS_M)
    distance = joined.geometry.distance(schools.geometry.loc[joined["index_right"]], align=False)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "pairs": int(distance.size),
        "peak_mib": _peak_mib(),
    }


_FILES = ("s_lat", "s_lon", "i_lat", "i_lon")
_ENGINES = {"embedded": _embedded, "dask": _dask, "geopandas": _geopandas}


def _child(engine: str, folder: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_national", "--child", engine, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        msg = f"{engine} failed:\n{out.stderr[-3000:]}"
        raise RuntimeError(msg)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run() -> list[Row]:
    n_schools, sizes = _sizes()
    rows: list[Row] = []
    results: dict[int, dict[str, dict[str, Any]]] = {}
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-national-") as tmp:
            folder = Path(tmp)
            _write_inputs(folder, n_schools, n)
            results[n] = {e: _child(e, folder) for e in _ENGINES}
        e, d, g = (results[n][k] for k in ("embedded", "dask", "geopandas"))
        if (e["pairs"], e["digest"]) != (d["pairs"], d["digest"]):
            msg = f"dask and embedded pairs differ at {n:,} incidents: {e} vs {d}"
            raise RuntimeError(msg)
        label = f"national pairs 0.5 mi, {n_schools:,} schools x {n:,} incidents"
        rows.append(
            Row(
                label,
                "embedded pairs_within",
                "geopandas to_crs(5070)+sjoin dwithin+distance",
                e["seconds"],
                g["seconds"],
                f"{e['pairs']:,} pairs (geopandas {g['pairs']:,}, Albers scale error); peak RSS "
                f"embedded {e['peak_mib']:,.0f} MiB, geopandas {g['peak_mib']:,.0f} MiB",
            )
        )
        rows.append(
            Row(
                label,
                "dask LocalCluster 2 procs",
                "embedded pairs_within",
                d["seconds"],
                e["seconds"],
                f"same pairs ({d['digest']}); tiling {d['tiling_s']:.1f} s + cluster "
                f"{d['cluster_s']:.1f} s over {d['tiles']:,} tiles ({d['copies']:,} incident "
                f"copies), start-up {d['startup_s']:.1f} s not counted; peak RSS driver "
                f"{d['peak_mib']:,.0f} MiB, largest worker {d['worker_peak_mib']:,.0f} MiB",
            )
        )
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        growth = ", ".join(
            f"{k} {results[hi][k]['seconds'] / results[lo][k]['seconds']:.1f}x" for k in _ENGINES
        )
        rows.append(
            Row(
                f"national pairs: time growth {lo:,} -> {hi:,} incidents ({hi / lo:.0f}x)",
                "dask",
                "embedded",
                results[hi]["dask"]["seconds"],
                results[hi]["embedded"]["seconds"],
                growth,
            )
        )
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_national")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "FOLDER"))
    parser.add_argument("--schools", type=int)
    parser.add_argument("--incidents", help="comma-separated sizes, e.g. 1000000,3000000")
    args = parser.parse_args(argv)
    if args.child:
        engine, folder = args.child
        print(json.dumps(_ENGINES[engine](Path(folder))))
        return 0
    if args.schools:
        os.environ["SAFESCHOOLS_BENCH_NATIONAL_SCHOOLS"] = str(args.schools)
    if args.incidents:
        os.environ["SAFESCHOOLS_BENCH_NATIONAL_INCIDENTS"] = args.incidents
    from benchmarks._harness import print_table

    print_table(run())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
