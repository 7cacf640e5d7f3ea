"""One school's report: :func:`school_report_html` and :func:`school_report_pdf`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from markupsafe import Markup

from safeschools.errors import ConfigError
from safeschools.proximity import Definition
from safeschools.proximity.presets import PRESETS
from safeschools.render import equity_views, maps, views
from safeschools.render.i18n import language
from safeschools.render.jinja import STATIC, render

__all__ = ["pdf_from_html", "school_report_html", "school_report_pdf"]

#: At most this many victimizations are listed one by one (all are counted).
VICTIM_LIMIT = 150


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
) -> str:
    """The report as a whole HTML page (``article#report``) in ``lang`` (``en`` or ``es``).

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

    Examples
    --------
    >>> html = school_report_html(profile, lang="es")  # doctest: +SKIP
    """
    L = language(lang)
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
    if equity:
        context.update(equity_views.report_context(equity, L))
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
) -> bytes:
    """The report as PDF bytes (see :func:`school_report_html` for the parameters).

    ``site_url`` (e.g. ``https://safeschools.example.org/``) makes the report's links point at
    the site; without it they are left as plain text.
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
    )
    return pdf_from_html(html, base_url=site_url)


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
