"""What a table of the catalog says about itself (:mod:`safeschools.storage.catalog`)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["TableDoc"]


@dataclass(frozen=True)
class TableDoc:
    """A table in words: what a row is, each column, and why it is private (None: public)."""

    description: str
    columns: dict[str, str]
    private: str | None = None
    facets: tuple[str, ...] = field(default=())
    label_column: str | None = None
