"""Fixtures: the same small schema in a real SQLite file and in a private schema of the real PostgreSQL.

`db` runs a test on both: a server with a read-only connection `ro` and a
writable one `rw` to the same database, plus direct access for checking what
really happened. PostgreSQL tests get a uniquely named schema that is dropped
afterwards (the database is shared with other test runs). On PostgreSQL `ro`
logs in as a plain role made for the test (`pg_role`), which may read
everything and write the test schema: the server refuses read-only
connections as a superuser, and only the read-only session stops its writes.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from fastmcp import Client
from fastmcp.client.client import CallToolResult
from pygent.servers.database.server import build_server
from pygent.servers.database.settings import DatabaseSettings

SCHEMA_SQL = [
    "CREATE TABLE {s}.teams (id integer PRIMARY KEY, name text NOT NULL UNIQUE)",
    "CREATE TABLE {s}.people (id integer PRIMARY KEY, name text NOT NULL, team_id integer "
    "REFERENCES {s_ref}teams(id) ON DELETE CASCADE, score integer DEFAULT 0)",
    "CREATE INDEX {s_idx}people_by_team ON {s_tbl}people (team_id)",
    "CREATE VIEW {s}.named AS SELECT name FROM {s}.people",
    "INSERT INTO {s}.teams VALUES (1, 'red'), (2, 'blue')",
    "INSERT INTO {s}.people VALUES (1, 'ann', 1, 10), (2, 'bob', 1, 20), (3, 'cid', 2, 30)",
]


@dataclass
class Db:
    """One database under test, reached through the server and directly."""

    dialect: str
    url: str
    schema: str
    client: Client[Any]

    def ph(self, n: int) -> str:
        """The n-th placeholder in this dialect."""
        return f"${n}" if self.dialect == "postgresql" else "?"

    def table(self, name: str) -> str:
        return f"{self.schema}.{name}"

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows read directly, bypassing the server."""
        if self.dialect == "sqlite":
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
                return conn.execute(sql).fetchall()
        with psycopg.connect(self.url) as conn:
            return conn.execute(sql).fetchall()

    async def call(self, tool: str, arguments: dict[str, Any]) -> CallToolResult:
        return await self.client.call_tool(tool, arguments, raise_on_error=False)


def create_sqlite(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        for statement in SCHEMA_SQL:
            conn.execute(statement.format(s="main", s_ref="", s_idx="main.", s_tbl=""))
    return f"sqlite:///{path}"


@pytest.fixture
def pg_schema(postgres_url: str) -> Iterator[str]:
    schema = f"pygent_dbtest_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        for statement in SCHEMA_SQL:
            conn.execute(statement.format(s=schema, s_ref=f"{schema}.", s_idx="", s_tbl=f"{schema}."))
    try:
        yield schema
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@contextmanager
def pg_role(admin_url: str, *member_of: str, attributes: str = "LOGIN") -> Iterator[str]:
    """A new role for one test, a member of `member_of`, as a URL of the same database; dropped afterwards."""
    name = f"pygent_dbtest_{uuid.uuid4().hex[:12]}"
    password = uuid.uuid4().hex
    grants = f" IN ROLE {', '.join(member_of)}" if member_of else ""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {name} {attributes} PASSWORD '{password}'{grants}")
    parts = urlsplit(admin_url)
    host = parts.hostname or "127.0.0.1"
    if parts.port is not None:
        host += f":{parts.port}"
    try:
        yield urlunsplit(parts._replace(netloc=f"{name}:{password}@{host}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [name])
            conn.execute(f"DROP OWNED BY {name}")  # also revokes what was granted to it
            conn.execute(f"DROP ROLE {name}")


@pytest.fixture
def pg_reader_url(postgres_url: str) -> Iterator[str]:
    """A plain login role that reads everything (`pg_read_all_data`) and may do nothing else."""
    with pg_role(postgres_url, "pg_read_all_data") as url:
        yield url


@asynccontextmanager
async def serve(**connections: dict[str, Any]) -> AsyncIterator[Client[Any]]:
    settings = DatabaseSettings.load({"connections": connections, "connect_timeout": 3})
    async with Client(build_server(settings)) as client:
        yield client


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Db]:
    if request.param == "sqlite":
        url, schema = create_sqlite(tmp_path / "test.db"), "main"
        reader = url
    else:
        url, schema = request.getfixturevalue("postgres_url"), request.getfixturevalue("pg_schema")
        reader = request.getfixturevalue("pg_reader_url")
        # every privilege on the test tables, so only the read-only session stops writes
        with psycopg.connect(url, autocommit=True) as conn:
            role = urlsplit(reader).username
            conn.execute(f"GRANT ALL ON SCHEMA {schema} TO {role}")
            conn.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {role}")
    async with serve(ro={"url": reader}, rw={"url": url, "writable": True}) as client:
        yield Db(request.param, url, schema, client)
