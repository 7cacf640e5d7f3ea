"""HTML pages: Jinja templates rendering the same dicts the API returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

__all__ = ["error_page", "install", "templates"]

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def install(app: FastAPI) -> None:
    """Mount the static files and the page routes on ``app``."""
    from safeschools.web.pages import router

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(router)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An HTML error page with one clear sentence."""
    context: dict[str, Any] = {"request": request, "status": status, "message": message}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)
