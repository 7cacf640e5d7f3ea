"""One school's report: :func:`school_report_html` and :func:`school_report_pdf`."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from markupsafe import Markup

from safeschools.errors import ConfigError
from safeschools.proximity import Definition
from safeschools.proximity.presets import PRESETS
from safeschools.render import equity_views, incident_views, maps, views
from safeschools.render.i18n import Lang, language
from safeschools.render.jinja import STATIC, render
from safeschools.reports.summary import summary_rows

__all__ = [
    "PAPERS",
    "paper_size",
    "pdf_from_html",
    "school_report_html",
    "school_report_pdf",
    "warm_pdf",
]

#: At most this many victimizations are listed one by one (all are counted, and all are listed
#: on the school's page).
VICTIM_LIMIT = 10
#: The paper sizes of a report, by name: the CSS ``@page`` size. Chicago prints on US Letter.
PAPERS = {"letter": "letter", "a4": "A4"}
#: The page margins (top, right, bottom, left), the same on both sizes.
MARGINS_MM = (14, 12, 13, 12)


def paper_size(paper: str) -> str:
    """The CSS page size of a paper name (``letter`` or ``a4``, any case).

    Raises
    ------
    ConfigError
        Another name.
    """
    size = PAPERS.get(paper.strip().lower())
    if size is None:
        msg = f"The paper size {paper!r} is not known: use letter or a4."
        raise ConfigError(msg)
    return size


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal, safe inside a ``<style>`` element (no ``<``)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    escaped = escaped.replace("<", "\\3C ")
    return f'"{escaped}"'


def _page_number(L: Lang) -> str:
    """``"Page " counter(page) " of " counter(pages)`` in the reader's language."""
    sentence = L.gettext("Page %(page)s of %(pages)s")
    parts = re.split(r"%\((page|pages)\)s", sentence)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"counter({part})")
        elif part:
            out.append(_css_string(part))
    return " ".join(out)


def report_css(L: Lang, *, paper: str, school_name: str, prepared: date, synthetic: bool) -> Markup:
    """The report's stylesheet: ``report.css`` and the page rules that carry words (the
    running header and footer) and the paper size."""
    top, right, bottom, left = MARGINS_MM
    footer = _css_string(
        f"{school_name} · " + L.gettext("report prepared on %(date)s", date=L.date(prepared))
    )
    header = "@top-center { content: element(banner); width: 100%; vertical-align: bottom; }"
    if not synthetic:
        header = (
            "@top-left { content: "
            + _css_string("safeschools · " + L.gettext("Violence near schools, in plain numbers"))
            + "; font-size: 7pt; color: #4b5563; vertical-align: bottom; }"
        )
    pages = (
        f"@page {{ size: {paper_size(paper)}; margin: {top}mm {right}mm {bottom}mm {left}mm; "
        f"{header} "
        f"@bottom-left {{ content: {footer}; font-size: 7pt; color: #4b5563; }} "
        f"@bottom-right {{ content: {_page_number(L)}; font-size: 7pt; color: #4b5563; }} }}"
    )
    css = (STATIC / "report.css").read_text(encoding="utf-8")
    return Markup(f"{css}\n{pages}\n")


