"""Build the database MCP server from its settings.

    mcp = build_server(DatabaseSettings.load())

Connection pools open on first use and close when the server stops.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastmcp import FastMCP
from pygent.core.server_kit import create_server
from pygent.servers.database import catalog_tools, query_tools, resources
from pygent.servers.database.connections import Connections
from pygent.servers.database.settings import DatabaseSettings

INSTRUCTIONS = (
    "SQL over named connections (list_connections). Explore with list_tables and describe_table, "
    "read with query (one statement, bound parameters: $1 for PostgreSQL, ? for SQLite), inspect "
    "plans with explain. execute exists only when a connection is writable."
)


def build_server(settings: DatabaseSettings) -> FastMCP[Any]:
    """The database server over the configured connections.

    Raises:
        ConfigError: a connection has a bad name or URL.
    """
    connections = Connections.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_server: FastMCP[Any]) -> AsyncIterator[dict[str, Any]]:
        try:
            yield {}
        finally:
            await connections.aclose()

    mcp = create_server("database", instructions=INSTRUCTIONS, lifespan=lifespan)
    catalog_tools.register(mcp, connections)
    query_tools.register(mcp, connections, settings)
    resources.register(mcp, connections)
    return mcp
