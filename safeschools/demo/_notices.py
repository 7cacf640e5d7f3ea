"""Notices to parents in the demo city (synthetic): two incidents at each of two schools, the
notice of each, and parents subscribed in every state (confirmed in English and in Spanish,
some for a few categories only, one waiting for confirmation, one who left).

Every address is at example.org and starts with ``synthetic-``; every incident's staff note
says it is synthetic. Nothing here reads or writes: ``services.demo_notices`` writes it (the
incidents only when the school has none, so the demo incidents of other parts of the city are
never doubled).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from safeschools.model import School
from safeschools.model.incidents import Incident

__all__ = ["DemoNotices", "SubscriberSpec", "make_notices"]

MARK = "(synthetic)"


@dataclass(frozen=True)
class SubscriberSpec:
    """A made-up parent subscribed to a school's notices."""

    school_id: str
    address: str
    language: str
    categories: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class DemoNotices:
    """Incidents (when the school has none), which of them get a sent notice, and subscribers."""

    incidents: tuple[Incident, ...]
    sent: tuple[int, ...]  # positions in ``incidents`` whose notice is sent
    subscribers: tuple[SubscriberSpec, ...]


def make_notices(schools: Sequence[School]) -> DemoNotices:
    """The demo's notices for the first two schools open in the latest school year.

    Examples
    --------
    >>> from safeschools.demo import build_demo_city
    >>> demo = make_notices(build_demo_city().schools)
    >>> len(demo.incidents), len(demo.sent), sorted({s.status for s in demo.subscribers})
    (4, 3, ['confirmed', 'pending', 'unsubscribed'])
    """
    latest = max(s.school_year for s in schools)
    chosen = sorted(s.school_id for s in schools if s.school_year == latest)[:2]
    incidents: list[Incident] = []
    subscribers: list[SubscriberSpec] = []
    for n, school_id in enumerate(chosen):
        incidents.append(
            Incident(
                school_id=school_id,
                occurred_at=datetime(2025, 10, 14 + n, 12, 20),
                category="fight",
                place="grounds",
                students_involved=2 + n,
                responses=("restorative_conference", "parent_meeting"),
                staff_note=f"Made up for the demo {MARK}.",
            )
        )
        incidents.append(
            Incident(
                school_id=school_id,
                occurred_at=datetime(2026, 1, 22 + n, 9, 40),
                category="threat" if n == 0 else "bullying",
                place="inside",
                students_involved=1 + n,
                responses=("counselling", "parent_meeting"),
                staff_note=f"Made up for the demo {MARK}.",
            )
        )
        for i, (language, categories, status) in enumerate(
            (
                ("en", (), "confirmed"),
                ("es", (), "confirmed"),
                ("en", ("fight", "fight_injury", "weapon"), "confirmed"),
                ("es", ("weapon", "threat"), "confirmed"),
                ("en", (), "pending"),
                ("es", (), "unsubscribed"),
            )
        ):
            subscribers.append(
                SubscriberSpec(
                    school_id,
                    f"synthetic-parent-{n + 1}-{i + 1}@example.org",
                    language,
                    categories,
                    status,
                )
            )
    return DemoNotices(tuple(incidents), (0, 1, 2), tuple(subscribers))
