"""Datasette's ``metadata.json`` for a SQLite store: every table and column described, and the
private tables hidden and closed (:mod:`safeschools.storage.catalog` says which and why).

Custom SQL is turned off: SQLite cannot hide a column from a query, so a query could read
what the closed tables keep (account secrets, counts under the minimum cell size). The table
pages, their filters, facets, sorting and JSON and CSV downloads all work.

Examples
--------
::

    safeschools datasette-metadata --output metadata.json
    datasette safeschools.db --metadata metadata.json
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from safeschools.errors import ConfigError
from safeschools.storage import Store
from safeschools.storage.catalog import TABLES

__all__ = ["datasette_metadata", "datasette_name"]

_DESCRIPTION = (
    "Violence near schools, school resource officers, council votes, trade-in funds and "
    "safety plans, as stored by safeschools. Victims are rows, not incidents, placed at the "
    "block address; no victim's name is stored. Custom SQL is off: SQLite cannot hide a "
    "column from a query, and some tables hold account secrets or counts of students under "
    "the minimum cell size, which stay closed."
)


def datasette_name(store: Store) -> str:
    """The name Datasette gives the store's database: its file name without the extension.

    Raises
    ------
    ConfigError
        The store is not a SQLite file (Datasette opens SQLite files only).
    """
    url = make_url(store.engine.url.render_as_string(hide_password=False))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        msg = (
            "Datasette opens SQLite files: use a store like sqlite:///safeschools.db "
            "(--database-url)."
        )
        raise ConfigError(msg)
    return Path(url.database).stem


def datasette_metadata(database: str, *, synthetic: bool = False) -> dict[str, Any]:
    """The metadata for ``database`` (the name Datasette shows: the file's stem).

    Every table gets its description and its columns' descriptions (and useful facets); a
    private table is hidden from the lists and closed to every visitor (``"allow": false``),
    with the reason in its description. ``synthetic`` marks the title of the demo city.

    Examples
    --------
    >>> meta = datasette_metadata("safeschools")
    >>> meta["databases"]["safeschools"]["tables"]["users"]["allow"]
    False
    >>> meta["databases"]["safeschools"]["allow_sql"]
    False
    """
    tables: dict[str, Any] = {}
    for name, doc in sorted(TABLES.items()):
        entry: dict[str, Any] = {"description": doc.description, "columns": dict(doc.columns)}
        if doc.private is not None:
            entry["description"] = f"{doc.description} Closed to visitors: {doc.private}"
            entry["hidden"] = True
            entry["allow"] = False
        else:
            if doc.facets:
                entry["facets"] = list(doc.facets)
            if doc.label_column:
                entry["label_column"] = doc.label_column
        tables[name] = entry
    title = "safeschools"
    if synthetic:
        title += ": SYNTHETIC demo city, not real data"
    return {
        "title": title,
        "description": _DESCRIPTION,
        "allow_sql": False,
        "databases": {
            database: {
                "description": _DESCRIPTION,
                "allow_sql": False,
                "tables": tables,
            }
        },
    }
