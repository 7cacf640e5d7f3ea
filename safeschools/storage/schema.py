"""The whole schema: every table module, imported by name, so :data:`metadata` holds every table.

Alembic (``migrations/env.py``) and the test that compares migrations with the declared tables
read :data:`metadata` from here. A new ``tables_*`` module is added to the imports below.
"""

from __future__ import annotations

from safeschools.storage import (  # noqa: F401  (each module adds its tables to the metadata)
    tables_council,
    tables_discipline,
    tables_funds,
    tables_incidents,
    tables_national,
    tables_notices,
    tables_officers,
    tables_plans,
    tables_sessions,
    tables_streets,
)
from safeschools.storage.tables import metadata

__all__ = ["metadata"]
