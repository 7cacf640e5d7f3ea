"""The whole schema: every table module, imported by name, so :data:`metadata` holds every table.

Alembic (``migrations/env.py``) and the test that compares migrations with the declared tables
read :data:`metadata` from here. A new ``tables_*`` module is added to the imports below."""

from __future__ import annotations

from safeschools.storage import (
    tables,
    tables_council,
    tables_discipline,
    tables_funds,
    tables_officers,
    tables_plans,
)

__all__ = ["TABLE_MODULES", "metadata"]

TABLE_MODULES = (
    tables,
    tables_council,
    tables_discipline,
    tables_funds,
    tables_officers,
    tables_plans,
)
"""Every module that declares tables, core first."""

metadata = tables.metadata
"""The metadata of every table in :data:`TABLE_MODULES`."""
