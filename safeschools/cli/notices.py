"""Notices to parents: `notices draft|send|list|subscribers`.

Writes (draft, send) sign in: ``--as EMAIL`` and the password (prompted, or
``--password-stdin``); an editor drafts, the school's principal or an administrator sends.
``subscribers`` prints counts only: no command ever prints an address.
"""

from __future__ import annotations

import json
import sys

import click
from rich.table import Table

from safeschools import services
from safeschools.cli._app import Context, _console, cli, pass_ctx, translate_errors
from safeschools.model import User
from safeschools.services import notices as service_notices
from safeschools.services import subscriptions as service_subs

__all__: list[str] = []

_as = click.option("--as", "email", required=True, help="Your account's email (audited).")
_stdin = click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
_json = click.option("--json", "as_json", is_flag=True, help="Print JSON (as the API).")


def _sign_in(ctx: Context, email: str, password_stdin: bool) -> User:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True)
    return services.authenticate(ctx.store, email, password, settings=ctx.settings)


@cli.group()
def notices() -> None:
    """Notices to parents: draft from an incident, send, list; subscriber counts."""


@notices.command("draft")
@click.argument("incident_id", type=int)
@_as
@_stdin
@_json
@pass_ctx
@translate_errors
def draft(ctx: Context, incident_id: int, email: str, password_stdin: bool, as_json: bool) -> None:
    """Draft the notice of an incident in English and Spanish (edit it on its page or with
    PUT /api/notices/ID before sending)."""
    user = _sign_in(ctx, email, password_stdin)
    notice = service_notices.draft_notice(ctx.store, user, incident_id, settings=ctx.settings)
    if as_json:
        click.echo(json.dumps(notice, indent=2, ensure_ascii=False))
        return
    _console().print(
        f"Notice #{notice['id']} drafted (version {notice['version']}):\n\n"
        f"{notice['subject_en']}\n{notice['body_en']}\n\n{notice['subject_es']}\n{notice['body_es']}"
    )


@notices.command("send")
@click.argument("notice_id", type=int)
@_as
@_stdin
@pass_ctx
@translate_errors
def send(ctx: Context, notice_id: int, email: str, password_stdin: bool) -> None:
    """Send a draft to its school's confirmed subscribers, once (the school's principal or an
    administrator)."""
    user = _sign_in(ctx, email, password_stdin)
    current = service_notices.notice_for_staff(ctx.store, user, notice_id)
    result = service_notices.send_notice(
        ctx.store, user, notice_id, version=current["version"], settings=ctx.settings
    )
    failed = (
        f"; {result['failed']} failed (see the notice's deliveries)" if result["failed"] else ""
    )
    _console().print(f"Notice #{notice_id} sent to {result['sent_to']} subscribers{failed}.")


@notices.command("send-again")
@click.argument("notice_id", type=int)
@_as
@_stdin
@pass_ctx
@translate_errors
def send_again(ctx: Context, notice_id: int, email: str, password_stdin: bool) -> None:
    """Send a sent notice again to the subscribers it did not reach (their message failed, or
    the send stopped before recording it); never twice to one who received it."""
    user = _sign_in(ctx, email, password_stdin)
    result = service_notices.resend_notice(ctx.store, user, notice_id, settings=ctx.settings)
    failed = f"; {result['failed']} failed again" if result["failed"] else ""
    _console().print(f"Notice #{notice_id} sent again to {result['sent_to']} subscribers{failed}.")


@notices.command("list")
@click.argument("school_id")
@_json
@pass_ctx
@translate_errors
def list_notices(ctx: Context, school_id: str, as_json: bool) -> None:
    """A school's sent notices, newest first (drafts are for its staff)."""
    sent = service_notices.school_notices(ctx.store, school_id)
    if as_json:
        click.echo(json.dumps(sent, indent=2, ensure_ascii=False))
        return
    if not sent:
        _console().print(f"School {school_id} has sent no notice yet.")
        return
    table = Table(title=f"Notices of school {school_id}", title_justify="left")
    for column in ("id", "sent", "category", "subject"):
        table.add_column(column)
    for n in sent:
        table.add_row(str(n["id"]), n["sent_at"] or "", n["category"], n["subject_en"])
    _console().print(table)


@notices.command("subscribers")
@click.argument("school_id")
@_json
@pass_ctx
@translate_errors
def subscribers(ctx: Context, school_id: str, as_json: bool) -> None:
    """How many parents subscribed to a school's notices, by status (never an address)."""
    counts = service_subs.subscriber_counts(ctx.store, school_id)
    if as_json:
        click.echo(json.dumps(counts))
        return
    _console().print(
        f"School {school_id}: {counts['confirmed']} confirmed, {counts['pending']} waiting for "
        f"confirmation, {counts['unsubscribed']} left."
    )
