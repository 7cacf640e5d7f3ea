"""Discipline commands: `ingest discipline KIND FILE`, `crosswalk SOURCE FILE`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from safeschools.cli._app import (
    Context,
    _console,
    _print_report,
    cli,
    ingest,
    pass_ctx,
    translate_errors,
)
from safeschools.services import crosswalk as service_crosswalk
from safeschools.services import discipline as service_discipline

__all__: list[str] = []


@ingest.command("discipline")
@click.argument("kind", type=click.Choice(sorted(service_discipline.PARSERS)))
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--school-year",
    default=None,
    help="School year such as 2022-23, for a file that does not name its own "
    "(it must agree with the file when the file names one).",
)
@click.option(
    "--crosswalk",
    type=click.Path(path_type=Path),
    default=None,
    help="A reviewed name crosswalk (CSV) from the publisher's school names to CPS school ids; "
    "default: the crosswalk stored for this source.",
)
@click.option(
    "--accept-fuzzy",
    is_flag=True,
    help="Also use fuzzy name matches that nobody has reviewed.",
)
@click.option("--force", is_flag=True, help="Read the file even if it was imported before.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
@translate_errors
def ingest_discipline(
    ctx: Context,
    kind: str,
    file: Path,
    school_year: str | None,
    crosswalk: Path | None,
    accept_fuzzy: bool,
    force: bool,
    as_json: bool,
) -> None:
    """Import a discipline or enrollment file of KIND: the CPS misconduct report
    (cps-misconduct, .xlsx), CPS 20th-day demographics (cps-demographics, either .xlsx), the
    ISBE end-of-year discipline file (isbe-eoy) or a CRDC school file (crdc). A file that is
    not of its KIND is refused with one sentence; bad rows are kept aside with their reason."""
    report = service_discipline.ingest_discipline_file(
        ctx.store,
        kind,
        file,
        settings=ctx.settings,
        force=force,
        school_year=school_year,
        crosswalk=crosswalk,
        accept_fuzzy=accept_fuzzy,
    )
    _print_report(report, as_json)


#: `crosswalk SOURCE`: the short word on the command line to the source key.
_CROSSWALK_SOURCES = {"isbe": "isbe-eoy", "isbe-eoy": "isbe-eoy", "crdc": "crdc"}


@cli.command("crosswalk")
@click.argument("source", type=click.Choice(sorted(_CROSSWALK_SOURCES)))
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=Path("crosswalk.csv"),
    show_default=True,
    help="The review CSV to write (source, source_name, school_id, method, score, cps_name, note).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
@translate_errors
def crosswalk(ctx: Context, source: str, file: Path, out: Path, as_json: bool) -> None:
    """Match the school names of an ISBE or CRDC FILE to the stored CPS schools and write a
    crosswalk for review; every unmatched school is listed. Edit school_id, set method to
    "reviewed", then import with `ingest discipline KIND FILE --crosswalk OUT`."""
    report = service_crosswalk.build_crosswalk(ctx.store, _CROSSWALK_SOURCES[source], file, out)
    if as_json:
        summary = {
            "source": report.source,
            "out": str(report.path),
            "names": report.names,
            "by_method": report.by_method,
            "unmatched": [{"source_name": m.source_name, "note": m.note} for m in report.unmatched],
        }
        click.echo(json.dumps(summary, indent=2))
        return
    methods = ", ".join(f"{k} {v}" for k, v in report.by_method.items())
    click.echo(
        f"{report.names} school names of {file.name} against {report.schools} CPS schools: "
        f"{methods}. Wrote {report.path}."
    )
    if report.unmatched:
        table = Table(title=f"Unmatched ({len(report.unmatched)})", title_justify="left")
        table.add_column("name in the file")
        table.add_column("why")
        for m in report.unmatched:
            table.add_row(m.source_name, m.note or "")
        _console().print(table)
    if report.fuzzy:
        click.echo(
            f"{len(report.fuzzy)} fuzzy matches need a review (set method to reviewed) "
            "unless the import uses --accept-fuzzy."
        )
