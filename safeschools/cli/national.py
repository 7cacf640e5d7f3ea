"""`ingest school-shootings FILE` and `national --tracker NAME --by year|school-year`: the
national trackers' files, and their counts under each definition."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from safeschools.cli._app import (
    Context,
    _console,
    _print_report,
    cli,
    ingest,
    pass_ctx,
    translate_errors,
)
from safeschools.national.counts import BY
from safeschools.national.trackers import TRACKERS
from safeschools.services import national as service

__all__: list[str] = []


@ingest.command("school-shootings")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Read the file even if it was imported before.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
@translate_errors
def ingest_school_shootings(ctx: Context, file: Path, force: bool, as_json: bool) -> None:
    """Import a national school-shooting tracker's FILE, recognised by its columns: the K-12
    School Shooting Database's incident.csv (its victim.csv, shooter.csv and weapon.csv are read
    from the same folder) or The Washington Post's school-shootings-data.csv."""
    report = service.ingest_school_shootings(ctx.store, file, settings=ctx.settings, force=force)
    _print_report(report, as_json)


@cli.command("national")
@click.option(
    "--tracker",
    "name",
    type=click.Choice(list(TRACKERS)),
    required=True,
    help="Whose definition: k12-ssdb and wapo exactly on their own files; edweek, everytown "
    "and nces as the nearest filter of the K-12 School Shooting Database.",
)
@click.option(
    "--by",
    type=click.Choice(BY),
    default="year",
    show_default=True,
    help="Calendar year, or school year (July to June; the Post's own school year).",
)
@click.option("--state", default=None, help="One state (postal code, e.g. IL).")
@click.option("--city", default=None, help="One city of --state (e.g. Chicago).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="How to print: json is a list of objects with period, incidents, killed, injured.",
)
@pass_ctx
@translate_errors
def national(
    ctx: Context, name: str, by: str, state: str | None, city: str | None, fmt: str
) -> None:
    """School shootings per year under one tracker's definition, counted on the loaded files.
    Periods outside the file's dates are left out (not covered, never 0); a period the file
    covers in part is marked partial."""
    series = service.national_series(ctx.store, name, by=by, state=state, city=city)
    if fmt == "json":
        click.echo(json.dumps(service.series_rows(series), indent=2))
        return
    if fmt == "csv":
        click.echo(service.series_csv(series), nl=False)
        return
    tracker = TRACKERS[name]
    if not series.rows:
        click.echo(f"No {tracker.source} file is loaded: safeschools ingest school-shootings FILE")
        return
    where = (city + ", " if city else "") + (series.state or "United States")
    table = Table(
        title=f"{tracker.title}: school shootings by {by}, {where}",
        title_justify="left",
        caption=f"Covered {series.covered_from} to {series.covered_to}. {series.license}",
    )
    for column in ("period", "incidents", "killed", "injured"):
        table.add_column(column, justify="left" if column == "period" else "right")
    for r in series.rows:
        table.add_row(
            r.period + (" (partial)" if r.partial else ""),
            str(r.incidents),
            str(r.killed),
            str(r.injured),
        )
    _console().print(table)
