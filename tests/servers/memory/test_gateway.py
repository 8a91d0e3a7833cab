"""The memory server in the real host: reachable through the gateway as memory_<tool>."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastmcp import Client

from tests.fixtures.host import running_host
from tests.servers.memory.conftest import data

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def test_memory_tools_through_the_gateway(tmp_path: Path, clean_environ: Path) -> None:
    entry = {
        "command": sys.executable,
        "args": ["-m", "pygent.servers.memory"],
        "env": {"PYGENT_HOME": str(clean_environ)},
    }
    async with running_host(tmp_path, {"memory": entry}) as host:
        async with Client(host.url + "/mcp") as client:
            names = {tool.name for tool in await client.list_tools()}
            assert {"memory_remember", "memory_recall", "memory_search_nodes", "memory_read_graph"} <= names
            await client.call_tool("memory_remember", {"text": "the gateway carries memories", "scope": "agent:gw"})
            hits = data(
                await client.call_tool("memory_recall", {"query": "what carries memories?", "scope": "agent:gw"})
            )
            assert hits["memories"][0]["text"] == "the gateway carries memories"
