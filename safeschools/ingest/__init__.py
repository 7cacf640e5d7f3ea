"""Importers: one module per publisher, each turning a file into model records and rejected rows.

Importers never touch the store; :mod:`safeschools.services` writes what they return.
"""

from safeschools.ingest.base import ParseResult, TableFile, read_table
from safeschools.ingest.registry import SOURCES, Source

__all__ = ["SOURCES", "ParseResult", "Source", "TableFile", "read_table"]
