"""The named connections a server offers, built from settings without touching any database.

    connections = Connections.from_settings(settings)
    backend = connections.get("app")            # NotFoundError for an unknown name
    await connections.aclose()                  # at shutdown

URLs: `sqlite:///relative.db`, `sqlite:////absolute/path.db`, and
`postgresql://` (also `postgres://`, `postgresql+psycopg://`). Passwords are
hidden wherever a URL is shown.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pygent.core.errors import ConfigError, NotFoundError
from pygent.servers.database.dialects.base import Backend, Target
from pygent.servers.database.dialects.postgres import PostgresBackend
from pygent.servers.database.dialects.sqlite import SQLiteBackend
from pygent.servers.database.models import ConnectionInfo, Dialect
from pygent.servers.database.settings import ConnectionSettings, DatabaseSettings

NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")


def hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def make_target(name: str, connection: ConnectionSettings, settings: DatabaseSettings) -> Target:
    """Validate one configured connection.

    Raises:
        ConfigError: a bad name or an unsupported URL.
    """
    if not NAME.match(name):
        raise ConfigError(f"connection name {name!r} must be letters, digits, '_', '.' or '-' (at most 64)")
    scheme = connection.url.split(":", 1)[0].lower()
    dialect: Dialect
    if scheme == "sqlite":
        dialect = "sqlite"
    elif scheme.split("+", 1)[0] in ("postgresql", "postgres"):
        dialect = "postgresql"
    else:
        raise ConfigError(f"connection {name!r}: unsupported URL scheme {scheme!r}; use sqlite:/// or postgresql://")
    url = connection.url
    if dialect == "postgresql":
        url = "postgresql" + url[len(scheme) :]
    return Target(
        name=name,
        dialect=dialect,
        url=url,
        display_url=hide_password(url),
        writable=connection.writable,
        description=connection.description,
        statement_timeout=connection.statement_timeout or settings.statement_timeout,
        max_rows=min(connection.max_rows or settings.max_rows, settings.max_rows_limit),
        pool_size=connection.pool_size or settings.pool_size,
        connect_timeout=settings.connect_timeout,
        allow_privileged_role=connection.unsafe_allow_privileged_role,
    )


def sqlite_path(target: Target) -> Path:
    if not target.url.startswith("sqlite:///"):
        raise ConfigError(f"connection {target.name!r}: write SQLite URLs as sqlite:///path/to/file.db")
    path = target.url[len("sqlite:///") :].split("?", 1)[0]
    if not path or path == ":memory:":
        raise ConfigError(f"connection {target.name!r}: give a database file; in-memory SQLite is not shared")
    return Path(path).expanduser().absolute()


def open_backend(target: Target) -> Backend:
    if target.dialect == "sqlite":
        return SQLiteBackend(target, sqlite_path(target))
    return PostgresBackend(target)


class Connections:
    """Backends by name, in configuration order."""

    def __init__(self, backends: dict[str, Backend]) -> None:
        self._backends = backends

    @classmethod
    def from_settings(cls, settings: DatabaseSettings) -> Connections:
        targets = [make_target(name, conn, settings) for name, conn in settings.configured().items()]
        return cls({target.name: open_backend(target) for target in targets})

    @property
    def names(self) -> list[str]:
        return list(self._backends)

    @property
    def any_writable(self) -> bool:
        return any(backend.target.writable for backend in self._backends.values())

    def get(self, name: str | None) -> Backend:
        """The named backend; with no name, the first configured one.

        Raises:
            NotFoundError: no connection has that name.
        """
        if name is None:
            return next(iter(self._backends.values()))
        backend = self._backends.get(name)
        if backend is None:
            raise NotFoundError(f"unknown connection {name!r}; available: {', '.join(self._backends)}")
        return backend

    def infos(self) -> list[ConnectionInfo]:
        return [
            ConnectionInfo(
                name=b.target.name,
                dialect=b.target.dialect,
                url=b.target.display_url,
                writable=b.target.writable,
                description=b.target.description,
            )
            for b in self._backends.values()
        ]

    async def aclose(self) -> None:
        for backend in self._backends.values():
            await backend.aclose()
