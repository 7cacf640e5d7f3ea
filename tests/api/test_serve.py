"""`safeschools serve` runs the real server (uvicorn) and says where to open it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from api_city import load_city

from safeschools.server.shared_pages import SharedPages
from safeschools.settings import Settings
from safeschools.testing import sqlite_store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_answers_on_127_0_0_1_and_prints_the_url(tmp_path: Path) -> None:
    path = tmp_path / "served.db"
    store = sqlite_store(path)
    load_city(store, Settings(database_url=f"sqlite:///{path}"))
    store.dispose()
    port = _free_port()
    command = [
        sys.executable,
        "-c",
        "from safeschools.cli import main; main()",
        "--database-url",
        f"sqlite:///{path}",
        "serve",
        "--port",
        str(port),
    ]
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TZ": "America/Chicago", "SAFESCHOOLS_DATA_DIR": str(tmp_path)},
        )
    try:
        health = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None, log.read_text()
        assert health.status_code == 200
        assert health.json()["schools"] == 8 and health.json()["victimizations"] == 6
        # the district's pages were prepared before it answered
        overview = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert overview.status_code == 200 and overview.headers["x-cache"] == "hit"
        exposure = httpx.get(f"http://127.0.0.1:{port}/api/exposure?preset=trace-500yd", timeout=10)
        assert exposure.json()["victims"] == 5
        # while idle it prepares the most visited pages, kept where every worker finds them
        pages = SharedPages(tmp_path / "pages" / "pages.sqlite")
        deadline = time.monotonic() + 60
        while len(pages) < 2 * (5 + 10) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(pages) >= 2 * (5 + 10)  # 5 schools and 10 district pages, in 2 languages
        school = httpx.get(f"http://127.0.0.1:{port}/schools/2", timeout=10)
        assert school.status_code == 200 and school.headers["x-cache"] == "hit"
    finally:
        process.terminate()
        process.wait(timeout=20)
    output = log.read_text()
    assert f"http://127.0.0.1:{port}/" in output.splitlines()[0]
    assert f"http://127.0.0.1:{port}/docs" in output
