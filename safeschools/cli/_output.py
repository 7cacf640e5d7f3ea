"""Writing a table the way the command line's ``--format`` and ``--output`` ask: CSV, GeoJSON,
Parquet or JSON, to a file or to standard output (see :mod:`safeschools.tables`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from safeschools.tables import Table, csv_bytes, geojson_bytes, parquet_bytes

__all__ = ["OUTPUT", "emit_bytes", "emit_table", "table_json"]

F = TypeVar("F", bound=Callable[..., Any])

#: ``--output FILE``: where a CSV, GeoJSON, Parquet or JSON file goes (default: printed).
OUTPUT = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the csv, geojson, parquet or json file here instead of printing it.",
)


def table_json(table: Table) -> bytes:
    """A table as JSON: its metadata, its columns and its rows (dates and times as ISO text)."""
    body = {**table.meta, "columns": table.columns, "rows": table.rows}
    return json.dumps(body, indent=2, ensure_ascii=False, default=lambda v: v.isoformat()).encode(
        "utf-8"
    )


def emit_table(table: Table, fmt: str, output: Path | None) -> None:
    """Write ``table`` as ``fmt`` (csv, geojson, parquet or json) to ``output`` or stdout.

    Parquet is binary: without ``--output`` it goes to stdout only when stdout is not a
    terminal (``> file.parquet``).
    """
    writers: dict[str, Callable[[Table], bytes]] = {
        "csv": csv_bytes,
        "geojson": geojson_bytes,
        "parquet": parquet_bytes,
        "json": table_json,
    }
    if fmt == "parquet" and output is None and sys.stdout.isatty():
        msg = "Parquet is a binary file: add --output FILE.parquet (or redirect: > FILE.parquet)."
        raise click.UsageError(msg)
    try:
        content = writers[fmt](table)
    except ImportError as exc:
        raise click.ClickException(str(exc)) from exc
    emit_bytes(content, output, rows=len(table.rows))


def emit_bytes(content: bytes, output: Path | None, *, rows: int | None = None) -> None:
    """Write a file's bytes to ``output`` (saying so on stderr) or to stdout."""
    if output is not None:
        output.write_bytes(content)
        what = f"{rows} rows" if rows is not None else f"{len(content)} bytes"
        click.echo(f"Wrote {what} to {output}.", err=True)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(content)
    sys.stdout.buffer.flush()
