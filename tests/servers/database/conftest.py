"""Fixtures: the same small schema in a real SQLite file and in a private schema of the real PostgreSQL.

`db` runs a test on both: a server with a read-only connection `ro` and a
writable one `rw` to the same database, plus direct access for checking what
really happened. PostgreSQL tests get a uniquely named schema that is dropped
afterwards (the database is shared with other test runs).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@asynccontextmanager
async def serve(**connections: dict[str, Any]) -> AsyncIterator[Client[Any]]:
    settings = DatabaseSettings.load({"connections": connections, "connect_timeout": 3})
    async with Client(build_server(settings)) as client:
        yield client


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Db]:
    if request.param == "sqlite":
        url, schema = create_sqlite(tmp_path / "test.db"), "main"
    else:
        url, schema = request.getfixturevalue("postgres_url"), request.getfixturevalue("pg_schema")
    async with serve(ro={"url": url}, rw={"url": url, "writable": True}) as client:
        yield Db(request.param, url, schema, client)
