"""The database server as clients meet it: tool set and metadata, the embedded default, stdio, CLI, gateway."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from pygent.host.meshconfig import default_document
from pygent.servers.database.server import build_server
from pygent.servers.database.settings import DatabaseSettings

from tests.fixtures.host import running_host
from tests.fixtures.results import structured, text
from tests.fixtures.startup import fresh_tools
from tests.servers.database.conftest import create_sqlite, serve

pytestmark = pytest.mark.anyio

HINTS = ("read_only_hint", "destructive_hint", "idempotent_hint", "open_world_hint")
READ_TOOLS = {"list_connections", "list_schemas", "list_tables", "describe_table", "query", "explain"}


async def test_execute_exists_only_when_a_connection_is_writable(tmp_path: Path) -> None:
    url = create_sqlite(tmp_path / "app.db")
    async with serve(ro={"url": url}) as client:
        tools = {tool.name: tool for tool in await client.list_tools()}
        assert set(tools) == READ_TOOLS
        assert tools["explain"].annotations.read_only_hint is True  # type: ignore[union-attr]
        missing = await client.call_tool("execute", {"sql": "DELETE FROM people"}, raise_on_error=False)
        assert missing.is_error and "execute" in text(missing)
    async with serve(ro={"url": url}, rw={"url": url, "writable": True}) as client:
        tools = {tool.name: tool for tool in await client.list_tools()}
        assert set(tools) == READ_TOOLS | {"execute"}
        assert tools["execute"].annotations.destructive_hint is True  # type: ignore[union-attr]
        assert tools["explain"].annotations.read_only_hint is False  # type: ignore[union-attr]
        for tool in tools.values():
            assert tool.output_schema is not None and tool.annotations is not None, tool.name
            assert all(getattr(tool.annotations, hint) is not None for hint in HINTS), tool.name


async def test_with_nothing_configured_an_embedded_writable_sqlite_is_ready(clean_environ: Path) -> None:
    async with Client(build_server(DatabaseSettings.load())) as client:
        listed = structured(await client.call_tool("list_connections", {}))
        assert [(c["name"], c["dialect"], c["writable"]) for c in listed["connections"]] == [
            ("default", "sqlite", True)
        ]
        await client.call_tool("execute", {"sql": "CREATE TABLE notes (id integer primary key, body text)"})
        await client.call_tool("execute", {"sql": "INSERT INTO notes (body) VALUES (?)", "params": ["hello"]})
        rows = structured(await client.call_tool("query", {"sql": "SELECT body FROM notes"}))["rows"]
        assert rows == [["hello"]]
    assert (clean_environ / "servers" / "database" / "pygent.db").is_file()


@pytest.mark.slow
async def test_a_stdio_child_lists_its_tools(tmp_path: Path) -> None:
    url = create_sqlite(tmp_path / "app.db")
    args = ["-m", "pygent.servers.database", "--connection", f"app={url}"]
    assert "query" in await fresh_tools(args, {"PYGENT_HOME": str(tmp_path / "home")})


@pytest.mark.slow
async def test_command_line_connections_serve_both_eras(tmp_path: Path) -> None:
    url = create_sqlite(tmp_path / "app.db")
    args = ["-m", "pygent.servers.database", "--connection", f"app={url}", "--writable-connection", f"scratch={url}"]
    async with Client(StdioTransport(sys.executable, args, keep_alive=False), mode="legacy") as client:
        assert client.protocol_version == "2025-11-25"
        listed = structured(await client.call_tool("list_connections", {}))
        assert [(c["name"], c["writable"]) for c in listed["connections"]] == [("app", False), ("scratch", True)]
        result = await client.call_tool("query", {"connection": "app", "sql": "SELECT count(*) FROM people"})
        assert structured(result)["rows"] == [[3]]


@pytest.mark.slow
def test_a_malformed_connection_flag_exits_with_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pygent.servers.database", "--connection", "no-equals-sign"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == "database: --connection takes NAME=URL, got 'no-equals-sign'"


@pytest.mark.slow
async def test_the_gateway_serves_the_tools_as_database_tools(tmp_path: Path) -> None:
    url = create_sqlite(tmp_path / "app.db")
    entry: dict[str, Any] = {
        "command": sys.executable,
        "args": ["-m", "pygent.servers.database", "--connection", f"app={url}"],
    }
    (tmp_path / "host").mkdir()
    async with running_host(tmp_path / "host", {"database": entry}) as host:
        async with Client(host.url + "/mcp") as client:
            names = {tool.name for tool in await client.list_tools()}
            assert {"database_query", "database_describe_table", "database_list_tables"} <= names
            assert "database_execute" not in names
            result = await client.call_tool("database_query", {"sql": "SELECT name FROM people ORDER BY id"})
            assert structured(result)["rows"] == [["ann"], ["bob"], ["cid"]]
            refused = await client.call_tool("database_query", {"sql": "DELETE FROM people"}, raise_on_error=False)
            assert refused.is_error and "read-only" in text(refused)


@pytest.mark.slow
async def test_the_default_mesh_entry_offers_the_embedded_database(tmp_path: Path, clean_environ: Path) -> None:
    entry = default_document()["mcpServers"]["database"]
    assert entry == {"command": "pygent", "args": ["server", "database"]}
    (tmp_path / "host").mkdir()
    async with running_host(tmp_path / "host", {"database": entry}) as host:
        async with Client(host.url + "/mcp") as client:
            await client.call_tool("database_execute", {"sql": "CREATE TABLE t (x integer)"})
            await client.call_tool("database_execute", {"sql": "INSERT INTO t VALUES (?)", "params": [7]})
            result = await client.call_tool("database_query", {"sql": "SELECT x FROM t"})
            assert structured(result)["rows"] == [[7]]
    assert (clean_environ / "servers" / "database" / "pygent.db").is_file()
