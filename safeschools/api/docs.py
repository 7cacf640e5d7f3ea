"""The API's documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served from
this machine: their scripts and styles come from an installed package (``fastapi-offline``,
in the ``server`` extra) under ``/api-docs-assets/``, never from a CDN, and ReDoc loads no web
font. This is FastAPI's documented self-hosting recipe with the assets of that package; Swagger
UI's start-up script is served as a file too, so neither page runs an inline script."""

from __future__ import annotations

import functools
import re
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from safeschools.server.security_headers import content_security_policy

__all__ = ["ASSETS_URL", "assets_folder", "install_api_docs"]

#: Where the Swagger UI and ReDoc files are served.
ASSETS_URL = "/api-docs-assets"
#: What the docs pages may load: this site only (no inline script; the styles both draw in
#: the page, ReDoc's worker and the images drawn in the page).
CONTENT_SECURITY_POLICY = content_security_policy(inline_styles=True, workers=True)
#: Swagger UI's start-up script, served as a file instead of inline.
SWAGGER_INIT = "swagger-init.js"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _local_only(page: Response) -> HTMLResponse:
    return HTMLResponse(
        bytes(page.body), headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY}
    )


def _without_inline_script(page: Response) -> tuple[HTMLResponse, bytes]:
    """The page with its inline script replaced by a ``<script src>`` of it, and the script."""
    html = bytes(page.body).decode("utf-8")
    found = _INLINE_SCRIPT.search(html)
    script = found.group(1) if found else ""
    tag = f'<script src="{ASSETS_URL}/{SWAGGER_INIT}"></script>'
    html = _INLINE_SCRIPT.sub(lambda _: tag, html, count=1)
    return _local_only(HTMLResponse(html)), script.encode("utf-8")


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

    swagger_page, swagger_init = _without_inline_script(
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title}: API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},
        )
    )

    @router.get("/docs", response_class=HTMLResponse)
    def swagger_ui() -> HTMLResponse:
        return _local_only(HTMLResponse(swagger_page.body))

    @router.get(f"{ASSETS_URL}/{SWAGGER_INIT}")
    def swagger_script() -> Response:
        return Response(swagger_init, media_type="text/javascript")

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
