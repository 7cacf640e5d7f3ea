"""The synthetic demo city in a temporary SQLite store, shared read-only by the tests that only
read it (the ``demo_city`` fixture in tests/conftest.py builds it once per test process)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from safeschools import services
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import sqlite_store


class DemoCity(NamedTuple):
    """A store holding the demo city and the settings that name it (its SQLite URL and a data
    folder beside it), so the CLI can open the same file."""

    store: Store
    settings: Settings


def build_demo_city(folder: Path) -> DemoCity:
    """Load the demo city into ``folder/demo.db``; the caller disposes of the store."""
    settings = Settings(database_url=f"sqlite:///{folder / 'demo.db'}", data_dir=folder / "data")
    store = sqlite_store(folder / "demo.db")
    services.load_demo_city(store, settings=settings)
    return DemoCity(store, settings)
