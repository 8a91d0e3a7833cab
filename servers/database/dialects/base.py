"""What every database backend offers the tools, and the limits it runs under.

A backend owns its connection pool(s). Reads run read-only as the database
enforces it; `execute` runs one statement in its own transaction, and only on
a connection configured writable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pygent.servers.database.models import (
    Dialect,
    ExecuteResult,
    ExplainResult,
    QueryResult,
    SchemaList,
    TableDescription,
    TableList,
)

Param = str | int | float | bool | None


@dataclass(frozen=True)
class Target:
    """A configured connection: where it points and how it may be used."""

    name: str
    dialect: Dialect
    url: str
    display_url: str
    writable: bool
    description: str
    statement_timeout: float
    max_rows: int
    pool_size: int
    connect_timeout: float
    # read-only PostgreSQL: accept a role that can write past a read-only transaction (unsafe)
    allow_privileged_role: bool


class Backend(Protocol):
    target: Target

    async def query(self, sql: str, params: Sequence[Param], *, max_rows: int, timeout: float) -> QueryResult: ...

    async def execute(self, sql: str, params: Sequence[Param], *, max_rows: int, timeout: float) -> ExecuteResult: ...

    async def explain(self, sql: str, params: Sequence[Param], *, analyze: bool, timeout: float) -> ExplainResult: ...

    async def list_schemas(self) -> SchemaList: ...

    async def list_tables(self, schema: str | None) -> TableList: ...

    async def describe_table(self, table: str, schema: str | None) -> TableDescription: ...

    async def aclose(self) -> None: ...
