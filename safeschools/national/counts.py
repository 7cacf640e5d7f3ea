"""Counts of school shootings per period under each tracker's definition, and the claim checked.

A period is a calendar year (``2008``) or a school year (``2007-08``, 1 July to 30 June; the
Post's rows carry the Post's own school year). A tracker covers the periods from the first to
the last incident of the file it is counted on: a period outside them is *not covered* (absent,
never 0), and a period the file covers only in part is marked ``partial``. Counts are national,
or for one state (postal code), or for one city of a state (Chicago, IL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from safeschools.errors import DataValidationError
from safeschools.model.school_shootings import SchoolShooting
from safeschools.national.states import state_code
from safeschools.national.trackers import TRACKERS, Tracker, tracker

__all__ = [
    "BY",
    "CLAIM",
    "ClaimCheck",
    "PeriodCount",
    "TrackerSeries",
    "check_claim",
    "count_series",
    "period_bounds",
]

#: The ways to group: calendar year or school year.
BY = ("year", "school-year")

#: The article's claim: "school shootings nationwide went from 18 in 2008 to 82 last year" (2023).
CLAIM: tuple[tuple[int, int], ...] = ((2008, 18), (2023, 82))


@dataclass(frozen=True)
class PeriodCount:
    """One period's figures under one tracker (``partial``: the file covers part of it).

    The ``sro_*`` counts exist only where the source records a school resource officer's
    presence (the Post's ``resource_officer``: 1 present; 0 "not present or presence unknown";
    blank not recorded); elsewhere they are None.
    """

    period: str
    incidents: int
    killed: int
    injured: int
    partial: bool = False
    sro_present: int | None = None
    sro_absent_or_unknown: int | None = None
    sro_not_recorded: int | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class TrackerSeries:
    """A tracker's counts per period for one place, with what the loaded file covers."""

    tracker: str
    by: str
    state: str | None
    city: str | None
    rows: list[PeriodCount]
    covered_from: date | None  # the first incident of the file it is counted on
    covered_to: date | None  # the last
    license: str | None
    notes: list[str] = field(default_factory=list)

    def get(self, period: str) -> PeriodCount | None:
        """The period's figures; None when the loaded file does not cover it."""
        return next((r for r in self.rows if r.period == period), None)

    def not_covered_reason(self, period: str) -> str | None:
        """Why ``period`` has no figure (None when it has one)."""
        if self.get(period) is not None:
            return None
        if self.covered_from is None or self.covered_to is None:
            return f"no {TRACKERS[self.tracker].source} file is loaded"
        return (
            f"not covered: the loaded {TRACKERS[self.tracker].source} file runs from "
            f"{self.covered_from.isoformat()} to {self.covered_to.isoformat()}"
        )


def period_of(record: SchoolShooting, by: str) -> str:
    """The period ``record`` falls in."""
    return str(record.date.year) if by == "year" else record.school_year


def period_bounds(period: str) -> tuple[date, date]:
    """The first and last day of a period (``2008`` or ``2007-08``)."""
    if "-" in period:
        start = int(period.split("-")[0])
        return date(start, 7, 1), date(start + 1, 6, 30)
    year = int(period)
    return date(year, 1, 1), date(year, 12, 31)


def _periods(first: date, last: date, by: str) -> list[str]:
    if by == "year":
        return [str(y) for y in range(first.year, last.year + 1)]
    start = first.year if first.month >= 7 else first.year - 1
    end = last.year if last.month >= 7 else last.year - 1
    return [f"{y}-{(y + 1) % 100:02d}" for y in range(start, end + 1)]


def _checked(by: str, state: str | None, city: str | None) -> str | None:
    if by not in BY:
        msg = f"Unknown grouping {by!r}; use year or school-year."
        raise DataValidationError(msg)
    if state is None:
        if city is not None:
            msg = "A city needs its state (e.g. city Chicago, state IL)."
            raise DataValidationError(msg)
        return None
    code = state_code(state)
    if code is None:
        msg = f"{state!r} is not a US state; use a postal code such as IL."
        raise DataValidationError(msg)
    return code


