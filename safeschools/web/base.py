"""What every page route shares: the reader's language (``?lang=``, then the cookie, then
Accept-Language), the frame around a page's content, the page cache, the city's base map, and
the HTML error page. The routes import these; nothing here imports a route."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from safeschools import services
from safeschools.proximity import ExposureIndex
from safeschools.render import views
from safeschools.render.i18n import COOKIE, LANGUAGES, Lang, language, negotiate
from safeschools.render.jinja import render
from safeschools.render.maps import BaseMap, base_map_from_layers
from safeschools.server.sessions import SESSION_COOKIE, session_user_id
from safeschools.storage import Store

__all__ = [
    "base_map",
    "cached_page",
    "error_page",
    "html",
    "lang",
    "page",
    "refusal_page",
    "remember_language",
    "vintage",
]

_YEAR = 365 * 24 * 3600


def lang(request: Request) -> Lang:
    """The reader's language: ``?lang=``, then the cookie, then Accept-Language."""
    return language(
        negotiate(
            request.query_params.get("lang"),
            request.cookies.get(COOKIE),
            request.headers.get("accept-language"),
        )
    )


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    L: Lang,
    *,
    page: str,
    vintage: dict[str, Any] | None,
    status: int = 200,
) -> HTMLResponse:
    """A page's response: the template in its frame, the language remembered."""
    response = HTMLResponse(
        html(request, template, context, L, page=page, vintage=vintage), status_code=status
    )
    remember_language(request, response, L)
    return response


def html(
    request: Request,
    template: str,
    context: dict[str, Any],
    L: Lang,
    *,
    page: str,
    vintage: dict[str, Any] | None,
) -> str:
    """The template rendered in the frame every page shares (language links, vintage, ...)."""
    frame = views.chrome(
        L,
        path=request.url.path,
        query_items=request.query_params.multi_items(),
        vintage=vintage,
        page=page,
        signed_in=session_user_id(request) is not None,
    )
    return render(template, {**frame, **context}, L)


def cached_page(
    request: Request, L: Lang, build: Callable[[], str], *, version: int = 0
) -> HTMLResponse:
    """A page rendered once per data version, address and language, then served from memory.

    Kept here only for the readers the response cache does not keep answers for (a signed-in
    person, who gets the copy whose header offers to sign out, one holding a form's token, or
    one choosing a language with ``?lang=``, whose answer sets a cookie); everyone else's page is
    kept whole by :class:`~safeschools.server.response_cache.ResponseCache`. A new import
    empties this cache with the index.
    """
    asked_language = (request.query_params.get("lang") or "").strip().lower() in LANGUAGES
    if SESSION_COOKIE not in request.cookies and not asked_language:
        # the response cache keeps this answer whole (server/response_cache.py): once is enough
        response = HTMLResponse(build())
        remember_language(request, response, L)
        return response
    cache: services.IndexCache = request.app.state.index_cache
    key = (
        "page",
        request.url.path,
        tuple(sorted(request.query_params.multi_items())),
        L.code,
        version,
        session_user_id(request) is not None,
    )
    response = HTMLResponse(cache.memo(key, lambda _index: build()))
    remember_language(request, response, L)
    return response


def remember_language(request: Request, response: Response, L: Lang) -> None:
    """Keep a language chosen with ``?lang=`` in a cookie; say which language the page is in."""
    asked = (request.query_params.get("lang") or "").strip().lower()
    if asked in LANGUAGES:
        response.set_cookie(COOKIE, asked, max_age=_YEAR, samesite="lax", httponly=True)
    response.headers["Content-Language"] = L.code
    response.headers["Vary"] = "Accept-Language, Cookie"


def vintage(index: ExposureIndex) -> dict[str, Any]:
    """What data the index was built from (shown at the foot of every page)."""
    return dict(index.data.vintage)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """The HTML error page, one clear sentence in the reader's language (the application's
    error handlers call it for every error outside the API)."""
    L = lang(request)
    headings = {
        404: L.gettext("Not found"),
        400: L.gettext("This question cannot be answered"),
        422: L.gettext("This question cannot be answered"),
    }
    shown = None
    try:
        shown = vintage(request.app.state.index_cache.get())
    except Exception:
        shown = None
    heading = headings.get(status, L.gettext("Something went wrong"))
    if status == 413:  # a body cut off as it streamed in: in words (the API names the setting)
        message = L.gettext("What you sent is larger than this site accepts.")
    context = {"heading": heading, "message": message, "status": status}
    return page(request, "error.html", context, L, page="error", vintage=shown, status=status)


def refusal_page(
    request: Request, status: int, message: str, headers: dict[str, str]
) -> HTMLResponse:
    """The page of a request refused before it was read (too many at once: 429; too large:
    400, 413), rendered without reading the store, so that refusing stays cheap."""
    L = lang(request)
    # in words, for people (the API's answer names the limit and its setting)
    if status == 429:
        message = L.gettext(
            "Many people are asking for this right now. Please try again in a minute."
        )
    elif status == 413:
        message = L.gettext("What you sent is larger than this site accepts.")
    else:
        message = L.gettext("This address is too long, or asks for too much, to be answered.")
    context = {"heading": L.gettext("Something went wrong"), "message": message}
    return HTMLResponse(render("refused.html", context, L), status_code=status, headers=headers)


_BASE_MAPS: weakref.WeakKeyDictionary[Store, tuple[int, BaseMap | None]] = (
    weakref.WeakKeyDictionary()
)
_BASE_MAPS_LOCK = threading.Lock()


def base_map(store: Store) -> BaseMap | None:
    """The store's base map (boundaries and streets), rebuilt only when a new import has
    landed."""
    with store.engine.connect() as conn:
        key = store.max_import_id(conn=conn)
    with _BASE_MAPS_LOCK:
        hit = _BASE_MAPS.get(store)
        if hit is not None and hit[0] == key:
            return hit[1]
    built = base_map_from_layers(services.map_layers(store), services.street_lines(store))
    with _BASE_MAPS_LOCK:
        _BASE_MAPS[store] = (key, built)
    return built
