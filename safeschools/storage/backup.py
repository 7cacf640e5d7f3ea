"""Backing up and restoring the whole store, and a digest of every table to compare two stores.

- **SQLite**: :func:`backup` copies the database with SQLite's online backup API (a consistent
  copy while the server keeps running); :func:`restore` copies the backup beside the store's
  file, checks it, and moves it over the file in one step, so an interrupted restore leaves the
  store as it was.
- **PostgreSQL**: :func:`backup` runs ``pg_dump --format=custom`` and :func:`restore` runs
  ``pg_restore --clean --if-exists --single-transaction --no-owner``, with the connection taken
  from the store's URL and handed over in the environment (``PGHOST``, ``PGPASSWORD`` ...), so the
  password never shows in a process list. The tools are looked up on ``PATH``, then in
  ``/usr/lib/postgresql/*/bin`` (newest first).

Either way a backup file is written to a temporary name beside it and renamed when complete.
:func:`table_digests` hashes every table's rows in primary-key order: equal digests, equal data.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.engine import URL, make_url

from safeschools.errors import ConfigError, SourceError
from safeschools.storage.schema import metadata
from safeschools.storage.store import Store

__all__ = [
    "TableDigest",
    "backup",
    "explain_pg_failure",
    "find_pg_tool",
    "restore",
    "table_digests",
    "verify_backup",
]

_SQLITE_HEADER = b"SQLite format 3\x00"
_PG_HEADER = b"PGDMP"
_PG_BIN_DIRS = "/usr/lib/postgresql/*/bin"


@dataclass(frozen=True)
class TableDigest:
    """A table's row count and the SHA-256 of its rows in primary-key order."""

    rows: int
    sha256: str


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def table_digests(store: Store) -> dict[str, TableDigest]:
    """Every table of the store (and the migration it is at): rows and a SHA-256 of them.

    Rows are read in primary-key order, strings compared byte by byte on both backends, so two
    stores holding the same rows have the same digests.
    """
    tables = dict(metadata.tables)
    digests: dict[str, TableDigest] = {}
    with store.engine.connect() as conn:
        for name in sorted(tables):
            table = tables[name]
            columns = list(table.primary_key.columns) or list(table.columns)
            order: list[Any] = columns
            if store.dialect == "postgresql":  # strings in byte order, as SQLite sorts them
                order = [c.collate("C") if isinstance(c.type, String) else c for c in columns]
            sha = hashlib.sha256()
            rows = 0
            for row in conn.execute(select(table).order_by(*order)):
                line = json.dumps([_plain(v) for v in row], default=str, ensure_ascii=False)
                sha.update(line.encode() + b"\n")
                rows += 1
            digests[name] = TableDigest(rows, sha.hexdigest())
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars()
        heads = sorted(str(v) for v in version)
    digests["alembic_version"] = TableDigest(
        len(heads), hashlib.sha256("\n".join(heads).encode()).hexdigest()
    )
    return digests


