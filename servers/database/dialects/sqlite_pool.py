"""SQLite connections opened so that the engine itself enforces what a call may do.

    >>> import tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = Path(folder.name) / "app.db"
    >>> writer = SQLitePool("app", path, writable=True, size=2)
    >>> with writer.connection(timeout=5.0) as conn:
    ...     _ = conn.execute("CREATE TABLE notes (body TEXT)")
    >>> reader = SQLitePool("app", path, writable=False, size=4)
    >>> with reader.connection(timeout=5.0) as conn:
    ...     conn.execute("SELECT count(*) FROM notes").fetchone()
    (0,)
    >>> with reader.connection(timeout=5.0) as conn:
    ...     conn.execute("INSERT INTO notes VALUES ('hi')")
    Traceback (most recent call last):
    sqlite3.OperationalError: attempt to write a readonly database
    >>> writer.close(); reader.close(); folder.cleanup()

Read-only connections are opened with the URI `mode=ro`, set `PRAGMA
query_only`, and carry an authorizer that refuses every pragma change; all
connections refuse ATTACH (which could read or create other files) and
`VACUUM INTO` by allowing no attached databases. A statement is interrupted
when it runs past its deadline (a progress handler). `sqlite3` refuses more
than one statement per `execute`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from pygent.core.errors import UnavailableError

PROGRESS_STEPS = 1000
BUSY_TIMEOUT = 5.0

READABLE_PRAGMAS = frozenset(
    {
        "table_info",
        "table_xinfo",
        "table_list",
        "index_list",
        "index_info",
        "index_xinfo",
        "foreign_key_list",
        "database_list",
        "collation_list",
        "function_list",
        "module_list",
        "pragma_list",
        "compile_options",
    }
)


def _read_only_authorizer(
    action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None
) -> int:
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and arg2 is not None and arg1 not in READABLE_PRAGMAS:
        return sqlite3.SQLITE_DENY  # setting a pragma (query_only=OFF, journal_mode=..., ...)
    return sqlite3.SQLITE_OK


def _writable_authorizer(
    action: int, _arg1: str | None, _arg2: str | None, _db: str | None, _trigger: str | None
) -> int:
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


class SQLitePool:
    """A few idle connections to one database file, in one mode (read-only or read-write)."""

    def __init__(self, name: str, path: Path, *, writable: bool, size: int) -> None:
        self.name = name
        self.path = path
        self.writable = writable
        self.size = size
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _open(self) -> sqlite3.Connection:
        mode = "rwc" if self.writable else "ro"
        uri = f"file:{quote(str(self.path))}?mode={mode}"
        try:
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT)
        except sqlite3.OperationalError as exc:
            hint = "" if self.path.exists() else " (the file does not exist)"
            raise UnavailableError(f"connection {self.name!r}: cannot open {self.path}{hint}: {exc}") from None
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        if self.writable:
            conn.set_authorizer(_writable_authorizer)
        else:
            conn.execute("PRAGMA query_only = ON")
            conn.set_authorizer(_read_only_authorizer)
        return conn

    @contextmanager
    def connection(self, *, timeout: float) -> Iterator[sqlite3.Connection]:
        """A connection whose statements are interrupted after `timeout` seconds."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._open()
        deadline = time.monotonic() + timeout
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
        try:
            yield conn
        finally:
            conn.set_progress_handler(None, PROGRESS_STEPS)
            self._release(conn)

    def _release(self, conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.rollback()
        except sqlite3.Error:
            conn.close()
            return
        with self._lock:
            if len(self._idle) < self.size:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
