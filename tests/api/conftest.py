"""Fixtures of the API tests: the application on the hand-built city of api_city.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_city import load_city
from fastapi.testclient import TestClient

from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store


@pytest.fixture
def city_store(sqlite_only_store: Store, settings: Settings) -> Store:
    """A SQLite store holding the city."""
    load_city(sqlite_only_store, settings)
    return sqlite_only_store


@pytest.fixture
def client(city_store: Store, settings: Settings) -> Iterator[TestClient]:
    """The application on the city (SQLite)."""
    with TestClient(create_app(settings, store=city_store)) as http:
        yield http
