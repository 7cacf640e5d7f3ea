"""The record of one import, and the rows it set aside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from safeschools.model.privacy import without_names

__all__ = ["ImportRecord", "RejectedRow"]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row kept aside: where it was (file and 1-based line) and why.

    ``raw`` never holds a column that may hold a person's name
    (:func:`~safeschools.model.privacy.may_hold_name`): whoever builds a rejected row, and
    whatever a store kept before, such columns are dropped here.
    """

    line: int | None
    reason: str
    raw: dict[str, str]
    location: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "raw", without_names(self.raw))


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """What one import read, kept, set aside and changed."""

    id: int
    source: str
    kind: str
    location: str
    format: str
    school_year: str | None
    vintage: str | None
    checksum: str
    rows_read: int
    accepted: int
    rejected: int
    inserted: int
    updated: int
    unchanged: int
    started_at: datetime
    finished_at: datetime | None
    note: str | None = None
