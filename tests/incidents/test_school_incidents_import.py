"""The district's incident export: good rows recorded, each kind of bad row set aside with its
reason (and never its note), a bad file refused in one sentence with a non-zero exit, the same
file twice changes nothing, an interrupted import leaves the store as it was; one audit entry.
And the `incidents` commands that write as an account."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import SourceError, SourceSchemaError
from safeschools.model import School
from safeschools.services.accounts import full_audit_log
from safeschools.services.incident_import import import_incident_export
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, sqlite_store

NOW = datetime(2026, 12, 7, 9, 30)
PASSWORD = "correct horse battery"
HEADER = (
    "incident_id,school_id,occurred_at,category,place,students_involved,injuries,"
    "police_called,police_reason,responses,note"
)
GOOD = [
    "A-1,1,2026-11-03T12:15,fight,grounds,3,1,Y,serious_injury,"
    "restorative_conference;parent_meeting,Lunch line",
    "A-2,1,11/04/2026 08:05:00 AM,bullying,inside,2,0,N,,counselling,",
    "A-3,2,2026-11-05 14:00,weapon,near_school,1,0,Y,weapon,suspension,",
]
BAD = {
    "B-1,9,2026-11-03T12:15,fight,grounds,3,0,N,,,": "school_id '9' is not a school in the store",
    "B-2,1,2027-01-01T12:00,fight,grounds,3,0,N,,,": "in the future",
    "B-3,1,2026-11-03T12:15,arson,grounds,3,0,N,,,": "The category 'arson' is not one of",
    "B-4,1,2026-11-03T12:15,fight,grounds,Ana and Luis,0,N,,,": "never names or student ids",
    "B-5,1,2026-11-03T12:15,fight,grounds,2,5,N,,,": "hurt is 5; it must be from 0 to 2",
    "B-6,1,2026-11-03T12:15,fight,grounds,2,0,maybe,,,": "police_called 'maybe' is not Y or N",
    "B-7,1,2026-11-03T12:15,fight,grounds,2,0,Y,,,": "Police were called: say why",
    "B-8,1,2026-11-03T12:15,fight,grounds,2,0,N,,mediation;mediation,": "listed twice",
    "B-9,1,someday,fight,grounds,2,0,N,,,": "occurred_at 'someday' is not a date",
    "A-1,1,2026-11-03T12:15,fight,grounds,3,0,N,,,": "duplicate id A-1",
    ",1,2026-11-03T12:15,fight,grounds,3,0,N,,,": "incident_id is empty",
    "B-10,1,2026-11-03T12:15,fight,grounds,2,0,N,,,Student 12345678": "looks like a student id",
}


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def school_store(store: Store, settings: Settings) -> Store:
    schools = [
        School("1", "2024-25", "Alpha", lat=41.88, lon=-87.63, governance="district"),
        School("2", "2024-25", "Bravo", lat=41.89, lon=-87.62, governance="district"),
    ]
    load_records(store, settings, schools=schools)
    return store


def _import(store: Store, path: Path, settings: Settings) -> Any:
    return import_incident_export(store, path, settings=settings, now=lambda: NOW)


def test_good_rows_recorded_bad_rows_set_aside_with_reasons(
    school_store: Store, settings: Settings, tmp_path: Path
) -> None:
    path = _write(tmp_path / "export.csv", [*GOOD, *BAD])
    report = _import(school_store, path, settings)
    rec = report.record
    assert (rec.rows_read, rec.accepted, rec.rejected, rec.inserted) == (15, 3, 12, 3)
    stored = school_store.school_incidents(include_withdrawn=True)
    assert [(i.external_id, i.source, i.school_id) for i in stored] == [
        ("A-1", "import", "1"), ("A-2", "import", "1"), ("A-3", "import", "2"),
    ]  # fmt: skip
    assert stored[1].occurred_at == datetime(2026, 11, 4, 8, 5)
    assert stored[0].responses == ("restorative_conference", "parent_meeting")
    assert stored[0].police_reason == "serious_injury" and stored[0].staff_note == "Lunch line"
    rejected = school_store.rejected_rows(rec.id)
    reasons = {r.line: r.reason for r in rejected}
    for line, (row, expected) in enumerate(BAD.items(), start=len(GOOD) + 2):
        assert expected in reasons[line], (row, reasons[line])
    # a row set aside never keeps the note (staff's words), whatever it holds
    assert all("note" not in r.raw for r in rejected)
    assert rejected[0].raw["school_id"] == "9"
    entries = [e for e in full_audit_log(school_store) if e["entity"] == "incident_import"]
    assert len(entries) == 1 and entries[0]["action"] == "import"
    assert entries[0]["after"] == {
        "file": "export.csv", "rows_read": 15, "inserted": 3, "updated": 0, "unchanged": 0,
        "rejected": 12,
    }  # fmt: skip
    assert all(e["entity"] != "incident_import" for e in services.audit_log(school_store))


def test_twice_changes_nothing_and_an_overlapping_export_adds_what_is_new(
    school_store: Store, settings: Settings, tmp_path: Path
) -> None:
    path = _write(tmp_path / "export.csv", GOOD)
    first = _import(school_store, path, settings)
    before = [(i.id, i.version) for i in school_store.school_incidents(include_withdrawn=True)]
    again = _import(school_store, path, settings)
    assert again.skipped and again.duplicate_of.id == first.record.id
    # the same rows in another file (a later export): nothing changes either
    copy = _write(tmp_path / "export-copy.csv", [GOOD[1], GOOD[0], GOOD[2], ""])
    second = _import(school_store, copy, settings)
    assert (second.record.inserted, second.record.updated, second.record.unchanged) == (0, 0, 3)
    after = [(i.id, i.version) for i in school_store.school_incidents(include_withdrawn=True)]
    assert after == before
    # a later export that changed one row and added one
    changed = GOOD[1].replace(",2,0,N,", ",2,1,N,")
    later = _write(
        tmp_path / "later.csv",
        [GOOD[0], changed, "A-4,2,2026-11-20T10:00,threat,bus,4,0,N,,mediation,"],
    )
    third = _import(school_store, later, settings)
    assert (third.record.inserted, third.record.updated, third.record.unchanged) == (1, 1, 1)
    a2 = school_store.school_incident_by_external_id("A-2")
    assert a2 is not None and a2.injuries == 1 and a2.version == 2


def test_an_interrupted_import_leaves_the_store_as_it_was(
    school_store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "export.csv", GOOD)
    imports_before = len(school_store.imports())
    audit_before = len(full_audit_log(school_store))
    real_add = school_store.add_school_incident
    calls = []

    def add_then_stop(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:  # the operator presses Ctrl-C in the middle of the file
            raise KeyboardInterrupt
        return real_add(*args, **kwargs)

    monkeypatch.setattr(school_store, "add_school_incident", add_then_stop)
    with pytest.raises(KeyboardInterrupt):
        _import(school_store, path, settings)
    assert school_store.school_incidents(include_withdrawn=True) == []
    assert len(school_store.imports()) == imports_before
    assert len(full_audit_log(school_store)) == audit_before
    monkeypatch.undo()
    # and the same file imports whole afterwards (it was never recorded as imported)
    assert _import(school_store, path, settings).record.inserted == 3


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"incident_id,school_id,occurred_at\nA-1,1,2026-11-03\n", SourceSchemaError,
         r"lacks the column\(s\) category, place, students_involved"),
        (b'[{"incident_id": "A-1"}]', SourceError, "is not a CSV file"),
        (b"PK\x03\x04 a workbook renamed .csv" + bytes(200), SourceError, "ZIP"),
        (b"", SourceError, "empty"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_sentence(
    school_store: Store,
    settings: Settings,
    tmp_path: Path,
    content: bytes,
    error: type[Exception],
    message: str,
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(error, match=message) as caught:
        _import(school_store, path, settings)
    assert str(caught.value).count("\n") == 0
    assert school_store.school_incidents(include_withdrawn=True) == []


# ---------------------------------------------------------------------- the commands
def test_the_commands(tmp_path: Path, settings: Settings) -> None:
    url = f"sqlite:///{tmp_path / 'cli-incidents.db'}"
    store = sqlite_store(tmp_path / "cli-incidents.db")
    try:
        schools = [School("1", "2024-25", "Alpha", lat=41.88, lon=-87.63, governance="district")]
        load_records(store, settings, schools=schools)
        for email, role, ids in (("ed1@x.org", "editor", ["1"]), ("admin@x.org", "admin", [])):
            services.create_user(
                store, email=email, password=PASSWORD, role=role, school_ids=ids,
                settings=settings,
            )  # fmt: skip
    finally:
        store.dispose()
    runner = CliRunner()

    def run(*args: str, stdin: str | None = PASSWORD + "\n") -> Any:
        return runner.invoke(cli, ["--database-url", url, "incidents", *args], input=stdin)

    recorded = run(
        "record", "1", "--at", "2026-11-03T12:15", "--category", "fight", "--place", "grounds",
        "--students", "3", "--injuries", "1", "--police-reason", "serious_injury",
        "--response", "mediation", "--note", "Hallway", "--as", "ed1@x.org", "--password-stdin",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert "Incident #1 recorded for school 1" in recorded.output
    refused = run(
        "record", "1", "--at", "2026-11-03T12:15", "--category", "fight", "--place", "grounds",
        "--students", "3", "--injuries", "9", "--as", "ed1@x.org", "--password-stdin",
    )  # fmt: skip
    assert refused.exit_code == 2 and "hurt is 9; it must be from 0 to 3" in refused.output
    logged = run("log", "1", "--format", "json", "--as", "ed1@x.org", "--password-stdin")
    assert logged.exit_code == 0, logged.output
    entries = json.loads(logged.output)
    assert [(e["id"], e["staff_note"], e["withdrawn"]) for e in entries] == [(1, "Hallway", False)]
    as_csv = run("log", "1", "--format", "csv", "--as", "admin@x.org", "--password-stdin")
    assert as_csv.output.startswith("incident_id,school_id,occurred_at")
    wrong = runner.invoke(
        cli, ["--database-url", url, "incidents", "log", "1", "--as", "ed1@x.org",
              "--password-stdin"], input="not it\n",
    )  # fmt: skip
    assert wrong.exit_code == 2
    added = run("add-category", "vaping", "--en", "Vaping", "--es", "Vapeo", "--as",
                "admin@x.org", "--password-stdin")  # fmt: skip
    assert added.exit_code == 0, added.output
    not_admin = run("add-category", "gambling", "--en", "Gambling", "--es", "Apuestas", "--as",
                    "ed1@x.org", "--password-stdin")  # fmt: skip
    assert not_admin.exit_code == 2 and "may not change the incident categories" in not_admin.output
    listed = run("categories", "--json", stdin=None)
    assert [c["code"] for c in json.loads(listed.output)][-1] == "vaping"
    export = _write(tmp_path / "export.csv", [*GOOD[:2], next(iter(BAD))])
    imported = run("import", str(export), stdin=None)
    assert imported.exit_code == 0, imported.output
    assert "Read 3 rows: 2 accepted, 1 rejected" in imported.output
    assert "school_id '9' is not a school in the store" in imported.output
    twice = run("import", str(export), stdin=None)
    assert twice.exit_code == 0 and "nothing changed" in twice.output
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    refused_file = run("import", str(bad), stdin=None)
    assert refused_file.exit_code == 2
    assert "is not the district's incident export" in refused_file.output
