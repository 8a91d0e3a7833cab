"""`pygent serve` with no flags: the repository's mcp.json brings up every capability server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastmcp import Client
from pygent.host.meshconfig import capability_servers

from tests.fixtures.host import running_host

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]


async def test_every_server_of_the_default_mesh_is_ready_behind_the_gateway(tmp_path: Path) -> None:
    servers = json.loads((ROOT / "mcp.json").read_text(encoding="utf-8"))["mcpServers"]
    assert sorted(servers) == capability_servers()
    async with running_host(tmp_path, servers, settle=60) as host:
        problems = {
            name: (backend.status.value, backend.last_error, backend.stderr_tail(5))
            for name, backend in host.runtime.mesh.backends.items()
            if backend.status.value != "ready"
        }
        assert not problems
        async with Client(host.url + "/mcp") as client:
            prefixes = {tool.name.split("_", 1)[0] for tool in await client.list_tools()}
    assert prefixes == set(servers)