def school_report_html(
    profile: Mapping[str, Any],
    *,
    lang: str = "en",
    layers: Mapping[str, Any] | None = None,
    base: maps.BaseMap | None = None,
    presets: Mapping[str, Definition] | None = None,
    params: Mapping[str, str] | None = None,
    prepared: date | None = None,
    frame: Mapping[str, Any] | None = None,
    static: str = "/static/",
    standalone: bool = False,
    equity: Mapping[str, Any] | None = None,
    paper: str = "letter",
    incidents: Mapping[str, Any] | None = None,
) -> str:
    """The report as a whole HTML page (``article#report``) in ``lang`` (``en`` or ``es``):
    the summary card first (:func:`~safeschools.reports.summary.summary_rows`), then the map,
    the victims, the decisions, equity and the notes, laid out to print on 2 to 4 pages.

    Parameters
    ----------
    profile
        ``services.school_profile(...)``: the school under one definition.
    layers, base
        The base map: ``services.map_layers(store)`` output, or an already built
        :class:`~safeschools.render.maps.BaseMap`. Without either, the map has no boundaries.
    presets
        The published definitions, to describe the side-by-side table (default: built-in).
    params
        The definition's query parameters, for the links back to the site.
    prepared
        The date printed on the report (default: today).
    frame, static
        The page's surroundings (language links, ...; see ``views.chrome``) and where the
        stylesheet is.
    standalone
        Put the stylesheet inside the page, for a file to share.
    equity
        ``service_evaluation.school_equity_report(...)``: the section "Equity and outcomes"
        (disparities, outcomes over time, the evaluation of police notifications); left out
        when None.
    paper
        ``letter`` (default) or ``a4`` (see :data:`PAPERS`).
    incidents
        ``services.incident_rates.school_incidents_section(...)``: the short section on the
        incidents recorded by the school (its last school year); left out when None.

    Examples
    --------
    >>> html = school_report_html(profile, lang="es")  # doctest: +SKIP
    """
    L = language(lang)
    paper_size(paper)
    if base is None and layers:
        base = maps.base_map_from_layers(layers)
    context = views.school_context(
        profile,
        L,
        base=base,
        presets=presets if presets is not None else PRESETS,
        params=params,
        victim_limit=VICTIM_LIMIT,
        prepared=prepared,
    )
    school_id = profile["school"]["school_id"]
    surroundings = dict(
        frame
        or views.chrome(
            L,
            path=f"/schools/{school_id}/report",
            vintage=profile["data_vintage"],
            page="report",
        )
    )
    surroundings["static"] = static
    context["summary"] = summary_rows(profile, L)
    context["paper"] = paper.strip().lower()
    context["report_css"] = report_css(
        L,
        paper=paper,
        school_name=str(profile["school"].get("name") or school_id),
        prepared=context["prepared"],
        synthetic=bool(surroundings.get("synthetic")),
    )
    if equity:
        context.update(equity_views.report_context(equity, L))
    if incidents:
        context.update(incident_views.report_context(incidents, L))
    if standalone:
        surroundings["inline_css"] = Markup((STATIC / "site.css").read_text(encoding="utf-8"))
    return render("report.html", {**surroundings, **context}, L)


def school_report_pdf(
    profile: Mapping[str, Any],
    *,
    lang: str = "en",
    layers: Mapping[str, Any] | None = None,
    base: maps.BaseMap | None = None,
    presets: Mapping[str, Definition] | None = None,
    params: Mapping[str, str] | None = None,
    prepared: date | None = None,
    site_url: str | None = None,
    equity: Mapping[str, Any] | None = None,
    paper: str = "letter",
    incidents: Mapping[str, Any] | None = None,
    layout: Callable[[str, str | None], bytes] | None = None,
) -> bytes:
    """The report as PDF bytes (see :func:`school_report_html` for the parameters).

    ``site_url`` (e.g. ``https://safeschools.example.org/``) makes the report's links point at
    the site; without it they are left as plain text. ``layout(html, base_url)`` lays the
    HTML out (:func:`pdf_from_html` in this process by default; the web server uses a process
    of its own, :mod:`safeschools.server.pdf_process`).
    """
    html = school_report_html(
        profile,
        lang=lang,
        layers=layers,
        base=base,
        presets=presets,
        params=params,
        prepared=prepared,
        static=STATIC.as_uri() + "/",
        equity=equity,
        paper=paper,
        incidents=incidents,
    )
    if layout is None:
        return pdf_from_html(html, base_url=site_url)
    return layout(html, site_url)


def warm_pdf() -> None:
    """Load WeasyPrint and its fonts once (a second or so), so the first report a reader asks
    for does not wait for them; nothing when WeasyPrint is missing."""
    with contextlib.suppress(ConfigError):
        pdf_from_html("<html><body><p>safeschools</p></body></html>")


def pdf_from_html(html: str, *, base_url: str | None = None) -> bytes:
    """Render HTML to PDF with WeasyPrint, reading only files of the package's static folder.

    Raises
    ------
    ConfigError
        WeasyPrint is not installed.
    """
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
        from weasyprint.urls import (  # type: ignore[import-untyped]
            URLFetcher,
            URLFetcherResponse,
        )
    except ImportError as exc:  # pragma: no cover - the pdf extra is installed in development
        msg = "PDF reports need WeasyPrint: pip install 'safeschools[pdf]'"
        raise ConfigError(msg) from exc

    static_root = STATIC.resolve()
    prefix = static_root.as_uri() + "/"

    class _LocalOnly(URLFetcher):  # type: ignore[misc]
        """Serves the static folder's files; refuses every other address, without a request."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(prefix):
                path = (static_root / url.removeprefix(prefix).split("?")[0]).resolve()
                if path.is_relative_to(static_root) and path.is_file():
                    kind = "text/css" if path.suffix == ".css" else "application/octet-stream"
                    return URLFetcherResponse(
                        url, path.read_bytes(), headers={"Content-Type": kind}
                    )
            msg = f"the report reads no address outside its static folder: {url}"
            raise ValueError(msg)

    document = HTML(string=html, base_url=base_url, url_fetcher=_LocalOnly())
    pdf: bytes = document.write_pdf()
    return pdf
