"""Monthly roll-ups of school-recorded incidents and restorative cases, grouped in SQL (mixed
into :class:`Store`).

Only counts leave the database here: no staff note, no agreement, nothing per incident. Withdrawn
incidents (and the cases opened from them) are never counted. A case is counted in the month of
the incident it was opened from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, func, select

from safeschools.model.incidents import CATEGORIES, FIGHT_CATEGORIES, RESTORATIVE_RESPONSES
from safeschools.storage import tables_incidents as ti

__all__ = ["CaseMonthCounts", "IncidentMonthCounts", "IncidentRollupStore"]


@dataclass(frozen=True, slots=True)
class IncidentMonthCounts:
    """One school's incidents of one month (``month`` ``YYYY-MM``): how many of each category,
    and how many fights had a restorative response, a suspension, police called."""

    school_id: str
    month: str
    by_category: dict[str, int]
    fights_restorative: int
    fights_suspended: int
    fights_police: int


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


def _month_of(column: Any, dialect: str) -> Any:
    """``YYYY-MM`` of a timestamp column, in SQL: SQLite keeps ISO text (its first 7
    characters); PostgreSQL formats its timestamp."""
    if dialect == "sqlite":
        return func.substr(column, 1, 7)
    return func.to_char(column, "YYYY-MM")


class IncidentRollupStore:
    """The grouped counts behind :mod:`safeschools.metrics.incident_rates`."""

    engine: Engine

    def _rollup_rows(self, query: Any, conn: Connection | None) -> list[Any]:
        if conn is not None:
            return list(conn.execute(query))
        with self.engine.connect() as own:
            return list(own.execute(query))

    def incident_month_counts(
        self,
        *,
        categories: Sequence[str] = CATEGORIES,
        school_id: str | None = None,
        conn: Connection | None = None,
    ) -> list[IncidentMonthCounts]:
        """Per school and month: incidents of each category (the built-in ones and those the
        district added: pass them as ``categories``), and the fights with a restorative
        response, with a suspension, with police called (withdrawn incidents left out). One
        row per school and month, the categories as columns, so that a district's five years
        stay a few ten thousand rows."""
        c = ti.school_incidents.c
        month = _month_of(c.occurred_at, self.engine.dialect.name)
        codes = list(categories)
        fight = c.category.in_(FIGHT_CATEGORIES)
        restorative = _has_response(RESTORATIVE_RESPONSES[0])
        for code in RESTORATIVE_RESPONSES[1:]:
            restorative = restorative | _has_response(code)
        query = (
            select(
                c.school_id,
                month.label("month"),
                *(_flag_sum(c.category == code) for code in codes),
                _flag_sum(and_(fight, restorative)),
                _flag_sum(and_(fight, _has_response("suspension"))),
                _flag_sum(and_(fight, c.police_called.is_(True))),
            )
            .where(c.withdrawn_at.is_(None))
            .group_by(c.school_id, month)
            .order_by(c.school_id, month)
        )
        if school_id is not None:
            query = query.where(c.school_id == school_id)
        n = len(codes)
        return [
            IncidentMonthCounts(
                r[0],
                r[1],
                dict(zip(codes, map(int, r[2 : 2 + n]), strict=True)),
                int(r[2 + n]),
                int(r[3 + n]),
                int(r[4 + n]),
            )
            for r in self._rollup_rows(query, conn)
        ]

    def case_month_counts(
        self, *, school_id: str | None = None, conn: Connection | None = None
    ) -> list[CaseMonthCounts]:
        """Per school and month of the incident: cases opened, closed, closed repaired, and
        staff's answers to "involved again within 90 days?" (yes, no; the rest unknown)."""
        i, k = ti.school_incidents.c, ti.restorative_cases.c
        month = _month_of(i.occurred_at, self.engine.dialect.name)
        query = (
            select(
                i.school_id,
                month.label("month"),
                func.count().label("opened"),
                _flag_sum(k.status == "closed").label("closed"),
                _flag_sum(and_(k.status == "closed", k.outcome == "repaired")).label("repaired"),
                _flag_sum(k.recurred_within_90_days.is_(True)).label("yes"),
                _flag_sum(k.recurred_within_90_days.is_(False)).label("no"),
            )
            .select_from(ti.restorative_cases.join(ti.school_incidents, k.incident_id == i.id))
            .where(i.withdrawn_at.is_(None))
            .group_by(i.school_id, month)
            .order_by(i.school_id, month)
        )
        if school_id is not None:
            query = query.where(i.school_id == school_id)
        return [
            CaseMonthCounts(
                r.school_id,
                r.month,
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
