"""The store: SQLite by default, PostgreSQL on a server, the same tables and migrations."""

from safeschools.storage.store import Store, UpsertCounts, open_store

__all__ = ["Store", "UpsertCounts", "open_store"]
