"""The exposure commands of the CLI: `exposure`, `compare-definitions`, `sensitivity`,
`presets` and `pairs`. Flags become a Definition; the service answers; this module prints."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.table import Table

from safeschools import services, tables
from safeschools.cli._app import Context, UserError, _console, cli, pass_ctx, translate_errors
from safeschools.cli._output import OUTPUT, emit_bytes, emit_table
from safeschools.proximity.definition import Definition
from safeschools.proximity.engine import ExposureResult
from safeschools.proximity.params import PARAMS, Param, definition_from_params
from safeschools.services.exposure_tables import counted_victims

__all__ = ["definition", "definition_options"]

F = TypeVar("F", bound=Callable[..., Any])


def _date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{flag} {value!r} is not a date; write it like 2024-01-31.") from None


def _options(p: Param, text: str) -> list[Callable[[Any], Any]]:
    """The click options of one parameter of the table (dest: the parameter's name)."""
    if p.flags:
        return [
            click.option(flag, p.name, flag_value=value, help=help_text)
            if i
            else click.option(flag, p.name, flag_value=value, default=None, help=help_text)
            for i, (flag, value, help_text) in enumerate(p.flags)
        ]
    assert p.cli is not None, p.name
    kinds: dict[str, dict[str, Any]] = {
        "text": {"default": None},
        "date": {"default": None},
        "number": {"type": int, "default": None},
        "many": {"multiple": True},
        "flag": {"is_flag": True, "default": None},
        "file": {"type": click.Path(path_type=Path), "default": None},
    }
    kind = dict(kinds[p.kind])
    if p.choices:
        kind["type"] = click.Choice(list(p.choices))
    return [click.option(p.cli, p.name, help=text, **kind)]


def definition_options(*names: str, help: Mapping[str, str] | None = None) -> Callable[[F], F]:
    """The options of a definition, generated from :data:`safeschools.proximity.params.PARAMS`
    (all of them, or those ``names``; ``help`` replaces a parameter's help text)."""
    chosen = [p for p in PARAMS if not names or p.name in names]

    def decorate(func: F) -> F:
        for p in reversed(chosen):
            for option in reversed(_options(p, (help or {}).get(p.name, p.help))):
                func = option(func)
        return func

    return decorate


def definition(
    ctx: Context, kw: Mapping[str, Any], *, default_preset: str | None = None
) -> Definition:
    """The definition the options ask for: without --preset or --radius, ``default_preset``
    (None: an error that asks for one)."""
    return definition_from_params(
        kw, settings=ctx.settings, via="cli", default_preset=default_preset
    )


_FORMATS = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "geojson", "parquet"]),
    default="table",
    show_default=True,
    help="Output format (parquet: the CSV's rows and columns, the definition and coverage as "
    "the file's metadata).",
)
_TABLES = click.option(
    "--table",
    "rows",
    type=click.Choice(["schools", "victims", "pairs"]),
    default="schools",
    show_default=True,
    help="Rows of a csv, geojson, parquet or json file: every school considered; every victim "
    "counted, one row each, with the schools it is near and the distances; or every "
    "school-victim pair counted.",
)


@cli.command()
@definition_options()
@click.option("--split-date", default=None, help="Also count before and after this date.")
@click.option(
    "--top",
    type=int,
    default=20,
    show_default=True,
    help="Schools in the ranked table (JSON/CSV/GeoJSON always list all).",
)
@_FORMATS
@_TABLES
@OUTPUT
@click.option(
    "--sidecar",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="With --format csv: also write the definition and what the data covers to this JSON "
    "file (the CSV itself has only the table).",
)
@pass_ctx
@translate_errors
def exposure(
    ctx: Context,
    /,
    split_date: str | None,
    top: int,
    fmt: str,
    rows: str,
    output: Path | None,
    sidecar: Path | None,
    **kw: Any,
) -> None:
    """Violence near every school under one definition of "near".

    When the data cannot answer the definition (its dates lie outside the data, or a filter
    needs a field no row has), the counts are absent, not 0, and the reasons are printed.

    Example: safeschools exposure --preset abc7-2024 --table victims --format parquet
    --output victims.parquet
    """
    d = definition(ctx, kw)
    result = services.exposure.exposure(
        ctx.store, d, settings=ctx.settings, split_date=_date(split_date, "--split-date")
    )
    if fmt == "table":
        if rows != "schools":
            msg = f"--table {rows} is a file: add --format csv, geojson, parquet or json."
            raise UserError(msg)
        _print_exposure(result, top)
        return
    if sidecar is not None and fmt == "csv":
        sidecar.write_text(
            json.dumps(exposure_sidecar(result), indent=2, ensure_ascii=False), encoding="utf-8"
        )
    if rows == "schools" and fmt in ("json", "geojson"):
        body = result.to_dict() if fmt == "json" else _geojson(result)
        indent = 2 if fmt == "json" else None
        emit_bytes(json.dumps(body, indent=indent, ensure_ascii=False).encode() + b"\n", output)
        return
    table = (
        counted_victims(ctx.store, result)
        if rows == "victims"
        else result.table("pairs" if rows == "pairs" else "schools")
    )
    emit_table(table, fmt, output)


