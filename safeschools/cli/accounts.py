"""Account commands: `users add|list|unlock|deactivate|activate|reset-password|end-sessions`,
`tokens create|list|revoke`, `audit`. The command line is the administrator's tool: whoever
runs it can open the store, so its changes are audited without an account."""

from __future__ import annotations

import json
import sys

import click
from rich.table import Table

from safeschools import services
from safeschools.cli._app import Context, UserError, _console, cli, pass_ctx, translate_errors
from safeschools.model import ROLES
from safeschools.services import sessions as service_sessions
from safeschools.services.accounts import full_audit_log
from safeschools.services.signin import unlock_account

__all__: list[str] = []


@cli.group()
def users() -> None:
    """Accounts that may record votes, plans and money (the public needs none)."""


@users.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(list(ROLES)),
    required=True,
    help="admin: the district, every school; editor: only the schools named; principal: "
    "like an editor, and sends notices to parents.",
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
    """Create an account (a password of at least 12 characters, not a common one)."""
    password = _new_password(password_stdin)
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


def _new_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@users.command("unlock")
@click.argument("email")
@pass_ctx
@translate_errors
def users_unlock(ctx: Context, email: str) -> None:
    """Lift the lockout of an account after too many failed sign-ins (audited)."""
    forgotten = unlock_account(ctx.store, email, settings=ctx.settings)
    _console().print(f"{email.strip().lower()} unlocked ({forgotten} failed sign-ins forgotten).")


@users.command("deactivate")
@click.argument("email")
@pass_ctx
@translate_errors
def users_deactivate(ctx: Context, email: str) -> None:
    """Switch an account off: it cannot sign in, its sessions end, its tokens are revoked."""
    user = service_sessions.deactivate_user(ctx.store, email, settings=ctx.settings)
    _console().print(
        f"Account #{user.id} {user.email} switched off; its sessions and tokens ended."
    )


@users.command("activate")
@click.argument("email")
@pass_ctx
@translate_errors
def users_activate(ctx: Context, email: str) -> None:
    """Switch an account on again (it signs in again; its old tokens stay revoked)."""
    user = service_sessions.deactivate_user(ctx.store, email, active=True, settings=ctx.settings)
    _console().print(f"Account #{user.id} {user.email} switched on.")


@users.command("reset-password")
@click.argument("email")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the new password from standard input instead of prompting.",
)
@pass_ctx
@translate_errors
def users_reset_password(ctx: Context, email: str, password_stdin: bool) -> None:
    """Give an account a new password; every session of it ends and every token is revoked."""
    password = _new_password(password_stdin)
    ended = service_sessions.reset_password(ctx.store, email, password, settings=ctx.settings)
    _console().print(
        f"New password set for {email.strip().lower()}: {ended['sessions_ended']} sessions "
        f"ended, {ended['tokens_revoked']} tokens revoked."
    )


@users.command("end-sessions")
@click.argument("email")
@pass_ctx
@translate_errors
def users_end_sessions(ctx: Context, email: str) -> None:
    """Sign an account out everywhere (its API tokens keep working: `tokens revoke`)."""
    ended = service_sessions.end_sessions(ctx.store, email, settings=ctx.settings)
    _console().print(f"{ended} sessions of {email.strip().lower()} ended.")


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
    """Create an API token (printed once; send it as `Authorization: Bearer TOKEN`); it
    stops working after SAFESCHOOLS_API_TOKEN_LIFETIME_DAYS (90 by default)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True)
    user = services.authenticate(ctx.store, email, password, settings=ctx.settings)
    made = service_sessions.issue_api_token(ctx.store, user, label=label, settings=ctx.settings)
    click.echo(made.token)
    click.echo(
        f"Token #{made.id} works until {made.expires_at:%Y-%m-%d %H:%M} "
        f"(revoke it with: safeschools tokens revoke {made.id}).",
        err=True,
    )


@tokens.command("list")
@click.option("--email", default=None, help="Only this account's tokens.")
@pass_ctx
@translate_errors
def tokens_list(ctx: Context, email: str | None) -> None:
    """List API tokens (never the tokens themselves): whose, made when, until when."""
    users = {u.id: u.email for u in ctx.store.users()}
    user_id = None
    if email is not None:
        user_id = next((i for i, e in users.items() if e == email.strip().lower()), -1)
    table = Table(title="API tokens", title_justify="left")
    for column in ("id", "account", "label", "created", "expires", "state"):
        table.add_column(column)
    for token in ctx.store.api_tokens(user_id=user_id):
        expires = service_sessions.token_expiry(token, settings=ctx.settings)
        state = "revoked" if token.revoked_at is not None else "works"
        table.add_row(
            str(token.id),
            users.get(token.user_id, "?"),
            token.label,
            f"{token.created_at:%Y-%m-%d %H:%M}",
            f"{expires:%Y-%m-%d %H:%M}",
            state,
        )
    _console().print(table)


@tokens.command("revoke")
@click.argument("token_id", type=int)
@pass_ctx
@translate_errors
def tokens_revoke(ctx: Context, token_id: int) -> None:
    """Revoke an API token by its id (`tokens list` shows them); audited."""
    token = service_sessions.revoke_token(ctx.store, token_id, settings=ctx.settings)
    _console().print(f"Token #{token.id} ({token.label}) revoked.")


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
    entries = full_audit_log(ctx.store, school_id=school_id, limit=limit)
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
