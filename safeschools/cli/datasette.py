"""``safeschools datasette-metadata``: the metadata.json that opens the store in Datasette with
every table and column described and the private tables closed."""

from __future__ import annotations

import json
from pathlib import Path

import click

from safeschools import services
from safeschools.cli._app import Context, cli, pass_ctx, translate_errors
from safeschools.cli._output import OUTPUT, emit_bytes
from safeschools.services.datasette import datasette_metadata, datasette_name

__all__ = ["datasette_metadata_command"]


@cli.command("datasette-metadata")
@OUTPUT
@click.option(
    "--database",
    "database",
    default=None,
    help="The database's name in Datasette (default: the store's file name without .db).",
)
@pass_ctx
@translate_errors
def datasette_metadata_command(ctx: Context, output: Path | None, database: str | None) -> None:
    """Write the metadata.json that opens the SQLite store in Datasette: every table and
    column described; account secrets and counts under the minimum cell size closed; custom
    SQL off.

    Example: safeschools datasette-metadata -o metadata.json && datasette safeschools.db
    --metadata metadata.json
    """
    name = database or datasette_name(ctx.store)
    synthetic = bool(services.store_summary(ctx.store)["synthetic"])
    meta = datasette_metadata(name, synthetic=synthetic)
    emit_bytes(json.dumps(meta, indent=2, ensure_ascii=False).encode() + b"\n", output)
