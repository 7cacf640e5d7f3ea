"""School Resource Officer assignments, the decisions that set them, and the district series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["OFFICER_KINDS", "SroAggregate", "SroAssignment", "SroDecision"]

#: ``sro``: a school resource officer posted at the school; ``mobile``: a mobile officer shared
#: by schools; ``sergeant``: a police "School Sergeant".
OFFICER_KINDS = ("sro", "mobile", "sergeant")


@dataclass(frozen=True)
class SroAssignment:
    """How many officers of one kind a school has in one school year.

    ``version`` starts at 1 and grows with every change; an update names the version it read.
    """

    school_id: str
    school_year: str
    kind: str
    officers: int
    source: str
    note: str | None = None
    version: int = 1


@dataclass(frozen=True)
class SroDecision:
    """One school's decision in one round (a council vote or the board's resolution), as the
    compiled file gives it; blank cells stay None."""

    school_year: str
    decision_round: str
    school_name: str
    school_id: str | None
    decision: str | None
    decision_as_published: str | None
    officers_before: int | None
    officers_after: int | None
    vote_keep: int | None
    vote_remove: int | None
    vote_abstain: int | None
    vote_date: date | None
    vote_context: str | None
    sources: str | None
    confidence: str | None
    note: str | None


@dataclass(frozen=True)
class SroAggregate:
    """A district-wide figure for one school year, with its value as published ("about 70")."""

    school_year: str
    metric: str
    value: str
    detail: str | None
    sources: str | None
    note: str | None
