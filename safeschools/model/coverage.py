"""What a victims file covers: its first and last day, the days inside that span with no rows, and
how many rows carry each field a definition may filter on (age band, time of day, fatal flag,
location).

An import records one :class:`VictimCoverage` per source it read; :meth:`VictimCoverage.union`
answers for several imports or sources at once. Days are local calendar days.

Conventions
-----------
- a row has an age when its age band is known (not empty, not ``UNKNOWN``);
- a row has a time of day unless it is at exactly 00:00:00: publishers write a date without a
  time as midnight, so a real midnight shooting counts as "no time" (a small undercount of the
  share, never of the victims);
- a row has a fatal flag always (the record says fatal or not); the field is kept so that a source
  without one can say so;
- a row has a location when it has coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from safeschools.model.victimizations import Victimization

__all__ = ["COVERAGE_FIELDS", "VictimCoverage"]

#: The fields whose share of rows a coverage records, in the order they are shown.
COVERAGE_FIELDS = ("age_band", "time_of_day", "fatal", "location")


def _has_age(band: str | None) -> bool:
    return bool(band) and band != "UNKNOWN"


def _has_time(at: datetime) -> bool:
    return (at.hour, at.minute, at.second) != (0, 0, 0)


@dataclass(frozen=True)
class VictimCoverage:
    """Coverage of one or more victims imports (see the module docstring).

    ``days_with_rows`` is the set of days that have at least one row; ``empty_days`` (days in
    ``first_day..last_day`` with no row) is derived from it.
    """

    sources: tuple[str, ...]
    first_day: date | None
    last_day: date | None
    rows: int
    days_with_rows: frozenset[date] = field(default_factory=frozenset)
    with_field: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Victimization]) -> VictimCoverage:
        """The coverage of a file's records."""
        days: set[date] = set()
        sources: set[str] = set()
        counts = dict.fromkeys(COVERAGE_FIELDS, 0)
        rows = 0
        for r in records:
            rows += 1
            days.add(r.occurred_at.date())
            sources.add(r.source)
            counts["age_band"] += _has_age(r.age_band)
            counts["time_of_day"] += _has_time(r.occurred_at)
            counts["fatal"] += r.fatal is not None
            counts["location"] += r.lat is not None and r.lon is not None
        return cls(
            sources=tuple(sorted(sources)),
            first_day=min(days, default=None),
            last_day=max(days, default=None),
            rows=rows,
            days_with_rows=frozenset(days),
            with_field=counts,
        )

    @classmethod
    def union(cls, parts: Sequence[VictimCoverage]) -> VictimCoverage:
        """The coverage of several imports (or sources) together."""
        days = frozenset().union(*(p.days_with_rows for p in parts))
        counts = {f: sum(p.with_field.get(f, 0) for p in parts) for f in COVERAGE_FIELDS}
        firsts = [p.first_day for p in parts if p.first_day is not None]
        lasts = [p.last_day for p in parts if p.last_day is not None]
        return cls(
            sources=tuple(sorted({s for p in parts for s in p.sources})),
            first_day=min(firsts, default=None),
            last_day=max(lasts, default=None),
            rows=sum(p.rows for p in parts),
            days_with_rows=days,
            with_field=counts,
        )

    @property
    def empty_days(self) -> list[date]:
        """Days between the first and the last day with no row, oldest first."""
        if self.first_day is None or self.last_day is None:
            return []
        span = (self.last_day - self.first_day).days + 1
        every = (self.first_day + timedelta(days=i) for i in range(span))
        return [d for d in every if d not in self.days_with_rows]

    @property
    def days_without_rows(self) -> int:
        """How many days between the first and the last day have no row (every day with a row
        lies in that span, so this is a subtraction, not a walk over the days)."""
        if self.first_day is None or self.last_day is None:
            return 0
        return (self.last_day - self.first_day).days + 1 - len(self.days_with_rows)

    def share(self, name: str) -> float | None:
        """The share of rows that have field ``name`` (0 to 1); None when there are no rows."""
        if not self.rows:
            return None
        return self.with_field.get(name, 0) / self.rows

    def covered_days(self, since: date, until: date) -> int:
        """How many days of ``since..until`` (inclusive) lie between the first and last day."""
        if self.first_day is None or self.last_day is None:
            return 0
        lo, hi = max(since, self.first_day), min(until, self.last_day)
        return max((hi - lo).days + 1, 0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: span, days with no rows, and per field the share of rows that have it."""
        return {
            "sources": list(self.sources),
            "first_day": None if self.first_day is None else self.first_day.isoformat(),
            "last_day": None if self.last_day is None else self.last_day.isoformat(),
            "rows": self.rows,
            "days_without_rows": self.days_without_rows,
            "fields": {
                f: None if (s := self.share(f)) is None else round(s, 4) for f in COVERAGE_FIELDS
            },
        }
