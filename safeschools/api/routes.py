"""The JSON API. Every route returns what a service function returns; nothing is computed here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from safeschools import __version__, service
from safeschools.api.deps import get_definition, get_index, get_settings, get_store
from safeschools.proximity import Definition, ExposureIndex
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])

StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
IndexDep = Annotated[ExposureIndex, Depends(get_index)]
DefinitionDep = Annotated[Definition, Depends(get_definition)]


@router.get("/health")
def health(store: StoreDep) -> dict[str, Any]:
    """Liveness, the version and what the store holds."""
    return {"ok": True, "version": __version__, "schools": store.count("schools"),
            "victimizations": store.count("victimizations")}


@router.get("/exposure")
def exposure(definition: DefinitionDep, index: IndexDep) -> dict[str, Any]:
    """Violence near every school under one definition (query parameters as the CLI flags:
    preset, radius, hours, days, season, since, until, years, age, type, gunshot_only,
    school_year, governance, grade, source)."""
    return index.query(definition).to_dict()
