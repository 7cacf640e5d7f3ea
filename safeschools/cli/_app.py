"""The ``safeschools`` command: flags become Settings and arguments, the service does the work,
and errors are translated once (exit code 2 for a user's mistake, 1 for anything unexpected)."""

from __future__ import annotations

import functools
import io
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click
import httpx
from pydantic import ValidationError
from rich.console import Console
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from safeschools import __version__, services
from safeschools.cli._output import OUTPUT, emit_table
from safeschools.demo import DEFAULT_SEED
from safeschools.errors import SafeSchoolsError
from safeschools.model import BOUNDARY_KINDS
from safeschools.services import fetch as fetching
from safeschools.services.demo_governance import governance_summary
from safeschools.settings import Settings
from safeschools.spreadsheet import csv_dict_writer
from safeschools.storage import Store
from safeschools.tables import Table as DataTable

__all__ = ["Context", "UserError", "cli", "main", "pass_ctx", "translate_errors"]

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
                self._store = services.open_store_from_settings(self.settings)
            except SafeSchoolsError as exc:
                raise UserError(str(exc)) from exc
        return self._store

    def close(self) -> None:
        """Release the store's pooled connections (called when the command ends)."""
        if self._store is not None:
            self._store.dispose()
            self._store = None


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
    ctx.call_on_close(ctx.obj.close)


@cli.command()
@pass_ctx
@translate_errors
def init(ctx: Context) -> None:
    """Create the store's tables, or bring them up to date."""
    store = ctx.store
    _console().print(
        f"Store ready at {store.engine.url.render_as_string()} ({len(store.table_names())} tables)."
    )


# ---------------------------------------------------------------------- ingest
@cli.group()
def ingest() -> None:
    """Import a publisher's file into the store."""


def _print_report(report: services.IngestReport, as_json: bool) -> None:
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
    out.print(
        f"Recognised {report.format}"
        + (f", school year {rec.school_year}" if rec.school_year else "")
    )
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


def _ingest_command(
    kind: str,
    help_text: str,
    *,
    school_year: bool = False,
    options: tuple[Callable[[Any], Any], ...] = (),
    name: str | None = None,
) -> None:
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option("--force", is_flag=True, help="Read the file even if it was imported before.")
    @click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
    @pass_ctx
    @translate_errors
    def command(ctx: Context, /, file: Path, force: bool, as_json: bool, **extra: Any) -> None:
        report = services.ingest_file(
            ctx.store, kind, file, settings=ctx.settings, force=force, **extra
        )
        _print_report(report, as_json)

    if school_year:
        command = click.option(
            "--school-year",
            default=None,
            help="School year such as 2019-20 "
            "(default: from the file's School_Year column or name).",
        )(command)
    for option in options:
        command = option(command)
    ingest.command(name=name or kind, help=help_text)(command)


_MAPPING_OPTION = click.option(
    "--mapping",
    type=click.Path(path_type=Path),
    default=None,
    help="TOML column mapping (see docs/mappings/example-victims.toml): read any city's CSV or "
    "GeoJSON with it instead of the Chicago layout.",
)


_ingest_command(
    "schools",
    "Import a CPS school locations file (any year's layout) or a school profiles file; "
    "the layout is recognised from the columns.",
    school_year=True,
    options=(_MAPPING_OPTION,),
)
_ingest_command(
    "victims",
    "Import victims of homicides and non-fatal shootings (portal CSV, API JSON or extract).",
    options=(_MAPPING_OPTION,),
)
_ingest_command(
    "crimes",
    "Import City of Chicago 'Crimes - 2001 to present' (portal CSV or API JSON) as "
    "victimizations: shootings (IUCR 041A, 041B) and homicides (0110, 0130, 0141, 0142) by "
    "default; other crime types are counted and left out.",
    options=(
        click.option(
            "--select",
            default="shootings,homicides",
            show_default=True,
            help="Crime types to keep: shootings, homicides (comma-separated) or all.",
        ),
    ),
)
_ingest_command(
    "boundaries",
    "Import community areas, police districts or wards from a zipped shapefile or GeoJSON; "
    "they replace the stored boundaries of that kind.",
    options=(
        click.option(
            "--kind",
            "boundary_kind",
            type=click.Choice(list(BOUNDARY_KINDS)),
            default=None,
            help="Kind of boundary (default: recognised from the properties).",
        ),
    ),
)
_ingest_command(
    "calendars",
    "Import a school calendar file (one row per date: first and last day, days without "
    "school, unplanned closures, make-up days); it replaces the stored days of the school "
    "years it covers.",
    name="calendar",
)
_ingest_command(
    "streets",
    "Import named street intersections (the City's street centre lines reduced to the places "
    "where two streets meet): the street grid under every map, and the ZIP codes and "
    "intersections the search finds. They replace the stored streets.",
)