# ---------------------------------------------------------------------- files
@contextmanager
def _written_atomically(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed to ``target`` when the block succeeds and
    removed when it fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _kind_of_file(path: Path) -> str:
    if not path.is_file():
        msg = f"{path} does not exist or is not a file; give the backup file's path."
        raise SourceError(msg)
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(_SQLITE_HEADER):
        return "sqlite"
    if head.startswith(_PG_HEADER):
        return "postgresql"
    msg = (
        f"{path} is not a safeschools backup (neither a SQLite database nor a pg_dump "
        "archive); give the file `safeschools backup` wrote."
    )
    raise SourceError(msg)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        msg = "An in-memory store cannot be backed up or restored; use sqlite:///file.db."
        raise ConfigError(msg)
    return Path(url.database).expanduser().resolve()


# ---------------------------------------------------------------------- backup
def backup(database_url: str, target: Path | str, *, overwrite: bool = False) -> Path:
    """Write a backup of the store at ``database_url`` to ``target``; returns its path.

    ``target`` is not replaced unless ``overwrite``; it is never the store's own file.
    """
    url = make_url(database_url)
    target = Path(target).expanduser().resolve()
    if target.exists() and not overwrite:
        msg = f"{target} exists already; choose another file name or allow overwriting it."
        raise ConfigError(msg)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_path(url)
        if source == target:
            msg = f"{target} is the store itself; write the backup to another file."
            raise ConfigError(msg)
        if not source.is_file():
            msg = f"There is no store at {source} to back up; check --database-url."
            raise ConfigError(msg)
        with _written_atomically(target) as temporary:
            _sqlite_copy(source, temporary, read_only=True)
        return target
    if url.get_backend_name() == "postgresql":
        with _written_atomically(target) as temporary:
            _run_pg_tool("pg_dump", ["--format=custom", f"--file={temporary}"], url)
        return target
    msg = f"Cannot back up a {url.get_backend_name()} store; safeschools uses SQLite or PostgreSQL."
    raise ConfigError(msg)


def _sqlite_copy(source: Path, target: Path, *, read_only: bool) -> None:
    """Copy the SQLite database ``source`` into ``target`` with the online backup API."""
    mode = "?mode=ro" if read_only else ""
    src = sqlite3.connect(f"{source.as_uri()}{mode}", uri=True)
    try:
        dest = sqlite3.connect(target)
        try:
            src.backup(dest)
        finally:
            dest.close()
    except sqlite3.DatabaseError as exc:
        msg = f"Cannot read the SQLite database {source}: {exc}."
        raise SourceError(msg) from exc
    finally:
        src.close()


def verify_backup(store: Store, path: Path | str) -> list[str]:
    """What differs between the store and its backup ``path`` (empty: the backup is sound).

    A SQLite backup is opened and every table's digest compared with the store's (so nothing
    may write in between); a PostgreSQL archive is read back by ``pg_restore --list``, which
    must list the data of every table.
    """
    path = Path(path).expanduser().resolve()
    kind = _kind_of_file(path)
    if kind == "sqlite":
        from safeschools.storage.store import open_store

        copy = open_store(f"sqlite:///{path}", migrate=False)
        try:
            theirs = table_digests(copy)
        finally:
            copy.dispose()
        ours = table_digests(store)
        return [
            f"{name}: {ours[name].rows} rows in the store, "
            f"{theirs[name].rows if name in theirs else 'none'} in the backup"
            for name in sorted(ours)
            if theirs.get(name) != ours[name]
        ]
    tool = find_pg_tool("pg_restore")
    done = subprocess.run(
        [str(tool), "--list", str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return [explain_pg_failure("pg_restore", done.stderr)]
    listed = {line.split()[-2] for line in done.stdout.splitlines() if " TABLE DATA " in line}
    return [
        f"{name}: no data in the backup" for name in sorted(metadata.tables) if name not in listed
    ]


# ---------------------------------------------------------------------- restore
def restore(database_url: str, source: Path | str) -> None:
    """Replace the store at ``database_url`` with the backup ``source`` (written by
    :func:`backup` from a store of the same kind). Open the store afterwards to bring an older
    backup's tables up to date.

    Nothing else should be writing to the store meanwhile: stop the server first.
    """
    url = make_url(database_url)
    source = Path(source).expanduser().resolve()
    kind = _kind_of_file(source)
    backend = url.get_backend_name()
    if kind != backend:
        written_by = "pg_dump (PostgreSQL)" if kind == "postgresql" else "SQLite"
        msg = (
            f"{source} is a {written_by} backup and the store is {backend}; restore it into a "
            f"{kind} store (--database-url)."
        )
        raise ConfigError(msg)
    if backend == "sqlite":
        _restore_sqlite(source, _sqlite_path(url))
        return
    _run_pg_tool(
        "pg_restore",
        ["--clean", "--if-exists", "--single-transaction", "--no-owner", str(source)],
        url,
        database_option=True,
    )


def _restore_sqlite(source: Path, target: Path) -> None:
    for suffix in ("-journal", "-wal"):
        busy = target.with_name(target.name + suffix)
        if busy.exists():
            msg = (
                f"The store {target} is in use or was interrupted ({busy.name} exists); stop the "
                "server and every other safeschools command, then restore again."
            )
            raise ConfigError(msg)
    with _written_atomically(target) as temporary:
        _sqlite_copy(source, temporary, read_only=True)
        check = sqlite3.connect(temporary)
        try:
            ok = check.execute("PRAGMA integrity_check").fetchone()
            tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master")}
        finally:
            check.close()
        if ok is None or ok[0] != "ok" or "alembic_version" not in tables:
            msg = (
                f"{source} is not a sound safeschools store (integrity check: {ok}); not restored."
            )
            raise SourceError(msg)


# ---------------------------------------------------------------------- PostgreSQL tools
def find_pg_tool(name: str, *, search: Sequence[Path] | None = None) -> Path:
    """The ``pg_dump`` or ``pg_restore`` to run: on ``PATH``, else the newest PostgreSQL's in
    ``/usr/lib/postgresql/*/bin`` (or the first of ``search`` that has it)."""
    if search is None:
        found = shutil.which(name)
        if found:
            return Path(found)
        search = sorted(
            Path("/").glob(_PG_BIN_DIRS.lstrip("/")),
            key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
            reverse=True,
        )
    for folder in search:
        if (folder / name).is_file():
            return folder / name
    msg = (
        f"{name} was not found: install the PostgreSQL client tools of your server's version "
        "(e.g. apt-get install postgresql-client) or put them on PATH."
    )
    raise ConfigError(msg)


def _pg_environment(url: URL) -> dict[str, str]:
    """The libpq environment of ``url``: where the tools connect, with the password kept out
    of the command line."""
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
        ("PGSSLMODE", url.query.get("sslmode")),
    ):
        if value is not None:
            env[variable] = str(value)
    return env


def _run_pg_tool(
    name: str, arguments: list[str], url: URL, *, database_option: bool = False
) -> None:
    tool = find_pg_tool(name)
    env = _pg_environment(url)
    if database_option:  # pg_restore reads the database from --dbname only
        arguments = [f"--dbname={env.get('PGDATABASE', 'postgres')}", *arguments]
    done = subprocess.run(
        [str(tool), *arguments], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SourceError(explain_pg_failure(name, done.stderr))


def explain_pg_failure(name: str, stderr: str) -> str:
    """One sentence for a failed ``pg_dump`` or ``pg_restore``, from what it printed."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    details = [line.split("detail:", 1)[1].strip() for line in lines if "detail:" in line]
    errors = [line.split("error:", 1)[1].strip() for line in lines if "error:" in line]
    detail = (details or errors or lines or ["no message"])[0]
    if "version mismatch" in stderr:
        server = re.search(r"server version: (\d+)", stderr)
        major = server.group(1) if server else "of the server's version"
        return (
            f"{name} is older than the PostgreSQL server ({detail}); install the PostgreSQL "
            f"{major} client tools (e.g. apt-get install postgresql-client-{major}) or put "
            "them first on PATH."
        )
    if "unsupported version" in stderr:
        return (
            f"The backup was written by a newer pg_dump than this {name} ({detail}); restore "
            "it with the PostgreSQL client tools of the same or a newer version."
        )
    return f"{name} failed: {detail}."
