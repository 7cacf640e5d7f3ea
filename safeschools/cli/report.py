"""The `report` command: one school's printable report, as PDF and/or HTML, in English or
Spanish. The definition flags are those of `exposure`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from safeschools import services
from safeschools.cli._app import Context, UserError, _console, cli, pass_ctx, translate_errors
from safeschools.cli.exposure import definition, definition_options
from safeschools.proximity.params import DEFAULT_PRESET
from safeschools.proximity.presets import load_presets
from safeschools.render.maps import base_map_from_layers
from safeschools.services import evaluation as service_evaluation
from safeschools.services import incident_rates as service_incidents

__all__: list[str] = []

#: How a paper size is written in the command's messages.
_PAPER_NAMES = {"letter": "US Letter", "a4": "A4"}


@cli.command()
@click.argument("school_id")
@definition_options()
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report as PDF to this file (needs the pdf extra: WeasyPrint).",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report as one HTML page to this file.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "es"]),
    default="en",
    show_default=True,
    help="Language of the report: English or Spanish.",
)
@click.option(
    "--paper",
    type=click.Choice(["letter", "a4"], case_sensitive=False),
    default=None,
    help="Paper size: letter (US Letter) or a4. Default: the setting report_paper (letter).",
)
@click.option(
    "--site-url",
    default=None,
    help="Public address of the safeschools site, for the links in the PDF "
    "(e.g. https://safeschools.example.org/).",
)
@pass_ctx
@translate_errors
def report(
    ctx: Context,
    /,
    school_id: str,
    pdf_path: Path | None,
    html_path: Path | None,
    lang: str,
    paper: str | None,
    site_url: str | None,
    **kw: Any,
) -> None:
    """Write one school's report for a council meeting, 2 to 4 pages on US Letter (or A4): a
    summary first (the period the data covers, the victims near the school with its rank and
    the district's median, its officers, the decisions and votes, its fund share and what the
    plan buys, its safety plan), then the map, the victims near the school, the same school
    under every published definition, the decisions on its safety, the definition used, the
    data vintage and the caveats; with discipline figures, also its disparities, outcomes over
    time and the evaluation of officer removal.

    Without --preset or --radius, the definition is the site's default (trace-500yd).

    Example: safeschools report 609966 --preset abc7-2024 --pdf report.pdf --lang es --paper a4
    """
    if pdf_path is None and html_path is None:
        raise UserError("Give --pdf FILE and/or --html FILE to say where the report goes.")
    from safeschools import reports

    d = definition(ctx, kw, default_preset=DEFAULT_PRESET)  # as on the school's page
    store = ctx.store
    settings = ctx.settings
    index = services.exposure_index(store, settings=settings)
    profile = services.school_profile(store, school_id, d, settings=settings, index=index)
    base = base_map_from_layers(services.map_layers(store), services.street_lines(store))
    presets = load_presets(kw["presets"] or settings.presets_file)
    equity = service_evaluation.school_equity_report(
        store, school_id, settings=settings, index=index
    )
    incidents = service_incidents.school_incidents_section(store, school_id, settings=settings)
    paper = (paper or settings.report_paper).lower()
    out = _console()
    if html_path is not None:
        html = reports.school_report_html(
            profile, lang=lang, base=base, presets=presets, standalone=True, equity=equity,
            paper=paper, incidents=incidents,
        )  # fmt: skip
        html_path.write_text(html, encoding="utf-8")
        out.print(f"Wrote {html_path} ({len(html.encode()) // 1024} KB, HTML).")
    if pdf_path is not None:
        pdf = reports.school_report_pdf(
            profile, lang=lang, base=base, presets=presets, site_url=site_url, equity=equity,
            paper=paper, incidents=incidents,
        )  # fmt: skip
        pdf_path.write_bytes(pdf)
        out.print(f"Wrote {pdf_path} ({len(pdf) // 1024} KB, PDF, {_PAPER_NAMES[paper]}).")
