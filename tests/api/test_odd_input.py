"""No 500 and no dropped connection on odd input: numbers past 64 bits, names outside Latin-1
in a file name, CR/LF/NUL in a path (on a real uvicorn, byte for byte), NUL on PostgreSQL,
and a wrong method answered 405 with ``Allow``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_city import load_city
from fastapi.testclient import TestClient

from safeschools.app import create_app
from safeschools.server.downloads import content_disposition
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import sqlite_store

HUGE = "9" * 25  # past 64 bits


@pytest.fixture
def any_client(store: Store, settings: Settings) -> Iterator[TestClient]:
    """The application on the hand-built city, on SQLite and on PostgreSQL."""
    load_city(store, settings)
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as http:
        yield http


def test_numbers_past_64_bits_are_refused_not_a_500(any_client: TestClient) -> None:
    for path in (
        f"/api/funds/pools/{HUGE}",
        f"/api/funds/pools/{HUGE}/allocations",
        f"/api/funds/pools/1/allocations?version={HUGE}",
        f"/api/funds/rollup?pool_id={HUGE}",
        f"/api/exposure?years={HUGE}",
        f"/api/exposure?years={HUGE[:3]}",
        f"/schools/1?years={HUGE}",
    ):
        answer = any_client.get(path)
        assert answer.status_code in (400, 404, 422), (path, answer.status_code, answer.text[:200])
    answer = any_client.patch(f"/api/schools/1/council/members/{HUGE}", json={"version": 1})
    assert answer.status_code in (401, 422)


def test_nul_and_control_characters_in_a_path_are_a_400_on_every_backend(
    any_client: TestClient,
) -> None:
    # PostgreSQL refuses NUL in text: the edge answers before any query
    for path in ("/api/schools/%00", "/api/schools/%00/officers", "/api/schools/a%00b/council"):
        answer = any_client.get(path)
        assert answer.status_code == 400, (path, answer.text)
        assert "NUL (U+0000)" in answer.json()["error"]
    assert any_client.get("/schools/%00").status_code == 400


def test_a_file_name_outside_latin_1_is_kept_per_rfc_5987(any_client: TestClient) -> None:
    answer = any_client.get("/api/schools/é€/officers.csv")
    assert answer.status_code == 200
    header = answer.headers["content-disposition"]
    assert header == (
        "attachment; filename=\"officers.csv\"; filename*=UTF-8''officers-%C3%A9%E2%82%AC.csv"
    )
    assert content_disposition("a\r\nb.csv") == (
        "attachment; filename=\"a-b.csv\"; filename*=UTF-8''a%0D%0Ab.csv"
    )


def test_a_wrong_method_is_a_405_with_allow(any_client: TestClient) -> None:
    for method, path, allowed in (
        ("DELETE", "/api/health", "GET"),
        ("TRACE", "/api/schools/1/safety-plans/2024-25", "GET, PUT"),
        ("DELETE", "/api/funds/pools/1", "GET, PATCH"),
        ("POST", "/schools/1", "GET"),
    ):
        answer = any_client.request(method, path)
        assert answer.status_code == 405, (method, path)
        assert answer.headers["allow"] == allowed, (method, path)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The real server (uvicorn) on the hand-built city, on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("served")
    path = folder / "served.db"
    store = sqlite_store(path)
    load_city(store, Settings(database_url=f"sqlite:///{path}"))
    store.dispose()
    port = _free_port()
    command = [
        sys.executable, "-c", "from safeschools.cli import main; main()",
        "--database-url", f"sqlite:///{path}", "serve", "--port", str(port),
    ]  # fmt: skip
    log = folder / "server.log"
    with log.open("wb") as out:
        env = {**os.environ, "TZ": "America/Chicago"}
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "Traceback" not in Path(log).read_text()


def _raw_get(port: int, target: bytes) -> bytes:
    """Send a request line byte for byte; what came back before the server closed."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


@pytest.mark.parametrize(
    ("target", "status"),
    [
        (b"/api/schools/a\rb/officers.csv", b"400"),
        (b"/api/schools/a\nb/officers.csv", b"400"),
        (b"/api/schools/a\x00b/officers.csv", b"400"),
        (b"/api/schools/%0D%0ASet-Cookie:x=1/officers.csv", b"400"),
        (b"/api/schools/%00/officers.csv", b"400"),
        (b"/api/schools/%E2%82%AC/officers.csv", b"200"),
        (b"/api/export/schools.csv?school_year=%0D%0A", b"400"),
        (b"/signin?next=/%0d%0aSet-Cookie:x=1", b"400"),
    ],
)
def test_cr_lf_and_nul_in_a_path_get_an_answer_not_a_dropped_connection(
    served: int, target: bytes, status: bytes
) -> None:
    answer = _raw_get(served, target)
    head, _, _body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 " + status), answer[:300]
    assert b"set-cookie: x=1" not in head.lower()
    # the server still answers the next visitor
    assert _raw_get(served, b"/api/health").startswith(b"HTTP/1.1 200")
