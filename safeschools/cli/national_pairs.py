"""National data: `ingest nces-schools`, `ingest gva-incidents` and `national-pairs` (the pairs
of every US school, computed on a Dask cluster)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from safeschools import services
from safeschools.cli._app import Context, _console, _ingest_command, cli, pass_ctx, translate_errors

_ingest_command(
    "nces-schools",
    "Import an NCES EDGE school geocode file: public schools (NCESSCH) or private schools of "
    "the Private School Universe Survey (PPIN), anywhere in the United States. Their pairs "
    "are computed by `safeschools national-pairs`.",
    school_year=True,
)
_ingest_command(
    "gva-incidents",
    "Import a national incidents file in the Gun Violence Archive's CSV export layout, with "
    "Latitude and Longitude columns (one row per incident). Their pairs are computed by "
    "`safeschools national-pairs`.",
)


@cli.command(name="national-pairs")
@click.option(
    "--radius-m",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Largest radius of the pairs, metres (default: SAFESCHOOLS_MAX_PAIR_RADIUS_M; give "
    "the same, or the next import recomputes every pair on this machine).",
)
@click.option(
    "--scheduler",
    default=None,
    help="Address of a Dask scheduler (tcp://host:8786); default: a LocalCluster of "
    "SAFESCHOOLS_NATIONAL_WORKERS processes on this machine.",
)
@click.option(
    "--parquet",
    default=None,
    help="Folder or object-store URL for the tiled Parquet, reachable by every worker "
    "(default: SAFESCHOOLS_NATIONAL_PARQUET_DIR or <data_dir>/national).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
@translate_errors
def national_pairs(
    ctx: Context, radius_m: float | None, scheduler: str | None, parquet: str | None, as_json: bool
) -> None:
    """Recompute every school-victimization pair on a Dask cluster, tile by tile, and load
    them into the store."""
    done = services.national_pairs(
        ctx.store,
        settings=ctx.settings,
        radius_m=radius_m,
        scheduler=scheduler,
        parquet=Path(parquet) if parquet and "://" not in parquet else parquet,
    )
    if as_json:
        click.echo(json.dumps(done.as_dict(), indent=2))
        return
    _console().print(
        f"{done.pairs} pairs within {done.radius_m:g} m: {done.schools} schools x "
        f"{done.incidents} located victimizations in {done.tiles} tiles on {done.scheduler} "
        f"({done.cluster_seconds:.1f} s on the cluster). Parquet: {done.parquet}"
    )
