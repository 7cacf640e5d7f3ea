"""`safeschools backup` and `restore` on SQLite and PostgreSQL: the demo city backed up, changed
and wiped, then restored, with the same rows and the same digest in every table."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, text

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import ConfigError, SourceError
from safeschools.settings import Settings
from safeschools.storage import Store, open_store
from safeschools.storage import tables as t
from safeschools.storage.backup import (
    backup,
    explain_pg_failure,
    find_pg_tool,
    restore,
    table_digests,
    verify_backup,
)

PASSWORD = "correct horse battery"


def _change_everything(store: Store, settings: Settings) -> None:
    """A new account, a district figure, the pairs and half the victims gone."""
    services.create_user(
        store, email="late@x.org", password=PASSWORD, role="admin", settings=settings
    )
    with store.transaction() as conn:
        conn.execute(delete(t.school_pairs))
        conn.execute(text("DELETE FROM victimizations WHERE id % 2 = 0"))


def test_a_restore_brings_back_every_row_of_every_table(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    services.load_demo_city(store, settings=settings)
    url = store.engine.url.render_as_string(hide_password=False)
    before = table_digests(store)
    assert before["victimizations"].rows > 1000 and before["school_pairs"].rows > 1000
    assert sum(d.rows > 0 for d in before.values()) >= 20  # not a vacuous round trip
    file = backup(url, tmp_path / "safeschools.backup")
    assert verify_backup(store, file) == []
    _change_everything(store, settings)
    changed = table_digests(store)
    assert {n for n in before if changed[n] != before[n]} == {
        "audit_log", "school_pairs", "users", "victimizations"
    }  # fmt: skip
    store.dispose()
    restore(url, file)
    restored = open_store(url)
    try:
        assert table_digests(restored) == before
    finally:
        restored.dispose()


def test_digests_do_not_depend_on_the_backend(store: Store, settings: Settings, demo_city) -> None:  # type: ignore[no-untyped-def]
    services.load_demo_city(store, settings=settings)
    ours, demo = table_digests(store), table_digests(demo_city.store)
    same = ("schools", "victimizations", "school_pairs", "council_members", "fund_shares")
    assert {n: ours[n] for n in same} == {n: demo[n] for n in same}


def test_a_backup_never_overwrites_by_surprise(sqlite_only_store: Store, tmp_path: Path) -> None:
    url = f"sqlite:///{sqlite_only_store.engine.url.database}"
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"keep me")
    with pytest.raises(ConfigError, match="exists already"):
        backup(url, taken)
    assert taken.read_bytes() == b"keep me"
    with pytest.raises(ConfigError, match="is the store itself"):
        backup(url, sqlite_only_store.engine.url.database or "", overwrite=True)
    assert backup(url, taken, overwrite=True) == taken.resolve()
    assert taken.read_bytes().startswith(b"SQLite format 3")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_restore_refuses_what_is_not_a_backup_of_its_kind(
    sqlite_only_store: Store, tmp_path: Path
) -> None:
    url = f"sqlite:///{sqlite_only_store.engine.url.database}"
    store_file = Path(sqlite_only_store.engine.url.database or "")
    sqlite_only_store.dispose()
    digest = hashlib.sha256(store_file.read_bytes()).hexdigest()
    not_backup = tmp_path / "notes.txt"
    not_backup.write_text("hello")
    with pytest.raises(SourceError, match="is not a safeschools backup"):
        restore(url, not_backup)
    with pytest.raises(SourceError, match="does not exist"):
        restore(url, tmp_path / "missing.db")
    archive = tmp_path / "pg.backup"
    archive.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
    kind = r"is a pg_dump \(PostgreSQL\) backup and the store is sqlite"
    with pytest.raises(ConfigError, match=kind):
        restore(url, archive)
    other = tmp_path / "other.db"
    other.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(SourceError):
        restore(url, other)
    busy = store_file.with_name(store_file.name + "-journal")
    busy.write_bytes(b"")
    good = backup(url, tmp_path / "good.db")
    with pytest.raises(ConfigError, match="is in use or was interrupted"):
        restore(url, good)
    busy.unlink()
    assert hashlib.sha256(store_file.read_bytes()).hexdigest() == digest


def test_missing_postgresql_tools_and_version_mismatch_are_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pg_dump was not found: install the PostgreSQL client"):
        find_pg_tool("pg_dump", search=[tmp_path])
    assert find_pg_tool("pg_dump").name == "pg_dump"  # installed here (Debian's postgresql)
    mismatch = (
        "pg_dump: error: aborting because of server version mismatch\n"
        "pg_dump: detail: server version: 16.4; pg_dump version: 15.18\n"
    )
    assert explain_pg_failure("pg_dump", mismatch) == (
        "pg_dump is older than the PostgreSQL server (server version: 16.4; pg_dump version: "
        "15.18); install the PostgreSQL 16 client tools (e.g. apt-get install "
        "postgresql-client-16) or put them first on PATH."
    )
    newer = "pg_restore: error: unsupported version (1.16) in file header\n"
    assert explain_pg_failure("pg_restore", newer).startswith(
        "The backup was written by a newer pg_dump than this pg_restore"
    )


def test_a_store_that_cannot_be_reached_is_named_and_its_password_not_shown(
    store: Store, tmp_path: Path
) -> None:
    if store.dialect == "postgresql":
        url = store.engine.url.set(username="nobody", password="s3cret-word")
        wanted = r"pg_dump failed: .*\"nobody\""
    else:
        url = store.engine.url.set(database=str(tmp_path / "none" / "store.db"))
        wanted = "There is no store at .* to back up"
    with pytest.raises((SourceError, ConfigError), match=wanted) as caught:
        backup(url.render_as_string(hide_password=False), tmp_path / "x.backup")
    assert "s3cret-word" not in str(caught.value)
    assert not (tmp_path / "x.backup").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_backup_and_restore_commands(demo_city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store_file = tmp_path / "store.db"
    url = f"sqlite:///{store_file}"
    backup(demo_city.settings.database_url, store_file)
    env = {"SAFESCHOOLS_DATABASE_URL": url}
    runner = CliRunner()
    saved = tmp_path / "backups" / "one.db"
    done = runner.invoke(cli, ["backup", str(saved), "--verify"], env=env)
    assert done.exit_code == 0, done.output
    assert f"Backed up sqlite:///{store_file} to {saved}" in done.output
    assert "Verified: the backup holds every table of the store." in done.output
    again = runner.invoke(cli, ["backup", str(saved)], env=env)
    assert again.exit_code == 2 and "exists already" in again.output
    before = table_digests(open_store(url))
    store = open_store(url)
    _change_everything(store, demo_city.settings)
    store.dispose()
    asked = runner.invoke(cli, ["restore", str(saved)], env=env, input="n\n")
    assert asked.exit_code == 1 and "Replace everything in" in asked.output
    done = runner.invoke(cli, ["restore", str(saved), "--yes"], env=env)
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"Restored {saved} into sqlite:///{store_file} (")
    after = open_store(url)
    assert table_digests(after) == before
    after.dispose()
