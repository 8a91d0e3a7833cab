"""The tools that run SQL: `query` (read-only), `explain`, and `execute` when a connection is writable."""

from __future__ import annotations

from typing import Annotated, Any

from fastmcp import FastMCP
from fastmcp.tools import ToolResult
from pydantic import Field
from pygent.core.errors import LimitExceededError
from pygent.servers.database.catalog_tools import READ_ONLY, ConnectionArg
from pygent.servers.database.connections import Connections
from pygent.servers.database.dialects.base import Backend, Param
from pygent.servers.database.models import ExecuteResult, ExplainResult, QueryResult
from pygent.servers.database.responses import render_rows, respond, respond_raw, rows_data, schema
from pygent.servers.database.settings import DatabaseSettings

SqlArg = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100_000,
        description="one SQL statement; placeholders $1, $2 (PostgreSQL) or ? (SQLite)",
    ),
]
ParamsArg = Annotated[
    tuple[Param, ...], Field(max_length=1000, description="values bound to the placeholders, in order")
]
MaxRowsArg = Annotated[
    int | None,
    Field(ge=1, description="rows to return at most (up to the server's limit); more are reported as truncated"),
]
TimeoutArg = Annotated[
    float | None, Field(gt=0, le=3600, description="seconds; can only shorten the connection's statement timeout")
]


def _max_rows(backend: Backend, requested: int | None, limit: int) -> int:
    if requested is not None and requested > limit:
        raise LimitExceededError(f"max_rows {requested} is over this server's limit of {limit} rows")
    return requested or backend.target.max_rows


def _timeout(backend: Backend, requested: float | None) -> float:
    limit = backend.target.statement_timeout
    return limit if requested is None else min(requested, limit)


def register(mcp: FastMCP[Any], connections: Connections, settings: DatabaseSettings) -> None:
    @mcp.tool(title="Query", annotations=READ_ONLY, output_schema=schema(QueryResult))
    async def query(
        sql: SqlArg,
        connection: ConnectionArg = None,
        params: ParamsArg = (),
        max_rows: MaxRowsArg = None,
        timeout_seconds: TimeoutArg = None,
    ) -> ToolResult:
        """Run one read-only SQL statement with bound parameters and return its columns and rows.
        The database enforces read-only; writes fail (use execute on a writable connection)."""
        backend = connections.get(connection)
        result = await backend.query(
            sql,
            params,
            max_rows=_max_rows(backend, max_rows, settings.max_rows_limit),
            timeout=_timeout(backend, timeout_seconds),
        )
        note = (
            f"\n({result.row_count} rows"
            + (", truncated: more rows exist; raise max_rows or refine" if result.truncated else "")
            + ")"
        )
        return respond_raw(rows_data(result, result.rows), render_rows(result.columns, result.rows) + note)

    explain_hints = dict(READ_ONLY, readOnlyHint=not connections.any_writable)

    @mcp.tool(title="Explain", annotations=explain_hints, output_schema=schema(ExplainResult))
    async def explain(
        sql: SqlArg,
        connection: ConnectionArg = None,
        params: ParamsArg = (),
        analyze: Annotated[
            bool,
            Field(description="also execute it (PostgreSQL EXPLAIN ANALYZE), rolled back; writable connections only"),
        ] = False,
        timeout_seconds: TimeoutArg = None,
    ) -> ToolResult:
        """The query plan of one SQL statement, without executing it (unless analyze)."""
        backend = connections.get(connection)
        result = await backend.explain(sql, params, analyze=analyze, timeout=_timeout(backend, timeout_seconds))
        return respond(result, result.plan)

    if not connections.any_writable:
        return

    @mcp.tool(
        title="Execute",
        annotations={"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False, "openWorldHint": False},
        output_schema=schema(ExecuteResult),
    )
    async def execute(
        sql: SqlArg,
        connection: ConnectionArg = None,
        params: ParamsArg = (),
        max_rows: MaxRowsArg = None,
        timeout_seconds: TimeoutArg = None,
    ) -> ToolResult:
        """Run one writing SQL statement (INSERT/UPDATE/DELETE/DDL) in its own transaction on a
        writable connection; returns the rows affected and any RETURNING rows."""
        backend = connections.get(connection)
        result = await backend.execute(
            sql,
            params,
            max_rows=_max_rows(backend, max_rows, settings.max_rows_limit),
            timeout=_timeout(backend, timeout_seconds),
        )
        affected = result.rows_affected
        text = "OK" if affected is None else f"{affected} row{'' if affected == 1 else 's'} affected"
        if result.columns:
            text = render_rows(result.columns, result.rows) + "\n" + text
        return respond_raw(rows_data(result, result.rows), text)
