"""Values computed from the store's data, kept until the data change: the services' one cache.

A :class:`VersionedCache` keeps each value under the database it was computed from
(:func:`store_key`), the data version (:func:`data_version`, the newest import) and the caller's
key. A new import is a new version, so the next call computes afresh; the oldest values are
dropped beyond ``size``. Every caller and thread shares a value: never change one in place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from safeschools.storage import Store

__all__ = ["VersionedCache", "data_version", "store_key"]

T = TypeVar("T")
_MISSING = object()


def store_key(store: Store) -> object:
    """Which database a store is: its URL (so every command and worker opening the same file
    shares the work), or the object itself for an in-memory database."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return id(store)
    return url.render_as_string(hide_password=True)


def data_version(store: Store) -> int | None:
    """What changes when the discipline or school data change: the newest import."""
    with store.engine.connect() as conn:
        return store.max_import_id(conn=conn)


class VersionedCache:
    """Values per database, data version and key, the ``size`` newest kept (thread-safe).

    Two threads asking for the same missing value may both compute it; the value kept is the
    last one, and both are equal.
    """

    def __init__(self, *, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._values: dict[Hashable, Any] = {}

    def get(self, store: Store, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` for the store's data as they are now, once per data version and key."""
        full = (store_key(store), data_version(store), key)
        with self._lock:
            hit = self._values.get(full, _MISSING)
        if hit is not _MISSING:
            value: T = hit
            return value
        value = compute()
        with self._lock:
            self._values[full] = value
            while len(self._values) > self.size:
                self._values.pop(next(iter(self._values)))
        return value
