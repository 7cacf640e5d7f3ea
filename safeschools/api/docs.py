"""The API's documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served from
this machine: their scripts and styles come from an installed package (``fastapi-offline``,
in the ``server`` extra) under ``/api-docs-assets/``, never from a CDN, and ReDoc loads no web
font. This is FastAPI's documented self-hosting recipe with the assets of that package."""

from __future__ import annotations

import functools
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

__all__ = ["ASSETS_URL", "assets_folder", "install_api_docs"]

#: Where the Swagger UI and ReDoc files are served.
ASSETS_URL = "/api-docs-assets"
#: What the docs pages may load: this site only (their inline start-up script, ReDoc's worker
#: and images drawn in the page).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "worker-src 'self' blob:; connect-src 'self'"
)


def _local_only(page: Response) -> HTMLResponse:
    return HTMLResponse(
        bytes(page.body), headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY}
    )


def assets_folder() -> Path:
    """The folder of the installed package that holds ``swagger-ui-bundle.js``,
    ``swagger-ui.css``, ``redoc.standalone.js`` and ``favicon.png``."""
    try:
        folder = Path(str(files("fastapi_offline") / "static"))
    except ModuleNotFoundError as exc:
        msg = "The API documentation pages need: pip install 'safeschools[server]'"
        raise ImportError(msg) from exc
    return folder


#: ReDoc's sidebar shows a logo it fetches from its CDN; the copy served here draws none.
_REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@functools.cache
def _redoc_script() -> bytes:
    """The package's ``redoc.standalone.js`` with its one request to another host (the logo)
    taken out: an image that fails to load, which ReDoc then hides."""
    text = (assets_folder() / "redoc.standalone.js").read_text(encoding="utf-8")
    return text.replace(_REDOC_LOGO, "data:,").encode("utf-8")


def install_api_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and ``/redoc`` for ``app`` (created with ``docs_url=None`` and
    ``redoc_url=None``) with the assets of the installed package."""
    router = APIRouter(include_in_schema=False)
    openapi_url = app.openapi_url or "/openapi.json"

    @router.get("/docs", response_class=HTMLResponse)
    def swagger_ui() -> HTMLResponse:
        return _local_only(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{app.title}: API",
                swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
                swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
                swagger_ui_parameters={"validatorUrl": None},
            )
        )

    @router.get("/redoc", response_class=HTMLResponse)
    def redoc() -> HTMLResponse:
        return _local_only(
            get_redoc_html(
                openapi_url=openapi_url,
                title=f"{app.title}: API",
                redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
                redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
                with_google_fonts=False,
            )
        )

    @router.get(f"{ASSETS_URL}/redoc.standalone.js")
    def redoc_script() -> Response:
        return Response(_redoc_script(), media_type="text/javascript")

    app.include_router(router)  # before the folder, so its ReDoc script answers first
    app.mount(ASSETS_URL, StaticFiles(directory=str(assets_folder())), name="api-docs-assets")
