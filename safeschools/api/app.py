"""``create_app(settings)``: the FastAPI application of safeschools."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from safeschools import __version__, services
from safeschools.api.errors import install_error_handlers
from safeschools.api.routes import router as api_router
from safeschools.api.routes_equity import router as equity_router
from safeschools.api.routes_funds import router as funds_router
from safeschools.api.routes_officers import router as officers_router
from safeschools.api.routes_plans import router as plans_router
from safeschools.api.sessions import Sessions
from safeschools.services import equity as service_equity
from safeschools.services.accounts import session_secret
from safeschools.settings import Settings
from safeschools.storage import Store

log = logging.getLogger(__name__)

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
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.store = opened
    app.state.index_cache = services.IndexCache(opened, settings)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=3)
    app.add_middleware(Sessions, secret_key=session_secret(opened))
    install_error_handlers(app)
    app.include_router(api_router)
    app.include_router(funds_router)
    app.include_router(officers_router)
    app.include_router(plans_router)
    app.include_router(equity_router)
    _include_web(app)
    return app


def _warm(app: FastAPI) -> None:
    try:
        service_equity.warm_publications(app.state.store, settings=app.state.settings)
    except Exception:  # a page computes what it needs anyway; never take the server down
        log.exception("could not prepare the discipline publications")


def _include_web(app: FastAPI) -> Any:
    from safeschools.web import install

    return install(app)
