"""``create_app(settings)``: the FastAPI application of safeschools, the JSON API under
``/api`` (:mod:`safeschools.api`) and the HTML pages (:mod:`safeschools.web`) on one store,
with what they share (:mod:`safeschools.server`). Both render the same dicts the service
returns."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

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
from safeschools.api.openapi import install_openapi
from safeschools.render.i18n import COOKIE as LANG_COOKIE
from safeschools.render.jinja import STATIC
from safeschools.server.errors import install_error_handlers
from safeschools.server.inputs import check_request_text
from safeschools.server.response_cache import ResponseCache
from safeschools.server.security_headers import SecurityHeaders
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
from safeschools.web.base import base_map, error_page

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

    The store, the settings and a cache of the exposure index live on ``app.state``; nothing is
    read at import time.
    """
    settings = settings or Settings()
    opened = store or services.open_store_from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
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
        # every route refuses text that no page or store can carry, naming the field
        dependencies=[Depends(check_request_text)],
    )
    app.state.settings = settings
    app.state.store = opened
    app.state.index_cache = services.IndexCache(opened, settings)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=3)
    app.add_middleware(Sessions, secret_key=session_secret(opened))
    # a public page asked again is answered from its kept bytes until the data change
    app.add_middleware(
        ResponseCache,
        versions=opened.versions,
        session_cookie=SESSION_COOKIE,
        lang_cookie=LANG_COOKIE,
        timezone=settings.timezone,
    )
    # around everything, the kept answers too: what a browser may do with each answer
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
