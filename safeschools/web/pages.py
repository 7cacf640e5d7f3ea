"""Page routes: each calls the service, builds a context (:mod:`safeschools.render.views`) and
renders a template in the reader's language (:mod:`safeschools.web.base`). The URLs and element
ids are the contract in ``docs/web.md``."""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from safeschools import reports, services
from safeschools.errors import SafeSchoolsError
from safeschools.model import User
from safeschools.proximity import Definition, ExposureIndex
from safeschools.proximity.params import DEFAULT_PRESET, definition_from_params
from safeschools.proximity.presets import load_presets
from safeschools.render import views
from safeschools.render.i18n import Lang
from safeschools.render.methodology import methodology_html
from safeschools.render.search_views import search_context
from safeschools.server.deps import DefinitionDep, IndexDep, SettingsDep, StoreDep, query_params
from safeschools.server.downloads import content_disposition
from safeschools.server.pdf_process import PDF_PROCESS
from safeschools.server.security_headers import content_security_policy, origin_of
from safeschools.services import evaluation as service_evaluation
from safeschools.services import funds as service_funds
from safeschools.services import officers as service_officers
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.web import base
from safeschools.web.council_forms import editor_council_form
from safeschools.web.funds_forms import editor_funds_form
from safeschools.web.incident_forms import editor_incident_links
from safeschools.web.incidents import school_data as incident_data
from safeschools.web.incidents import school_section as incident_section
from safeschools.web.officers_forms import editor_officers_form
from safeschools.web.signin import editor_plan_form, signed_in_editor

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


# ---------------------------------------------------------------------- the overview
@router.get("/", response_class=HTMLResponse)
def overview(
    request: Request, store: StoreDep, settings: SettingsDep, index: IndexDep
) -> HTMLResponse:
    """The district overview: every school under one definition."""
    L = base.lang(request)
    return base.cached_page(
        request,
        L,
        lambda: _overview_html(request, store, settings, index, L),
        version=store.latest_write_id(),
    )


def _overview_html(
    request: Request, store: Store, settings: Settings, index: ExposureIndex, L: Lang
) -> str:
    params = query_params(request)
    presets = load_presets(settings.presets_file)
    error = None
    fallback = definition_from_params({}, settings=settings)
    try:
        d = definition_from_params(params, settings=settings)
    except SafeSchoolsError as exc:
        error, d = str(exc), fallback
    empty = index.n_schools == 0
    if empty:
        data = views.empty_overview(d, presets)
    else:
        try:
            data = services.district_overview(store, d, settings=settings, index=index)
        except SafeSchoolsError as exc:
            error, d = str(exc), fallback
            data = services.district_overview(store, d, settings=settings, index=index)
    vintage = base.vintage(index)
    data["data_vintage"] = data.get("data_vintage") or vintage
    context = views.overview_context(
        data,
        L,
        params=params if error is None else {},
        base=base.base_map(store),
        show_all=params.get("all") == "1",
    )
    context.update(
        {
            "officers_summary": service_officers.officers_overview(store),
            "funds_summary": service_funds.funds_overview(store),
            "empty": empty,
            "no_victims": not empty and index.n_victims == 0,
            "form_error": L.gettext("This definition cannot be used: %(error)s", error=error)
            if error
            else None,
            "form": views.form_context(
                d,
                params,
                presets,
                L,
                school_years=index.school_years,
                sources=[s["source"] for s in vintage.get("sources", [])],
                default_preset=DEFAULT_PRESET,
            ),
        }
    )
    return base.html(request, "overview.html", context, L, page="overview", vintage=vintage)


# ---------------------------------------------------------------------- one school
def _school(
    request: Request,
    school_id: str,
    store: Store,
    settings: Settings,
    index: ExposureIndex,
    definition: Definition,
) -> tuple[Lang, dict[str, Any], dict[str, Any], dict[str, Definition]]:
    L = base.lang(request)
    profile = services.school_profile(store, school_id, definition, settings=settings, index=index)
    presets = load_presets(settings.presets_file)
    return L, profile, query_params(request), presets


@router.get("/schools/{school_id}", response_class=HTMLResponse)
def school(
    request: Request,
    school_id: str,
    store: StoreDep,
    settings: SettingsDep,
    index: IndexDep,
    definition: DefinitionDep,
) -> HTMLResponse:
    """One school: its map, its victims, the same school under every definition.

    A signed-in editor of the school also gets its forms (never cached); everyone else gets
    the page cached until the next import or the next recorded write."""
    editor = signed_in_editor(request, school_id)
    if editor is not None:
        extra = {
            "plan_form": editor_plan_form(request, school_id, editor),
            "council_form": editor_council_form(request, store, school_id, editor),
            "officers_form": editor_officers_form(request, school_id, editor),
            "funds_form": editor_funds_form(request, store, school_id, editor),
            "incident_links": editor_incident_links(school_id, editor),
        }
        html = _school_html(
            request, school_id, store, settings, index, definition, extra, reader=editor
        )
        response = HTMLResponse(html, headers={"Cache-Control": "private, no-store"})
        base.remember_language(request, response, base.lang(request))
        return response
    return base.cached_page(
        request,
        base.lang(request),
        lambda: _school_html(request, school_id, store, settings, index, definition),
        version=store.latest_write_id(),
    )


