"""Reads and writes of notices to parents, their subscribers and deliveries (mixed into
:class:`Store`), and the names and ids held anywhere in the store that a notice must not carry.

A notice's save names the version it read; its send is one more versioned write that also
requires it to be a draft, so two people sending at once send it once. Every saved version is
kept in ``notice_versions``. A delivery is unique per notice and subscriber.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from safeschools.errors import ConflictError
from safeschools.model.notices import Delivery, Notice, Subscriber
from safeschools.storage import _json
from safeschools.storage import tables as t
from safeschools.storage import tables_council as tc
from safeschools.storage import tables_incidents as ti
from safeschools.storage import tables_notices as tn
from safeschools.storage import tables_plans as tp
from safeschools.storage.versions import insert_if_new, upsert, versioned_update

__all__ = ["NoticeStore", "notice_to_dict"]


def notice_to_dict(notice: Notice) -> dict[str, Any]:
    """A notice as JSON-ready data (times as ISO text)."""
    data = asdict(notice)
    for key in ("sent_at", "created_at", "updated_at"):
        data[key] = None if data[key] is None else data[key].isoformat()
    return data


def _notice(row: Any) -> Notice:
    return Notice(
        id=row.id,
        school_id=row.school_id,
        incident_id=row.incident_id,
        category=row.category,
        subject_en=row.subject_en,
        body_en=row.body_en,
        subject_es=row.subject_es,
        body_es=row.body_es,
        status=row.status,
        sent_at=row.sent_at,
        sent_by=row.sent_by,
        recipients=row.recipients,
        version=row.version,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _subscriber(row: Any) -> Subscriber:
    return Subscriber(
        id=row.id,
        school_id=row.school_id,
        address_hash=row.address_hash,
        address_sealed=row.address_sealed,
        language=row.language,
        categories=tuple(_json.loads(row.categories)),
        status=row.status,
        unsubscribe_nonce=row.unsubscribe_nonce,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
        unsubscribed_at=row.unsubscribed_at,
    )


class NoticeStore:
    """Notice, subscriber and delivery methods of the store."""

    engine: Engine

    def _notice_rows(self, query: Any, conn: Connection | None) -> list[Any]:
        if conn is not None:
            return list(conn.execute(query))
        with self.engine.connect() as own:
            return list(own.execute(query))

    # -- notices ----------------------------------------------------------------------------

    def notices(
        self,
        *,
        school_id: str | None = None,
        status: str | None = None,
        conn: Connection | None = None,
    ) -> list[Notice]:
        """Notices (of one school, of one status), newest first (sent ones by when sent)."""
        c = tn.notices.c
        query = select(tn.notices).order_by(
            func.coalesce(c.sent_at, c.created_at).desc(), c.id.desc()
        )
        if school_id is not None:
            query = query.where(c.school_id == school_id)
        if status is not None:
            query = query.where(c.status == status)
        return [_notice(r) for r in self._notice_rows(query, conn)]

    def notice(self, notice_id: int, *, conn: Connection | None = None) -> Notice | None:
        """One notice, or None."""
        rows = self._notice_rows(select(tn.notices).where(tn.notices.c.id == notice_id), conn)
        return _notice(rows[0]) if rows else None

    def notice_of_incident(
        self, incident_id: int, *, conn: Connection | None = None
    ) -> Notice | None:
        """The notice drafted from an incident, or None."""
        query = select(tn.notices).where(tn.notices.c.incident_id == incident_id)
        rows = self._notice_rows(query, conn)
        return _notice(rows[0]) if rows else None

    def _keep_notice_version(
        self, saved: Notice, *, at: datetime, by: str | None, conn: Connection
    ) -> None:
        conn.execute(
            insert(tn.notice_versions).values(
                notice_id=saved.id,
                version=saved.version,
                snapshot=_json.dumps(notice_to_dict(saved), sort_keys=True),
                saved_at=at,
                saved_by=by,
            )
        )

    def add_notice(
        self, notice: Notice, *, at: datetime, by: str | None, conn: Connection
    ) -> Notice:
        """Store a new draft (version 1); ConflictError when the incident has a notice."""
        values = {
            "school_id": notice.school_id,
            "incident_id": notice.incident_id,
            "category": notice.category,
            "subject_en": notice.subject_en,
            "body_en": notice.body_en,
            "subject_es": notice.subject_es,
            "body_es": notice.body_es,
            "status": "draft",
            "recipients": 0,
            "version": 1,
            "created_at": at,
            "created_by": by,
            "updated_at": at,
            "updated_by": by,
        }
        if not insert_if_new(tn.notices, values, conn=conn):
            found = self.notice_of_incident(notice.incident_id, conn=conn)
            which = "" if found is None else f" (notice {found.id})"
            msg = f"Incident {notice.incident_id} has a notice already{which}; edit that one."
            raise ConflictError(msg)
        saved = self.notice_of_incident(notice.incident_id, conn=conn)
        assert saved is not None
        self._keep_notice_version(saved, at=at, by=by, conn=conn)
        return saved

    def save_notice(
        self, notice: Notice, *, read_version: int, at: datetime, by: str | None, conn: Connection
    ) -> Notice:
        """Write a draft's texts over the version read; ConflictError when it changed since,
        or when it was sent (a sent notice never changes)."""
        self._check_draft(notice.id, conn=conn)
        c = tn.notices.c
        versioned_update(
            tn.notices,
            [c.id == notice.id, c.status == "draft"],
            read_version=read_version,
            values={
                "subject_en": notice.subject_en,
                "body_en": notice.body_en,
                "subject_es": notice.subject_es,
                "body_es": notice.body_es,
                "updated_at": at,
                "updated_by": by,
            },
            what=f"Notice {notice.id}",
            conn=conn,
        )
        saved = self.notice(notice.id, conn=conn)
        assert saved is not None
        self._keep_notice_version(saved, at=at, by=by, conn=conn)
        return saved

    def _check_draft(self, notice_id: int, *, conn: Connection) -> None:
        status = conn.execute(
            select(tn.notices.c.status).where(tn.notices.c.id == notice_id)
        ).scalar()
        if status == "sent":
            msg = (
                f"Notice {notice_id} was sent already; a sent notice is never changed or sent "
                "again."
            )
            raise ConflictError(msg)

    def mark_notice_sending(
        self, notice_id: int, *, read_version: int, at: datetime, by: str | None, conn: Connection
    ) -> Notice:
        """Mark a draft sent (before its messages go: a second send is refused from now on)."""
        self._check_draft(notice_id, conn=conn)
        c = tn.notices.c
        versioned_update(
            tn.notices,
            [c.id == notice_id, c.status == "draft"],
            read_version=read_version,
            values={
                "status": "sent",
                "sent_at": at,
                "sent_by": by,
                "updated_at": at,
                "updated_by": by,
            },
            what=f"Notice {notice_id}",
            conn=conn,
        )
        saved = self.notice(notice_id, conn=conn)
        assert saved is not None
        self._keep_notice_version(saved, at=at, by=by, conn=conn)
        return saved

    def set_notice_recipients(self, notice_id: int, recipients: int, *, conn: Connection) -> None:
        """How many messages of a sent notice the mail server took."""
        conn.execute(
            update(tn.notices).where(tn.notices.c.id == notice_id).values(recipients=recipients)
        )

    def notice_history(self, notice_id: int) -> list[dict[str, Any]]:
        """Every saved version of a notice, oldest first."""
        c = tn.notice_versions.c
        query = select(tn.notice_versions).where(c.notice_id == notice_id).order_by(c.version)
        return [_json.loads(r.snapshot) for r in self._notice_rows(query, None)]

    # -- subscribers ------------------------------------------------------------------------

    def subscribers(
        self,
        *,
        school_id: str | None = None,
        status: str | None = None,
        conn: Connection | None = None,
    ) -> list[Subscriber]:
        """Subscribers (of one school, of one status), by id."""
        c = tn.notice_subscribers.c
        query = select(tn.notice_subscribers).order_by(c.id)
        if school_id is not None:
            query = query.where(c.school_id == school_id)
        if status is not None:
            query = query.where(c.status == status)
        return [_subscriber(r) for r in self._notice_rows(query, conn)]

    def subscriber(
        self, subscriber_id: int, *, conn: Connection | None = None
    ) -> Subscriber | None:
        """One subscriber, or None."""
        c = tn.notice_subscribers.c
        rows = self._notice_rows(select(tn.notice_subscribers).where(c.id == subscriber_id), conn)
        return _subscriber(rows[0]) if rows else None

    def subscriber_by_address(
        self, school_id: str, address_hash: str, *, conn: Connection | None = None
    ) -> Subscriber | None:
        """A school's subscriber by the keyed hash of their address, or None."""
        c = tn.notice_subscribers.c
        query = select(tn.notice_subscribers).where(
            c.school_id == school_id, c.address_hash == address_hash
        )
        rows = self._notice_rows(query, conn)
        return _subscriber(rows[0]) if rows else None

    def subscriber_by_token(
        self, kind: str, token_hash: str, *, conn: Connection | None = None
    ) -> Subscriber | None:
        """The subscriber whose ``confirm`` or ``unsubscribe`` token has this hash, or None."""
        c = tn.notice_subscribers.c
        column = c.confirm_token_hash if kind == "confirm" else c.unsubscribe_token_hash
        rows = self._notice_rows(select(tn.notice_subscribers).where(column == token_hash), conn)
        return _subscriber(rows[0]) if rows else None

    def add_subscriber(
        self,
        subscriber: Subscriber,
        *,
        confirm_token_hash: str,
        unsubscribe_token_hash: str,
        at: datetime,
        conn: Connection,
    ) -> Subscriber | None:
        """Store a pending subscriber; None when the address is there already (then nothing
        is written)."""
        values = {
            "school_id": subscriber.school_id,
            "address_hash": subscriber.address_hash,
            "address_sealed": subscriber.address_sealed,
            "language": subscriber.language,
            "categories": _json.dumps(list(subscriber.categories)),
            "status": subscriber.status,
            "confirm_token_hash": confirm_token_hash,
            "unsubscribe_nonce": subscriber.unsubscribe_nonce,
            "unsubscribe_token_hash": unsubscribe_token_hash,
            "created_at": at,
            "updated_at": at,
        }
        if not insert_if_new(tn.notice_subscribers, values, conn=conn):
            return None
        return self.subscriber_by_address(subscriber.school_id, subscriber.address_hash, conn=conn)

    def set_unsubscribe_token(
        self, subscriber_id: int, *, token_hash: str, conn: Connection
    ) -> None:
        """Keep the hash of a subscriber's one-click leave token (derived from its id)."""
        conn.execute(
            update(tn.notice_subscribers)
            .where(tn.notice_subscribers.c.id == subscriber_id)
            .values(unsubscribe_token_hash=token_hash)
        )

    def update_subscriber(self, subscriber_id: int, *, conn: Connection, **values: Any) -> None:
        """Change a subscriber's status, language, categories, times or confirmation token."""
        if "categories" in values:
            values["categories"] = _json.dumps(list(values["categories"]))
        conn.execute(
            update(tn.notice_subscribers)
            .where(tn.notice_subscribers.c.id == subscriber_id)
            .values(**values)
        )

    def subscriber_counts(self, school_id: str) -> dict[str, int]:
        """How many subscribers of a school are pending, confirmed, unsubscribed."""
        c = tn.notice_subscribers.c
        query = select(c.status, func.count()).where(c.school_id == school_id).group_by(c.status)
        return {str(status): int(n) for status, n in self._notice_rows(query, None)}

    # -- deliveries -------------------------------------------------------------------------

    def add_deliveries(self, deliveries: list[Delivery], *, conn: Connection) -> None:
        """Record the messages of a notice (one statement; a notice is sent once, so each
        subscriber has one row: the unique key refuses a second)."""
        if deliveries:
            conn.execute(insert(tn.notice_deliveries), [asdict(d) for d in deliveries])

    def redo_deliveries(self, deliveries: list[Delivery], *, conn: Connection) -> None:
        """Record the messages of a notice sent again: a subscriber's row is replaced (the
        message that failed, or that a stopped send never recorded)."""
        for d in deliveries:
            upsert(tn.notice_deliveries, asdict(d), key=("notice_id", "subscriber_id"), conn=conn)

    def deliveries(self, notice_id: int, *, conn: Connection | None = None) -> list[Delivery]:
        """The messages of a notice, by subscriber."""
        c = tn.notice_deliveries.c
        query = (
            select(tn.notice_deliveries).where(c.notice_id == notice_id).order_by(c.subscriber_id)
        )
        return [
            Delivery(r.notice_id, r.subscriber_id, r.language, r.status, r.at, r.error)
            for r in self._notice_rows(query, conn)
        ]

    # -- what a notice must not carry -------------------------------------------------------

    def held_names(self) -> list[str]:
        """Every name and email of a person held in the store: accounts (display names and
        emails), council members, safety plan committee members."""
        names: list[str] = []
        with self.engine.connect() as conn:
            for row in conn.execute(select(t.users.c.display_name, t.users.c.email)):
                names += [row.display_name, row.email]
            names += [r.name for r in conn.execute(select(tc.council_members.c.name))]
            for row in conn.execute(select(tp.safety_plans.c.content)):
                content = _json.loads(row.content)
                names += [m.get("name", "") for m in content.get("committee", [])]
        return sorted({n for n in names if n})

    def held_ids(self, candidates: Iterable[str]) -> set[str]:
        """The ``candidates`` that are ids held in the store: the district's incident ids,
        police case numbers and the publishers' row ids (compared in any case)."""
        wanted = {c.upper(): c for c in candidates if c}
        if not wanted:
            return set()
        found: set[str] = set()
        keys = list(wanted)
        columns = (
            ti.school_incidents.c.external_id,
            t.victimizations.c.case_number,
            t.victimizations.c.source_row_id,
        )
        with self.engine.connect() as conn:
            for column in columns:
                for start in range(0, len(keys), 500):
                    chunk = keys[start : start + 500]
                    query = select(func.upper(column)).where(func.upper(column).in_(chunk))
                    found |= {wanted[str(v)] for (v,) in conn.execute(query) if str(v) in wanted}
        return found
