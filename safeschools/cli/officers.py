"""Officer commands: `ingest officers FILE` and `officers [SCHOOL_ID] [--district]`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from safeschools.cli._app import (
    Context,
    UserError,
    _console,
    _print_report,
    cli,
    ingest,
    pass_ctx,
    translate_errors,
)
from safeschools.render import officer_views
from safeschools.render.i18n import language
from safeschools.services import officers as service_officers

__all__: list[str] = []


@ingest.command("officers")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Read the file even if it was imported before.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
@translate_errors
def ingest_officers(ctx: Context, file: Path, force: bool, as_json: bool) -> None:
    """Import School Resource Officer decisions (sro_decisions.csv) or the district figures
    (sro_aggregates.csv); the layout is recognised from the columns."""
    report = service_officers.ingest_officers_file(
        ctx.store, file, settings=ctx.settings, force=force
    )
    _print_report(report, as_json)


@cli.command()
@click.argument("school_id", required=False)
@click.option("--district", is_flag=True, help="The district series instead of one school.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the assignments as CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@translate_errors
def officers(
    ctx: Context, school_id: str | None, district: bool, as_csv: bool, as_json: bool
) -> None:
    """School Resource Officers: one school's history, or the district series (--district)."""
    if as_csv:
        click.echo(service_officers.officers_csv(ctx.store, school_id=school_id), nl=False)
        return
    if district or school_id is None:
        series = service_officers.district_officers(ctx.store)
        if as_json:
            click.echo(json.dumps(series, indent=2, default=str))
            return
        L = language("en")
        table = Table(title="Officers by school year", title_justify="left",
                      caption=series["caveat"])  # fmt: skip
        for column in ("school year", "recorded here", "published district figures"):
            table.add_column(column)
        for y in series["years"]:
            r = y["recorded"]
            recorded = (
                "unknown: no school's count is recorded"
                if r is None
                else f"{r['officers']} officer(s) at the {r['schools_recorded']} school(s) "
                f"recorded ({r['schools_with_officers']} with officers)"
            )
            published = "\n".join(
                f"{officer_views.code_label(L, 'metric', f['metric'])}: "
                f"{officer_views.figure_value(L, f)} (source: {f['sources'] or '-'})"
                for f in y["published"]
            )
            table.add_row(y["school_year"], recorded, published or "-")
        _console().print(table)
        return
    history = service_officers.school_officers(ctx.store, school_id)
    if as_json:
        click.echo(json.dumps(history, indent=2, default=str))
        return
    if not history["assignments"] and not history["decisions"]:
        raise UserError(f"No officers recorded for school {school_id}.")
    table = Table(title=f"Officers of school {school_id}", title_justify="left")
    for column in ("school year", "kind", "officers", "source", "version", "note"):
        table.add_column(column)
    for a in history["assignments"]:
        table.add_row(
            a["school_year"],
            a["kind"],
            str(a["officers"]),
            a["source"],
            str(a["version"]),
            a["note"] or "",
        )
    _console().print(table)
