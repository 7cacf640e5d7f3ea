"""Account commands: `users add|list`, `tokens create`, `audit`."""

from __future__ import annotations

import json
import sys

import click
from rich.table import Table

from safeschools import services
from safeschools.cli._app import Context, UserError, _console, cli, pass_ctx, translate_errors

__all__: list[str] = []


@cli.group()
def users() -> None:
    """Accounts that may record votes, plans and money (the public needs none)."""


@users.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["admin", "editor"]),
    required=True,
    help="admin: the district, every school; editor: only the schools named.",
)
@click.option("--school", "schools", multiple=True, help="A school the editor may edit (repeat).")
@click.option("--name", default=None, help="Display name (default: the email).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of prompting.",
)
@pass_ctx
@translate_errors
def users_add(
    ctx: Context,
    email: str,
    role: str,
    schools: tuple[str, ...],
    name: str | None,
    password_stdin: bool,
) -> None:
    """Create an account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = services.create_user(
        ctx.store,
        email=email,
        password=password,
        role=role,
        display_name=name,
        school_ids=schools,
        settings=ctx.settings,
    )
    scope = "every school" if user.role == "admin" else ", ".join(user.school_ids)
    _console().print(f"Account #{user.id} {user.email} ({user.role}: {scope}) created.")


@users.command("list")
@pass_ctx
@translate_errors
def users_list(ctx: Context) -> None:
    """List accounts (never their passwords)."""
    table = Table(title="Accounts", title_justify="left")
    for column in ("id", "email", "role", "schools", "active"):
        table.add_column(column)
    for user in ctx.store.users():
        table.add_row(
            str(user.id),
            user.email,
            user.role,
            ", ".join(user.school_ids) or "all",
            "yes" if user.active else "no",
        )
    _console().print(table)


@cli.group()
def tokens() -> None:
    """API tokens for writes through the JSON API."""


@tokens.command("create")
@click.argument("email")
@click.option("--label", default="api", show_default=True, help="What the token is for.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_ctx
@translate_errors
def tokens_create(ctx: Context, email: str, label: str, password_stdin: bool) -> None:
    """Create an API token (printed once; send it as `Authorization: Bearer TOKEN`)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True)
    user = services.authenticate(ctx.store, email, password)
    token = services.create_api_token(ctx.store, user, label=label, settings=ctx.settings)
    click.echo(token)


@cli.command()
@click.option("--school", "school_id", default=None, help="Only the writes about this school.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@translate_errors
def audit(ctx: Context, school_id: str | None, limit: int, as_json: bool) -> None:
    """Every write, newest first: who, when, what, before and after."""
    if limit < 1:
        raise UserError("--limit must be 1 or more.")
    entries = services.audit_log(ctx.store, school_id=school_id, limit=limit)
    if as_json:
        click.echo(json.dumps(entries, indent=2, default=str))
        return
    table = Table(title="Audit log", title_justify="left")
    for column in ("when", "who", "action", "record", "school"):
        table.add_column(column)
    for e in entries:
        table.add_row(
            str(e["at"]),
            e["user_email"] or "-",
            e["action"],
            f"{e['entity']} {e['entity_key']}",
            e["school_id"] or "",
        )
    _console().print(table)
