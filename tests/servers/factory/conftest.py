"""Fixtures for the factory: a state database (SQLite file or a fresh PostgreSQL schema),
servers on it, and the mesh's tool catalog seeded the way the host writes it.

`MESH_TOOLS` is the default mesh's tools by server; test_live_mesh.py checks the
templates against the catalog a real host writes, so a stale copy here cannot
hide a broken template.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client, FastMCP
from fastmcp.client.transports import StdioTransport
from pygent.core.db import open_engine
from pygent.core.settings import Settings
from pygent.registry.models import ServerEntry
from pygent.registry.store import RegistryStore
from pygent.servers.factory.server import build_server
from pygent.servers.factory.settings import FactorySettings
from sqlalchemy import Engine, inspect, text

MESH_TOOLS: dict[str, list[str]] = {
    "database": "describe_table execute explain list_connections list_schemas list_tables query".split(),
    "filesystem": (
        "create_directory delete_file directory_tree edit_file get_file_info grep list_allowed_directories "
        "list_directory list_directory_with_sizes move_file read_file read_media_file read_multiple_files "
        "read_text_file search_files write_file"
    ).split(),
    "github": (
        "get_me git_blame git_branch git_diff git_log git_show git_status issue_read pull_request_read repo_read"
    ).split(),
    "memory": (
        "add_observations create_entities create_relations delete_entities delete_observations "
        "delete_relations export_graph forget import_graph list_memories open_nodes read_graph recall "
        "remember search_nodes update_memory"
    ).split(),
    "rag": (
        "answer collection_stats create_collection delete_collection delete_document get_document ingest_path "
        "ingest_text ingest_url list_collections list_documents search"
    ).split(),
    "search": "academic_search fetch local_search web_search".split(),
    "tot": "cancel evaluate expand get_run list_runs sequentialthinking solve".split(),
}


@dataclass
class StateDb:
    """Where the factory stores specs: `url` None means the SQLite state.db under PYGENT_HOME."""

    url: str | None
    engine: Engine
    home: Path

    def settings(self) -> Settings:
        return Settings.load({"database_url": self.url})

    def env(self) -> dict[str, str]:
        """The environment of a factory process on this database."""
        env = {"PYGENT_HOME": str(self.home)}
        if self.url:
            env["PYGENT_DATABASE_URL"] = self.url
        return env

    async def seed(self, tools: dict[str, list[str]] | None = None) -> RegistryStore:
        """Write tool catalogs exactly as the host's mesh does (RegistryStore.save_catalog)."""
        store = RegistryStore(self.engine)
        await store.create()
        for server, names in (MESH_TOOLS if tools is None else tools).items():
            await store.save_catalog(server, [{"name": name, "inputSchema": {"type": "object"}} for name in names])
        return store

    async def register(self, name: str, entry: ServerEntry) -> None:
        """A server added at runtime that has never been ready (no catalog)."""
        store = RegistryStore(self.engine)
        await store.create()
        await store.put_server(name, entry)

    def count(self) -> int:
        """Rows of agent_specs (0 before any server created the table)."""
        if not inspect(self.engine).has_table("agent_specs"):
            return 0
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM agent_specs")).scalar_one())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def state(request: pytest.FixtureRequest, clean_environ: Path, postgres_url: str) -> Iterator[StateDb]:
    if request.param == "sqlite":
        engine = open_engine(None, Settings.load().data.state_db)
        yield StateDb(None, engine, clean_environ)
        engine.dispose()
        return
    schema = f"factory_{uuid.uuid4().hex[:10]}"
    admin = open_engine(postgres_url, clean_environ / "unused.db")
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{postgres_url}?options=-csearch_path%3D{schema}"
    engine = open_engine(url, clean_environ / "unused.db")
    try:
        yield StateDb(url, engine, clean_environ)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def make_server(state: StateDb, **settings: Any) -> FastMCP[Any]:
    return build_server(FactorySettings.load(settings), state.settings())


@pytest.fixture
async def client(state: StateDb) -> AsyncIterator[Client[Any]]:
    async with Client(make_server(state)) as connected:
        yield connected


def stdio_factory(state: StateDb) -> Client[Any]:
    """A client of `python -m pygent.servers.factory` as a real child process on this database."""
    transport = StdioTransport(sys.executable, ["-m", "pygent.servers.factory"], env=state.env(), keep_alive=False)
    return Client(transport, timeout=60)


def data(result: Any) -> dict[str, Any]:
    content = result.structured_content
    assert isinstance(content, dict), result
    return content


async def error_of(client: Client[Any], tool: str, arguments: dict[str, Any]) -> str:
    """The text of a tool call that must fail."""
    result = await client.call_tool(tool, arguments, raise_on_error=False)
    assert result.is_error, result
    return str(result.content[0].text)  # type: ignore[union-attr]
