"""The record of one import, and the rows it set aside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["ImportRecord", "RejectedRow"]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row kept aside: where it was (file and 1-based line) and why."""

    line: int | None
    reason: str
    raw: dict[str, str]
    location: str = ""


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