# ---------------------------------------------------------------------- fetch
@cli.group()
def fetch() -> None:
    """Download current data from a publisher's portal and import it."""


class _FetchBar:
    """A rich progress bar (on stderr) fed by fetching.FetchProgress events."""

    def __init__(self, *, enabled: bool) -> None:
        self.stages = {"download": "Downloading", "import": "Importing", "done": "Done"}
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            disable=not enabled,
        )
        self.task = self.progress.add_task("Counting rows", total=None)

    def __enter__(self) -> _FetchBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, event: fetching.FetchProgress) -> None:
        label = self.stages.get(event.stage, event.stage)
        if event.pages_resumed and event.stage == "download":
            label += f" (reusing {event.pages_resumed} saved pages)"
        self.progress.update(
            self.task, description=label, completed=event.rows_done, total=event.rows_total
        )


@fetch.command(name="chicago")
@click.option(
    "--dataset",
    type=click.Choice(sorted(fetching.DATASETS)),
    default="victims",
    show_default=True,
    help="Which City of Chicago Data Portal dataset to fetch (ids from the settings).",
)
@click.option(
    "--since",
    default=None,
    help="Only rows that occurred on or after this local time, e.g. 2024-01-01 "
    "(default: the fetch_since setting, on a first or --full fetch).",
)
@click.option(
    "--full", is_flag=True, help="Ignore the last fetch's watermark; fetch every row since --since."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
@translate_errors
def fetch_chicago(ctx: Context, dataset: str, since: str | None, full: bool, as_json: bool) -> None:
    """Fetch rows that are new or updated since the last fetch, and import them.

    Pages are saved under the data_dir setting as they arrive; after an interruption, run the
    same command again and it continues where it stopped. The import is one transaction.
    """
    settings = ctx.settings
    store = ctx.store
    headers = {"User-Agent": f"safeschools/{__version__}"}
    with (
        httpx.Client(headers=headers, follow_redirects=True) as http,
        _FetchBar(enabled=not as_json) as bar,
    ):
        report = fetching.fetch_chicago(
            store,
            settings,
            client=http,
            dataset=dataset,
            since=since,
            full=full,
            progress=bar.update,
        )
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, default=str))
        return
    out = _console()
    resumed = ""
    if report.pages_resumed:
        resumed = f" ({report.pages_resumed} reused from an interrupted fetch)"
    out.print(
        f"Fetched {report.rows_fetched} rows of {report.dataset_id} from {report.url} "
        f"in {report.pages} page(s){resumed}."
    )
    if report.ingest is None:
        since_text = f" since {report.watermark_before}" if report.watermark_before else ""
        out.print(f"No new or updated rows{since_text}; nothing changed.")
        return
    _print_report(report.ingest, False)
    if report.watermark_after:
        out.print(f"Next fetch asks for rows updated after {report.watermark_after}.")


# ---------------------------------------------------------------------- listings
def _emit_rows(
    rows: list[dict[str, Any]],
    fmt: str,
    title: str,
    columns: list[str],
    output: Path | None = None,
) -> None:
    if fmt == "parquet" or (output is not None and fmt != "table"):
        emit_table(DataTable(list(rows[0]) if rows else columns, rows), fmt, output)
        return
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv_dict_writer(buffer, list(rows[0]) if rows else columns)
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
    type=click.Choice(["table", "json", "csv", "parquet"]),
    default="table",
    show_default=True,
    help="Output format (parquet: the CSV's rows and columns).",
)


@cli.command()
@click.option("--school-year", default=None, help="Only this school year, e.g. 2019-20.")
@_FORMAT
@OUTPUT
@pass_ctx
@translate_errors
def schools(ctx: Context, school_year: str | None, fmt: str, output: Path | None) -> None:
    """List schools (of one school year)."""
    rows = [asdict(s) for s in services.list_schools(ctx.store, school_year=school_year)]
    columns = ["school_id", "school_year", "name", "governance", "grade_category", "lat", "lon"]
    _emit_rows(rows, fmt, f"{len(rows)} schools", columns, output)


