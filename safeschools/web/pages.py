"""Page routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from safeschools import service
from safeschools.api.deps import get_definition, get_index, get_settings, get_store
from safeschools.proximity import Definition, ExposureIndex
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.web import templates

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def overview(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
    index: Annotated[ExposureIndex, Depends(get_index)],
    definition: Annotated[Definition, Depends(get_definition)],
) -> HTMLResponse:
    """The district overview."""
    data = service.district_overview(store, definition, settings=settings, index=index)
    return templates.TemplateResponse(request, "overview.html", {"data": data})
