"""HTML pages: Jinja templates rendering the same dicts the API returns, in English and Spanish.

Maps and charts are SVG drawn on the server (:mod:`safeschools.web.svg`); nothing is loaded from
another host. The page routes live in :mod:`safeschools.web.pages` (FastAPI); the templates, the
translations and the SVG need only Jinja2 and Babel, so the printable reports
(:mod:`safeschools.reports`) use them without a server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse

__all__ = ["error_page", "install"]


def install(app: FastAPI) -> None:
    """Mount the static files and the page routes on ``app``."""
    from fastapi.staticfiles import StaticFiles

    from safeschools.web.council_forms import router as council_forms_router
    from safeschools.web.equity import router as equity_router
    from safeschools.web.funds import router as funds_router
    from safeschools.web.funds_forms import router as funds_forms_router
    from safeschools.web.officers import router as officers_router
    from safeschools.web.officers_forms import router as officers_forms_router
    from safeschools.web.pages import router
    from safeschools.web.render import STATIC
    from safeschools.web.signin import router as signin_router

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(router)
    app.include_router(funds_router)
    app.include_router(officers_router)
    app.include_router(signin_router)
    app.include_router(council_forms_router)
    app.include_router(officers_forms_router)
    app.include_router(funds_forms_router)
    app.include_router(equity_router)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An HTML error page with one clear sentence, in the reader's language."""
    from safeschools.web.pages import error_response

    return error_response(request, status, message)
