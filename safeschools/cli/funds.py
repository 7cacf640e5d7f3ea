"""Trade-in fund commands: `funds pool create|list`, `funds whatif`, `funds adopt`, `funds plan`.

Writes (create, adopt) sign in as an administrator: ``--as EMAIL`` and the password (prompted,
or ``--password-stdin``); every write lands in the audit log under that account.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation

import click
from rich.table import Table

from safeschools import services
from safeschools.cli._app import Context, UserError, _console, cli, pass_ctx, translate_errors
from safeschools.model import User
from safeschools.policy.funding import FORMULAS
from safeschools.services import funds as service_funds
from safeschools.services import spending as service_spending

__all__: list[str] = []

_usd = service_funds.dollars


def _sign_in(ctx: Context, email: str, password_stdin: bool) -> User:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True)
    return services.authenticate(ctx.store, email, password, settings=ctx.settings)


def _cents(amount: str) -> int:
    try:
        value = Decimal(amount.replace(",", "").lstrip("$")) * 100
    except InvalidOperation:
        raise UserError(
            f"--amount {amount!r} is not an amount; write it like 10300000.00."
        ) from None
    if value != value.to_integral_value() or value < 0:
        raise UserError(f"--amount {amount!r} must be 0 or more, to the cent.")
    return int(value)


_as = click.option("--as", "email", required=True, help="The administrator's email (audited).")
_stdin = click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
_json = click.option("--json", "as_json", is_flag=True, help="Print JSON (as the API).")


@cli.group()
def funds() -> None:
    """Trade-in funds: pools, formulas side by side, adoption, spending plans."""


@funds.group()
def pool() -> None:
    """Fund pools (a district's money for alternatives to officers)."""


@pool.command("create")
@click.option("--school-year", required=True, help="The schools sharing it: 2024-25.")
@click.option("--label", required=True, help="What the money is, e.g. 'SRO contract 2024-25'.")
@click.option("--amount", required=True, help="In dollars, to the cent: 10300000.00.")
@click.option("--note", default="", help="Where the money comes from.")
@click.option("--school", "schools", multiple=True, help="A school sharing it (default: all).")
@click.option("--preset", default=None, help="Exposure preset for the exposure formula.")
@_as
@_stdin
@pass_ctx
@translate_errors
def pool_create(
    ctx: Context,
    school_year: str,
    label: str,
    amount: str,
    note: str,
    schools: tuple[str, ...],
    preset: str | None,
    email: str,
    password_stdin: bool,
) -> None:
    """Create a pool (administrators)."""
    user = _sign_in(ctx, email, password_stdin)
    created = service_funds.create_pool(
        ctx.store,
        user,
        school_year=school_year,
        label=label,
        amount_cents=_cents(amount),
        source_note=note,
        school_ids=schools or None,
        exposure_preset=preset,
        settings=ctx.settings,
    )
    _console().print(f"Pool #{created['id']} {created['label']}: {_usd(created['amount_cents'])}.")


@pool.command("list")
@_json
@pass_ctx
@translate_errors
def pool_list(ctx: Context, as_json: bool) -> None:
    """Every pool, newest first."""
    pools = service_funds.list_pools(ctx.store)
    if as_json:
        click.echo(json.dumps(pools, indent=2, default=str))
        return
    table = Table(title="Fund pools", title_justify="left")
    for column in ("id", "year", "label", "amount", "adopted version"):
        table.add_column(column)
    for p in pools:
        table.add_row(
            str(p["id"]),
            p["school_year"],
            p["label"],
            _usd(p["amount_cents"]),
            str(p["adopted_version"] or "-"),
        )
    _console().print(table)


@funds.command("whatif")
@click.argument("pool_id", type=int)
@_json
@pass_ctx
@translate_errors
def whatif(ctx: Context, pool_id: int, as_json: bool) -> None:
    """Every formula's share for every school of a pool, side by side."""
    view = service_funds.what_if(ctx.store, pool_id, settings=ctx.settings)
    if as_json:
        click.echo(json.dumps(view, indent=2, default=str))
        return
    table = Table(title=f"Pool #{pool_id}: what if", title_justify="left")
    table.add_column("school")
    for f in view["formulas"]:
        table.add_column(f, justify="right")
    table.add_column("difference", justify="right")
    for r in view["rows"]:
        table.add_row(
            f"{r['school_id']} {r['name'] or ''}",
            *[_usd(r["shares"][f]) for f in view["formulas"]],
            _usd(r["difference"]),
        )
    _console().print(table)
    for f, why in view["unavailable"].items():
        _console().print(f"{f}: {why}")


@funds.command("adopt")
@click.argument("pool_id", type=int)
@click.option("--formula", type=click.Choice(list(FORMULAS)), required=True)
@_as
@_stdin
@pass_ctx
@translate_errors
def adopt(ctx: Context, pool_id: int, formula: str, email: str, password_stdin: bool) -> None:
    """Adopt a formula: the shares are frozen as the pool's next version."""
    user = _sign_in(ctx, email, password_stdin)
    done = service_funds.adopt(ctx.store, user, pool_id, formula=formula, settings=ctx.settings)
    _console().print(
        f"Pool #{pool_id} version {done['version']} adopted ({formula}): "
        f"{len(done['shares'])} schools, {_usd(done['total_cents'])}."
    )


@funds.command("plan")
@click.argument("school_id")
@_json
@pass_ctx
@translate_errors
def plan(ctx: Context, school_id: str, as_json: bool) -> None:
    """A school's shares and spending plan lines (read only)."""
    data = service_spending.spending_plan(ctx.store, school_id)
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    if not data["pools"]:
        _console().print(f"School {school_id} has no adopted share yet.")
        return
    for p in data["pools"]:
        table = Table(
            title=f"{p['label']} (pool #{p['pool_id']}, version {p['allocation_version']}): "
            f"share {_usd(p['share_cents'])}, remaining {_usd(p['remaining_cents'])}",
            title_justify="left",
        )
        for column in ("line", "item", "quantity", "unit cost", "total", "version"):
            table.add_column(column)
        for line in p["lines"]:
            table.add_row(
                str(line["id"]),
                line["label"],
                str(line["quantity"]),
                _usd(line["unit_cost_cents"]),
                _usd(line["total_cents"]),
                str(line["version"]),
            )
        _console().print(table)
