"""The tools that describe what is there: connections, schemas, tables and one table's structure."""

from __future__ import annotations

from typing import Annotated, Any

from fastmcp import FastMCP
from fastmcp.tools import ToolResult
from pydantic import Field
from pygent.servers.database.connections import Connections
from pygent.servers.database.models import ConnectionList, SchemaList, TableDescription, TableList
from pygent.servers.database.responses import respond, schema

READ_ONLY: dict[str, Any] = {
    "readOnlyHint": True,
    "destructiveHint": False,
    "idempotentHint": True,
    "openWorldHint": False,
}

ConnectionArg = Annotated[
    str | None, Field(description="connection name (see list_connections); the first connection when omitted")
]
SchemaArg = Annotated[
    str | None, Field(description="schema name; PostgreSQL: public, SQLite: main when omitted", max_length=128)
]


def register(mcp: FastMCP[Any], connections: Connections) -> None:
    @mcp.tool(title="List Connections", annotations=READ_ONLY, output_schema=schema(ConnectionList))
    async def list_connections() -> ToolResult:
        """The configured database connections: name, dialect, URL (password hidden), writable."""
        result = ConnectionList(connections=connections.infos())
        lines = [
            f"{c.name}: {c.dialect} {c.url} ({'writable' if c.writable else 'read-only'})"
            + (f" - {c.description}" if c.description else "")
            for c in result.connections
        ]
        return respond(result, "\n".join(lines))

    @mcp.tool(title="List Schemas", annotations=READ_ONLY, output_schema=schema(SchemaList))
    async def list_schemas(connection: ConnectionArg = None) -> ToolResult:
        """The schemas of a connection (SQLite: attached databases, usually just main)."""
        result = await connections.get(connection).list_schemas()
        return respond(result, "\n".join(result.schemas))

    @mcp.tool(title="List Tables", annotations=READ_ONLY, output_schema=schema(TableList))
    async def list_tables(connection: ConnectionArg = None, schema: SchemaArg = None) -> ToolResult:
        """Tables and views of a connection, in one schema or all user schemas."""
        result = await connections.get(connection).list_tables(schema)
        lines = [
            f"{t.schema_name}.{t.name} ({t.type}"
            + (f", ~{t.estimated_rows} rows" if t.estimated_rows is not None else "")
            + ")"
            for t in result.tables
        ]
        return respond(result, "\n".join(lines) or "No tables")

    @mcp.tool(title="Describe Table", annotations=READ_ONLY, output_schema=schema(TableDescription))
    async def describe_table(
        table: Annotated[str, Field(min_length=1, max_length=256, description="table or view name")],
        connection: ConnectionArg = None,
        schema: SchemaArg = None,
    ) -> ToolResult:
        """Columns (type, nullability, default), primary key, foreign keys and indexes of a table."""
        result = await connections.get(connection).describe_table(table, schema)
        return respond(result, render_description(result))


def render_description(table: TableDescription) -> str:
    lines = [f"{table.schema_name}.{table.name} ({table.type})"]
    for column in table.columns:
        flags = [] if column.nullable else ["NOT NULL"]
        if column.primary_key:
            flags.append("PRIMARY KEY")
        if column.default is not None:
            flags.append(f"DEFAULT {column.default}")
        lines.append(f"  {column.name} {column.type} {' '.join(flags)}".rstrip())
    for key in table.foreign_keys:
        lines.append(
            f"  FOREIGN KEY ({', '.join(key.columns)}) REFERENCES "
            f"{key.references_schema}.{key.references_table} ({', '.join(key.references_columns)})"
        )
    for index in table.indexes:
        kind = "PRIMARY" if index.primary else "UNIQUE" if index.unique else "INDEX"
        lines.append(f"  {kind} {index.name} ({', '.join(index.columns)})")
    return "\n".join(lines)
