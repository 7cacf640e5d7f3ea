"""An optional tile server under the maps, by setting; none by default."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from safeschools.app import create_app
from safeschools.model import School
from safeschools.render import svg
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, point_at, victim


def test_tile_layer_covers_the_picture_with_placed_tiles() -> None:
    projection = svg.fit_projection((-87.71, 41.79, -87.69, 41.81), width=480, height=480)
    layer = svg.tile_layer(projection, "http://127.0.0.1:9/{z}/{x}/{y}.png")
    hrefs = re.findall(r'href="([^"]+)"', layer)
    assert 1 <= len(hrefs) <= 16
    zooms = {h.split("/")[3] for h in hrefs}
    assert len(zooms) == 1 and 13 <= int(zooms.pop()) <= 17
    assert svg.tile_layer(projection, "http://x/{z}/{x}/{y}.png", max_tiles=0) == ""


def test_settings_refuse_a_template_without_placeholders() -> None:
    with pytest.raises(ValueError, match=r"\{z\}, \{x\} and \{y\}"):
        Settings(map_tile_url="http://tiles.example/tile.png")


def test_school_page_draws_tiles_only_when_set(sqlite_only_store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    school = School("1", "2024-25", "Alpha", lat=41.8, lon=-87.7)
    v = victim("v1", *point_at(41.8, -87.7, distance_m=100), datetime(2025, 1, 6, 9))
    plain = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}")
    load_records(sqlite_only_store, plain, schools=[school], victims=[v])
    with TestClient(create_app(plain, store=sqlite_only_store)) as http:
        page = http.get("/schools/1").text
    assert "<image" not in page
    tiled = plain.model_copy(
        update={
            "map_tile_url": "http://127.0.0.1:9/{z}/{x}/{y}.png",
            "map_tile_attribution": "Tiles: our own server",
        }
    )
    with TestClient(create_app(tiled, store=sqlite_only_store)) as http:
        page = http.get("/schools/1").text
    assert 'href="http://127.0.0.1:9/' in page and "Tiles: our own server" in page
