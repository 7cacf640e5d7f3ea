"""``create_app(settings)``: the FastAPI application of safeschools, the JSON API under
``/api`` (:mod:`safeschools.api`) and the HTML pages (:mod:`safeschools.web`) on one store,
with what they share (:mod:`safeschools.server`). Both render the same dicts the service
returns."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Scope

from safeschools import __version__, services
from safeschools.api import (
    docs,
    routes,
    routes_council,
    routes_equity,
    routes_funds,
    routes_officers,
    routes_plans,
)
from safeschools.render.i18n import COOKIE as LANG_COOKIE
from safeschools.render.jinja import STATIC
from safeschools.server.errors import error_body, install_error_handlers
from safeschools.server.limits import KindLimits, Limiter, RequestCaps
from safeschools.server.response_cache import ResponseCache
from safeschools.server.sessions import SESSION_COOKIE, Sessions
from safeschools.services import evaluation as service_evaluation
from safeschools.services.accounts import session_secret
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.web import (
    council_forms,
    equity,
    funds,
    funds_forms,
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
)

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """Build the application for ``settings`` (or an already opened ``store``).

    The store, the settings, a cache of the exposure index and the limiter of expensive requests
    (:mod:`safeschools.server.limits`) live on ``app.state``; nothing is read at import time.
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
        yield
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
    )
    app.state.settings = settings
    app.state.store = opened
    app.state.index_cache = services.IndexCache(opened, settings)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=3)
    app.add_middleware(Sessions, secret_key=session_secret(opened))
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
        versions=opened.versions,
        session_cookie=SESSION_COOKIE,
        lang_cookie=LANG_COOKIE,
        timezone=settings.timezone,
    )
    # outermost: a query string, a page or a body beyond its cap is refused before anything
    app.add_middleware(RequestCaps, settings=settings, respond=_refuse)
    install_error_handlers(app, html_page=error_page)
    for router in _API_ROUTERS:
        app.include_router(router)
    docs.install_api_docs(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in _PAGE_ROUTERS:
        app.include_router(router)
    return app


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
