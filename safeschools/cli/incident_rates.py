"""`incidents monthly [--school ID] [--by month|school-year] [--format table|json|csv]`: the
incidents recorded by schools, as the public pages give them (small counts hidden)."""

from __future__ import annotations

import json

import click
from rich.table import Table

from safeschools.cli._app import Context, _console, pass_ctx, translate_errors
from safeschools.cli.incidents import incidents
from safeschools.metrics.incident_rates import RATES
from safeschools.services import incident_rates as service

__all__: list[str] = []


def _count(cell: dict[str, object]) -> str:
    if cell["status"] == "shown":
        return str(cell["count"])
    return "hidden" if cell["status"] == "suppressed" else "-"


def _rate(cell: dict[str, object]) -> str:
    value = cell["value"]
    if isinstance(value, float):
        return f"{100 * value:.0f}%"
    return "hidden" if cell["status"] == "suppressed" else "-"


@incidents.command("monthly")
@click.option("--school", "school_id", default=None, help="One school's id (default: district).")
@click.option(
    "--by",
    type=click.Choice(service.BY),
    default="month",
    show_default=True,
    help="Each month, or each school year (July to June).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="How to print.",
)
@pass_ctx
@translate_errors
def monthly(ctx: Context, school_id: str | None, by: str, fmt: str) -> None:
    """Incidents recorded by schools per category, with the share of fights with a restorative
    response, suspensions and police calls per fight, cases closed repaired and recurrence
    within 90 days, by month or school year. Counts under the minimum cell size, and what would
    give them away, are hidden; a period still under way is marked partial."""
    data = service.monthly(ctx.store, settings=ctx.settings, school_id=school_id, by=by)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    if fmt == "csv":
        click.echo(service.monthly_csv(data), nl=False)
        return
    if data.get("status") == "nothing_recorded":
        click.echo(data["reason"])
        return
    cov = data["coverage"]
    who = data.get("school_name") or "the district"
    table = Table(
        title=f"Incidents recorded by {who} ({cov['first'] or '-'} to {cov['last'] or '-'})",
        title_justify="left",
        caption=data["caveat"],
    )
    for column in ("period", *data["categories"], "total", *RATES):
        table.add_column(column)
    for r in data["series"]:
        table.add_row(
            r["period"] + (" (partial)" if r["partial"] else ""),
            *(_count(r["counts"][c]) for c in (*data["categories"], "total")),
            *(_rate(r["rates"][name]) for name in RATES),
        )
    _console().print(table)
    if not data["series"]:
        click.echo("No school has recorded an incident yet.")
