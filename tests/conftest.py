"""Shared fixtures. Store tests run on SQLite and, when SAFESCHOOLS_TEST_POSTGRES_URL names a
server (CI starts one), on PostgreSQL too; in CI a missing server is an error, never a skip."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.demo_city import DemoCity, build_demo_city

from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import REAL_DATA, fresh_postgres_store, sqlite_store

POSTGRES_URL = os.environ.get("SAFESCHOOLS_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
#: Chromium for the browser tests (tests/browser); Debian's package by default.
BROWSER = Path(os.environ.get("SAFESCHOOLS_BROWSER", "/usr/bin/chromium"))
AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"

os.environ.setdefault("TZ", "America/Chicago")


def pytest_sessionstart(session: pytest.Session) -> None:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError(
            "CI must run the store tests on PostgreSQL: set SAFESCHOOLS_TEST_POSTGRES_URL "
            "(.ci/run starts a server with .ci/start-postgres)."
        )
    if IN_CI and not BROWSER.is_file():
        raise pytest.UsageError(
            f"CI must run the browser tests: no Chromium at {BROWSER} "
            "(.ci/run installs Debian's chromium; or set SAFESCHOOLS_BROWSER)."
        )
    if IN_CI and not AXE_JS.is_file():
        raise pytest.UsageError(
            f"CI must run the accessibility tests: {AXE_JS} is missing (make install runs npm ci)."
        )
    if not REAL_DATA.is_dir():
        raise pytest.UsageError(f"The real data folder {REAL_DATA} is missing.")


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, migrated store on each backend."""
    if request.param == "sqlite":
        s = sqlite_store(tmp_path / "store.db")
        yield s
        s.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL server: set SAFESCHOOLS_TEST_POSTGRES_URL to run on it")
    with fresh_postgres_store(POSTGRES_URL) as s:
        yield s


@pytest.fixture
def sqlite_only_store(tmp_path: Path) -> Iterator[Store]:
    """A fresh SQLite store, for tests that are not about the backend."""
    s = sqlite_store(tmp_path / "store.db")
    yield s
    s.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with the store and data folder under the test's tmp_path."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoCity]:
    """The synthetic demo city in a SQLite file, built once per test process (each xdist worker
    builds its own). Read-only: tests that write must build a store of their own."""
    city = build_demo_city(tmp_path_factory.mktemp("demo-city"))
    yield city
    city.store.dispose()
