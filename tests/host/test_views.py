"""Named views: defined in mcp.json or over REST, each served as `/views/<name>/mcp`, maybe as find_tools/call_tool."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from tests.fixtures.host import running_host, toy_entry

pytestmark = pytest.mark.anyio

SERVERS = {"toy": toy_entry(), "other": toy_entry()}
CONFIG_VIEWS = {
    "safe": {"servers": ["toy"], "include": ["toy_echo", "toy_add"], "description": "echo and add only"},
}


def config_with_views(directory: Path) -> Path:
    path = directory / "views-mcp.json"
    path.write_text(json.dumps({"mcpServers": SERVERS, "views": CONFIG_VIEWS}), encoding="utf-8")
    return path


async def names(url: str) -> set[str]:
    async with Client(url) as client:
        return {tool.name for tool in await client.list_tools()}


async def test_a_view_from_mcp_json_serves_exactly_its_tools(tmp_path: Path) -> None:
    async with running_host(tmp_path, SERVERS, config=config_with_views(tmp_path)) as host:
        async with Client(host.url + "/views/safe/mcp") as client:
            listed = {tool.name for tool in await client.list_tools()}
            assert listed == {"toy_echo", "toy_add"}
            assert (await client.call_tool("toy_add", {"a": 2, "b": 3})).data == 5
            # Asked by name, a tool outside the view does not exist: of this server, or of another.
            for outside in ("toy_pid", "other_echo"):
                with pytest.raises(ToolError, match=f"Unknown tool: '{outside}'"):
                    await client.call_tool(outside, {"text": "x"} if outside.endswith("echo") else {})
        async with httpx2.AsyncClient(base_url=host.url) as http:
            (listing,) = (await http.get("/api/views")).json()
            assert listing["name"] == "safe" and listing["source"] == "mcp.json"
            assert listing["endpoint"] == "/views/safe/mcp" and listing["toolCount"] == 2
            refused = await http.delete("/api/views/safe")
            assert refused.status_code == 409 and refused.json() == {
                "error": "view 'safe' is defined in mcp.json: remove it there"
            }
            missing = await http.post("/views/ghost/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
            assert missing.status_code == 404 and missing.json() == {"error": "unknown view 'ghost'"}


async def test_views_are_created_changed_and_deleted_over_rest_and_checked_against_the_mesh(tmp_path: Path) -> None:
    async with running_host(tmp_path, SERVERS) as host, httpx2.AsyncClient(base_url=host.url) as http:
        created = await http.post("/api/views", json={"name": "echoes", "include": ["*_echo"]})
        assert created.status_code == 201, created.text
        assert created.json()["toolCount"] == 2 and created.json()["warnings"] == []
        assert await names(host.url + "/views/echoes/mcp") == {"toy_echo", "other_echo"}

        changed = await http.put("/api/views/echoes", json={"servers": ["other"], "include": ["*_echo"]})
        assert changed.status_code == 200 and changed.json()["servers"] == ["other"]
        assert await names(host.url + "/views/echoes/mcp") == {"other_echo"}
        shown = (await http.get("/api/views/echoes")).json()
        assert [tool["name"] for tool in shown["tools"]] == ["other_echo"]

        bad: list[tuple[Any, int, str]] = [
            ({"name": "echoes", "include": ["*"]}, 409, "a view named 'echoes' already exists"),
            ({"name": "x", "servers": ["nope"]}, 400, "unknown server 'nope' in view: known servers are other, toy"),
            (
                {"name": "x", "include": ["toy_ech"]},
                400,
                "unknown tool 'toy_ech' in view.include: did you mean 'toy_echo'?",
            ),
            ({"name": "x", "include": ["*_nothing"]}, 400, "the view selects no tools of other, toy: check"),
            ({"name": "Bad Name"}, 400, "invalid view: invalid field 'name': "),
            ({"name": "x", "shape": "round"}, 400, "invalid view: "),
            (["not", "an", "object"], 400, "request body must be a JSON object (the view)"),
        ]
        for body, status, message in bad:
            answer = await http.post("/api/views", json=body)
            assert answer.status_code == status, (body, answer.text)
            assert answer.json()["error"].startswith(message), answer.json()
        garbled = await http.post("/api/views", content=b"{", headers={"content-type": "application/json"})
        assert garbled.status_code == 400 and garbled.json()["error"].startswith("request body is not valid JSON")
        assert [view["name"] for view in (await http.get("/api/views")).json()] == ["echoes"]  # nothing half-written

        assert (await http.delete("/api/views/echoes")).status_code == 204
        assert (await http.delete("/api/views/echoes")).status_code == 404
        gone = await http.post("/views/echoes/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        assert gone.status_code == 404


async def test_a_view_asked_for_search_offers_find_tools_and_call_tool_over_its_own_tools(tmp_path: Path) -> None:
    async with running_host(tmp_path, SERVERS, config=config_with_views(tmp_path)) as host:
        async with Client(host.url + "/views/safe/mcp?search=1") as client:
            assert {tool.name for tool in await client.list_tools()} == {"find_tools", "call_tool"}
            found = await client.call_tool("find_tools", {"query": "add two numbers", "k": 3})
            assert found.structured_content is not None
            tools = [tool["name"] for tool in found.structured_content["tools"]]
            assert tools[0] == "toy_add" and set(tools) <= {"toy_echo", "toy_add"}  # never a tool outside the view
            assert found.structured_content["tools"][0]["inputSchema"]["required"] == ["a", "b"]
            added = await client.call_tool("call_tool", {"name": "toy_add", "arguments": {"a": 4, "b": 5}})
            assert added.structured_content == {"result": 9}
            with pytest.raises(ToolError, match="Unknown tool: 'toy_pid'"):
                await client.call_tool("call_tool", {"name": "toy_pid"})
            with pytest.raises(ToolError, match="call_tool needs 'name'"):
                await client.call_tool("call_tool", {"arguments": {}})
            with pytest.raises(ToolError, match="invalid argument 'k'"):
                await client.call_tool("find_tools", {"query": "add", "k": 0})
        # Without the flag the same view lists its tools: it is within its budget.
        assert await names(host.url + "/views/safe/mcp") == {"toy_echo", "toy_add"}


async def test_a_view_over_its_budget_offers_the_meta_tools_on_its_own(tmp_path: Path) -> None:
    async with running_host(tmp_path, SERVERS) as host, httpx2.AsyncClient(base_url=host.url) as http:
        created = await http.post("/api/views", json={"name": "small", "budget": {"maxTools": 3}})
        assert created.status_code == 201 and created.json()["searching"] is True
        async with Client(host.url + "/views/small/mcp") as client:
            assert {tool.name for tool in await client.list_tools()} == {"find_tools", "call_tool"}
            echoed = await client.call_tool("call_tool", {"name": "other_echo", "arguments": {"text": "hi"}})
            assert echoed.structured_content == {"result": "hi"}
