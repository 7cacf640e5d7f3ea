"""Dependencies the routes share: the store, the settings, the exposure index, a definition."""

from __future__ import annotations

from fastapi import Request

from safeschools import service
from safeschools.proximity import Definition, ExposureIndex
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = ["get_definition", "get_index", "get_settings", "get_store"]


def get_store(request: Request) -> Store:
    """The application's store."""
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_index(request: Request) -> ExposureIndex:
    """The exposure index for the store as it is now (rebuilt after an import)."""
    cache: service.IndexCache = request.app.state.index_cache
    return cache.get()


def get_definition(request: Request) -> Definition:
    """The definition the query string asks for (same names as the CLI flags)."""
    params = {k: ",".join(request.query_params.getlist(k)) for k in request.query_params}
    return service.definition_from_params(params, settings=get_settings(request))
