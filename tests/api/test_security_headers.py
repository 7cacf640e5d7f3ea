"""Headers: every answer (pages, API, files, errors, kept answers) says what a browser may do
with it; no page needs an inline script; HSTS only over https."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store

PATHS = (
    "/",
    "/schools/1",
    "/schools/1/report",
    "/search?q=alpha",
    "/definitions",
    "/no-such-page",
    "/api/health",
    "/api/schools/1",
    "/api/export/schools.csv",
    "/api/no-such-thing",
    "/static/site.css",
    "/openapi.json",
    "/docs",
    "/redoc",
    "/api-docs-assets/swagger-init.js",
)


def _policy(header: str) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def test_every_answer_carries_the_headers_and_no_page_runs_inline_script(
    client: TestClient,
) -> None:
    for path in PATHS:
        answer = client.get(path)
        assert answer.status_code in (200, 404), path
        headers = answer.headers
        policy = _policy(headers["content-security-policy"])
        assert policy["frame-ancestors"] == "'none'", path
        assert "'unsafe-inline'" not in policy["script-src"], path
        assert policy["object-src"] == "'none'"
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "strict-transport-security" not in headers, path  # plain http
        if "text/html" in headers["content-type"]:
            # no inline script and no event-handler attribute for the policy to block
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", answer.text), path
            assert not re.search(r"<[^>]+\son[a-z]+\s*=", answer.text), path
    # only the printed report (its page rules carry words) and the API docs allow inline styles
    assert _policy(client.get("/schools/1").headers["content-security-policy"])["style-src"] == (
        "'self'"
    )


def test_a_kept_answer_replayed_carries_the_headers(client: TestClient) -> None:
    client.get("/schools/1")
    again = client.get("/schools/1")
    assert again.headers["x-cache"] == "hit"
    assert "frame-ancestors 'none'" in again.headers["content-security-policy"]
    assert again.headers["x-frame-options"] == "DENY"
    assert again.headers.get_list("x-frame-options") == ["DENY"]


@pytest.mark.parametrize(
    ("trust", "base_url", "forwarded", "hsts"),
    [
        (False, "https://testserver", None, True),
        (False, "http://testserver", "https", False),  # a client cannot claim https
        (True, "http://testserver", "https", True),  # behind a proxy that says so
        (True, "http://testserver", "http", False),
    ],
)
def test_hsts_only_on_https(
    city_store: Store,
    settings: Settings,
    trust: bool,
    base_url: str,
    forwarded: str | None,
    hsts: bool,
) -> None:
    configured = settings.model_copy(update={"trust_forwarded_proto": trust})
    with TestClient(create_app(configured, store=city_store), base_url=base_url) as http:
        headers = {"X-Forwarded-Proto": forwarded} if forwarded else {}
        answer = http.get("/api/health", headers=headers)
    assert ("strict-transport-security" in answer.headers) is hsts
    if hsts:
        assert answer.headers["strict-transport-security"] == "max-age=31536000"


def test_a_tile_server_is_allowed_for_images(city_store: Store, settings: Settings) -> None:
    configured = settings.model_copy(
        update={"map_tile_url": "http://127.0.0.1:8080/{z}/{x}/{y}.png"}
    )
    with TestClient(create_app(configured, store=city_store)) as http:
        policy = _policy(http.get("/").headers["content-security-policy"])
    assert policy["img-src"] == "'self' data: http://127.0.0.1:8080"