def exposure_sidecar(result: ExposureResult) -> dict[str, Any]:
    """What a CSV of a result does not say: the definition, coverage, vintage and caveats."""
    return {
        "definition": result.definition,
        "answerable": result.answerable,
        "reasons": result.reasons,
        "coverage": result.coverage,
        "school_year": result.school_year,
        "data_vintage": result.data_vintage,
        "caveats": result.caveats,
    }


def _geojson(result: ExposureResult) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "answerable": result.answerable,
        "reasons": result.reasons,
        "coverage": result.coverage,
        "definition": result.definition,
        "data_vintage": result.data_vintage,
        "caveats": result.caveats,
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")},
            }
            for row in result.all_schools
        ],
    }


def coverage_line(coverage: Mapping[str, Any]) -> str:
    """The line under a headline: what the data covers of the window asked."""
    data, covered = coverage.get("data") or {}, coverage.get("covered")
    if not data.get("first_day"):
        return "Coverage: no victims data is loaded."
    line = f"Coverage: the data covers {data['first_day']} to {data['last_day']}"
    if covered and coverage.get("partial"):
        line += (
            f"; PARTIAL: {covered['since']} to {covered['until']}, {covered['text']} of the "
            f"window asked ({coverage['asked']['since']} to {coverage['asked']['until']})"
        )
    missing = [
        f"{m['field'].replace('_', ' ')} in {m['share']:.0%} of rows"
        for m in coverage.get("missing_fields", [])
    ]
    if missing:
        line += "; needed fields: " + ", ".join(missing)
    return line + "."


def fetch_hint(since: str | None) -> str:
    """The command that loads the City of Chicago Data Portal's victims file, which has age
    bands, from the window's first day (the portal's copy is complete; extracts may not be)."""
    start = since or "2019-01-01"
    return (
        "The City of Chicago Data Portal's victims file has age bands: "
        f"safeschools fetch chicago --dataset victims --since {start}"
    )


