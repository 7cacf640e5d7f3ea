"""/docs and /redoc work offline: every script, style and icon they name is served by this
application from an installed package, and nothing names another host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from safeschools.api.docs import ASSETS_URL, SWAGGER_INIT, assets_folder
from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.fixture
def client(sqlite_only_store: Store, settings: Settings) -> TestClient:
    return TestClient(create_app(settings, store=sqlite_only_store))


@pytest.mark.parametrize(("path", "script"), [("/docs", "swagger-ui-bundle.js"),
                                              ("/redoc", "redoc.standalone.js")])  # fmt: skip
def test_the_docs_pages_load_only_from_this_site(
    client: TestClient, path: str, script: str
) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text, "a CDN or web font"
    assets = ASSET.findall(page.text)
    assert f"{ASSETS_URL}/{script}" in assets
    for url in assets:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert len(answer.content) > 1000 or url.endswith(SWAGGER_INIT), url
        assert b"cdn.redoc.ly" not in answer.content, url
    start_up = client.get(f"{ASSETS_URL}/{SWAGGER_INIT}").text if path == "/docs" else page.text
    assert "/openapi.json" in start_up
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data: blob:" in policy
    # no inline script: Swagger UI's start-up script is a file of this site too
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    assert client.get("/openapi.json").json()["info"]["title"] == "safeschools"


def test_the_assets_come_from_an_installed_package() -> None:
    folder = assets_folder()
    assert "site-packages" in str(folder) or "dist-packages" in str(folder)
    repository = Path(__file__).resolve().parents[2]
    # an installed package, maybe in the repository's own .venv, never in its source tree
    assert (repository / "safeschools") not in folder.parents, "the assets are not copied"
    assert {"swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"} <= {
        p.name for p in folder.iterdir()
    }
