"""``create_app(settings)``: the FastAPI application of safeschools, the JSON API under
``/api`` (:mod:`safeschools.api`) and the HTML pages (:mod:`safeschools.web`) on one store,
with what they share (:mod:`safeschools.server`). Both render the same dicts the service
returns."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
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
from safeschools.render.jinja import STATIC
from safeschools.server.errors import install_error_handlers
from safeschools.server.sessions import Sessions
from safeschools.services import equity as service_equity
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
from safeschools.web.base import error_page

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
        # Load the pairs before the first visitor, not during their request.
        await asyncio.to_thread(app.state.index_cache.get)
        # and, in the background, the suppressed discipline publications (checked once per
        # import), so the first visitor of an equity page does not wait for them
        warming = threading.Thread(target=_warm, args=(app,), name="warm-publications")
        warming.start()
        yield
        warming.join()
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
    install_error_handlers(app, html_page=error_page)
    for router in _API_ROUTERS:
        app.include_router(router)
    docs.install_api_docs(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in _PAGE_ROUTERS:
        app.include_router(router)
    return app


def _warm(app: FastAPI) -> None:
    try:
        service_equity.warm_publications(app.state.store, settings=app.state.settings)
    except Exception:  # a page computes what it needs anyway; never take the server down
        log.exception("could not prepare the discipline publications")