def _print_exposure(result: ExposureResult, top: int) -> None:
    out = _console()
    d = result.definition
    if result.data_vintage.get("synthetic"):
        out.print("[bold]SYNTHETIC DEMO DATA — not real[/bold]")
    out.print(f"[bold]{d.get('label') or 'Custom definition'}[/bold]: {d['description']}")
    window = f"{d['since'] or 'start of data'} to {d['until'] or 'end of data'}"
    out.print(f"Dates {window}; schools of {result.school_year} ({result.schools_considered}).")
    if not result.answerable:
        out.print("[bold]This data cannot answer this definition[/bold] (no count, not 0):")
        for reason in result.reasons:
            out.print(f"  - {reason}")
        if result.coverage.get("needs"):
            out.print(f"  {result.coverage['needs']}")
        out.print(f"  {fetch_hint(d.get('since'))}")
    else:
        if result.unit == "incidents":
            headline = (
                f"[bold]{result.incidents}[/bold] incidents ({result.victims} victims, "
                f"{result.fatal} fatal)"
            )
        else:
            headline = (
                f"[bold]{result.victims}[/bold] victims ({result.fatal} fatal, {result.incidents} "
                "incidents)"
            )
        out.print(f"{headline} near [bold]{result.schools}[/bold] schools.")
    out.print(coverage_line(result.coverage))
    if result.per_school:
        table = Table(title=f"Schools, most victims first (top {top})", title_justify="left")
        for column in (
            "rank",
            "school",
            "id",
            "governance",
            "grade",
            "victims",
            "fatal",
            "nearest m",
        ):
            table.add_column(
                column,
                justify="right" if column in ("rank", "victims", "fatal", "nearest m") else "left",
            )
        for row in result.per_school[:top]:
            table.add_row(
                str(row["rank"]),
                str(row["name"]),
                str(row["school_id"]),
                str(row["governance"] or ""),
                str(row["grade_category"] or ""),
                str(row["victims"]),
                str(row["fatal"]),
                str(row["nearest_m"]),
            )
        out.print(table)
    years = result.trends["by_year"]
    if years:
        out.print(
            "By year: "
            + ", ".join(
                f"{r['year']}: {r['victims']}"
                + (
                    f" (partial: {r['covered_from']} to {r['covered_to']})"
                    if r.get("partial")
                    else ""
                )
                for r in years
            )
        )
    if result.before_after:
        ba = result.before_after
        before, after = ba["before"], ba["after"]
        out.print(
            f"Before {ba['split_date']}: {before['victims']} "
            f"({before['victims_per_year']}/year over {before['covered_from']} to "
            f"{before['covered_to']}); after: {after['victims']} "
            f"({after['victims_per_year']}/year over {after['covered_from']} to "
            f"{after['covered_to']})."
        )
    vintage = result.data_vintage
    out.print(
        f"Data: newest victimization {vintage.get('newest_occurred_at')}, "
        f"imported {vintage.get('newest_import_at')}."
    )
    for caveat in result.caveats:
        out.print(f"[dim]* {caveat}[/dim]")


