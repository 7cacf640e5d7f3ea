"""Incident commands: `incidents police-at-school [--school ID] [--explain] [--format ...]`."""

from __future__ import annotations

import json

import click
from rich.table import Table

from safeschools.cli._app import Context, _console, cli, pass_ctx, translate_errors
from safeschools.proximity.at_school import CATEGORIES
from safeschools.services import police_at_school as service

__all__: list[str] = []


@cli.group()
def incidents() -> None:
    """Incidents at schools: police-reported ones from the City's crimes data."""


def _cell(value: dict[str, object]) -> str:
    return "hidden" if value["count"] is None else str(value["count"])


@incidents.command("police-at-school")
@click.option("--school", "school_id", default=None, help="One school's id (default: all).")
@click.option("--explain", is_flag=True, help="One line per crime: how it was matched, or why not.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
    show_default=True, help="How to print.",
)  # fmt: skip
@pass_ctx
@translate_errors
def police_at_school(ctx: Context, school_id: str | None, explain: bool, fmt: str) -> None:
    """Police-reported incidents at school per school and month (crimes data imported with
    --select all): batteries, assaults, weapons violations and others; counts under the minimum
    cell size are hidden. --explain lists each crime with its match instead."""
    settings = ctx.settings
    if explain:
        rows = service.explained(ctx.store, settings=settings, school_id=school_id)
        if fmt == "json":
            click.echo(json.dumps(rows, indent=2))
        elif fmt == "csv":
            click.echo(service.explained_csv(rows), nl=False)
        else:
            table = Table(title="How each crime was matched", title_justify="left")
            for column in ("crime", "date", "type", "place", "explanation"):
                table.add_column(column)
            for r in rows:
                table.add_row(
                    r["crime_id"], r["occurred_at"], r["primary_type"] or "",
                    r["location_description"] or "", r["explanation"],
                )  # fmt: skip
            _console().print(table)
        return
    if school_id is not None:
        data = service.school_police_at_school(ctx.store, school_id, settings=settings)
    else:
        data = service.district_police_at_school(ctx.store, settings=settings)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    if fmt == "csv":
        click.echo(service.rows_csv(data["rows"]), nl=False)
        return
    cov = data["coverage"]
    table = Table(
        title=f"Police-reported incidents at school ({cov['first'] or '-'} to "
        f"{cov['last'] or '-'})",
        title_justify="left",
        caption=data["caveat"],
    )
    for column in ("school", "month", *CATEGORIES, "total"):
        table.add_column(column)
    for r in data["rows"]:
        table.add_row(
            f"{r['school_name']} ({r['school_id']})", r["month"],
            *(_cell(r["counts"][c]) for c in CATEGORIES), _cell(r["total"]),
        )  # fmt: skip
    _console().print(table)
    if not data["rows"]:
        click.echo("No crime at a school was matched to a school.")
