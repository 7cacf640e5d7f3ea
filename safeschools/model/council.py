"""Local School Council members, meetings, motions and ballots."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = ["MOTION_TOPICS", "SEAT_ROLES", "CouncilMeeting", "CouncilMember", "CouncilMotion"]

#: The seats of a council (see :mod:`safeschools.policy.council`).
SEAT_ROLES = ("principal", "teacher", "parent", "staff", "community", "student")
#: What a motion is about; ``officers`` motions carry an officer decision (keep 2, 1 or 0);
#: ``vacancy`` fills a vacant seat (a reduced quorum may apply: policy.council).
MOTION_TOPICS = (
    "general", "principal", "contract", "staff_allocation", "officers", "safety_plan", "vacancy",
)  # fmt: skip


@dataclass(frozen=True)
class CouncilMember:
    """A council member (a public official: the name is public) in a seat for a term."""

    id: int
    school_id: str
    name: str
    role: str
    term_start: date
    term_end: date | None = None
    version: int = 1

    def serving_on(self, day: date) -> bool:
        """True when the term covers ``day``."""
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


@dataclass(frozen=True)
class CouncilMeeting:
    """A council meeting on a date."""

    id: int
    school_id: str
    meeting_date: date
    note: str | None = None


@dataclass(frozen=True)
class CouncilMotion:
    """A motion put to a vote, the ballots and the outcome with the rules applied."""

    id: int
    school_id: str
    meeting_id: int
    meeting_date: date
    topic: str
    text: str
    officer_decision: int | None
    school_year: str | None
    valid: bool
    passed: bool
    result: str
    rules: str
    outcome: dict[str, Any]
    ballots: dict[str, str] = field(default_factory=dict)
    recorded_at: datetime | None = None
    version: int = 1