def compare_csv_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A compare row for CSV: the coverage as flat columns (answerable, covered dates, share)."""
    covered = (row.get("coverage") or {}).get("covered") or {}
    flat = {k: v for k, v in row.items() if k not in ("notes", "caveats", "coverage", "reasons")}
    flat.update(
        covered_from=covered.get("since"),
        covered_to=covered.get("until"),
        covered_share=covered.get("share"),
        reasons=" | ".join(row.get("reasons") or []),
    )
    return flat


@cli.command("compare-definitions")
@definition_options(
    "presets",
    "school_year",
    help={
        "presets": "TOML file with your own presets, shown beside the built-in ones.",
        "school_year": "School list for every definition.",
    },
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "parquet"]),
    default="table",
    show_default=True,
    help="Output format (parquet: the CSV's rows and columns, each definition's coverage as "
    "the file's metadata).",
)
@OUTPUT
@pass_ctx
@translate_errors
def compare_definitions(
    ctx: Context, presets: Path | None, school_year: str | None, fmt: str, output: Path | None
) -> None:
    """Every published definition of "near a school" side by side on the same data."""
    report = services.compare_definitions(
        ctx.store, settings=ctx.settings, presets_file=presets, school_year=school_year
    )
    rows = report["definitions"]
    if fmt == "json":
        emit_bytes(json.dumps(report, indent=2, ensure_ascii=False).encode() + b"\n", output)
        return
    if fmt in ("csv", "parquet"):
        flat = [compare_csv_row(r) for r in rows]
        meta = {
            "definitions": [
                {k: r[k] for k in ("preset", "answerable", "reasons", "coverage")} for r in rows
            ],
            "data_vintage": report["data_vintage"],
            "caveats": report["caveats"],
        }
        emit_table(tables.Table(list(flat[0]), flat, meta=meta), fmt, output)
        return
    out = _console()
    if report["data_vintage"].get("synthetic"):
        out.print("[bold]SYNTHETIC DEMO DATA — not real[/bold]")
    table = Table(title="The same data, every definition", title_justify="left")
    numbers = ("victims", "fatal", "incidents", "schools")
    for column in ("preset", "radius", "hours", "days", "who", "dates", "counts", *numbers):
        table.add_column(column, justify="right" if column in (*numbers, "counts") else "left")
    for row in rows:
        dates = (
            "all"
            if not (row["since"] or row["until"])
            else (f"{row['since'] or '…'} to {row['until'] or '…'}")
        )
        table.add_row(
            row["preset"],
            row["radius"].split(" (")[0],
            row["hours"],
            row["days"],
            row["victims_counted"],
            dates,
            "—" if row["count"] is None else f"{row['count']} {row['unit']}",
            *("—" if row[n] is None else str(row[n]) for n in numbers),
        )
    out.print(table)
    for row in rows:
        if not row["answerable"]:
            out.print(f"{row['preset']}: cannot be answered: " + " ".join(row["reasons"]))
        elif row["coverage"].get("partial"):
            out.print(f"{row['preset']}: " + " ".join(row["reasons"]))
    seen: set[str] = set()
    for caveat in [*report["caveats"], *(c for row in rows for c in row["caveats"])]:
        if caveat not in seen:
            seen.add(caveat)
            out.print(f"[dim]* {caveat}[/dim]")


@cli.command()
@definition_options()
@click.option(
    "--radii",
    default="100m,0.1mi,150m,0.25mi,500yd,0.5mi",
    show_default=True,
    help="Comma-separated radii for the grid.",
)
@click.option(
    "--hours-grid",
    default="all,07:00-17:00,14:00-16:50",
    show_default=True,
    help="Comma-separated hours windows for the grid.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@pass_ctx
@translate_errors
def sensitivity(ctx: Context, /, radii: str, hours_grid: str, fmt: str, **kw: Any) -> None:
    """How the count moves with the radius, the hours and the years."""
    if not kw["radius"] and not kw["preset"]:
        kw["radius"] = "0.1mi"
    d = definition(ctx, kw)
    report = services.sensitivity(
        ctx.store,
        d,
        settings=ctx.settings,
        radii=[r.strip() for r in radii.split(",") if r.strip()],
        hours=[h.strip() for h in hours_grid.split(",") if h.strip()],
    )
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    out = _console()
    out.print(f"Base: {report['definition']['description']}")
    out.print(coverage_line(report["coverage"]))
    if not report["answerable"]:
        out.print("[bold]This data cannot answer this definition[/bold] (no count, not 0):")
        for reason in report["reasons"]:
            out.print(f"  - {reason}")
    for title, key, columns in (
        ("Victims by radius and hours", "radius_by_hours", report["hours"]),
        (
            "Victims by radius and year (* partial year)",
            "radius_by_year",
            report["years"],
        ),
    ):
        table = Table(title=title, title_justify="left")
        table.add_column("radius")
        partial = report.get("year_coverage", {}) if key == "radius_by_year" else {}
        for column in columns:
            star = "*" if partial.get(column, {}).get("partial") else ""
            table.add_column(column + star, justify="right")
        for row in report[key]:
            table.add_row(
                row["radius"], *("—" if row.get(c) is None else str(row[c]) for c in columns)
            )
        out.print(table)


@cli.command()
@click.option(
    "--presets",
    "presets_file",
    type=click.Path(path_type=Path),
    default=None,
    help="TOML file with your own presets.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@pass_ctx
@translate_errors
def presets(ctx: Context, presets_file: Path | None, fmt: str) -> None:
    """The named definitions of "near a school", built-in and your own."""
    from safeschools.proximity.presets import load_presets

    table_data = load_presets(presets_file or ctx.settings.presets_file)
    if fmt == "json":
        click.echo(json.dumps({n: d.to_dict() for n, d in table_data.items()}, indent=2))
        return
    table = Table(title="Definitions of 'near a school'", title_justify="left")
    for column in ("preset", "definition", "source"):
        table.add_column(column)
    for name, d in table_data.items():
        table.add_row(name, d.describe(), d.source_note or "")
    _console().print(table)


@cli.command()
@click.option(
    "--rebuild",
    is_flag=True,
    help="Recompute every pair (after changing SAFESCHOOLS_MAX_PAIR_RADIUS_M).",
)
@pass_ctx
@translate_errors
def pairs(ctx: Context, rebuild: bool) -> None:
    """Show (or rebuild) the stored school-victimization pairs."""
    if rebuild:
        done = services.rebuild_pairs(ctx.store, settings=ctx.settings)
        _console().print(
            f"Rebuilt {done.pairs_written} pairs within {ctx.settings.max_pair_radius_m:g} m."
        )
        return
    _console().print(f"{ctx.store.count('school_pairs')} pairs stored.")
