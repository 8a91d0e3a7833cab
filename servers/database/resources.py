"""One schema resource per table (`db://{connection}/{schema}/{table}`), and the exploration prompt.

Tables are listed live from every connection (a slow or unreachable one is
skipped after a short wait); any table can be read through the template.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, unquote

import anyio
from fastmcp import FastMCP
from fastmcp.resources import FunctionResource, Resource
from fastmcp.server.providers import Provider
from fastmcp.utilities.versions import VersionSpec
from pygent.core.errors import PygentError
from pygent.servers.database.connections import Connections

log = logging.getLogger("pygent.servers.database.resources")

LIST_WAIT = 3.0
MAX_LISTED = 500


def table_uri(connection: str, schema: str, table: str) -> str:
    return f"db://{quote(connection, safe='')}/{quote(schema, safe='')}/{quote(table, safe='')}"


class TableResources(Provider):
    """Lists each table of each connection as a resource (reads go through the template)."""

    def __init__(self, connections: Connections) -> None:
        super().__init__()
        self._connections = connections

    async def _list_resources(self) -> Sequence[Resource]:
        resources: list[Resource] = []
        for name in self._connections.names:
            backend = self._connections.get(name)
            with anyio.move_on_after(LIST_WAIT):
                try:
                    tables = (await backend.list_tables(None)).tables
                except PygentError as exc:
                    log.warning("cannot list tables of %s: %s", name, exc.message)
                    continue
                for table in tables:
                    if len(resources) >= MAX_LISTED:
                        return resources
                    resources.append(self._resource(name, table.schema_name, table.name, table.type))
        return resources

    async def _get_resource(self, uri: str, version: VersionSpec | None = None) -> Resource | None:
        return None  # the db:// template reads every table

    def _resource(self, connection: str, schema: str, table: str, kind: str) -> Resource:
        backend = self._connections.get(connection)

        async def read() -> str:
            return (await backend.describe_table(table, schema)).model_dump_json()

        return FunctionResource.from_function(
            read,
            uri=table_uri(connection, schema, table),
            name=f"{connection}.{schema}.{table}",
            description=f"structure of the {kind} {schema}.{table} in {connection}",
            mime_type="application/json",
        )


def register(mcp: FastMCP[Any], connections: Connections) -> None:
    mcp.add_provider(TableResources(connections))

    @mcp.resource(
        "db://{connection}/{schema}/{table}",
        name="table",
        description="Columns, keys and indexes of a table",
        mime_type="application/json",
    )
    async def table_schema(connection: str, schema: str, table: str) -> str:
        backend = connections.get(unquote(connection))
        return (await backend.describe_table(unquote(table), unquote(schema))).model_dump_json()

    @mcp.prompt(name="explore_database", description="Get to know a database before querying it")
    def explore_database(connection: str = "") -> str:
        target = f"the connection {connection!r}" if connection else "the first connection"
        return (
            f"Explore {target}:\n"
            "1. list_tables to see what exists.\n"
            "2. describe_table for the tables that matter (columns, keys, indexes).\n"
            "3. query a few rows with max_rows=5 to see real values.\n"
            "4. Answer with bound parameters ($1 for PostgreSQL, ? for SQLite), never values pasted into SQL."
        )
