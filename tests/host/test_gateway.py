"""The aggregated gateway, driven by real MCP clients over real HTTP to real stdio children."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp.shared.exceptions import MCPError

from tests.fixtures.host import running_host, toy_entry

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_both_eras_list_and_call_namespaced_tools(tmp_path: Path, mode: str) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with Client(host.url + "/mcp", mode=mode) as client:
            assert client.protocol_version == ("2026-07-28" if mode == "auto" else "2025-11-25")
            names = {tool.name for tool in await client.list_tools()}
            assert {"toy_echo", "toy_add", "toy_sleep_ms"} <= names
            result = await client.call_tool("toy_add", {"a": 2, "b": 40})
            assert result.data == 42


async def test_unknown_tool_is_a_tool_error_naming_it(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with Client(host.url + "/mcp") as client:
            with pytest.raises(ToolError, match="toy_nope"):
                await client.call_tool("toy_nope", {})


async def test_a_disabled_servers_tool_says_the_server_is_disabled(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        await host.runtime.mesh.set_enabled("toy", False)
        async with Client(host.url + "/mcp") as client:
            with pytest.raises(ToolError) as raised:
                await client.call_tool("toy_echo", {"text": "x"})
        assert str(raised.value) == "tool 'toy_echo' belongs to server 'toy', which is disabled"
        async with httpx2.AsyncClient(base_url=host.url) as http:
            called = await http.post("/api/tools/toy_echo/call", json={"arguments": {"text": "x"}})
        assert called.status_code == 404
        assert called.json() == {"error": "tool 'toy_echo' belongs to server 'toy', which is disabled"}


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_an_unknown_resource_is_invalid_params_naming_the_uri_asked_for(tmp_path: Path, mode: str) -> None:
    # SEP-2164: -32602 with data.uri, whether no server's namespace matches or the server has no such resource.
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with Client(host.url + "/mcp", mode=mode) as client:
            for uri in ("nowhere://toy/greeting", "toy://toy/no-such-thing"):
                with pytest.raises(MCPError) as raised:
                    await client.read_resource(uri)
                assert raised.value.error.code == -32602
                assert raised.value.error.data == {"uri": uri}
                assert uri in raised.value.error.message