def _school_html(
    request: Request,
    school_id: str,
    store: Store,
    settings: Settings,
    index: ExposureIndex,
    definition: Definition,
    extra: dict[str, Any] | None = None,
    *,
    reader: User | None = None,
) -> str:
    L, profile, params, presets = _school(request, school_id, store, settings, index, definition)
    context = views.school_context(
        profile,
        L,
        base=base.base_map(store),
        presets=presets,
        params=params,
        tiles=settings.map_tile_url,
    )
    context.update(extra or {})
    context.update(
        {
            "audit": services.audit_log(store, school_id=school_id, limit=20, reader=reader),
            "incidents": incident_section(request, store, school_id, settings, L),
            "compact": True,
            "tile_attribution": settings.map_tile_attribution if settings.map_tile_url else "",
            "form_id": "school-definition",
            "form_action": f"/schools/{school_id}",
            "form": views.form_context(
                definition,
                params,
                presets,
                L,
                default_preset=DEFAULT_PRESET,
            ),
        }
    )
    return base.html(
        request, "school.html", context, L, page="school", vintage=profile["data_vintage"]
    )


def _report_equity(
    request: Request, store: Store, school_id: str, settings: Settings
) -> dict[str, Any] | None:
    """The report's section "Equity and outcomes", computed once per data version and school
    (the evaluation behind it takes a while); a copy, so the cached one stays as it was."""
    cache: services.IndexCache = request.app.state.index_cache
    section = cache.memo(
        ("report/equity", school_id, store.latest_write_id()),
        lambda index: service_evaluation.school_equity_report(
            store, school_id, settings=settings, index=index
        ),
    )
    return copy.deepcopy(section)


def _paper(request: Request, settings: Settings) -> str:
    """The report's paper size: ``?paper=`` or the setting (a bad name is a 400)."""
    paper = request.query_params.get("paper") or settings.report_paper
    reports.paper_size(paper)
    return paper.strip().lower()


@router.get("/schools/{school_id}/report", response_class=HTMLResponse)
def school_report(
    request: Request,
    school_id: str,
    store: StoreDep,
    settings: SettingsDep,
    index: IndexDep,
    definition: DefinitionDep,
) -> HTMLResponse:
    """The printable report (the print stylesheet drops navigation and forms)."""
    L, profile, params, presets = _school(request, school_id, store, settings, index, definition)
    frame = views.chrome(
        L,
        path=request.url.path,
        query_items=request.query_params.multi_items(),
        vintage=profile["data_vintage"],
        page="report",
    )
    html = reports.school_report_html(
        profile,
        lang=L.code,
        base=base.base_map(store),
        presets=presets,
        params=params,
        frame=frame,
        equity=_report_equity(request, store, school_id, settings),
        paper=_paper(request, settings),
        incidents=incident_data(request, store, school_id, settings),
    )
    # the report's stylesheet carries words (the running header and footer): an inline style
    policy = content_security_policy(
        inline_styles=True, image_origins=origin_of(settings.map_tile_url)
    )
    response = HTMLResponse(html, headers={"Content-Security-Policy": policy})
    base.remember_language(request, response, L)
    return response


@router.get("/schools/{school_id}/report.pdf")
def school_report_pdf(
    request: Request,
    school_id: str,
    store: StoreDep,
    settings: SettingsDep,
    index: IndexDep,
    definition: DefinitionDep,
) -> Response:
    """The report as a PDF (WeasyPrint; nothing is fetched from the network), on US Letter or
    on A4 (``?paper=a4``; the default is the setting ``report_paper``). The same report for
    the same data, definition, language, paper and day is made once."""
    L, profile, params, presets = _school(request, school_id, store, settings, index, definition)
    paper = _paper(request, settings)
    cache: services.IndexCache = request.app.state.index_cache
    key = (
        "report.pdf", school_id, tuple(sorted(params.items())), L.code, paper,
        store.latest_write_id(), date.today(), str(request.base_url),
    )  # fmt: skip
    pdf = cache.memo(
        key,
        lambda _index: reports.school_report_pdf(
            profile,
            lang=L.code,
            base=base.base_map(store),
            presets=presets,
            params=params,
            site_url=str(request.base_url),
            equity=_report_equity(request, store, school_id, settings),
            paper=paper,
            incidents=incident_data(request, store, school_id, settings),
            layout=PDF_PROCESS.render,
        ),
    )
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", school_id)
    response = Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition(
                f"school-{name}-{L.code}.pdf", disposition="inline"
            )
        },
    )
    base.remember_language(request, response, L)
    return response


# ---------------------------------------------------------------------- definitions
@router.get("/definitions", response_class=HTMLResponse)
def definitions(
    request: Request, store: StoreDep, settings: SettingsDep, index: IndexDep
) -> HTMLResponse:
    """Every published definition side by side on the same data."""
    L = base.lang(request)
    presets = load_presets(settings.presets_file)
    empty = index.n_schools == 0
    compare = None if empty else services.compare_definitions(store, settings=settings, index=index)
    context = views.definitions_context(compare, presets, L)
    context["empty"] = empty
    vintage = context["vintage"] or base.vintage(index)
    return base.page(request, "definitions.html", context, L, page="definitions", vintage=vintage)


# ---------------------------------------------------------------------- methodology
@router.get("/methodology", response_class=HTMLResponse)
def methodology(request: Request, index: IndexDep) -> HTMLResponse:
    """What is counted, from which data, with which caveats."""
    L = base.lang(request)
    html, code = methodology_html(L.code)
    context = {"content": Markup(html), "content_lang": code}
    return base.page(
        request, "methodology.html", context, L, page="methodology", vintage=base.vintage(index)
    )


# ---------------------------------------------------------------------- search
@router.get("/search", response_class=HTMLResponse)
def search(request: Request, store: StoreDep, index: IndexDep, q: str = "") -> HTMLResponse:
    """Schools by name, id, address, ZIP code, community area or intersection."""
    L = base.lang(request)
    answer = services.search(store, q[:200])
    context = search_context(answer, L, empty=index.n_schools == 0)
    return base.page(request, "search.html", context, L, page="search", vintage=base.vintage(index))
