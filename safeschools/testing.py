"""Small builders and helpers shared by the tests (and useful to anyone testing with safeschools).

Nothing in the package imports this module.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from safeschools.storage import Store, open_store

__all__ = ["REAL_DATA", "fresh_postgres_store", "real_data", "sqlite_store"]

#: The real public data files, read in place (never copied into the repository).
REAL_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"


def real_data(*parts: str) -> Path:
    """Path of a file under ../shared/data/real."""
    return REAL_DATA.joinpath(*parts)


def sqlite_store(path: Path | None = None) -> Store:
    """A fresh SQLite store: in memory, or in the file ``path``."""
    return open_store(f"sqlite:///{path}" if path else "sqlite://")


@contextmanager
def fresh_postgres_store(admin_url: str) -> Iterator[Store]:
    """A store in a new, empty PostgreSQL database, dropped afterwards.

    ``admin_url`` is any database on the server (``.../postgres``); the user must be able to
    create databases.
    """
    name = f"safeschools_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    store = open_store(url)
    try:
        yield store
    finally:
        store.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
