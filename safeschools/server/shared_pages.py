"""Kept answers shared by every worker of a server, and kept across restarts.

:class:`~safeschools.server.response_cache.ResponseCache` keeps a process's answers in its own
memory; with several workers each would compute the same page once more, and a restart would
start cold. :class:`SharedPages` is the second level under it: one SQLite file (write-ahead
log, so readers never wait for a writer) that every worker on the machine reads and writes.

It is a cache, never a source of truth: an entry is found by a digest of the whole request key
(address, language, encoding, day, and the store's identity and data version), so an answer
kept for other data is never found; a read or write that meets a busy or broken file is
skipped (the page is computed as if nothing was kept). Entries of an older data version are
dropped as new ones arrive, and the least recently written go when the file passes
``max_bytes``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path

__all__ = ["Kept", "SharedPages", "digest"]

#: status, headers (name, value) and the body of one kept answer
Kept = tuple[int, list[tuple[bytes, bytes]], bytes]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    key TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    size INTEGER NOT NULL,
    written REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_version ON pages (version);
CREATE INDEX IF NOT EXISTS pages_written ON pages (written);
"""


def digest(key: object) -> str:
    """A stable digest of a request key (a tuple of str, bytes, numbers, dates and tuples:
    their ``repr`` is the same in every process)."""
    return hashlib.sha256(repr(key).encode("utf-8", "surrogatepass")).hexdigest()


class SharedPages:
    """Kept answers in one SQLite file that every worker shares (thread-safe: one connection
    per thread; every operation gives up at once rather than wait for a busy file)."""

    def __init__(self, path: Path, *, max_bytes: int = 256 * 2**20) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self._local = threading.local()
        self._writes = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=0.05, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def get(self, key: str) -> Kept | None:
        """The answer kept under ``key`` (a :func:`digest`), if any."""
        try:
            row = (
                self._conn()
                .execute("SELECT status, headers, body FROM pages WHERE key = ?", (key,))
                .fetchone()
            )
        except sqlite3.Error:
            return None
        if row is None:
            return None
        status, headers, body = row
        pairs = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in json.loads(headers)]
        return int(status), pairs, bytes(body)

    def put(self, key: str, version: str, answer: Kept) -> None:
        """Keep ``answer`` under ``key`` for data ``version``; drop other versions' entries."""
        status, headers, body = answer
        names = json.dumps([[n.decode("latin-1"), v.decode("latin-1")] for n, v in headers])
        size = len(body) + len(names) + len(key)
        try:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("DELETE FROM pages WHERE version != ?", (version,))
                conn.execute(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (key, version, status, names, body, size, time.time()),
                )
                self._writes += 1
                if self._writes % 64 == 0:
                    self._trim(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            return

    def _trim(self, conn: sqlite3.Connection) -> None:
        total = conn.execute("SELECT COALESCE(SUM(size), 0) FROM pages").fetchone()[0]
        if total <= self.max_bytes:
            return
        # drop the oldest until three quarters of the limit remain
        excess = total - self.max_bytes * 3 // 4
        conn.execute(
            "DELETE FROM pages WHERE key IN (SELECT key FROM (SELECT key, SUM(size) OVER "
            "(ORDER BY written) AS running FROM pages) WHERE running <= ?)",
            (excess,),
        )

    def __len__(self) -> int:
        try:
            return int(self._conn().execute("SELECT COUNT(*) FROM pages").fetchone()[0])
        except sqlite3.Error:
            return 0