@cli.command()
@click.option(
    "--rejects", "rejects_of", type=int, default=None, help="Show the rejected rows of import N."
)
@_FORMAT
@OUTPUT
@pass_ctx
@translate_errors
def imports(ctx: Context, rejects_of: int | None, fmt: str, output: Path | None) -> None:
    """List every import with what it read, accepted and rejected."""
    if rejects_of is not None:
        ctx.store.get_import(rejects_of)
        rows = [
            {"line": r.line, "reason": r.reason, "file": r.location, "row": json.dumps(r.raw)}
            for r in ctx.store.rejected_rows(rejects_of)
        ]
        _emit_rows(
            rows,
            fmt,
            f"Import #{rejects_of}: {len(rows)} rejected rows",
            ["line", "reason"],
            output,
        )
        return
    rows = [asdict(r) for r in services.list_imports(ctx.store)]
    columns = [
        "id",
        "kind",
        "format",
        "school_year",
        "rows_read",
        "accepted",
        "rejected",
        "inserted",
        "updated",
        "unchanged",
        "finished_at",
    ]
    _emit_rows(rows, fmt, f"{len(rows)} imports", columns, output)


# ---------------------------------------------------------------------- demo
@cli.command()
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=DEFAULT_SEED,
    show_default=True,
    help="Seed of the synthetic city (the same seed always builds the same city).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the imports and summary as JSON.")
@pass_ctx
@translate_errors
def demo(ctx: Context, seed: int, as_json: bool) -> None:
    """Build the synthetic demo city into the store and summarise it (offline, no real data)."""
    reports = services.load_demo_city(ctx.store, settings=ctx.settings, seed=seed)
    summary = services.store_summary(ctx.store)
    decided = governance_summary(ctx.store)
    if as_json:
        runs = [r.as_dict() for r in reports]
        body = {"synthetic": True, "seed": seed, "run": runs, **summary, "governance": decided}
        click.echo(json.dumps(body, indent=2))
        return
    _print_demo(seed, reports, summary, ctx.store.engine.url.render_as_string())
    _print_governance(decided)


def _print_governance(decided: dict[str, Any]) -> None:
    rows = decided["rows"]
    results = ", ".join(f"{n} {r}" for r, n in decided["motions_by_result"].items())
    plans = ", ".join(f"{n} {s}" for s, n in decided["safety_plans_by_status"].items())
    _console().print(
        f"Decisions (synthetic): {rows['council_members']} council members, "
        f"{rows['council_meetings']} meetings, {rows['council_motions']} motions ({results}); "
        f"{rows['sro_decisions']} officer decisions compiled; {rows['fund_pools']} trade-in "
        f"pool(s), {rows['fund_allocations']} adopted, {rows['spending_lines']} spending plan "
        f"lines; safety plans: {plans}; {rows['sro_aggregates']} published figures."
    )


def _print_demo(
    seed: int, reports: list[services.IngestReport], summary: dict[str, Any], where: str
) -> None:
    out = _console()
    out.print(
        Panel(
            "[bold]SYNTHETIC DEMO CITY — not real data[/bold]\n"
            f"Demo City (synthetic), seed {seed}.\n"
            "Every school, place and victim below is made up.",
            expand=False,
        )
    )
    runs = Table(title="Imports of this run", title_justify="left")
    for column in ("import", "kind", "school year", "rows", "inserted", "updated", "unchanged"):
        runs.add_column(column, justify="left" if column in ("kind", "school year") else "right")
    for report in reports:
        rec = report.record
        assert rec is not None
        counts = (rec.rows_read, rec.inserted, rec.updated, rec.unchanged)
        runs.add_row(f"#{rec.id}", rec.kind, rec.school_year or "", *map(str, counts))
    out.print(runs)
    schools_table = Table(title="Schools per school year, by governance", title_justify="left")
    governances = ["district", "charter", "contract", "options"]
    for column in ["school year", *governances, "total"]:
        schools_table.add_column(column, justify="left" if column == "school year" else "right")
    for row in summary["schools_by_year"]:
        schools_table.add_row(
            row["school_year"], *(str(row[g]) for g in governances), str(row["total"])
        )
    out.print(schools_table)
    victims = Table(title="Victimizations per year (victims, not incidents)", title_justify="left")
    for column in ("year", "all", "fatal", "covers"):
        victims.add_column(column, justify="right" if column in ("all", "fatal") else "left")
    for row in summary["victimizations_by_year"]:
        covers = f"{row['first']} to {row['last']}"
        victims.add_row(str(row["year"]), str(row["all"]), str(row["fatal"]), covers)
    out.print(victims)
    bounds = ", ".join(f"{n} {k.replace('_', ' ')}s" for k, n in summary["boundaries"].items())
    out.print(f"Boundaries: {bounds}.")
    out.print(f"Stored in {where}. All of it is SYNTHETIC; list it with `safeschools imports`.")


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
