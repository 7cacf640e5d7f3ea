"""Write docs/cli.md (from every command's --help) and docs/sources.md (from each importer's
SOURCE). Run `make docs`; tests/test_docs.py fails when the files are out of date."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from safeschools.cli import cli
from safeschools.ingest.registry import SOURCES
from safeschools.settings import Settings

DOCS = Path(__file__).resolve().parent


def _commands(group: click.Group, prefix: list[str]) -> list[tuple[list[str], click.Command]]:
    found: list[tuple[list[str], click.Command]] = [(prefix, group)]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        if isinstance(command, click.Group):
            found.extend(_commands(command, [*prefix, name]))
        else:
            found.append(([*prefix, name], command))
    return found


def cli_markdown() -> str:
    """The CLI reference, one section per command, from its --help text."""
    parts = [
        "# Command-line reference\n",
        "Generated from `--help` by `docs/generate.py` (`make docs`); do not edit by hand.\n",
    ]
    for path, command in _commands(cli, []):
        name = " ".join(["safeschools", *path])
        with click.Context(command, info_name=name, terminal_width=100) as ctx:
            text = command.get_help(ctx)
        parts.append(f"## `{name}`\n\n```\n{text}\n```\n")
    parts.append("## Settings\n")
    parts.append(
        "Every setting can be given in the environment with the prefix `SAFESCHOOLS_` "
        "(or in a `.env` file).\n"
    )
    parts.append("| variable | default | meaning |\n|---|---|---|")
    for field_name, field in Settings.model_fields.items():
        default = field.default
        parts.append(f"| `SAFESCHOOLS_{field_name.upper()}` | `{default}` | {field.description} |")
    return "\n".join(parts) + "\n"


def sources_markdown() -> str:
    """The data sources table, from each importer's SOURCE."""
    lines = [
        "# Data sources\n",
        "Generated from each importer's `SOURCE` by `docs/generate.py`; do not edit by hand.\n",
        "| name | kind | dataset | publisher | coverage | licence |",
        "|---|---|---|---|---|---|",
    ]
    for source in SOURCES.values():
        lines.append(
            f"| `{source.name}` | {source.kind} | [{source.title}]({source.url}) | "
            f"{source.publisher} | {source.coverage} | {source.license} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    (DOCS / "cli.md").write_text(cli_markdown(), encoding="utf-8")
    (DOCS / "sources.md").write_text(sources_markdown(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
