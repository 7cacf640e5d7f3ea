"""Reads and writes of schools, victimizations, boundaries and school calendars (mixed into
:class:`Store`): keyed upserts that count what they inserted, updated and left unchanged."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, fields, replace
from datetime import datetime
from operator import attrgetter
from typing import Any

from sqlalchemy import Connection, Engine, Integer, bindparam, cast, func, select, update
from sqlalchemy import delete as sa_delete
from sqlalchemy import insert as sa_insert

from safeschools.model import Boundary, CalendarDay, School, Victimization
from safeschools.storage import tables as t
from safeschools.storage.imports import UpsertCounts

__all__ = ["SchoolStore", "victimization_hash"]

_SCHOOL_FIELDS = [f.name for f in fields(School)]
_VICTIM_FIELDS = [f.name for f in fields(Victimization)]
_victim_values = attrgetter(*_VICTIM_FIELDS)
_school_values = attrgetter(*_SCHOOL_FIELDS)


def _victim_dict(row: Victimization) -> dict[str, Any]:
    return dict(zip(_VICTIM_FIELDS, _victim_values(row), strict=True))


def _school_dict(row: School) -> dict[str, Any]:
    return dict(zip(_SCHOOL_FIELDS, _school_values(row), strict=True))


def victimization_hash(row: Victimization) -> str:
    """A stable digest of every field, to tell an updated row from an unchanged one."""
    return hashlib.blake2b(repr(_victim_values(row)).encode(), digest_size=16).hexdigest()


def _school_from_row(row: Any) -> School:
    return School(**{name: getattr(row, name) for name in _SCHOOL_FIELDS})


def _victimization_from_row(row: Any) -> Victimization:
    return Victimization(**{name: getattr(row, name) for name in _VICTIM_FIELDS})


def _calendar_day_from_row(row: Any) -> CalendarDay:
    return CalendarDay(
        school_year=row.school_year,
        day=row.day,
        kind=row.kind,
        grades=row.grades,
        confidence=row.confidence,
        note=row.note,
    )


class SchoolStore:
    """School, victimization, boundary and calendar methods of the store."""

    engine: Engine

    # ------------------------------------------------------------------ schools
    def upsert_schools(
        self, schools: Iterable[School], import_id: int, *, conn: Connection
    ) -> UpsertCounts:
        """Insert or merge schools by (school_id, school_year).

        A field the incoming record leaves ``None`` keeps its stored value, so a locations file
        and a profiles file of the same year complete each other.
        """
        incoming = list(schools)
        years = sorted({s.school_year for s in incoming})
        existing: dict[tuple[str, str], School] = {}
        for year in years:
            for row in conn.execute(select(t.schools).where(t.schools.c.school_year == year)):
                school = _school_from_row(row)
                existing[(school.school_id, school.school_year)] = school
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        unchanged = 0
        for school in incoming:
            key = (school.school_id, school.school_year)
            old = existing.get(key)
            if old is None:
                inserts.append({**_school_dict(school), "import_id": import_id})
                existing[key] = school
                continue
            changes = {
                name: getattr(school, name)
                for name in _SCHOOL_FIELDS
                if getattr(school, name) is not None and getattr(school, name) != getattr(old, name)
            }
            if not changes:
                unchanged += 1
                continue
            merged = replace(old, **changes)
            existing[key] = merged
            updates.append(
                {**{f"b_{k}": v for k, v in _school_dict(merged).items()}, "b_import_id": import_id}
            )
        if inserts:
            conn.execute(sa_insert(t.schools), inserts)
        if updates:
            stmt = (
                update(t.schools)
                .where(
                    t.schools.c.school_id == bindparam("b_school_id"),
                    t.schools.c.school_year == bindparam("b_school_year"),
                )
                .values(
                    {
                        name: bindparam(f"b_{name}")
                        for name in [*_SCHOOL_FIELDS, "import_id"]
                        if name not in ("school_id", "school_year")
                    }
                )
            )
            conn.execute(stmt, updates)
        return UpsertCounts(len(inserts), len(updates), unchanged)

    def schools(
        self, *, school_year: str | None = None, school_id: str | None = None
    ) -> list[School]:
        """Schools, ordered by school year then id; all years and ids unless one is named."""
        columns = [t.schools.c[name] for name in _SCHOOL_FIELDS]  # in School's order
        query = select(*columns).order_by(t.schools.c.school_year, t.schools.c.school_id)
        if school_year is not None:
            query = query.where(t.schools.c.school_year == school_year)
        if school_id is not None:
            query = query.where(t.schools.c.school_id == school_id)
        with self.engine.connect() as conn:
            return [School(*r) for r in conn.execute(query)]

    def school_years(self) -> list[str]:
        """The school years the store has schools for, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.schools.c.school_year).distinct().order_by(t.schools.c.school_year)
            )
            return [r[0] for r in rows]

    # ------------------------------------------------------------------ victimizations
    def upsert_victimizations(
        self, rows: Iterable[Victimization], import_id: int, *, conn: Connection
    ) -> UpsertCounts:
        """Insert new victimizations and replace changed ones, keyed by (source, source_row_id)."""
        incoming = list(rows)
        sources = sorted({r.source for r in incoming})
        known: dict[tuple[str, str], tuple[int, str]] = {}
        for source in sources:
            query = select(
                t.victimizations.c.id, t.victimizations.c.source_row_id, t.victimizations.c.row_hash
            ).where(t.victimizations.c.source == source)
            for vid, row_id, digest in conn.execute(query):
                known[(source, row_id)] = (vid, digest)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        unchanged = 0
        for row in incoming:
            digest = victimization_hash(row)
            hit = known.get((row.source, row.source_row_id))
            if hit is None:
                inserts.append({**_victim_dict(row), "row_hash": digest, "import_id": import_id})
            elif hit[1] == digest:
                unchanged += 1
            else:
                updates.append(
                    {
                        **{f"b_{k}": v for k, v in _victim_dict(row).items()},
                        "b_row_hash": digest,
                        "b_import_id": import_id,
                        "b_id": hit[0],
                    }
                )
        if inserts:
            for start in range(0, len(inserts), 5000):
                conn.execute(sa_insert(t.victimizations), inserts[start : start + 5000])
        if updates:
            names = [*_VICTIM_FIELDS, "row_hash", "import_id"]
            stmt = (
                update(t.victimizations)
                .where(t.victimizations.c.id == bindparam("b_id"))
                .values({n: bindparam(f"b_{n}") for n in names})
            )
            conn.execute(stmt, updates)
        return UpsertCounts(len(inserts), len(updates), unchanged)

    def victimizations(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Victimization]:
        """Victimizations ordered by time, optionally of one source and a time window."""
        query = select(t.victimizations).order_by(
            t.victimizations.c.occurred_at, t.victimizations.c.id
        )
        if source is not None:
            query = query.where(t.victimizations.c.source == source)
        if since is not None:
            query = query.where(t.victimizations.c.occurred_at >= since)
        if until is not None:
            query = query.where(t.victimizations.c.occurred_at < until)
        with self.engine.connect() as conn:
            return [_victimization_from_row(r) for r in conn.execute(query)]

    def victimizations_by_id(self, ids: Iterable[int]) -> dict[int, Victimization]:
        """The victimizations with these row ids (the ids an exposure index knows them by)."""
        wanted = sorted(set(ids))
        found: dict[int, Victimization] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = select(t.victimizations).where(t.victimizations.c.id.in_(chunk))
                found.update({r.id: _victimization_from_row(r) for r in conn.execute(query)})
        return found

    def victimization_summary(self) -> list[dict[str, Any]]:
        """Per source: rows, fatal rows, first and last occurred_at."""
        v = t.victimizations
        query = (
            select(
                v.c.source,
                func.count().label("rows"),
                func.sum(cast(v.c.fatal, Integer)).label("fatal"),
                func.min(v.c.occurred_at).label("first"),
                func.max(v.c.occurred_at).label("last"),
            )
            .group_by(v.c.source)
            .order_by(v.c.source)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # ------------------------------------------------------------------ boundaries
    def replace_boundaries(
        self, kind: str, items: Iterable[Boundary], import_id: int, *, conn: Connection
    ) -> UpsertCounts:
        """Make the stored boundaries of ``kind`` exactly ``items``; counts say what changed."""
        incoming = {b.code: b for b in items}
        old = {
            r.code: Boundary(kind=r.kind, code=r.code, name=r.name, geometry_wkt=r.geometry_wkt)
            for r in conn.execute(select(t.boundaries).where(t.boundaries.c.kind == kind))
        }
        inserted = updated = unchanged = 0
        for code, item in incoming.items():
            if code not in old:
                inserted += 1
            elif old[code] == item:
                unchanged += 1
            else:
                updated += 1
        changed = [b for c, b in incoming.items() if c not in old or old[c] != b]
        gone = [c for c in old if c not in incoming]
        for code in [*gone, *(b.code for b in changed)]:
            conn.execute(
                sa_delete(t.boundaries).where(
                    t.boundaries.c.kind == kind, t.boundaries.c.code == code
                )
            )
        if changed:
            conn.execute(
                sa_insert(t.boundaries),
                [{**asdict(b), "import_id": import_id} for b in changed],
            )
        return UpsertCounts(inserted, updated + len(gone), unchanged)

    def boundaries(self, *, kind: str | None = None) -> list[Boundary]:
        """Stored boundaries, by kind and code."""
        query = select(t.boundaries).order_by(t.boundaries.c.kind, t.boundaries.c.code)
        if kind is not None:
            query = query.where(t.boundaries.c.kind == kind)
        with self.engine.connect() as conn:
            return [
                Boundary(kind=r.kind, code=r.code, name=r.name, geometry_wkt=r.geometry_wkt)
                for r in conn.execute(query)
            ]

    # ------------------------------------------------------------------ calendars
    def replace_calendar_days(
        self, days: Iterable[CalendarDay], import_id: int, *, conn: Connection
    ) -> UpsertCounts:
        """Make the stored calendar of every school year in ``days`` exactly ``days``.

        School years the import does not mention are left alone. Rows are told apart by
        (school_year, day, grades, kind); a row that reads the same keeps its import id, so a
        second import of the same file inserts and updates nothing. A stored row the new file
        no longer has is deleted and counted as updated.
        """
        c = t.calendar_days
        incoming = {(d.school_year, d.day, d.grades, d.kind): d for d in days}
        years = sorted({key[0] for key in incoming})
        old: dict[tuple[Any, ...], CalendarDay] = {}
        for year in years:
            for r in conn.execute(select(c).where(c.c.school_year == year)):
                old[(r.school_year, r.day, r.grades, r.kind)] = _calendar_day_from_row(r)
        changed = [k for k, d in incoming.items() if k not in old or old[k] != d]
        gone = [k for k in old if k not in incoming]
        inserted = sum(1 for k in changed if k not in old)
        updated = len(changed) - inserted + len(gone)
        stmt = sa_delete(c).where(
            c.c.school_year == bindparam("b_year"),
            c.c.day == bindparam("b_day"),
            c.c.grades == bindparam("b_grades"),
            c.c.kind == bindparam("b_kind"),
        )
        stale = [k for k in [*gone, *changed] if k in old]
        if stale:
            conn.execute(
                stmt,
                [{"b_year": y, "b_day": d, "b_grades": g, "b_kind": k} for y, d, g, k in stale],
            )
        if changed:
            conn.execute(
                sa_insert(c),
                [{**asdict(incoming[k]), "import_id": import_id} for k in changed],
            )
        return UpsertCounts(inserted, updated, len(incoming) - len(changed))

    def calendar_days(self, *, school_year: str | None = None) -> list[CalendarDay]:
        """Stored calendar days, by school year, day, grades and kind; all years unless one
        is named."""
        c = t.calendar_days
        query = select(c).order_by(c.c.school_year, c.c.day, c.c.grades, c.c.kind)
        if school_year is not None:
            query = query.where(c.c.school_year == school_year)
        with self.engine.connect() as conn:
            return [_calendar_day_from_row(r) for r in conn.execute(query)]
