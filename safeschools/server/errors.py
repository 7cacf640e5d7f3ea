"""One error shape for every API error, and an HTML page for every page error.

JSON body: ``{"ok": false, "error": "...", "errors": [...], "status": 404}``, for every status:
400 for a value the service refuses (:class:`~safeschools.errors.SafeSchoolsError`), 404 for
something unknown (:class:`~safeschools.errors.NotFoundError`, or no such route), 405 for a
wrong method (with ``Allow``: every method the path answers), 422 for a parameter of the
wrong type, 500 for a bug (logged, never shown).
Outside ``/api``, ``/openapi`` and ``/docs`` the same error is the HTML page that the
application passes in (:func:`safeschools.web.base.error_page`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from safeschools.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    SafeSchoolsError,
)

__all__ = ["ErrorPage", "allowed_methods", "error_body", "install_error_handlers", "status_for"]

#: Renders the HTML page of an error: ``page(request, status, message)``.
ErrorPage = Callable[[Request, int, str], Response]

log = logging.getLogger(__name__)

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def error_body(status: int, message: str, errors: list[Any] | None = None) -> dict[str, Any]:
    """The JSON body of every API error."""
    return {"ok": False, "error": message, "errors": errors or [], "status": status}


def status_for(exc: SafeSchoolsError) -> int:
    """404 unknown, 401 not signed in, 403 not allowed, 409 conflict, 400 any other mistake."""
    for kind, status in (
        (NotFoundError, 404),
        (AuthenticationError, 401),
        (PermissionDeniedError, 403),
        (ConflictError, 409),
    ):
        if isinstance(exc, kind):
            return status
    return 400


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at the request's path (for ``Allow`` on a 405)."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api", "/openapi", "/docs"))


def install_error_handlers(app: FastAPI, *, html_page: ErrorPage) -> None:
    """Translate every error once, at the edge: JSON for the API, ``html_page`` for a page."""

    def _respond(
        request: Request,
        status: int,
        message: str,
        errors: list[Any],
        headers: dict[str, str] | None = None,
    ) -> Response:
        if _wants_html(request):
            response = html_page(request, status, message)
        else:
            response = JSONResponse(error_body(status, message, errors), status_code=status)
        response.headers.update(headers or {})
        return response

    @app.exception_handler(SafeSchoolsError)
    async def _domain(request: Request, exc: SafeSchoolsError) -> Response:
        return _respond(request, status_for(exc), str(exc), [])

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        first = errors[0]["msg"] if errors else "invalid request"
        return _respond(request, 422, f"Invalid request: {first}", errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.detail else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"No page at {request.url.path}; see /docs for the API."
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            allowed = allowed_methods(request)
            headers["Allow"] = ", ".join(allowed)
            message = f"Method Not Allowed: {request.method} here; use {' or '.join(allowed)}."
        return _respond(request, exc.status_code, message, [], headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("Unexpected error on %s", request.url.path, exc_info=exc)
        message = "Something went wrong on the server; the error was logged. Try again later."
        return _respond(request, 500, message, [])
