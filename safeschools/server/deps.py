"""Dependencies the routes share: the store, the settings, the exposure index, a definition.

Two ways to read a definition from the query string, with the same names as the CLI flags:
:func:`get_definition` reads whatever the request carries (the HTML pages use it), and
:func:`definition_query` declares every parameter so that OpenAPI lists and describes them
(the JSON API uses it). Both hand the strings to
:func:`safeschools.services.definition_from_params`, so a bad value is the service's 400 with a
message that says what to write instead, never a framework's 422.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from safeschools import services
from safeschools.errors import AuthenticationError, NotFoundError
from safeschools.model import User
from safeschools.proximity import Definition, ExposureIndex
from safeschools.server.sessions import CSRF_HEADER, check_csrf, session_user_id
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "DEFINITION_PARAMS",
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


async def get_definition(request: Request) -> Definition:
    """The definition the query string asks for (same names as the CLI flags)."""
    params = {k: ",".join(request.query_params.getlist(k)) for k in request.query_params}
    return services.definition_from_params(params, settings=_settings(request))


#: The query parameters of a definition, with the help text OpenAPI shows for each.
DEFINITION_PARAMS: dict[str, str] = {
    "preset": "A named definition (see /api/presets); the other parameters change parts of it. "
    "With neither preset nor radius, the preset trace-500yd is used.",
    "radius": "Radius with units: 0.1mi, 500yd, 150m, 1000ft (a distance equal to the radius "
    "counts); at most the radius for which pairs are stored (0.5 mi by default).",
    "hours": "Local hours window, start included and end excluded: 07:00-17:00; 'all' for every "
    "hour.",
    "days": "all, weekdays or school-days (from the school calendar).",
    "season": "A part of every year, month-day to month-day: 09-01..06-15.",
    "since": "First date counted (inclusive), like 2023-02-01.",
    "until": "Last date counted (inclusive), like 2024-01-31.",
    "years": "The N years up to `until` (or the newest data), instead of `since`.",
    "age": "Victim age band(s), repeatable or comma-separated: 0-19, 20-29, ...",
    "type": "all, fatal or nonfatal.",
    "gunshot_only": "true to count only victimizations with a gunshot injury.",
    "school_year": "School list: 2024-25, latest (default) or incident (the school year each "
    "victimization happened in).",
    "governance": "Only schools of these governances (district, charter, contract, options); "
    "repeatable or comma-separated.",
    "grade": "Only these grade categories (ES, MS, HS); repeatable or comma-separated.",
    "source": "Only this data source, e.g. chicago-victims; repeatable or comma-separated.",
}


def _q(name: str) -> str:
    return DEFINITION_PARAMS[name]


Text = str | None
Many = list[str] | None


async def definition_query(
    request: Request,
    preset: Annotated[Text, Query(description=_q("preset"))] = None,
    radius: Annotated[Text, Query(description=_q("radius"), examples=["0.1mi"])] = None,
    hours: Annotated[Text, Query(description=_q("hours"), examples=["07:00-17:00"])] = None,
    days: Annotated[Text, Query(description=_q("days"), examples=["weekdays"])] = None,
    season: Annotated[Text, Query(description=_q("season"))] = None,
    since: Annotated[Text, Query(description=_q("since"), examples=["2025-02-01"])] = None,
    until: Annotated[Text, Query(description=_q("until"), examples=["2026-01-31"])] = None,
    years: Annotated[Text, Query(description=_q("years"))] = None,
    age: Annotated[Many, Query(description=_q("age"))] = None,
    type_: Annotated[Text, Query(alias="type", description=_q("type"))] = None,
    gunshot_only: Annotated[Text, Query(description=_q("gunshot_only"))] = None,
    school_year: Annotated[Text, Query(description=_q("school_year"))] = None,
    governance: Annotated[Many, Query(description=_q("governance"))] = None,
    grade: Annotated[Many, Query(description=_q("grade"))] = None,
    source: Annotated[Many, Query(description=_q("source"))] = None,
) -> Definition:
    """The definition the query string asks for, every parameter declared for OpenAPI."""
    params = {
        "preset": preset,
        "radius": radius,
        "hours": hours,
        "days": days,
        "season": season,
        "since": since,
        "until": until,
        "years": years,
        "age": age,
        "type": type_,
        "gunshot_only": gunshot_only,
        "school_year": school_year,
        "governance": governance,
        "grade": grade,
        "source": source,
    }
    return services.definition_from_params(params, settings=_settings(request))


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
    store: Store = request.app.state.store
    return services.user_for_token(store, token)


def _session_user(request: Request) -> User | None:
    """The signed-in person of a web session; an API write with a session (not a token) must
    also send the session's CSRF token in ``X-CSRF-Token``."""
    user_id = session_user_id(request)
    if user_id is None:
        return None
    store: Store = request.app.state.store
    try:
        user = store.user_by_id(user_id)
    except NotFoundError:
        return None
    if not user.active:
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
