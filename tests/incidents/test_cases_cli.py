"""`safeschools cases ...` on a SQLite file: open, list, close, recurrence, staff only."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner
from helpers.forms import two_schools_with_editors

from safeschools.cli import cli
from safeschools.model.incidents import Incident
from safeschools.settings import Settings
from safeschools.testing import sqlite_store

PASSWORD = "correct horse battery"


def test_cases_commands(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "c.db"
    store = sqlite_store(path)
    two_schools_with_editors(store, settings, PASSWORD)
    at = datetime(2025, 1, 6, 12)
    with store.engine.begin() as conn:
        fight = store.add_school_incident(
            Incident("1", datetime(2025, 1, 6, 10), "fight", "inside", 2), at=at, by=None, conn=conn
        )
    store.dispose()
    url = ["--database-url", f"sqlite:///{path}"]
    run = CliRunner().invoke
    stdin = {"input": PASSWORD + "\n"}

    def as_(email: str) -> list[str]:
        return ["--as", email, "--password-stdin"]

    opening = [*url, "cases", "open", str(fight.id), "--opened-on", "2025-01-07",
               "--participant", "teacher", "--participant", "students_involved"]  # fmt: skip
    refused = run(cli, [*opening, *as_("ed2@x.org")], **stdin)
    assert refused.exit_code == 2 and "may not change restorative cases" in refused.output
    opened = run(cli, [*opening, *as_("ed1@x.org")], **stdin)
    assert opened.exit_code == 0, opened.output
    assert f"Case #1 of incident #{fight.id} opened: open, version 1." in opened.output
    again = run(cli, [*opening, *as_("ed1@x.org")], **stdin)
    assert again.exit_code == 2 and "has a restorative case already" in again.output
    early = run(cli, [*url, "cases", "recurrence", "1", "maybe", *as_("ed1@x.org")], **stdin)
    assert early.exit_code == 2 and "'maybe' is not one of 'yes', 'no', 'unknown'" in early.output
    no = run(cli, [*url, "cases", "recurrence", "1", "no", *as_("ed1@x.org")], **stdin)
    assert no.exit_code == 0 and "involved again: no" in no.output  # 90 days have passed
    closing = [*url, "cases", "close", "1", "--outcome", "partly", "--closed-on", "2025-01-31"]
    stale = run(cli, [*closing, "--version", "1", *as_("ed1@x.org")], **stdin)
    assert stale.exit_code == 2 and "changed since you read it" in stale.output
    closed = run(cli, [*closing, *as_("ed1@x.org")], **stdin)
    assert closed.exit_code == 0 and "closed: closed, partly, version 3." in closed.output
    listed = run(cli, [*url, "cases", "list", "1", *as_("ed1@x.org"), "--json"], **stdin)
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [(r["id"], r["outcome"], r["participants"]) for r in rows] == [
        (1, "partly", ["students_involved", "teacher"])
    ]
    table = run(cli, [*url, "cases", "list", "1", *as_("ed1@x.org")], **stdin)
    assert table.exit_code == 0 and "partly" in table.output
    other = run(cli, [*url, "cases", "list", "1", *as_("ed2@x.org")], **stdin)
    assert other.exit_code == 2 and "may not read the restorative cases" in other.output
