"""Incident commands: `incidents police-at-school [--school ID] [--explain] [--format ...]`,
and the incidents recorded by schools: `incidents record`, `log`, `import`, `categories`,
`add-category`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from safeschools import services
from safeschools.cli._app import Context, _console, _print_report, cli, pass_ctx, translate_errors
from safeschools.model import User
from safeschools.model.incidents import PLACES, POLICE_REASONS, RESPONSES
from safeschools.proximity.at_school import CATEGORIES
from safeschools.services import incident_import, school_incidents
from safeschools.services import police_at_school as service

__all__: list[str] = []


@cli.group()
def incidents() -> None:
    """Incidents at schools: recorded by the schools' staff, and police-reported ones from the
    City's crimes data."""


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


# ---------------------------------------------------------------------- recorded by schools
def _sign_in(ctx: Context, email: str, password_stdin: bool) -> User:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True)
    return services.authenticate(ctx.store, email, password, settings=ctx.settings)


_as = click.option(
    "--as", "email", required=True, help="Your account's email (an editor of the school, or an "
    "administrator); the write is audited under it.",
)  # fmt: skip
_stdin = click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")


@incidents.command("record")
@click.argument("school_id")
@click.option("--at", "occurred_at", required=True, help="When, Chicago time: 2026-11-03T12:15.")
@click.option("--category", required=True, help="fight, fight_injury, weapon, threat, bullying, "
              "trespass, other, or a district category (see `incidents categories`).")  # fmt: skip
@click.option("--place", type=click.Choice(PLACES), required=True, help="Where it happened.")
@click.option("--students", "students_involved", type=int, required=True,
              help="How many students were involved (a number; never names or ids).")  # fmt: skip
@click.option("--injuries", type=int, default=0, show_default=True, help="How many were hurt.")
@click.option("--police-reason", type=click.Choice(POLICE_REASONS), default=None,
              help="Why police were called (give it only when they were).")  # fmt: skip
@click.option("--response", "responses", type=click.Choice(RESPONSES), multiple=True,
              help="What the school did (repeat for several).")  # fmt: skip
@click.option("--note", default="", help="Staff note (staff only; no names or student ids).")
@_as
@_stdin
@pass_ctx
@translate_errors
def record(
    ctx: Context,
    school_id: str,
    occurred_at: str,
    category: str,
    place: str,
    students_involved: int,
    injuries: int,
    police_reason: str | None,
    responses: tuple[str, ...],
    note: str,
    email: str,
    password_stdin: bool,
) -> None:
    """Record an incident of a school (police called when --police-reason is given)."""
    user = _sign_in(ctx, email, password_stdin)
    data = {
        "occurred_at": occurred_at, "category": category, "place": place,
        "students_involved": students_involved, "injuries": injuries,
        "police_called": police_reason is not None, "police_reason": police_reason,
        "responses": list(responses), "staff_note": note,
    }  # fmt: skip
    saved = school_incidents.record_incident(
        ctx.store, user, school_id, data, source="form", settings=ctx.settings
    )
    _console().print(f"Incident #{saved['id']} recorded for school {school_id} (version 1).")


@incidents.command("log")
@click.argument("school_id")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
    show_default=True, help="How to print.",
)  # fmt: skip
@_as
@_stdin
@pass_ctx
@translate_errors
def log(ctx: Context, school_id: str, fmt: str, email: str, password_stdin: bool) -> None:
    """A school's incident log, newest first, withdrawn ones marked (its staff only)."""
    user = _sign_in(ctx, email, password_stdin)
    if fmt == "csv":
        text = school_incidents.school_incident_log_csv(ctx.store, user, school_id).decode()
        click.echo(text, nl=False)
        return
    entries = school_incidents.school_incident_log(ctx.store, user, school_id)
    if fmt == "json":
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Incident log of school {school_id}", title_justify="left")
    for column in ("id", "when", "category", "place", "students", "hurt", "police",
                   "responses", "version", "withdrawn"):  # fmt: skip
        table.add_column(column)
    for i in entries:
        table.add_row(
            str(i["id"]), i["occurred_at"], i["category"], i["place"],
            str(i["students_involved"]), str(i["injuries"]), i["police_reason"] or "no",
            ", ".join(i["responses"]), str(i["version"]), i["withdrawn_at"] or "",
        )  # fmt: skip
    _console().print(table)
    if not entries:
        click.echo(f"School {school_id} has no incident recorded yet.")


@incidents.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the import's report as JSON.")
@pass_ctx
@translate_errors
def import_export(ctx: Context, path: Path, as_json: bool) -> None:
    """Import the district's incident export (CSV, layout in docs/incident-export.md): bad
    rows are set aside with their reason; the same file twice changes nothing."""
    report = incident_import.import_incident_export(ctx.store, path, settings=ctx.settings)
    if report.skipped and not as_json:
        prev = report.duplicate_of
        assert prev is not None
        _console().print(f"{path}: same file as import #{prev.id}; nothing changed.")
        return
    _print_report(report, as_json)


@incidents.command("categories")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (as the API).")
@pass_ctx
@translate_errors
def categories(ctx: Context, as_json: bool) -> None:
    """The categories an incident may have: the built-in ones and the district's."""
    found = school_incidents.incident_categories(ctx.store)
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    table = Table(title="Incident categories", title_justify="left")
    for column in ("code", "kind", "English", "Spanish"):
        table.add_column(column)
    for c in found:
        table.add_row(
            c["code"], "built-in" if c["built_in"] else "district",
            c["label_en"] or "", c["label_es"] or "",
        )  # fmt: skip
    _console().print(table)


@incidents.command("add-category")
@click.argument("code")
@click.option("--en", "label_en", required=True, help="Its name in English.")
@click.option("--es", "label_es", required=True, help="Its name in Spanish.")
@_as
@_stdin
@pass_ctx
@translate_errors
def add_category(
    ctx: Context, code: str, label_en: str, label_es: str, email: str, password_stdin: bool
) -> None:
    """Add a district category (administrators), e.g. `add-category vaping --en Vaping --es
    Vapeo`."""
    user = _sign_in(ctx, email, password_stdin)
    school_incidents.add_incident_category(
        ctx.store, user, code=code, label_en=label_en, label_es=label_es, settings=ctx.settings
    )
    _console().print(f"Category {code} added.")
