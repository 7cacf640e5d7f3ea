"""Reads and writes of Local School Council members, meetings, motions and ballots (mixed into
:class:`Store`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from safeschools.errors import NotFoundError
from safeschools.model.council import CouncilMeeting, CouncilMember, CouncilMotion
from safeschools.storage import _json
from safeschools.storage import tables_council as tc
from safeschools.storage.versions import versioned_update

__all__ = ["CouncilStore"]


def _member(row: Any) -> CouncilMember:
    return CouncilMember(
        id=row.id,
        school_id=row.school_id,
        name=row.name,
        role=row.role,
        term_start=row.term_start,
        term_end=row.term_end,
        version=row.version,
    )


def _meeting(row: Any) -> CouncilMeeting:
    return CouncilMeeting(
        id=row.id, school_id=row.school_id, meeting_date=row.meeting_date, note=row.note
    )


class CouncilStore:
    """Council methods of the store."""

    engine: Engine

    def add_council_member(
        self,
        *,
        school_id: str,
        name: str,
        role: str,
        term_start: date,
        term_end: date | None,
        conn: Connection,
    ) -> CouncilMember:
        """Seat a member for a term."""
        result = conn.execute(
            insert(tc.council_members).values(
                school_id=school_id,
                name=name,
                role=role,
                term_start=term_start,
                term_end=term_end,
                version=1,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        row = conn.execute(
            select(tc.council_members).where(tc.council_members.c.id == int(key[0]))
        ).one()
        return _member(row)

    def council_member(self, member_id: int, *, conn: Connection) -> CouncilMember:
        """One member by id, read inside the caller's transaction."""
        row = conn.execute(
            select(tc.council_members).where(tc.council_members.c.id == member_id)
        ).first()
        if row is None:
            msg = f"No council member #{member_id}; list the council's members for their ids."
            raise NotFoundError(msg)
        return _member(row)

    def update_council_member(
        self,
        member_id: int,
        *,
        read_version: int,
        name: str,
        role: str,
        term_start: date,
        term_end: date | None,
        conn: Connection,
    ) -> CouncilMember:
        """Change a member's name, seat or term, only if the row is still at ``read_version``;
        otherwise someone else changed it first and :class:`ConflictError` says so."""
        versioned_update(
            tc.council_members,
            [tc.council_members.c.id == member_id],
            read_version=read_version,
            values={"name": name, "role": role, "term_start": term_start, "term_end": term_end},
            what=f"Council member #{member_id}",
            conn=conn,
        )
        return self.council_member(member_id, conn=conn)

    def council_members(
        self, school_id: str, *, conn: Connection | None = None
    ) -> list[CouncilMember]:
        """Every member a school's council has had, by term start and name."""
        c = tc.council_members.c
        query = (
            select(tc.council_members)
            .where(c.school_id == school_id)
            .order_by(c.term_start, c.name, c.id)
        )
        if conn is not None:
            return [_member(r) for r in conn.execute(query).all()]
        with self.engine.connect() as own:
            return [_member(r) for r in own.execute(query).all()]

    def add_council_meeting(
        self, *, school_id: str, meeting_date: date, note: str | None, conn: Connection
    ) -> CouncilMeeting:
        """Record a meeting."""
        result = conn.execute(
            insert(tc.council_meetings).values(
                school_id=school_id, meeting_date=meeting_date, note=note
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return CouncilMeeting(int(key[0]), school_id, meeting_date, note)

    def council_meeting(self, meeting_id: int, *, conn: Connection) -> CouncilMeeting:
        """One meeting by id."""
        row = conn.execute(
            select(tc.council_meetings).where(tc.council_meetings.c.id == meeting_id)
        ).first()
        if row is None:
            msg = f"No council meeting #{meeting_id}; record the meeting first."
            raise NotFoundError(msg)
        return _meeting(row)

    def council_meetings(self, school_id: str) -> list[CouncilMeeting]:
        """A school's council meetings by date."""
        c = tc.council_meetings.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(tc.council_meetings)
                .where(c.school_id == school_id)
                .order_by(c.meeting_date, c.id)
            ).all()
        return [_meeting(r) for r in rows]

    def add_council_motion(
        self,
        *,
        school_id: str,
        meeting_id: int,
        topic: str,
        text: str,
        officer_decision: int | None,
        school_year: str | None,
        outcome: Mapping[str, Any],
        ballots: Mapping[int, str],
        recorded_at: datetime,
        conn: Connection,
    ) -> int:
        """Store a motion, its outcome (with the rules applied) and every ballot."""
        result = conn.execute(
            insert(tc.council_motions).values(
                school_id=school_id,
                meeting_id=meeting_id,
                topic=topic,
                text=text,
                officer_decision=officer_decision,
                school_year=school_year,
                valid=bool(outcome["valid"]),
                passed=bool(outcome["passed"]),
                result=str(outcome["result"]),
                rules=str(outcome["rules"]),
                outcome=_json.dumps(dict(outcome), sort_keys=True),
                recorded_at=recorded_at,
                version=1,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        motion_id = int(key[0])
        if ballots:
            conn.execute(
                insert(tc.council_ballots),
                [{"motion_id": motion_id, "member_id": m, "ballot": b} for m, b in ballots.items()],
            )
        return motion_id

    def council_motions(
        self, *, school_id: str | None = None, motion_id: int | None = None
    ) -> list[CouncilMotion]:
        """Motions (of one school, or one by id) by meeting date, with their ballots."""
        m = tc.council_motions.c
        mt = tc.council_meetings.c
        query = (
            select(tc.council_motions, mt.meeting_date)
            .join(tc.council_meetings, mt.id == m.meeting_id)
            .order_by(mt.meeting_date, m.id)
        )
        if school_id is not None:
            query = query.where(m.school_id == school_id)
        if motion_id is not None:
            query = query.where(m.id == motion_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            ids = [r.id for r in rows]
            ballots: dict[int, dict[str, str]] = {i: {} for i in ids}
            if ids:
                b = tc.council_ballots.c
                for row in conn.execute(
                    select(tc.council_ballots).where(b.motion_id.in_(ids))
                ).all():
                    ballots[row.motion_id][str(row.member_id)] = row.ballot
        return [
            CouncilMotion(
                id=r.id,
                school_id=r.school_id,
                meeting_id=r.meeting_id,
                meeting_date=r.meeting_date,
                topic=r.topic,
                text=r.text,
                officer_decision=r.officer_decision,
                school_year=r.school_year,
                valid=bool(r.valid),
                passed=bool(r.passed),
                result=r.result,
                rules=r.rules,
                outcome=_json.loads(r.outcome),
                ballots=ballots[r.id],
                recorded_at=r.recorded_at,
                version=r.version,
            )
            for r in rows
        ]
