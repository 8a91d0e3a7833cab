"""The relational state database: SQLite under `PYGENT_HOME` by default, PostgreSQL by URL.

    engine = open_engine(settings.database_url, settings.data.state_db)
    with engine.begin() as conn: ...
    rows = await run_sql(read_rows)     # a blocking function, run in a worker thread

Blocking SQLAlchemy calls belong in a worker thread (`run_sql`); the engine's
pool makes that safe across threads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from pygent.core.errors import ConfigError, UnavailableError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

T = TypeVar("T")


def normalize_url(url: str) -> str:
    """Pick the psycopg 3 driver for plain `postgresql://` URLs.

    Raises:
        ConfigError: the URL cannot be parsed or names an unsupported database.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"invalid database URL {url!r}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("postgresql", "sqlite"):
        raise ConfigError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers and one writer (other processes too) work at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def open_engine(database_url: str | None, sqlite_path: Path) -> Engine:
    """An engine for `database_url`, or for the SQLite file at `sqlite_path`."""
    if database_url:
        url = normalize_url(database_url)
        if url.startswith("postgresql"):
            return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    else:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{sqlite_path}"
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


async def run_sql(fn: Callable[[], T]) -> T:
    """Run blocking database work in a worker thread.

    Raises:
        UnavailableError: the database failed (the driver's message stays in the logs).
    """
    try:
        return await anyio.to_thread.run_sync(fn)
    except SQLAlchemyError as exc:
        raise UnavailableError(f"state database error: {type(exc).__name__}") from exc
