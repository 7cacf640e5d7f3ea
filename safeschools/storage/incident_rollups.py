"""Monthly roll-ups of school-recorded incidents and restorative cases, grouped in SQL (mixed
into :class:`Store`).

Only counts leave the database here: no staff note, no agreement, nothing per incident. Withdrawn
incidents (and the cases opened from them) are never counted. A case is counted in the month of
the incident it was opened from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, extract, func, select

from safeschools.model.incidents import FIGHT_CATEGORIES, RESTORATIVE_RESPONSES
from safeschools.storage import tables_incidents as ti

__all__ = ["CaseMonthCounts", "IncidentMonthCounts", "IncidentRollupStore"]


@dataclass(frozen=True, slots=True)
class IncidentMonthCounts:
    """One school's incidents of one category in one month (``month`` ``YYYY-MM``)."""

    school_id: str
    month: str
    category: str
    incidents: int
    restorative: int
    suspensions: int
    police_calls: int

    @property
    def is_fight(self) -> bool:
        return self.category in FIGHT_CATEGORIES


@dataclass(frozen=True, slots=True)
class CaseMonthCounts:
    """One school's restorative cases opened from the incidents of one month."""

    school_id: str
    month: str
    opened: int
    closed: int
    repaired: int
    recurred_yes: int
    recurred_no: int


def _has_response(code: str) -> Any:
    # ``responses`` is a JSON list of codes: a quoted code is one whole element
    return ti.school_incidents.c.responses.like(f'%"{code}"%')


def _flag_sum(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite may give an aggregate of datetimes as text
        return datetime.fromisoformat(value).date()
    return value.date() if isinstance(value, datetime) else value


def _month(year: Any, month: Any) -> str:
    return f"{int(year):04d}-{int(month):02d}"


class IncidentRollupStore:
    """The grouped counts behind :mod:`safeschools.metrics.incident_rates`."""

    engine: Engine

    def _rollup_rows(self, query: Any, conn: Connection | None) -> list[Any]:
        if conn is not None:
            return list(conn.execute(query))
        with self.engine.connect() as own:
            return list(own.execute(query))

    def incident_month_counts(
        self, *, school_id: str | None = None, conn: Connection | None = None
    ) -> list[IncidentMonthCounts]:
        """Per school, month and category: incidents, those with a restorative response,
        with a suspension, with police called (withdrawn incidents left out)."""
        c = ti.school_incidents.c
        year, month = extract("year", c.occurred_at), extract("month", c.occurred_at)
        restorative = _has_response(RESTORATIVE_RESPONSES[0])
        for code in RESTORATIVE_RESPONSES[1:]:
            restorative = restorative | _has_response(code)
        query = (
            select(
                c.school_id,
                year.label("y"),
                month.label("m"),
                c.category,
                func.count().label("incidents"),
                _flag_sum(restorative).label("restorative"),
                _flag_sum(_has_response("suspension")).label("suspensions"),
                _flag_sum(c.police_called.is_(True)).label("police_calls"),
            )
            .where(c.withdrawn_at.is_(None))
            .group_by(c.school_id, year, month, c.category)
            .order_by(c.school_id, year, month, c.category)
        )
        if school_id is not None:
            query = query.where(c.school_id == school_id)
        return [
            IncidentMonthCounts(
                r.school_id,
                _month(r.y, r.m),
                r.category,
                int(r.incidents),
                int(r.restorative),
                int(r.suspensions),
                int(r.police_calls),
            )
            for r in self._rollup_rows(query, conn)
        ]

    def case_month_counts(
        self, *, school_id: str | None = None, conn: Connection | None = None
    ) -> list[CaseMonthCounts]:
        """Per school and month of the incident: cases opened, closed, closed repaired, and
        staff's answers to "involved again within 90 days?" (yes, no; the rest unknown)."""
        i, k = ti.school_incidents.c, ti.restorative_cases.c
        year, month = extract("year", i.occurred_at), extract("month", i.occurred_at)
        query = (
            select(
                i.school_id,
                year.label("y"),
                month.label("m"),
                func.count().label("opened"),
                _flag_sum(k.status == "closed").label("closed"),
                _flag_sum(and_(k.status == "closed", k.outcome == "repaired")).label("repaired"),
                _flag_sum(k.recurred_within_90_days.is_(True)).label("yes"),
                _flag_sum(k.recurred_within_90_days.is_(False)).label("no"),
            )
            .select_from(ti.restorative_cases.join(ti.school_incidents, k.incident_id == i.id))
            .where(i.withdrawn_at.is_(None))
            .group_by(i.school_id, year, month)
            .order_by(i.school_id, year, month)
        )
        if school_id is not None:
            query = query.where(i.school_id == school_id)
        return [
            CaseMonthCounts(
                r.school_id,
                _month(r.y, r.m),
                int(r.opened),
                int(r.closed),
                int(r.repaired),
                int(r.yes),
                int(r.no),
            )
            for r in self._rollup_rows(query, conn)
        ]

    def incident_span(self, *, conn: Connection | None = None) -> tuple[date | None, date | None]:
        """The days of the first and the last incident counted (None, None: none)."""
        c = ti.school_incidents.c
        query = select(func.min(c.occurred_at), func.max(c.occurred_at)).where(
            c.withdrawn_at.is_(None)
        )
        first, last = self._rollup_rows(query, conn)[0]
        return (_day(first), _day(last))

    def incident_data_version(self, *, conn: Connection | None = None) -> tuple[Any, ...]:
        """What changes whenever an incident or a case is added or saved (cache keys)."""
        i, k = ti.school_incidents.c, ti.restorative_cases.c
        query = select(
            *(
                select(agg).scalar_subquery()
                for agg in (func.count(i.id), func.max(i.updated_at), func.max(i.id))
            ),
            *(
                select(agg).scalar_subquery()
                for agg in (func.count(k.id), func.max(k.updated_at), func.max(k.id))
            ),
        )
        rows = self._rollup_rows(query, conn)
        return tuple(str(v) for v in rows[0])