def count_series(
    records: Iterable[SchoolShooting],
    name: str,
    *,
    by: str = "year",
    state: str | None = None,
    city: str | None = None,
) -> TrackerSeries:
    """The counts of tracker ``name`` per period on ``records`` (any mix of sources; the
    tracker reads its own), nationally or for ``state`` (and ``city``)."""
    t = tracker(name)
    code = _checked(by, state, city)
    own = [r for r in records if r.source == t.source]
    if not own:
        return TrackerSeries(name, by, code, city, [], None, None, None)
    first, last = min(r.date for r in own), max(r.date for r in own)
    kept = [
        r
        for r in own
        if t.keep(r)
        and (code is None or r.state == code)
        and (city is None or r.city.strip().lower() == city.strip().lower())
    ]
    rows = [_period_count(t, p, [r for r in kept if period_of(r, by) == p], first, last)
            for p in _periods(first, last, by)]  # fmt: skip
    if by == "school-year" and t.source == "wapo":
        # The Post's own school years can fall outside the ones its dates span (its column
        # rules); every period it names is kept.
        named = sorted({period_of(r, by) for r in kept} - {r.period for r in rows})
        rows = sorted(
            rows
            + [
                _period_count(t, p, [r for r in kept if r.school_year == p], first, last)
                for p in named
            ],
            key=lambda r: r.period,
        )
    notes = []
    if t.starts is not None:
        notes.append(f"{t.title} keeps its own list only since {t.starts[:4]}")
    return TrackerSeries(name, by, code, city, rows, first, last, own[0].license, notes)


def _period_count(
    t: Tracker, period: str, rows: Sequence[SchoolShooting], first: date, last: date
) -> PeriodCount:
    start, end = period_bounds(period)
    officer: dict[str, int | None] = {
        "sro_present": None,
        "sro_absent_or_unknown": None,
        "sro_not_recorded": None,
    }
    if t.records_officer:
        officer = {
            "sro_present": sum(1 for r in rows if r.resource_officer == 1),
            "sro_absent_or_unknown": sum(1 for r in rows if r.resource_officer == 0),
            "sro_not_recorded": sum(1 for r in rows if r.resource_officer is None),
        }
    return PeriodCount(
        period=period,
        incidents=len(rows),
        killed=sum(r.killed or 0 for r in rows),
        injured=sum(r.injured or 0 for r in rows),
        partial=start < first or end > last,
        **officer,
    )


@dataclass(frozen=True)
class ClaimFigure:
    """One claimed year beside one tracker's count (``counted`` None: not covered)."""

    period: str
    claimed: int
    counted: int | None
    partial: bool
    reason: str | None


@dataclass(frozen=True)
class ClaimCheck:
    """The claim beside one tracker, by calendar year and by the school year ending then."""

    tracker: str
    by: str
    figures: list[ClaimFigure]

    @property
    def produces(self) -> bool:
        """True when every claimed figure equals this tracker's count."""
        return all(f.counted == f.claimed for f in self.figures)

    @property
    def covered(self) -> bool:
        return all(f.counted is not None for f in self.figures)


def check_claim(
    records: Sequence[SchoolShooting], claim: Sequence[tuple[int, int]] = CLAIM
) -> list[ClaimCheck]:
    """Each tracker's counts for the claim's years, nationally: by calendar year, and by the
    school year that ends in each year (2007-08 for 2008)."""
    checks: list[ClaimCheck] = []
    for name in TRACKERS:
        for by in BY:
            series = count_series(records, name, by=by)
            figures = []
            for year, claimed in claim:
                period = str(year) if by == "year" else f"{year - 1}-{year % 100:02d}"
                row = series.get(period)
                figures.append(
                    ClaimFigure(
                        period=period,
                        claimed=claimed,
                        counted=None if row is None else row.incidents,
                        partial=bool(row and row.partial),
                        reason=series.not_covered_reason(period),
                    )
                )
            checks.append(ClaimCheck(name, by, figures))
    return checks
