"""Fixtures of the page tests: the application on the hand-built city of web_city.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_city import Pages, load_city

from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store


@pytest.fixture
def city(store: Store, settings: Settings, tmp_path: Path) -> Store:
    """The city in a store on each backend."""
    load_city(store, settings, tmp_path)
    return store


@pytest.fixture
def sqlite_city(sqlite_only_store: Store, settings: Settings, tmp_path: Path) -> Store:
    """The city in SQLite only, for tests that are not about the backend."""
    load_city(sqlite_only_store, settings, tmp_path)
    return sqlite_only_store


@pytest.fixture
def pages(sqlite_city: Store, settings: Settings) -> Pages:
    """The application on the city (SQLite)."""
    return Pages(create_app(settings, store=sqlite_city))


@pytest.fixture
def empty_pages(sqlite_only_store: Store, settings: Settings) -> Pages:
    """The application on an empty store."""
    return Pages(create_app(settings, store=sqlite_only_store))
