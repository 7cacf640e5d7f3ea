"""`safeschools funds ...` on a SQLite file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from helpers.funds_city import PASSWORD, YEAR, accounts, load_funds_city

from safeschools.cli import cli
from safeschools.settings import Settings
from safeschools.testing import sqlite_store


def test_funds_commands(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "f.db"
    store = sqlite_store(path)
    load_funds_city(store, settings)
    accounts(store, settings)
    store.dispose()
    url = ["--database-url", f"sqlite:///{path}"]
    run = CliRunner().invoke
    create = [*url, "funds", "pool", "create", "--school-year", YEAR, "--label", "SRO contract",
              "--amount", "10,300,000.01", "--as"]  # fmt: skip
    refused = run(cli, [*create, "one@x.org", "--password-stdin"], input=PASSWORD + "\n")
    assert refused.exit_code == 2 and "may not change the fund pools" in refused.output
    made = run(cli, [*create, "admin@x.org", "--password-stdin"], input=PASSWORD + "\n")
    assert made.exit_code == 0, made.output
    assert "Pool #1 SRO contract: $10,300,000.01" in made.output
    listed = run(cli, [*url, "funds", "pool", "list"])
    assert listed.exit_code == 0 and "SRO contract" in listed.output
    whatif = run(cli, [*url, "funds", "whatif", "1"])
    assert whatif.exit_code == 0 and "$3,433,333.34" in whatif.output  # equal: 1 extra cent
    adopt = [*url, "funds", "adopt", "1", "--formula", "enrollment", "--as", "admin@x.org",
             "--password-stdin"]  # fmt: skip
    adopted = run(cli, adopt, input=PASSWORD + "\n")
    assert adopted.exit_code == 0 and "version 1 adopted (enrollment)" in adopted.output
    plan = run(cli, [*url, "funds", "plan", "1"])
    # 300:200:100 of 1,030,000,001 cents: remainders .5, .667, .833 -> the cents go to 3 and 2
    assert plan.exit_code == 0 and "share $5,150,000.00" in plan.output
    missing = run(cli, [*url, "funds", "whatif", "9"])
    assert missing.exit_code == 2 and "No fund pool #9" in missing.output
