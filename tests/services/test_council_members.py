"""Council members after they are seated: corrections and the end of a term, with versions,
the audit trail, permissions, concurrent writers, and the vacancy that later votes count."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest

from safeschools import services
from safeschools.errors import (
    ConflictError,
    DataValidationError,
    NotFoundError,
    PermissionDeniedError,
)
from safeschools.model import User
from safeschools.model.council import CouncilMember
from safeschools.services import council as service_council
from safeschools.settings import Settings
from safeschools.storage import Store

PASSWORD = "correct horse battery"
A, B = "610513", "609698"
NOW = datetime(2025, 2, 1, 9, 30)
ROLES_12 = ["principal", "teacher", "teacher"] + ["parent"] * 6 + ["staff"] + ["community"] * 2


def _now() -> datetime:
    return NOW


def _users(store: Store, settings: Settings) -> tuple[User, User, User]:
    admin = services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    editor_a, editor_b = (
        services.create_user(
            store,
            email=f"{s}@x.org",
            password=PASSWORD,
            role="editor",
            school_ids=[s],
            settings=settings,
        )
        for s in (A, B)
    )
    return admin, editor_a, editor_b


def _seat(store: Store, user: User, settings: Settings, name: str = "Ana Ruiz") -> CouncilMember:
    return service_council.add_council_member(
        store, user, school_id=A, name=name, role="parent", term_start=date(2024, 7, 1),
        term_end=date(2026, 6, 30), settings=settings, now=_now,
    )  # fmt: skip


def test_correct_a_member_with_the_version_read(store: Store, settings: Settings) -> None:
    _admin, editor_a, _ = _users(store, settings)
    member = _seat(store, editor_a, settings)
    changed = service_council.update_council_member(
        store, editor_a, member_id=member.id, read_version=1, name=" Ana Ruiz-Soto ",
        role="community", settings=settings, now=_now,
    )  # fmt: skip
    assert (changed.name, changed.role, changed.version) == ("Ana Ruiz-Soto", "community", 2)
    assert (changed.term_start, changed.term_end) == (date(2024, 7, 1), date(2026, 6, 30))
    assert store.council_members(A) == [changed]
    (entry, created) = store.audit_entries(entity="council_member")
    assert (entry.action, created.action) == ("update", "create")
    assert entry.user_email == "610513@x.org" and entry.at == NOW and entry.school_id == A
    assert entry.before is not None and entry.after is not None
    assert (entry.before["name"], entry.before["role"], entry.before["version"]) == (
        "Ana Ruiz",
        "parent",
        1,
    )
    assert (entry.after["name"], entry.after["role"], entry.after["version"]) == (
        "Ana Ruiz-Soto",
        "community",
        2,
    )
    # a writer who still holds version 1 is refused, and nothing changes
    with pytest.raises(ConflictError, match=r"version 1, now 2\); reload"):
        service_council.update_council_member(
            store, editor_a, member_id=member.id, read_version=1, name="Someone Else",
            settings=settings,
        )  # fmt: skip
    assert store.council_members(A) == [changed]
    assert len(store.audit_entries(entity="council_member")) == 2
    # dates: the term end can be cleared, and can never come before the start
    open_term = service_council.update_council_member(
        store, editor_a, member_id=member.id, read_version=2, clear_term_end=True,
        settings=settings,
    )  # fmt: skip
    assert open_term.term_end is None and open_term.version == 3
    with pytest.raises(DataValidationError, match=r"ends \(2024-06-30\) before it starts"):
        service_council.update_council_member(
            store, editor_a, member_id=member.id, read_version=3, term_end=date(2024, 6, 30),
            settings=settings,
        )  # fmt: skip
    with pytest.raises(DataValidationError, match="Unknown seat 'mayor'; use one of principal"):
        service_council.update_council_member(
            store, editor_a, member_id=member.id, read_version=3, role="mayor", settings=settings
        )
    with pytest.raises(DataValidationError, match="needs a name"):
        service_council.update_council_member(
            store, editor_a, member_id=member.id, read_version=3, name="  ", settings=settings
        )
    with pytest.raises(NotFoundError, match="No council member #999"):
        service_council.update_council_member(
            store, editor_a, member_id=999, read_version=1, name="X", settings=settings
        )
    with pytest.raises(NotFoundError, match="does not sit on the council of school 609698"):
        service_council.update_council_member(
            store, editor_a, member_id=member.id, read_version=3, name="X", school_id=B,
            settings=settings,
        )  # fmt: skip
    assert store.council_members(A) == [open_term]


def test_only_an_editor_of_the_school_changes_its_members(store: Store, settings: Settings) -> None:
    admin, editor_a, editor_b = _users(store, settings)
    member = _seat(store, editor_a, settings)
    for user in (editor_b, None):
        with pytest.raises(PermissionDeniedError):
            service_council.update_council_member(
                store, user, member_id=member.id, read_version=1, name="X", settings=settings
            )
        with pytest.raises(PermissionDeniedError):
            service_council.end_council_member_term(
                store, user, member_id=member.id, read_version=1, end_date=date(2025, 1, 31),
                reason="moved away", settings=settings,
            )  # fmt: skip
    assert store.council_members(A) == [member]
    ended = service_council.end_council_member_term(
        store, admin, member_id=member.id, read_version=1, end_date=date(2025, 1, 31),
        reason="moved away", settings=settings,
    )  # fmt: skip
    assert ended.term_end == date(2025, 1, 31) and ended.version == 2


def test_end_a_term_keeps_the_member_and_later_votes_count_the_vacancy(
    store: Store, settings: Settings
) -> None:
    """12 seats, quorum = a majority of the members serving: 6 present is no quorum while all
    12 serve, and is a quorum once a parent's term has ended (11 serving)."""
    settings = settings.model_copy(update={"council_quorum_rule": "majority_of_serving"})
    _admin, editor_a, _ = _users(store, settings)
    members = [
        service_council.add_council_member(
            store,
            editor_a,
            school_id=A,
            name=f"M{i:02d}",
            role=role,
            term_start=date(2024, 7, 1),
            settings=settings,
            now=_now,
        )
        for i, role in enumerate(ROLES_12)
    ]
    leaving = members[8]  # a parent
    present = {str(m.id): "yes" for m in members[:6]}

    def vote(day: date, ballots: dict[str, str]) -> dict[str, object]:
        meeting = service_council.add_council_meeting(
            store, editor_a, school_id=A, meeting_date=day, settings=settings
        )
        return service_council.record_motion(
            store, editor_a, school_id=A, meeting_id=meeting.id, topic="general",
            text=f"Motion of {day}", ballots=ballots, school_kind="elementary",
            settings=settings,
        )  # fmt: skip

    before = vote(date(2025, 1, 15), present)
    assert before["result"] == "invalid: no quorum"
    assert before["outcome"]["serving"] == 12 and before["outcome"]["quorum_needed"] == 7
    with pytest.raises(DataValidationError, match="Say why the term ends"):
        service_council.end_council_member_term(
            store, editor_a, member_id=leaving.id, read_version=1, end_date=date(2025, 1, 31),
            reason="  ", settings=settings,
        )  # fmt: skip
    with pytest.raises(DataValidationError, match=r"cannot end \(2024-06-01\) before it starts"):
        service_council.end_council_member_term(
            store, editor_a, member_id=leaving.id, read_version=1, end_date=date(2024, 6, 1),
            reason="moved away", settings=settings,
        )  # fmt: skip
    ended = service_council.end_council_member_term(
        store, editor_a, member_id=leaving.id, read_version=1, end_date=date(2025, 1, 31),
        reason=" moved away ", settings=settings, now=_now,
    )  # fmt: skip
    assert ended.term_end == date(2025, 1, 31) and ended.version == 2
    with pytest.raises(ConflictError):
        service_council.end_council_member_term(
            store, editor_a, member_id=leaving.id, read_version=1, end_date=date(2025, 1, 20),
            reason="moved away", settings=settings,
        )  # fmt: skip
    with pytest.raises(DataValidationError, match="already ends on 2025-01-31"):
        service_council.end_council_member_term(
            store, editor_a, member_id=leaving.id, read_version=2, end_date=date(2025, 3, 1),
            reason="term over", settings=settings,
        )  # fmt: skip
    # nothing is deleted: the member stays in the history, not serving after the last day
    council = service_council.school_council(store, A, today=date(2025, 2, 10))
    row = next(m for m in council["members"] if m["id"] == leaving.id)
    assert row["term_end"] == date(2025, 1, 31) and row["serving"] is False
    assert sum(m["serving"] for m in council["members"]) == 11 and len(council["members"]) == 12
    on_last_day = service_council.school_council(store, A, today=date(2025, 1, 31))
    assert next(m for m in on_last_day["members"] if m["id"] == leaving.id)["serving"] is True
    # the same 6 present make a quorum once the seat is vacant
    after = vote(date(2025, 2, 10), present)
    assert after["result"] == "passed" and after["valid"] is True
    assert after["outcome"]["serving"] == 11 and after["outcome"]["quorum_needed"] == 6
    assert "1 seat(s) vacant." in after["outcome"]["notes"]
    assert after["ballots"] == {**present, **{str(m.id): "absent" for m in members[6:8]},
                                **{str(m.id): "absent" for m in members[9:]}}  # fmt: skip
    with pytest.raises(DataValidationError, match="not serving members"):
        vote(date(2025, 2, 11), {str(leaving.id): "yes"})
    # the earlier vote keeps the ballot the member cast while serving
    assert str(leaving.id) in service_council.school_council(store, A)["motions"][0]["ballots"]
    entry = store.audit_entries(entity="council_member")[0]
    assert entry.action == "end_term" and entry.at == NOW and entry.entity_key == str(leaving.id)
    assert entry.before is not None and entry.before["term_end"] is None
    assert entry.after == {**entry.before, "term_end": "2025-01-31", "version": 2,
                           "reason": "moved away"}  # fmt: skip


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_two_concurrent_writers_of_one_member_one_conflict(
    store: Store, settings: Settings
) -> None:
    assert store.dialect == "postgresql"
    admin, editor_a, _ = _users(store, settings)
    member = _seat(store, editor_a, settings)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def edit() -> None:
        barrier.wait()
        try:
            service_council.update_council_member(
                store, editor_a, member_id=member.id, read_version=1, role="community",
                settings=settings,
            )  # fmt: skip
            result = "edited"
        except ConflictError:
            result = "conflict"
        with lock:
            outcomes.append(result)

    def end() -> None:
        barrier.wait()
        try:
            service_council.end_council_member_term(
                store, admin, member_id=member.id, read_version=1, end_date=date(2025, 1, 31),
                reason="resigned", settings=settings,
            )  # fmt: skip
            result = "ended"
        except ConflictError:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=edit), threading.Thread(target=end)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and outcomes.count("conflict") == 1
    (stored,) = store.council_members(A)
    assert stored.version == 2
    if "edited" in outcomes:
        assert (stored.role, stored.term_end) == ("community", date(2026, 6, 30))
    else:
        assert (stored.role, stored.term_end) == ("parent", date(2025, 1, 31))
    actions = [e.action for e in store.audit_entries(entity="council_member")]
    assert len(actions) == 2 and actions[1] == "create"  # the loser left no trace
