"""Reads and writes of discipline figures, enrollments and the school-name crosswalk (mixed
into :class:`Store`).

Writes are keyed upserts in bulk: the rows of one source already stored are read once, new
keys are inserted together and changed rows updated, so importing the same file twice changes
nothing and a corrected file replaces what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, insert, select, update

from safeschools.model.discipline import DisciplineFigure, Enrollment, NameMatch
from safeschools.storage import tables_discipline as d

__all__ = ["DisciplineStore"]

_FIGURE_FIELDS = [f.name for f in fields(DisciplineFigure)]
_ENROLLMENT_FIELDS = [f.name for f in fields(Enrollment)]
_MATCH_FIELDS = [f.name for f in fields(NameMatch)]
_FIGURE_KEY = ("source", "school_id", "school_year", "period", "measure", "group")
_ENROLLMENT_KEY = ("source", "school_id", "school_year", "group")
_MATCH_KEY = ("source", "source_name")


def _bulk_upsert(
    conn: Connection,
    table: Table,
    records: Sequence[dict[str, Any]],
    key: tuple[str, ...],
    import_id: int | None,
) -> tuple[int, int, int]:
    """Insert the records new by ``key``, update those whose values changed; (inserted,
    updated, unchanged). Later records with a key seen earlier in ``records`` win."""
    if not records:
        return 0, 0, 0
    value_columns = [c for c in records[0] if c not in key]
    sources = {r["source"] for r in records}
    stored: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
    cols = [table.c[k] for k in key] + [table.c[v] for v in value_columns]
    for row in conn.execute(select(table.c.id, *cols).where(table.c.source.in_(sources))):
        stored[tuple(row[1 : 1 + len(key)])] = (row[0], tuple(row[1 + len(key) :]))
    latest: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in records:
        latest[tuple(r[k] for k in key)] = r
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    unchanged = 0
    for k, r in latest.items():
        values = tuple(r[v] for v in value_columns)
        if k not in stored:
            new.append({**r, "import_id": import_id})
        elif stored[k][1] != values:
            changed.append(
                {"_id": stored[k][0], "import_id": import_id, **{v: r[v] for v in value_columns}}
            )
        else:
            unchanged += 1
    for start in range(0, len(new), 5000):
        conn.execute(insert(table), new[start : start + 5000])
    if changed:
        conn.execute(
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in ["import_id", *value_columns]}),
            changed,
        )
    return len(new), len(changed), unchanged


class DisciplineStore:
    """Discipline methods of the store."""

    engine: Engine

    def upsert_discipline_figures(
        self, figures: Iterable[DisciplineFigure], import_id: int | None, *, conn: Connection
    ) -> tuple[int, int, int]:
        """Insert or update figures by (source, school, year, period, measure, group)."""
        return _bulk_upsert(
            conn,
            d.discipline_figures,
            [asdict(f) for f in figures],
            _FIGURE_KEY,
            import_id,
        )

    def discipline_figures(
        self,
        *,
        source: str | None = None,
        school_id: str | None = None,
        school_year: str | None = None,
        period: str | None = None,
        measures: Sequence[str] | None = None,
        groups: Sequence[str] | None = None,
    ) -> list[DisciplineFigure]:
        """Figures matching every filter given, by school, year, measure and group."""
        c = d.discipline_figures.c
        query = select(*(c[f] for f in _FIGURE_FIELDS)).order_by(
            c.school_id, c.school_year, c.period, c.measure, c.group, c.source
        )
        for name, value in (
            ("source", source),
            ("school_id", school_id),
            ("school_year", school_year),
            ("period", period),
        ):
            if value is not None:
                query = query.where(c[name] == value)
        if measures is not None:
            query = query.where(c.measure.in_(list(measures)))
        if groups is not None:
            query = query.where(c.group.in_(list(groups)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [DisciplineFigure(*r) for r in rows]

    def discipline_years(
        self,
        *,
        measures: Sequence[str] | None = None,
        school_id: str | None = None,
        period: str | None = None,
    ) -> list[str]:
        """The school years that have figures (of any of ``measures``; of one school; of one
        period), oldest first."""
        c = d.discipline_figures.c
        query = select(c.school_year).distinct().order_by(c.school_year)
        if measures is not None:
            query = query.where(c.measure.in_(list(measures)))
        if school_id is not None:
            query = query.where(c.school_id == school_id)
        if period is not None:
            query = query.where(c.period == period)
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(query)]

    def upsert_enrollments(
        self, enrollments: Iterable[Enrollment], import_id: int | None, *, conn: Connection
    ) -> tuple[int, int, int]:
        """Insert or update enrollments by (source, school, year, group)."""
        return _bulk_upsert(
            conn, d.enrollments, [asdict(e) for e in enrollments], _ENROLLMENT_KEY, import_id
        )

    def enrollments(
        self,
        *,
        source: str | None = None,
        school_id: str | None = None,
        school_year: str | None = None,
        groups: Sequence[str] | None = None,
    ) -> list[Enrollment]:
        """Enrollments matching every filter given, by school, year and group."""
        c = d.enrollments.c
        query = select(*(c[f] for f in _ENROLLMENT_FIELDS)).order_by(
            c.school_id, c.school_year, c.group, c.source
        )
        for name, value in (
            ("source", source),
            ("school_id", school_id),
            ("school_year", school_year),
        ):
            if value is not None:
                query = query.where(c[name] == value)
        if groups is not None:
            query = query.where(c.group.in_(list(groups)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Enrollment(*r) for r in rows]

    def upsert_name_matches(
        self, matches: Iterable[NameMatch], import_id: int | None, *, conn: Connection
    ) -> tuple[int, int, int]:
        """Insert or update crosswalk rows by (source, source name)."""
        return _bulk_upsert(
            conn, d.name_crosswalk, [asdict(m) for m in matches], _MATCH_KEY, import_id
        )

    def name_matches(self, source: str) -> list[NameMatch]:
        """The crosswalk of one source, by source name."""
        c = d.name_crosswalk.c
        query = (
            select(*(c[f] for f in _MATCH_FIELDS)).where(c.source == source).order_by(c.source_name)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [NameMatch(*r) for r in rows]
