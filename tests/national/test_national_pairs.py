"""`safeschools national-pairs`: the store's schools and victimizations, tiled to Parquet, paired
on a Dask cluster and loaded back: the stored pairs are those the import-time engine stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from safeschools import services
from safeschools.cli import cli
from safeschools.national import tiles_of
from safeschools.national.synthetic import write_edge_public_csv, write_gva_csv, write_pss_csv
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.storage import tables as t


def _stored_pairs(store: Store) -> dict[tuple[str, str, int], float]:
    p = t.school_pairs
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(p.c.school_year, p.c.school_id, p.c.victimization_id, p.c.distance_m)
        ).all()
    return {(r[0], r[1], int(r[2])): float(r[3]) for r in rows}


def _load(store: Store, settings: Settings, folder: Path) -> None:
    # dense cities: 300 schools and 3000 incidents around 20 of them
    for kind, path in (
        ("nces-schools", write_edge_public_csv(folder / "pub.csv", 250, seed=1)),
        ("nces-schools", write_pss_csv(folder / "pss.csv", 50, seed=2)),
        ("gva-incidents", write_gva_csv(folder / "gva.csv", 3000, seed=3)),
    ):
        services.ingest_file(store, kind, path, settings=settings)


@pytest.fixture
def dense(monkeypatch: pytest.MonkeyPatch) -> None:
    import safeschools.national.synthetic as synthetic

    original = synthetic.national_points

    def few_cities(n: int, *, seed: int, **kwargs: Any) -> Any:
        return original(n, seed=seed, n_cities=20, spread_km=3.0)

    monkeypatch.setattr(synthetic, "national_points", few_cities)


@pytest.mark.usefixtures("dense")
def test_cluster_pairs_equal_the_import_time_pairs(
    store: Store, settings: Settings, tmp_path: Path, dask_cluster_client: Any
) -> None:
    _load(store, settings, tmp_path)
    settings = settings.model_copy(update={"national_tile_m": 4_000.0})
    done = services.national_pairs(
        store, settings=settings, parquet=tmp_path / "tiles", client=dask_cluster_client
    )
    on_cluster = _stored_pairs(store)
    assert done.pairs == len(on_cluster) > 100
    assert (done.schools, done.incidents) == (300, 3000)
    assert done.tiles == len(tiles_of(tmp_path / "tiles")) > 1
    # a tile's pairs are Parquet, partitioned by tile
    folder = tmp_path / "tiles" / "pairs"
    tiles = tiles_of(tmp_path / "tiles", "pairs")
    assert sum(pq.read_table(folder / f"tile={k}").num_rows for k in tiles) == done.pairs
    services.rebuild_pairs(store, settings=settings)  # the embedded engine, on everything
    embedded = _stored_pairs(store)
    assert on_cluster.keys() == embedded.keys()
    assert all(on_cluster[k] == embedded[k] for k in embedded)


@pytest.mark.usefixtures("dense")
def test_a_later_import_continues_from_the_cluster_pairs(
    sqlite_only_store: Store, settings: Settings, tmp_path: Path, dask_cluster_client: Any
) -> None:
    store = sqlite_only_store
    _load(store, settings, tmp_path)
    services.national_pairs(
        store, settings=settings, parquet=tmp_path / "tiles", client=dask_cluster_client
    )
    with store.engine.connect() as conn:
        state = json.loads(store.get_state("pairs", conn=conn) or "{}")
        latest = store.max_import_id(conn=conn)
    assert state == {"max_radius_m": settings.max_pair_radius_m, "import_id": latest}


@pytest.mark.usefixtures("dense")
def test_cli_runs_on_a_given_scheduler(
    settings: Settings, tmp_path: Path, dask_cluster_client: Any
) -> None:
    runner = CliRunner()
    env = {
        "SAFESCHOOLS_DATABASE_URL": settings.database_url,
        "SAFESCHOOLS_DATA_DIR": str(tmp_path / "data"),
    }
    assert runner.invoke(cli, ["init"], env=env).exit_code == 0
    store = services.open_store_from_settings(Settings(database_url=settings.database_url))
    try:
        _load(store, settings, tmp_path)
    finally:
        store.dispose()
    address = dask_cluster_client.scheduler.address
    out = runner.invoke(
        cli,
        ["national-pairs", "--radius-m", "402.336", "--scheduler", address, "--json"],
        env=env,
    )
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["scheduler"] == address
    assert summary["radius_m"] == 402.336
    assert summary["parquet"] == str(tmp_path / "data" / "national")
    assert summary["pairs"] > 0
    bad = runner.invoke(cli, ["national-pairs", "--radius-m", "0"], env=env)
    assert bad.exit_code == 2


def test_an_unreachable_scheduler_is_one_sentence() -> None:
    from safeschools.errors import ConfigError
    from safeschools.national import dask_client

    with (
        pytest.raises(
            ConfigError, match=r"^Could not reach a Dask scheduler at tcp://127.0.0.1:9 "
        ),
        dask_client("tcp://127.0.0.1:9", connect_timeout_s=1),
    ):
        pass
