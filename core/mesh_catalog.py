"""What the mesh's registry keeps in the state database, readable by anyone who shares it.

The host (registry/store.py) writes these tables: every server's last tool catalog,
stored each time the server becomes ready, and the servers added at runtime.
A capability server that needs to know the mesh (the factory, to check an agent's
view) reads them here without importing the registry.

    engine = open_engine(settings.database_url, settings.data.state_db)
    known_tools(engine)          # {"memory": [{"name": "recall", ...}, ...], ...}; {} outside a host
    registered_servers(engine)   # {"notes": ["local"]}: runtime-added servers and their tags

Both are blocking; call them in `anyio.to_thread.run_sync`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, Column, Engine, Float, MetaData, String, Table, Text, inspect, select

metadata = MetaData()

servers_table = Table(
    "registry_servers",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("entry", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
)

catalogs_table = Table(
    "registry_catalogs",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("tools", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
)


def _has(engine: Engine, table: Table) -> bool:
    return inspect(engine).has_table(table.name)


def known_tools(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Each server's last tool catalog (its own tool names, un-namespaced), by server name.

    Empty when no host has written a catalog to this database.
    """
    if not _has(engine, catalogs_table):
        return {}
    with engine.connect() as conn:
        rows = conn.execute(select(catalogs_table.c.name, catalogs_table.c.tools)).all()
    return {row.name: list(json.loads(row.tools)) for row in rows}


def registered_servers(engine: Engine) -> dict[str, list[str]]:
    """Servers added at runtime (not in mcp.json), with their tags."""
    if not _has(engine, servers_table):
        return {}
    with engine.connect() as conn:
        rows = conn.execute(select(servers_table.c.name, servers_table.c.entry)).all()
    return {row.name: [str(tag) for tag in (row.entry or {}).get("tags", [])] for row in rows}
