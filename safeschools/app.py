"""``create_app(settings)``: the FastAPI application of safeschools, the JSON API under
``/api`` (:mod:`safeschools.api`) and the HTML pages (:mod:`safeschools.web`) on one store,
with what they share (:mod:`safeschools.server`). Both render the same dicts the service
returns."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Scope

from safeschools import __version__, services
from safeschools.api import (
    docs,
    routes,
    routes_cases,
    routes_council,
    routes_equity,
    routes_funds,
    routes_incident_rates,
    routes_incidents,
    routes_national,
    routes_notices,
    routes_officers,
    routes_plans,
    routes_school_incidents,
)
from safeschools.api.openapi import install_openapi
from safeschools.render.i18n import COOKIE as LANG_COOKIE
from safeschools.render.i18n import LANGUAGES, negotiate
from safeschools.render.jinja import STATIC
from safeschools.server.errors import error_body, install_error_handlers
from safeschools.server.inputs import check_request_text
from safeschools.server.limits import KindLimits, Limiter, RequestCaps
from safeschools.server.password_checks import PasswordChecks
from safeschools.server.pdf_process import PDF_PROCESS
from safeschools.server.response_cache import Activity, ResponseCache
from safeschools.server.security_headers import SecurityHeaders
from safeschools.server.sessions import SESSION_COOKIE, Sessions
from safeschools.server.shared_pages import SharedPages
from safeschools.server.warmer import warm, warm_forever
from safeschools.services import evaluation as service_evaluation
from safeschools.services.accounts import session_secret
from safeschools.services.base import Clock
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.web import (
    cases,
    council_forms,
    equity,
    funds,
    funds_forms,
    incident_forms,
    incidents,
    national,
    notices,
    officers,
    officers_forms,
    pages,
    signin,
)
from safeschools.web.base import base_map, error_page, refusal_page

log = logging.getLogger(__name__)

#: The JSON API's routers, and the pages' (in this order: the first route that matches answers).
_API_ROUTERS = (
    routes.router,
    routes_funds.router,
    routes_officers.router,
    routes_council.router,
    routes_plans.router,
    routes_equity.router,
    # before the incidents' own routes: /schools/{id}/incidents/summary is not an incident id
    routes_incident_rates.router,
    routes_incidents.router,
    routes_school_incidents.router,
    routes_notices.router,
    routes_cases.router,
    routes_national.router,
)
_PAGE_ROUTERS = (
    pages.router,
    funds.router,
    officers.router,
    signin.router,
    council_forms.router,
    officers_forms.router,
    funds_forms.router,
    equity.router,
    incident_forms.router,
    notices.router,
    cases.router,
    incidents.router,
    national.router,
)

__all__ = ["create_app"]


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, clock: Clock | None = None
) -> FastAPI:
    """Build the application for ``settings`` (or an already opened ``store``).

    The store, the settings, a cache of the exposure index and the limiter of expensive requests
    (:mod:`safeschools.server.limits`) live on ``app.state``; nothing is read at import time.
    ``clock``: what "now" is for sessions, tokens and sign-in limits (tests pin it; the local
    wall clock by default).
    """
    settings = settings or Settings()
    opened = store or services.open_store_from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Every sync route runs in this pool: its bound is the server's (anyio's default is 40).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        # and a thread that computes lets the event loop answer a cheap page soon
        sys.setswitchinterval(settings.thread_switch_interval_s)
        # Load the pairs, and check the suppressed discipline publications (once per import),
        # before the first visitor, not during their request: the server answers when ready.
        await asyncio.to_thread(app.state.index_cache.get)
        # (and the base map and the search's places, so the first visitor of an equity page, a
        # map or the search does not wait for them)
        await asyncio.to_thread(_warm, app)
        warming = None
        if settings.warm_pages:
            # the district's pages before the first visitor; every school's while idle, after
            await warm(app, _DISTRICT_PATHS, list(LANGUAGES), Activity())
            warming = asyncio.create_task(
                warm_forever(
                    app,
                    lambda: _popular_paths(opened, settings),
                    list(LANGUAGES),
                    activity,
                    versions,
                )
            )
        yield
        if warming is not None:
            warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await warming
        app.state.password_checks.close()
        if store is None:
            opened.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="safeschools",
        version=__version__,
        description="Honest, shared numbers on school safety: violence near every school under "
        "any definition of 'near', with every figure's definition, data vintage and caveats.",
        docs_url=None,  # served from an installed package, below: no CDN
        redoc_url=None,
        openapi_url="/openapi.json",
        # every route refuses text that no page or store can carry, naming the field
        dependencies=[Depends(check_request_text)],
    )
    app.state.settings = settings
    app.state.store = opened
    app.state.index_cache = services.IndexCache(opened, settings)
    app.state.clock = clock
    app.state.password_checks = PasswordChecks(
        workers=settings.signin_workers, queue=settings.signin_queue
    )
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=3)
    app.add_middleware(
        Sessions,
        secret_key=session_secret(opened),
        max_age_s=max(1, int(settings.session_absolute_timeout_s)),
    )
    # the visitors' requests being answered (the idle-time warmer waits for none), and the
    # store's identity in the page file the workers share
    activity = Activity()
    app.state.activity = activity
    versions = opened.versions
    identity = opened.state_once(_IDENTITY, secrets.token_hex(16))
    # expensive kinds of request within their slots, 429 beyond (a kept page is not counted)
    app.state.limiter = Limiter.from_settings(settings)
    app.add_middleware(
        KindLimits,
        settings=settings,
        holds=app.state.index_cache.holds,
        respond=_refuse,
        limiter=app.state.limiter,
    )
    # a public page asked again is answered from its kept bytes until the data change
    app.add_middleware(
        ResponseCache,
        versions=versions,
        session_cookie=SESSION_COOKIE,
        lang_cookie=LANG_COOKIE,
        timezone=settings.timezone,
        language=negotiate,
        shared=_shared_pages(settings),
        identity=lambda: identity,
        activity=activity,
    )
    # outermost: a query string, a page or a body beyond its cap is refused before anything
    app.add_middleware(RequestCaps, settings=settings, respond=_refuse)
    # around everything, the kept answers and the refusals too: what a browser may do with each
    app.add_middleware(
        SecurityHeaders,
        trust_forwarded_proto=settings.trust_forwarded_proto,
        hsts_max_age=settings.hsts_max_age,
        tile_url=settings.map_tile_url,
    )
    install_error_handlers(app, html_page=error_page)
    for router in _API_ROUTERS:
        app.include_router(router)
    docs.install_api_docs(app)
    install_openapi(app, preset_names=[p["name"] for p in services.list_presets(settings)])
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in _PAGE_ROUTERS:
        app.include_router(router)
    return app


#: The store's identity in the shared page file (made once at random, kept in the store).
_IDENTITY = "page_cache_identity"

#: Pages and API answers the warmer prepares, beside every school's page.
_DISTRICT_PATHS = (
    "/",
    "/definitions",
    "/officers",
    "/funds",
    "/equity",
    "/incidents",
    "/evaluation",
    "/national",
    "/national/claim",
    "/methodology",
    "/api/schools",
    "/api/presets",
    "/api/exposure",
    "/api/incidents/monthly",
    "/api/national",
)


def _shared_pages(settings: Settings) -> SharedPages | None:
    if settings.page_cache_dir is None:
        return None
    try:
        return SharedPages(settings.page_cache_dir / "pages.sqlite")
    except Exception:  # an unwritable folder: every worker keeps its own pages
        log.warning("cannot keep shared pages in %s", settings.page_cache_dir, exc_info=True)
        return None


def _popular_paths(store: Store, settings: Settings) -> list[str]:
    """The pages people open most: the district's, every school's, then the overview and the
    district's figures under each published definition."""
    ids = sorted({school.school_id for school in services.list_schools(store)})
    schools = [f"/schools/{quote(school_id, safe='')}" for school_id in ids]
    presets = [quote(p["preset"], safe="") for p in services.list_presets(settings)]
    published = [f"{path}?preset={name}" for name in presets for path in ("/", "/api/exposure")]
    return [*_DISTRICT_PATHS, *schools, *published]


def _refuse(scope: Scope, status: int, message: str, headers: dict[str, str]) -> Response:
    """The answer to a request the limits refuse: the API's error body, or a page."""
    request = Request(scope)
    if request.url.path.startswith(("/api", "/openapi", "/docs")):
        return JSONResponse(error_body(status, message), status_code=status, headers=headers)
    return refusal_page(request, status, message, headers)


def _warm(app: FastAPI) -> None:
    try:
        service_evaluation.warm(
            app.state.store, settings=app.state.settings, index=app.state.index_cache.get()
        )
    except Exception:  # a page computes what it needs anyway; never take the server down
        log.exception("could not prepare the discipline publications")
    try:  # the maps' boundaries and streets, and what the search reads
        base_map(app.state.store)
        services.search(app.state.store, "")
    except Exception:
        log.exception("could not prepare the maps and the search")
    if app.state.settings.warm_pages:  # a server (not a test): the PDF process and its fonts
        try:
            PDF_PROCESS.warm()
        except Exception:
            log.exception("could not prepare the PDF reports")
