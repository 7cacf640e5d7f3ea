"""Restorative case commands: `cases open INCIDENT_ID`, `cases list SCHOOL_ID`, `cases close
CASE_ID --outcome ...`, `cases recurrence CASE_ID yes|no|unknown`.

Every command signs in as a staff member of the school (``--as EMAIL`` and the password,
prompted or ``--password-stdin``): a case is for the school's staff only, and every write
lands in the audit log under that account.
"""

from __future__ import annotations

import json
import sys

import click
from rich.table import Table

from safeschools import services
from safeschools.cli._app import Context, _console, cli, pass_ctx, translate_errors
from safeschools.model import User
from safeschools.model.cases import RECURRENCE_ANSWERS
from safeschools.model.incidents import CASE_OUTCOMES, CASE_PARTICIPANT_ROLES
from safeschools.services import restorative_cases as service_cases

__all__: list[str] = []

_as = click.option(
    "--as", "email", required=True, help="Your email: an editor of the school or district staff."
)
_stdin = click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
_json = click.option("--json", "as_json", is_flag=True, help="Print JSON (as the API).")


def _sign_in(ctx: Context, email: str, password_stdin: bool) -> User:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True)
    return services.authenticate(ctx.store, email, password, settings=ctx.settings)


def _version(ctx: Context, user: User, case_id: int, version: int | None) -> int:
    """The version named, or the one read now (the command reads and writes at once)."""
    if version is not None:
        return version
    return int(service_cases.get_case(ctx.store, user, case_id, settings=ctx.settings)["version"])


def _print_case(case: dict[str, object], as_json: bool, what: str) -> None:
    if as_json:
        click.echo(json.dumps(case, indent=2, ensure_ascii=False))
        return
    _console().print(
        f"Case #{case['id']} of incident #{case['incident_id']} {what}: {case['status']}"
        f"{'' if not case['outcome'] else ', ' + str(case['outcome'])}, version {case['version']}."
    )


@cli.group()
def cases() -> None:
    """Restorative cases opened from incidents (the school's staff only)."""


@cases.command("open")
@click.argument("incident_id", type=click.IntRange(min=1))
@click.option("--opened-on", default=None, help="The day it opened: 2025-01-07 (default today).")
@click.option("--conference-on", default=None, help="The conference's date: 2025-01-09.")
@click.option(
    "--participant", "participants", multiple=True, type=click.Choice(CASE_PARTICIPANT_ROLES),
    help="A role that took part in the conference (repeat for each; never a name).",
)  # fmt: skip
@click.option("--agreement", default="", help="What was agreed (staff only).")
@_as
@_stdin
@_json
@pass_ctx
@translate_errors
def open_case(
    ctx: Context,
    incident_id: int,
    opened_on: str | None,
    conference_on: str | None,
    participants: tuple[str, ...],
    agreement: str,
    email: str,
    password_stdin: bool,
    as_json: bool,
) -> None:
    """Open the restorative case of an incident (one per incident, none for a withdrawn one)."""
    user = _sign_in(ctx, email, password_stdin)
    data = {
        "opened_on": opened_on,
        "conference_on": conference_on,
        "participants": list(participants),
        "agreement": agreement,
    }
    case = service_cases.open_case(ctx.store, user, incident_id, data=data, settings=ctx.settings)
    _print_case(case, as_json, "opened")


@cases.command("list")
@click.argument("school_id")
@_as
@_stdin
@_json
@pass_ctx
@translate_errors
def list_cases(
    ctx: Context, school_id: str, email: str, password_stdin: bool, as_json: bool
) -> None:
    """A school's cases: open ones first, the soonest follow-up due first."""
    user = _sign_in(ctx, email, password_stdin)
    listed = service_cases.school_cases(ctx.store, user, school_id, settings=ctx.settings)
    if as_json:
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    if not listed:
        _console().print(f"School {school_id} has no restorative case yet.")
        return
    table = Table(title=f"Restorative cases of school {school_id}", title_justify="left")
    columns = ("case", "incident", "opened", "status", "outcome", "again in 90 days", "next due")
    for column in columns:
        table.add_column(column)
    for c in listed:
        again = c["recurred_within_90_days"]
        table.add_row(
            f"#{c['id']}", f"#{c['incident_id']} {c['incident']['occurred_at'][:10]}",
            c["opened_on"], c["status"], c["outcome"] or "",
            "unknown" if again is None else ("yes" if again else "no"),
            (c["next_due"] or "") + (" (overdue)" if c["overdue"] else ""),
        )  # fmt: skip
    _console().print(table)


@cases.command("close")
@click.argument("case_id", type=click.IntRange(min=1))
@click.option("--outcome", required=True, type=click.Choice(CASE_OUTCOMES), help="How it ended.")
@click.option("--closed-on", default=None, help="The day it closed: 2025-02-03 (default today).")
@click.option("--version", type=int, default=None, help="The version you read (default: now).")
@_as
@_stdin
@_json
@pass_ctx
@translate_errors
def close_case(
    ctx: Context,
    case_id: int,
    outcome: str,
    closed_on: str | None,
    version: int | None,
    email: str,
    password_stdin: bool,
    as_json: bool,
) -> None:
    """Close a case with its outcome: repaired, partly or not_repaired."""
    user = _sign_in(ctx, email, password_stdin)
    case = service_cases.close_case(
        ctx.store, user, case_id, outcome=outcome, closed_on=closed_on,
        version=_version(ctx, user, case_id, version), settings=ctx.settings,
    )  # fmt: skip
    _print_case(case, as_json, "closed")


@cases.command("recurrence")
@click.argument("case_id", type=click.IntRange(min=1))
@click.argument("answer", type=click.Choice(RECURRENCE_ANSWERS))
@click.option("--version", type=int, default=None, help="The version you read (default: now).")
@_as
@_stdin
@_json
@pass_ctx
@translate_errors
def recurrence(
    ctx: Context,
    case_id: int,
    answer: str,
    version: int | None,
    email: str,
    password_stdin: bool,
    as_json: bool,
) -> None:
    """Were the same students involved again within 90 days? yes, no (from 90 days after the
    incident) or unknown; by staff, no identities."""
    user = _sign_in(ctx, email, password_stdin)
    case = service_cases.record_recurrence(
        ctx.store, user, case_id, answer=answer,
        version=_version(ctx, user, case_id, version), settings=ctx.settings,
    )  # fmt: skip
    _print_case(case, as_json, f"recorded involved again: {answer}")
