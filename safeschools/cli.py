"""The ``safeschools`` command: flags become Settings and arguments, the service does the work,
and errors are translated once (exit code 2 for a user's mistake, 1 for anything unexpected)."""

from __future__ import annotations

import csv
import functools
import io
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from safeschools import __version__, service
from safeschools.errors import SafeSchoolsError
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])


class UserError(click.ClickException):
    """A mistake the user can fix: one line, a hint, exit code 2."""

    exit_code = 2


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def translate_errors(func: F) -> F:
    """Turn SafeSchoolsError into exit code 2 with its one-line message."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SafeSchoolsError as exc:
            raise UserError(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


class Context:
    """What the top-level options build, handed to every command."""

    def __init__(self, overrides: dict[str, Any]) -> None:
        self.overrides = overrides
        self._settings: Settings | None = None
        self._store: Store | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = Settings(**self.overrides)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise UserError(f"Setting {where}: {first['msg']}") from exc
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            try:
                self._store = service.open_store_from_settings(self.settings)
            except SafeSchoolsError as exc:
                raise UserError(str(exc)) from exc
        return self._store


pass_ctx = click.make_pass_decorator(Context)


@click.group()
@click.option(
    "--database-url",
    envvar="SAFESCHOOLS_DATABASE_URL",
    default=None,
    help="Store to use: sqlite:///file.db (default sqlite:///safeschools.db) or postgresql://...",
)
@click.version_option(__version__, prog_name="safeschools")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """safeschools: violence near schools, officers, councils, funds and discipline, honestly."""
    overrides: dict[str, Any] = {}
    if database_url:
        overrides["database_url"] = database_url
    ctx.obj = Context(overrides)


@cli.command()
@pass_ctx
@translate_errors
def init(ctx: Context) -> None:
    """Create the store's tables, or bring them up to date."""
    store = ctx.store
    _console().print(
        f"Store ready at {store.engine.url.render_as_string()} "
        f"({len(store.table_names())} tables)."
    )


# ---------------------------------------------------------------------- ingest
@cli.group()
def ingest() -> None:
    """Import a publisher's file into the store."""


def _print_report(report: service.IngestReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    out = _console()
    if report.skipped:
        prev = report.duplicate_of
        assert prev is not None
        out.print(
            f"{report.location}: same file as import #{prev.id} ({prev.format}); "
            "nothing changed. Use --force to read it again."
        )
        return
    rec = report.record
    assert rec is not None
    out.print(f"Recognised {report.format}" + (f", school year {rec.school_year}" if rec.school_year else ""))
    out.print(
        f"Read {rec.rows_read} rows: {rec.accepted} accepted, {rec.rejected} rejected "
        f"(inserted {rec.inserted}, updated {rec.updated}, unchanged {rec.unchanged}). "
        f"Import #{rec.id}."
    )
    for note in report.notes:
        out.print(f"Note: {note}")
    if report.reject_reasons:
        table = Table(title="Rejected rows by reason", title_justify="left")
        table.add_column("reason")
        table.add_column("rows", justify="right")
        for reason, count in report.reject_reasons:
            table.add_row(reason, str(count))
        out.print(table)
        for row in report.reject_sample:
            out.print(f"  line {row.line}: {row.reason}")
        out.print(f"All of them: safeschools imports --rejects {rec.id}")


def _ingest_command(kind: str, help_text: str, *, school_year: bool = False) -> None:
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option("--force", is_flag=True, help="Read the file even if it was imported before.")
    @click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
    @pass_ctx
    @translate_errors
    def command(ctx: Context, file: Path, force: bool, as_json: bool, **extra: Any) -> None:
        report = service.ingest_file(
            ctx.store, kind, file, settings=ctx.settings, force=force, **extra
        )
        _print_report(report, as_json)

    if school_year:
        command = click.option(
            "--school-year",
            default=None,
            help="School year such as 2019-20 (default: from the file's School_Year column or name).",
        )(command)
    ingest.command(name=kind, help=help_text)(command)


_ingest_command(
    "schools",
    "Import a CPS school locations file (any year's layout) or a school profiles file; "
    "the layout is recognised from the columns.",
    school_year=True,
)
_ingest_command(
    "victims",
    "Import victims of homicides and non-fatal shootings (portal CSV, API JSON or extract).",
)


# ---------------------------------------------------------------------- listings
def _emit_rows(rows: list[dict[str, Any]], fmt: str, title: str, columns: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else columns)
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
        return
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    _console().print(table)


_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)


@cli.command()
@click.option("--school-year", default=None, help="Only this school year, e.g. 2019-20.")
@_FORMAT
@pass_ctx
@translate_errors
def schools(ctx: Context, school_year: str | None, fmt: str) -> None:
    """List schools (of one school year)."""
    rows = [asdict(s) for s in service.list_schools(ctx.store, school_year=school_year)]
    columns = ["school_id", "school_year", "name", "governance", "grade_category", "lat", "lon"]
    _emit_rows(rows, fmt, f"{len(rows)} schools", columns)


@cli.command()
@click.option("--rejects", "rejects_of", type=int, default=None, help="Show the rejected rows of import N.")
@_FORMAT
@pass_ctx
@translate_errors
def imports(ctx: Context, rejects_of: int | None, fmt: str) -> None:
    """List every import with what it read, accepted and rejected."""
    if rejects_of is not None:
        ctx.store.get_import(rejects_of)
        rows = [
            {"line": r.line, "reason": r.reason, "file": r.location, "row": json.dumps(r.raw)}
            for r in ctx.store.rejected_rows(rejects_of)
        ]
        _emit_rows(rows, fmt, f"Import #{rejects_of}: {len(rows)} rejected rows", ["line", "reason"])
        return
    rows = [asdict(r) for r in service.list_imports(ctx.store)]
    columns = ["id", "kind", "format", "school_year", "rows_read", "accepted", "rejected",
               "inserted", "updated", "unchanged", "finished_at"]
    _emit_rows(rows, fmt, f"{len(rows)} imports", columns)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``safeschools`` command."""
    try:
        cli.main(args=argv, prog_name="safeschools", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - last resort, exit code 1
        click.echo(f"Unexpected error: {type(exc).__name__}: {exc}. Please report it.", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
