"""Dependencies the routes share: the store, the settings, the exposure index, a definition.

Two ways to read a definition from the query string, both with the names of the one table of
parameters (:data:`safeschools.proximity.params.PARAMS`): :func:`get_definition` reads whatever
the request carries (the HTML pages use it), and :func:`definition_query` declares every
parameter of the table so that OpenAPI lists and describes them (the JSON API uses it). Both
hand the strings to :func:`~safeschools.proximity.params.definition_from_params`, so a bad
value is a 400 with a message that says what to write instead, never a framework's 422.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from safeschools import services
from safeschools.errors import AuthenticationError
from safeschools.model import User
from safeschools.proximity import Definition, ExposureIndex
from safeschools.proximity.params import PARAMS, Param, definition_from_params
from safeschools.server.sessions import CSRF_HEADER, check_csrf, session_user
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "ApiDefinitionDep",
    "DefinitionDep",
    "IndexCacheDep",
    "IndexDep",
    "SettingsDep",
    "StoreDep",
    "definition_query",
    "get_definition",
    "get_index",
    "get_index_cache",
    "get_settings",
    "get_store",
    "get_user",
    "query_params",
    "require_user",
]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _index_cache(request: Request) -> services.IndexCache:
    cache: services.IndexCache = request.app.state.index_cache
    return cache


# The dependencies that neither wait nor compute much are coroutines: FastAPI runs a plain
# function dependency in a worker thread, and under load those hops cost more than the work.


async def get_store(request: Request) -> Store:
    """The application's store."""
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    """The application's settings."""
    return _settings(request)


async def get_index_cache(request: Request) -> services.IndexCache:
    """The application's cache of the exposure index (and of per-definition results)."""
    return _index_cache(request)


def get_index(request: Request) -> ExposureIndex:
    """The exposure index for the store as it is now (rebuilt after an import, which takes
    seconds: a worker thread, not the event loop, waits for it)."""
    return _index_cache(request).get()


def query_params(request: Request) -> dict[str, str]:
    """The query string as the reader of a definition takes it (repeated values joined by
    commas, empty ones left out)."""
    return {
        k: ",".join(v for v in request.query_params.getlist(k) if v) for k in request.query_params
    }


async def get_definition(request: Request) -> Definition:
    """The definition the query string asks for (the pages: whatever the request carries)."""
    return definition_from_params(query_params(request), settings=_settings(request))


#: What OpenAPI (and the edge) take for a whole number, a date and a school list.
_PATTERNS = {
    "number": r"^ *\d{0,3} *$",
    "date": r"^ *(\d{4}-\d{2}-\d{2})? *$",
    "school_year": r"^ *(\d{4}-\d{2}|latest|incident|all)? *$",
}


def _declared(p: Param) -> inspect.Parameter:
    """A query parameter of the table as FastAPI reads it (a list where it may repeat)."""
    kind: Any = list[str] | None if p.kind == "many" else str | None
    pattern = _PATTERNS.get(p.name, _PATTERNS.get(p.kind))
    # the pattern is documented, not enforced here: the definition's reader answers a bad
    # value with a 400 that says what to write instead
    query = Query(
        description=p.query_help,
        examples=[p.example] if p.example else None,
        json_schema_extra={"pattern": pattern} if pattern else None,
    )
    assert p.query is not None, p.name
    return inspect.Parameter(
        p.query, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[kind, query]
    )


async def definition_query(request: Request, **params: Any) -> Definition:
    """The definition the query string asks for, every parameter declared for OpenAPI."""
    return definition_from_params(params, settings=_settings(request))


# FastAPI reads the parameters from the signature: one per query parameter of the table.
definition_query.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        *(_declared(p) for p in PARAMS if p.query is not None),
    ],
    return_annotation=Definition,
)


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
IndexDep = Annotated[ExposureIndex, Depends(get_index)]
IndexCacheDep = Annotated[services.IndexCache, Depends(get_index_cache)]
ApiDefinitionDep = Annotated[Definition, Depends(definition_query)]
DefinitionDep = Annotated[Definition, Depends(get_definition)]


def get_user(request: Request) -> User | None:
    """The account behind ``Authorization: Bearer TOKEN`` or a signed-in web session, or None
    for the public.

    A wrong or revoked token is an error (401), never silently the public.
    """
    header = request.headers.get("authorization", "")
    if not header:
        return _session_user(request)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        msg = "Send the API token as 'Authorization: Bearer TOKEN'."
        raise AuthenticationError(msg)
    state = request.app.state
    return services.user_for_token(state.store, token, settings=state.settings, now=state.clock)


def _session_user(request: Request) -> User | None:
    """The signed-in person of a web session that still runs on the server; an API write with
    a session (not a token) must also send the session's CSRF token in ``X-CSRF-Token``."""
    user = session_user(request)
    if user is None:
        return None
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.url.path.startswith("/api"):
        check_csrf(request, request.headers.get(CSRF_HEADER))
    return user


def require_user(request: Request) -> User:
    """The signed-in account; every write route depends on it (401 without one)."""
    user = get_user(request)
    if user is None:
        msg = (
            "This needs an account: send 'Authorization: Bearer TOKEN' (safeschools tokens create)."
        )
        raise AuthenticationError(msg)
    return user
