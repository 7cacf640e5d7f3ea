"""The bottom of the use cases: the one clock, the one audited write, and opening the store
from settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, is_dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from safeschools.model import User
from safeschools.policy.accounts import check_can_edit
from safeschools.settings import Settings
from safeschools.storage import Store, open_store

Clock = Callable[[], datetime]


def _local_now(settings: Settings) -> datetime:
    return datetime.now(ZoneInfo(settings.timezone)).replace(tzinfo=None, microsecond=0)


def clock_of(settings: Settings, now: Clock | None = None) -> Clock:
    """``now`` when given (tests pin it), else the local wall clock of ``settings.timezone``.

    Every write records its time with this, so one place decides what "now" means.
    """
    return now if now is not None else (lambda: _local_now(settings))


def open_store_from_settings(settings: Settings) -> Store:
    """Open (and migrate) the store the settings name."""
    return open_store(settings.database_url)


class _Same(Enum):
    SCHOOL = "the write's school"


def _record_data(value: Any) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    msg = f"An audit entry keeps a dataclass or a dict, not {type(value).__name__}."
    raise TypeError(msg)


@dataclass
class Write:
    """One write in progress: its connection, its one timestamp, who makes it and for which
    school (None: a district record). :meth:`record` adds the audit entry in the same
    transaction, so the change and its entry land together or not at all."""

    store: Store
    conn: Connection
    now: datetime
    actor: User | None
    school_id: str | None = None

    def may_edit(self, user: User | None, school_id: str | None, *, what: str) -> User:
        """Check, once the record is read, that ``user`` may write ``what`` of its school."""
        self.actor = check_can_edit(user, school_id, what=what)
        self.school_id = school_id
        return self.actor

    def record(
        self,
        action: str,
        entity: str,
        key: str | int,
        *,
        before: Any = None,
        after: Any = None,
        school_id: str | _Same | None = _Same.SCHOOL,
    ) -> None:
        """Add the audit entry of this write (dataclasses are kept as their fields)."""
        self.store.add_audit(
            at=self.now,
            user=self.actor,
            action=action,
            entity=entity,
            entity_key=str(key),
            school_id=self.school_id if isinstance(school_id, _Same) else school_id,
            before=_record_data(before),
            after=_record_data(after),
            conn=self.conn,
        )


@contextmanager
def recorded(
    store: Store, actor: User | None, *, clock: Clock, school_id: str | None = None
) -> Iterator[Write]:
    """A write in one transaction, without a role check (an account's own records, the
    command line's administration, or a check made once the record is read: see
    :meth:`Write.may_edit`)."""
    now = clock()
    with store.transaction() as conn:
        yield Write(store, conn, now, actor, school_id)


@contextmanager
def audited(
    store: Store, user: User | None, school_id: str | None, *, what: str, clock: Clock
) -> Iterator[Write]:
    """The one audited write: ``user`` must be allowed to change ``what`` of ``school_id``
    (None: a district record, administrators only); then one transaction and one timestamp::

        with audited(store, user, school_id, what="council meetings", clock=clock) as write:
            meeting = store.add_council_meeting(..., conn=write.conn)
            write.record("create", "council_meeting", meeting.id, after=meeting)
    """
    actor = check_can_edit(user, school_id, what=what)
    with recorded(store, actor, clock=clock, school_id=school_id) as write:
        yield write
