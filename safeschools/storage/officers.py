"""Reads and writes of officer assignments, decisions and district figures (mixed into
:class:`Store`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, select, update

from safeschools.errors import ConflictError, NotFoundError
from safeschools.model.officers import SroAggregate, SroAssignment, SroDecision
from safeschools.storage import tables_officers as o
from safeschools.storage.versions import insert_if_new, upsert, versioned_update

__all__ = ["OfficerStore"]

_DECISION_FIELDS = [f.name for f in fields(SroDecision)]
_AGGREGATE_FIELDS = [f.name for f in fields(SroAggregate)]


def _assignment(row: Any) -> SroAssignment:
    return SroAssignment(
        school_id=row.school_id,
        school_year=row.school_year,
        kind=row.kind,
        officers=row.officers,
        source=row.source,
        note=row.note,
        version=row.version,
    )


class OfficerStore:
    """Officer methods of the store."""

    engine: Engine

    def sro_assignment(
        self, school_id: str, school_year: str, kind: str, *, conn: Connection
    ) -> SroAssignment | None:
        """One assignment, read inside the caller's transaction."""
        c = o.sro_assignments.c
        row = conn.execute(
            select(o.sro_assignments).where(
                c.school_id == school_id, c.school_year == school_year, c.kind == kind
            )
        ).first()
        return None if row is None else _assignment(row)

    def put_sro_assignment(
        self,
        assignment: SroAssignment,
        *,
        read_version: int | None,
        at: datetime,
        conn: Connection,
    ) -> SroAssignment:
        """Create (``read_version`` None or 0) or update an assignment.

        An update changes the row only if its version is still ``read_version``; otherwise
        someone else changed it first and :class:`ConflictError` says so. A create with
        ``read_version`` 0 is refused the same way when someone else creates the assignment
        at the same moment; with None it then overwrites theirs.
        """
        c = o.sro_assignments.c
        where = [
            c.school_id == assignment.school_id,
            c.school_year == assignment.school_year,
            c.kind == assignment.kind,
        ]
        values = {
            "officers": assignment.officers,
            "source": assignment.source,
            "note": assignment.note,
            "updated_at": at,
        }
        what = (
            f"The {assignment.kind} assignment of school {assignment.school_id} for "
            f"{assignment.school_year}"
        )
        current = self.sro_assignment(
            assignment.school_id, assignment.school_year, assignment.kind, conn=conn
        )
        created = False
        if current is None and not read_version:
            created = insert_if_new(
                o.sro_assignments,
                {
                    "school_id": assignment.school_id,
                    "school_year": assignment.school_year,
                    "kind": assignment.kind,
                    "version": 1,
                    **values,
                },
                conn=conn,
            )
            if not created:
                if read_version == 0:
                    msg = (
                        f"{what} was created by someone else at the same moment; reload it "
                        "and apply your change again."
                    )
                    raise ConflictError(msg)
                current = self.sro_assignment(
                    assignment.school_id, assignment.school_year, assignment.kind, conn=conn
                )
        if not created:
            if current is None:
                msg = (
                    f"No {assignment.kind} assignment for school {assignment.school_id} in "
                    f"{assignment.school_year}; create it without a version."
                )
                raise NotFoundError(msg)
            versioned_update(
                o.sro_assignments,
                where,
                read_version=current.version if read_version is None else read_version,
                values=values,
                what=what,
                conn=conn,
            )
        stored = self.sro_assignment(
            assignment.school_id, assignment.school_year, assignment.kind, conn=conn
        )
        assert stored is not None
        return stored

    def sro_assignments(
        self, *, school_id: str | None = None, school_year: str | None = None
    ) -> list[SroAssignment]:
        """Assignments by school, school year and kind."""
        c = o.sro_assignments.c
        query = select(o.sro_assignments).order_by(c.school_id, c.school_year, c.kind)
        if school_id is not None:
            query = query.where(c.school_id == school_id)
        if school_year is not None:
            query = query.where(c.school_year == school_year)
        with self.engine.connect() as conn:
            return [_assignment(r) for r in conn.execute(query).all()]

    def upsert_sro_decisions(
        self, decisions: Sequence[SroDecision], import_id: int, *, conn: Connection
    ) -> tuple[int, int, int]:
        """Insert or update decisions by (round, school name): (inserted, updated, unchanged)."""
        return _upsert_by_key(
            conn,
            o.sro_decisions,
            [asdict(d) for d in decisions],
            ("decision_round", "school_name"),
            import_id,
        )

    def sro_decisions(
        self, *, school_id: str | None = None, decision_round: str | None = None
    ) -> list[SroDecision]:
        """Decisions by school year, round and school name."""
        c = o.sro_decisions.c
        query = select(o.sro_decisions).order_by(c.school_year, c.decision_round, c.school_name)
        if school_id is not None:
            query = query.where(c.school_id == school_id)
        if decision_round is not None:
            query = query.where(c.decision_round == decision_round)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [SroDecision(**{k: getattr(r, k) for k in _DECISION_FIELDS}) for r in rows]

    def upsert_sro_aggregates(
        self, aggregates: Sequence[SroAggregate], import_id: int, *, conn: Connection
    ) -> tuple[int, int, int]:
        """Insert or update district figures by (school year, metric)."""
        return _upsert_by_key(
            conn,
            o.sro_aggregates,
            [asdict(a) for a in aggregates],
            ("school_year", "metric"),
            import_id,
        )

    def sro_aggregate(
        self, school_year: str, metric: str, *, conn: Connection
    ) -> SroAggregate | None:
        """One district figure, read inside the caller's transaction."""
        c = o.sro_aggregates.c
        row = conn.execute(
            select(o.sro_aggregates).where(c.school_year == school_year, c.metric == metric)
        ).first()
        return (
            None if row is None else SroAggregate(**{k: getattr(row, k) for k in _AGGREGATE_FIELDS})
        )

    def put_sro_aggregate(
        self, aggregate: SroAggregate, *, replace: bool, conn: Connection
    ) -> SroAggregate | None:
        """Store the figure of (school year, metric) entered by hand (no import): a new one,
        or with ``replace`` over the stored one. None, and nothing written, when the figure
        exists (also when another writer is creating it at this moment) and ``replace`` is
        false."""
        values = {**asdict(aggregate), "import_id": None}
        if replace:
            upsert(o.sro_aggregates, values, key=("school_year", "metric"), conn=conn)
        elif not insert_if_new(o.sro_aggregates, values, conn=conn):
            return None
        return self.sro_aggregate(aggregate.school_year, aggregate.metric, conn=conn)

    def sro_aggregates(self) -> list[SroAggregate]:
        """District figures by school year and metric, values as published."""
        c = o.sro_aggregates.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(o.sro_aggregates).order_by(c.school_year, c.id)).all()
        return [SroAggregate(**{k: getattr(r, k) for k in _AGGREGATE_FIELDS}) for r in rows]


def _upsert_by_key(
    conn: Connection,
    table: Table,
    records: Sequence[dict[str, Any]],
    key: tuple[str, ...],
    import_id: int | None,
) -> tuple[int, int, int]:
    """Insert records new by ``key``, update those that changed; (inserted, updated, unchanged)."""
    inserted = updated = unchanged = 0
    for values in records:
        row = conn.execute(select(table).where(*(table.c[k] == values[k] for k in key))).first()
        if row is None:
            conn.execute(insert(table).values(import_id=import_id, **values))
            inserted += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            conn.execute(
                update(table).where(table.c.id == row.id).values(import_id=import_id, **values)
            )
            updated += 1
        else:
            unchanged += 1
    return inserted, updated, unchanged
