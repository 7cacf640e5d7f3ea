"""Safety plan commands: `safety-plans show SCHOOL_ID`."""

from __future__ import annotations

import json

import click
from rich.table import Table

from safeschools.cli._app import Context, _console, cli, pass_ctx, translate_errors
from safeschools.services import plans as service_plans

__all__: list[str] = []


@cli.group("safety-plans")
def safety_plans() -> None:
    """Whole School Safety plans (write them through the API or the school page)."""


@safety_plans.command("show")
@click.argument("school_id")
@click.option("--json", "as_json", is_flag=True, help="Print the plans as JSON (as the API).")
@pass_ctx
@translate_errors
def show(ctx: Context, school_id: str, as_json: bool) -> None:
    """A school's safety plans: status, approval, goals per pillar, committee, version."""
    plans = service_plans.safety_plans(ctx.store, school_id)
    if as_json:
        click.echo(json.dumps(plans, indent=2, ensure_ascii=False))
        return
    if not plans:
        _console().print(f"School {school_id} has no safety plan recorded yet.")
        return
    table = Table(title=f"Safety plans of school {school_id}", title_justify="left")
    for column in ("year", "status", "approved", "goals", "committee", "version"):
        table.add_column(column)
    for p in plans:
        approval = p["approval"]
        table.add_row(
            p["school_year"],
            p["status"],
            "" if approval is None else f"{approval['approved_on']}: {approval['approved_by']}",
            ", ".join(f"{k} {len(v)}" for k, v in p["pillars"].items()),
            str(len(p["committee"])),
            str(p["version"]),
        )
    _console().print(table)
