"""``safeschools backup`` and ``safeschools restore``: the whole store to one file and back
(SQLite's online backup; ``pg_dump`` and ``pg_restore`` on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.engine import make_url

from safeschools.cli._app import Context, UserError, cli, pass_ctx, translate_errors
from safeschools.storage import backup as backups

__all__ = ["backup_command", "restore_command"]


def _where(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _summary(digests: dict[str, backups.TableDigest]) -> str:
    rows = sum(d.rows for name, d in digests.items() if name != "alembic_version")
    return f"{len(digests) - 1} tables, {rows:,} rows"


@cli.command("backup")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
@click.option(
    "--verify",
    is_flag=True,
    help="Read the backup back: every table's rows and digest (SQLite), or the archive's "
    "table list (PostgreSQL).",
)
@pass_ctx
@translate_errors
def backup_command(ctx: Context, file: Path, overwrite: bool, verify: bool) -> None:
    """Back up the whole store to FILE while it keeps running (SQLite: a copy of the database;
    PostgreSQL: a pg_dump archive, custom format).

    Example: safeschools backup backups/safeschools-2025-06-01.db --verify
    """
    url = ctx.settings.database_url
    written = backups.backup(url, file, overwrite=overwrite)
    click.echo(
        f"Backed up {_where(url)} to {written} ({_summary(backups.table_digests(ctx.store))})."
    )
    if verify:
        problems = backups.verify_backup(ctx.store, written)
        if problems:
            raise UserError("The backup differs from the store: " + "; ".join(problems))
        click.echo("Verified: the backup holds every table of the store.")


@cli.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the store.")
@pass_ctx
@translate_errors
def restore_command(ctx: Context, file: Path, yes: bool) -> None:
    """Replace the whole store with the backup FILE (written by `safeschools backup` from a
    store of the same kind), then bring its tables up to the newest version. Stop the server
    first.

    Example: safeschools restore backups/safeschools-2025-06-01.db
    """
    url = ctx.settings.database_url
    if not yes:
        click.confirm(f"Replace everything in {_where(url)} with {file}?", abort=True)
    backups.restore(url, file)
    click.echo(
        f"Restored {file} into {_where(url)} ({_summary(backups.table_digests(ctx.store))})."
    )
