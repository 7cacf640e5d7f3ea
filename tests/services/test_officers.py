"""Officer assignments: the real decisions file, the district series, edits with versions."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import ConflictError, PermissionDeniedError
from safeschools.ingest.cps_sro_decisions import sro_file_from_path
from safeschools.model import User
from safeschools.services import officers as service_officers
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data

DECISIONS = real_data("cps-sro-decisions", "sro_decisions.csv")
AGGREGATES = real_data("cps-sro-decisions", "sro_aggregates.csv")
BROKEN = Path(__file__).parents[1] / "data" / "cps_sro" / "broken_decisions.csv"
PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 29, 12, 0)  # pinned so audit entries are comparable


def _now() -> datetime:
    return NOW


def _users(store: Store, settings: Settings) -> tuple[User, User, User]:
    admin = services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    editor_a = services.create_user(
        store,
        email="a@x.org",
        password=PASSWORD,
        role="editor",
        school_ids=["610513"],
        settings=settings,
    )
    editor_b = services.create_user(
        store,
        email="b@x.org",
        password=PASSWORD,
        role="editor",
        school_ids=["609698"],
        settings=settings,
    )
    return admin, editor_a, editor_b


def test_real_decisions_file_rows_per_round() -> None:
    result = sro_file_from_path(DECISIONS)
    assert result.rows_read == 120 and result.rejects == []
    rounds = Counter(r.decision_round for r in result.records)  # type: ignore[union-attr]
    assert rounds == {
        "2020_lsc_vote": 57,
        "2021_wssp_vote": 10,
        "2023_wssp_vote": 27,
        "2024_board_resolution": 26,
    }


def test_import_real_files(store: Store, settings: Settings) -> None:
    report = service_officers.ingest_officers_file(store, DECISIONS, settings=settings, now=_now)
    assert report.record is not None
    assert (report.record.rows_read, report.record.accepted, report.record.rejected) == (
        120,
        120,
        0,
    )
    assert len(store.sro_decisions()) == 120
    assert len(store.sro_decisions(decision_round="2023_wssp_vote")) == 27
    again = service_officers.ingest_officers_file(store, DECISIONS, settings=settings)
    assert again.skipped
    # Austin CCA went 2 -> 1 in 2023 (Chalkbeat); every school ended in 2024-25.
    air_force = service_officers.school_officers(store, "610513")
    years = {a["school_year"]: a["officers"] for a in air_force["assignments"]}
    assert years["2024-25"] == 0
    assert len(air_force["decisions"]) == 3
    service_officers.ingest_officers_file(store, AGGREGATES, settings=settings, now=_now)
    series = service_officers.district_officers(store)
    published = {(r["school_year"], r["metric"]): r["value"] for r in series["published"]}
    assert published[("2019-20", "schools_with_sros_voting")] == "about 70"
    assert published[("2023-24", "officers_and_schools")] == "57 officers at 39 high schools"
    assert {r["school_year"] for r in series["recorded"]} >= {"2023-24", "2024-25"}
    audit = store.audit_entries(entity="sro_assignment", limit=1000)
    assert audit and all(e.action == "import" and e.after for e in audit)


def test_broken_rows_are_rejected_with_reasons(store: Store, settings: Settings) -> None:
    report = service_officers.ingest_officers_file(store, BROKEN, settings=settings, now=_now)
    assert report.record is not None
    assert (report.record.accepted, report.record.rejected) == (1, 4)
    reasons = [r.reason for r in store.rejected_rows(report.record.id)]
    assert any("officers_after 'one'" in r for r in reasons)
    assert any("decision_round '2019_poll' is unknown" in r for r in reasons)
    assert any("vote_date 'July 2021'" in r for r in reasons)
    assert any("duplicate" in r for r in reasons)


def test_edits_check_roles_versions_and_audit(store: Store, settings: Settings) -> None:
    admin, editor_a, editor_b = _users(store, settings)
    created = service_officers.set_officers(
        store,
        editor_a,
        school_id="610513",
        school_year="2024-25",
        officers=2,
        read_version=0,
        settings=settings,
        now=_now,
    )
    assert created.version == 1
    with pytest.raises(PermissionDeniedError, match="may not change officer assignments"):
        service_officers.set_officers(
            store,
            editor_b,
            school_id="610513",
            school_year="2024-25",
            officers=1,
            read_version=1,
            settings=settings,
        )
    with pytest.raises(PermissionDeniedError, match="Sign in"):
        service_officers.set_officers(
            store,
            None,
            school_id="610513",
            school_year="2024-25",
            officers=1,
            read_version=1,
            settings=settings,
        )
    changed = service_officers.set_officers(
        store,
        admin,
        school_id="610513",
        school_year="2024-25",
        officers=1,
        read_version=1,
        settings=settings,
        now=_now,
    )
    assert changed.version == 2
    with pytest.raises(ConflictError, match=r"changed since you read it \(version 1, now 2\)"):
        service_officers.set_officers(
            store,
            editor_a,
            school_id="610513",
            school_year="2024-25",
            officers=0,
            read_version=1,
            settings=settings,
        )
    with pytest.raises(ConflictError, match="send the version you read"):
        service_officers.set_officers(
            store,
            editor_a,
            school_id="610513",
            school_year="2024-25",
            officers=0,
            read_version=0,
            settings=settings,
        )
    entries = store.audit_entries(entity="sro_assignment")
    assert [(e.action, e.user_email) for e in entries] == [
        ("update", "admin@x.org"),
        ("create", "a@x.org"),
    ]
    assert entries[0].before is not None and entries[0].before["officers"] == 2
    assert entries[0].after is not None and entries[0].after["officers"] == 1
    assert entries[1].before is None and entries[1].after is not None
    csv_text = service_officers.officers_csv(store, school_id="610513")
    assert csv_text.splitlines() == [
        "school_id,school_year,kind,officers,source,note,version",
        "610513,2024-25,sro,1,edit,,2",
    ]


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_two_concurrent_writers_one_conflict(store: Store, settings: Settings) -> None:
    assert store.dialect == "postgresql"
    admin, editor_a, _ = _users(store, settings)
    service_officers.set_officers(
        store,
        admin,
        school_id="610513",
        school_year="2023-24",
        officers=2,
        read_version=0,
        settings=settings,
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def write(user: User, officers: int) -> None:
        barrier.wait()
        try:
            service_officers.set_officers(
                store,
                user,
                school_id="610513",
                school_year="2023-24",
                officers=officers,
                read_version=1,
                settings=settings,
            )
            result = "ok"
        except ConflictError:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=write, args=(admin, 1)),
        threading.Thread(target=write, args=(editor_a, 0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    (stored,) = store.sro_assignments(school_id="610513", school_year="2023-24")
    assert stored.version == 2 and stored.officers in (0, 1)
    updates = store.audit_entries(entity="sro_assignment")
    assert [e.action for e in updates] == ["update", "create"]  # the loser left no trace


def test_cli_ingest_and_district_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'o.db'}"
    runner = CliRunner()
    for path in (DECISIONS, AGGREGATES):
        done = runner.invoke(cli, ["--database-url", url, "ingest", "officers", str(path)])
        assert done.exit_code == 0, done.output
    assert (
        "120 accepted"
        in runner.invoke(
            cli, ["--database-url", url, "ingest", "officers", str(DECISIONS), "--force"]
        ).output
    )
    district = runner.invoke(cli, ["--database-url", url, "officers", "--district"])
    assert district.exit_code == 0 and "about 70" in district.output
    school = runner.invoke(cli, ["--database-url", url, "officers", "610513"])
    assert school.exit_code == 0 and "2024-25" in school.output
    missing = runner.invoke(cli, ["--database-url", url, "ingest", "officers", "nope.csv"])
    assert missing.exit_code == 2 and "does not exist" in missing.output
