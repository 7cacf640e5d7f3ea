"""Caps and limits of the web server (issue 13, item 1): no request may ask for unbounded work.

Findings: one anonymous ``/api/sensitivity`` with 804 radii x 460 hour windows ran 92 s; a safety
plan accepted 5 MB per goal; every page and API route that reads the store after a form post ran
on the event loop. The concurrency of the expensive kinds under a real server is in
test_limits_server.py.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import Iterator

import anyio.to_thread
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from safeschools.app import create_app
from safeschools.server.limits import KINDS, Limiter, kind_of
from safeschools.settings import Settings
from safeschools.storage import Store


def _radii(n: int) -> str:
    return ",".join(f"{100 + i}m" for i in range(n))


def _windows(n: int) -> str:
    return ",".join(f"{h:02d}:{m:02d}-23:59" for h in range(23) for m in range(60))[: 12 * n - 1]


def _sensitivity(client: TestClient, radii: int, windows: int) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(
        "/api/sensitivity", params={"radii": _radii(radii), "hours_grid": _windows(windows)}
    )
    return time.perf_counter() - started, response


# ---------------------------------------------------------------------- caps (400, 413)
def test_the_804_by_460_grid_is_refused_at_once(client: TestClient) -> None:
    elapsed, response = _sensitivity(client, 804, 460)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "max_query_bytes" in response.json()["error"]  # type: ignore[attr-defined]
    assert elapsed < 2.0


def test_a_grid_over_the_cell_cap_is_refused_and_one_under_it_answers(
    client: TestClient,
) -> None:
    _, big = _sensitivity(client, 20, 12)  # 240 cells, a short query string
    assert big.status_code == 400  # type: ignore[attr-defined]
    error = big.json()["error"]  # type: ignore[attr-defined]
    assert "20 radii x 12 hours windows = 240 cells" in error and "max_grid_cells" in error
    _, small = _sensitivity(client, 10, 20)  # 200 cells
    assert small.status_code == 200, small.json()  # type: ignore[attr-defined]


def test_a_long_query_string_is_refused_on_the_api_and_on_a_page(client: TestClient) -> None:
    api = client.get("/api/schools", params={"x": "a" * 5000})
    assert api.status_code == 400
    assert "4,096 (max_query_bytes)" in api.json()["error"]
    page = client.get("/methodology", params={"x": "a" * 5000})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    # a page speaks to people: no setting's name (the API's answer names it)
    assert "max_query_bytes" not in page.text
    assert "This address is too long, or asks for too much, to be answered." in page.text
    spanish = client.get("/methodology", params={"x": "a" * 5000, "lang": "es"})
    assert "Esta dirección es demasiado larga" in spanish.text


def test_a_page_larger_than_the_cap_is_refused(client: TestClient) -> None:
    huge = client.get("/api/audit", params={"limit": 100000})
    assert huge.status_code == 400
    assert "limit=100000" in huge.json()["error"] and "500 (max_page_size)" in huge.json()["error"]
    assert client.get("/api/audit", params={"limit": 500}).status_code == 200


def test_a_5_mb_body_is_refused_with_413(client: TestClient) -> None:
    body = json.dumps({"goals": ["x" * (5 * 2**20)]}).encode()
    said = client.put("/api/schools/1/safety-plans/2024-25", content=body)
    assert said.status_code == 413
    assert "1,048,576 bytes (max_body_bytes)" in said.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        for _ in range(5):
            yield b"x" * 2**20

    streamed = client.post(
        "/api/funds/pools", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert "max_body_bytes" in streamed.json()["error"]
    form = client.post(
        "/schools/1/officers",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 413
    assert form.headers["content-type"].startswith("text/html")
    assert "max_body_bytes" not in form.text
    assert "What you sent is larger than this site accepts." in form.text


# ---------------------------------------------------------------------- limits (429)
@pytest.fixture
def strict(city_store: Store, settings: Settings) -> Iterator[TestClient]:
    """The application with one slot per kind, none waiting."""
    tight = settings.model_copy(
        update={"limit_concurrency": 1, "limit_queue": 0, "limit_refusal_delay_s": 0.3}
    )
    with TestClient(create_app(tight, store=city_store)) as http:
        yield http


def _limiter(client: TestClient) -> Limiter:
    limiter: Limiter = client.app.state.limiter  # type: ignore[attr-defined]
    return limiter


def test_a_full_kind_is_answered_429_and_a_kept_page_is_not_counted(strict: TestClient) -> None:
    kept = strict.get("/api/sensitivity", params={"radii": "100m,200m"})
    assert kept.status_code == 200 and kept.headers["x-cache"] == "miss"
    limiter = _limiter(strict)
    assert strict.portal.call(limiter.acquire, "sensitivity", "someone else") is None  # type: ignore[union-attr]
    try:
        again = strict.get("/api/sensitivity", params={"radii": "100m,200m"})
        assert again.status_code == 200 and again.headers["x-cache"] == "hit"
        started = time.perf_counter()
        new = strict.get("/api/sensitivity", params={"radii": "100m,300m"})
        assert new.status_code == 429
        assert time.perf_counter() - started >= 0.3  # held: retrying at once costs little
        assert new.headers["retry-after"] == "5"
        assert "limit_concurrency" in new.json()["error"]
        other_kind = strict.get("/api/exposure", params={"radius": "123m"})
        assert other_kind.status_code == 200  # another kind has its own slots
    finally:
        strict.portal.call(limiter.release, "sensitivity", "someone else")  # type: ignore[union-attr]
    assert strict.get("/api/sensitivity", params={"radii": "100m,300m"}).status_code == 200


def test_a_page_refused_429_speaks_to_people(strict: TestClient) -> None:
    limiter = _limiter(strict)
    assert strict.portal.call(limiter.acquire, "equity", "someone else") is None  # type: ignore[union-attr]
    try:
        page = strict.get("/equity", headers={"accept-language": "es"})
    finally:
        strict.portal.call(limiter.release, "equity", "someone else")  # type: ignore[union-attr]
    assert page.status_code == 429
    assert page.headers["retry-after"] == "5"
    assert "Muchas personas están pidiendo esto" in page.text
    assert "limit_" not in page.text


def test_one_client_may_not_hold_more_than_its_share(city_store: Store, settings: Settings) -> None:
    loose = settings.model_copy(update={"limit_concurrency": 5, "limit_per_client": 1})
    with TestClient(create_app(loose, store=city_store)) as http:
        limiter = _limiter(http)
        assert http.portal.call(limiter.acquire, "definition", "testclient") is None  # type: ignore[union-attr]
        try:
            mine = http.get("/api/exposure", params={"radius": "321m"})
            cached = http.get("/api/exposure", params={"preset": "abc7-2024"})
        finally:
            http.portal.call(limiter.release, "definition", "testclient")  # type: ignore[union-attr]
        assert mine.status_code == 429
        assert "limit_per_client" in mine.json()["error"]
        assert cached.status_code == 200  # a definition computed at start-up is not expensive
        assert http.get("/api/exposure", params={"radius": "321m"}).status_code == 200


def test_limits_can_be_turned_off(city_store: Store, settings: Settings) -> None:
    off = settings.model_copy(update={"limit_concurrency": 0})
    with TestClient(create_app(off, store=city_store)) as http:
        limiter = _limiter(http)
        assert not limiter.enabled
        assert http.get("/api/sensitivity", params={"radii": "100m"}).status_code == 200


def test_kinds_by_address() -> None:
    expected = {
        "/api/sensitivity": "sensitivity",
        "/schools/S1/report.pdf": "pdf",
        "/api/export/exposure-victims.csv": "export",
        "/api/export/schools.parquet": "export",
        "/api/officers.csv": "export",
        "/equity": "equity",
        "/evaluation": "equity",
        "/schools/S1/equity": "equity",
        "/api/equity": "equity",
        "/api/equity.csv": "equity",
        "/api/evaluation": "equity",
        "/api/schools/S1/outcomes.csv": "equity",
        "/": "definition",
        "/schools/S1": "definition",
        "/api/schools/S1": "definition",
        "/api/exposure": "definition",
        "/api/health": None,
        "/methodology": None,
        "/api/schools": None,
        "/static/site.css": None,
    }
    assert {path: kind_of("GET", path) for path in expected} == expected
    assert kind_of("POST", "/api/sensitivity") is None
    assert set(expected.values()) - {None} == set(KINDS)


def test_the_limiter_queues_hands_over_and_gives_up() -> None:
    async def scenario() -> list[object]:
        limiter = Limiter(concurrency=1, queue=1, per_client=2, wait_s=0.2, retry_after_s=3)
        first = await limiter.acquire("pdf", "a")
        waiting = asyncio.create_task(limiter.acquire("pdf", "b"))
        await asyncio.sleep(0.01)
        full = await limiter.acquire("pdf", "c")  # one running, one waiting: no room
        limiter.release("pdf", "a")  # the slot goes to b
        handed = await waiting
        timed_out = await limiter.acquire("pdf", "c")  # waits 0.2 s behind b, then gives up
        limiter.release("pdf", "b")
        after = await limiter.acquire("pdf", "c")
        limiter.release("pdf", "c")
        return [first, full, handed, timed_out, after, limiter.in_flight("pdf")]

    first, full, handed, timed_out, after, left = asyncio.run(scenario())
    assert first is None and handed is None and after is None
    assert "limit_queue" in str(full) and "limit_wait_s" in str(timed_out)
    assert left == 0


# ---------------------------------------------------------------------- the thread pool
def test_no_route_that_reads_the_store_runs_on_the_event_loop(client: TestClient) -> None:
    """A coroutine route runs on the event loop: every store read or write there stalls every
    other request. Routes are plain functions (run in the thread pool); a form is read by an
    async dependency first. (The sign-in routes are another item of the issue.)"""
    on_loop = [
        f"{route.path} {sorted(route.methods)}"
        for route in client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, APIRoute)
        and inspect.iscoroutinefunction(route.endpoint)
        and route.endpoint.__module__ != "safeschools.web.signin"
    ]
    assert on_loop == []


def test_the_thread_pool_has_the_bound_of_the_settings(
    city_store: Store, settings: Settings
) -> None:
    bounded = settings.model_copy(update={"worker_threads": 7})
    with TestClient(create_app(bounded, store=city_store)) as http:
        tokens = http.portal.call(  # type: ignore[union-attr]
            lambda: anyio.to_thread.current_default_thread_limiter().total_tokens
        )
    assert tokens == 7
