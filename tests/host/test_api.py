"""The REST face: listing, bad bodies, tool calls and the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest
from openapi_spec_validator import validate

from tests.fixtures.host import running_host, toy_entry

pytestmark = pytest.mark.anyio


async def test_servers_and_tools_are_listed_with_schemas(tmp_path: Path) -> None:
    entry = {**toy_entry(), "env": {"API_TOKEN": "hidden", "MODE": "shown"}}
    async with running_host(tmp_path, {"toy": entry}) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            (row,) = (await http.get("/api/servers")).json()
            assert row["name"] == "toy" and row["status"] == "ready" and row["tool_count"] >= 10
            assert row["config"]["env"] == {"API_TOKEN": "***", "MODE": "shown"}
            tools = {t["name"]: t for t in (await http.get("/api/tools")).json()}
            assert tools["toy_add"]["inputSchema"]["required"] == ["a", "b"]
            assert tools["toy_add"]["server"] == "toy" and tools["toy_add"]["tool"] == "add"
            called = await http.post("/api/tools/toy_add/call", json={"arguments": {"a": 1, "b": 2}})
            assert called.status_code == 200 and called.json()["structuredContent"] == {"result": 3}


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("POST", "/api/servers", b"{not json", 400, "request body is not valid JSON"),
        ("POST", "/api/servers", b'{"config": {"command": "x"}}', 400, "missing name"),
        ("POST", "/api/servers", b'{"name": "x", "config": {"args": []}}', 400, "missing command"),
        ("POST", "/api/servers", b'{"name": "x y", "config": {"command": "x"}}', 400, "invalid server name"),
        ("POST", "/api/servers", b'{"name": "toy", "config": {"command": "x"}}', 409, "already exists"),
        ("POST", "/api/tools/toy_add/call", b'{"arguments": [1, 2]}', 400, "arguments"),
        ("POST", "/api/tools/nope/call", b"{}", 404, "Unknown tool: 'nope'"),
        ("GET", "/api/servers/ghost", None, 404, "unknown server 'ghost'"),
        ("DELETE", "/api/servers/toy", None, 400, "defined in"),
        ("POST", "/api/servers", b"[" * 10_000 + b"]" * 10_000, 400, "request body is nested too deeply"),
        ("POST", "/api/servers", b'{"name": "\xff\xfe"}', 400, "request body is not valid UTF-8 (byte 10)"),
    ],
)
async def test_bad_requests_get_a_clear_4xx_and_change_nothing(
    tmp_path: Path, method: str, path: str, body: bytes | None, status: int, message: str
) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            response = await http.request(method, path, content=body, headers=headers)
            assert response.status_code == status
            assert message in response.json()["error"]
            assert [row["name"] for row in (await http.get("/api/servers")).json()] == ["toy"]


async def test_the_openapi_document_is_valid(tmp_path: Path) -> None:
    async with running_host(tmp_path, {}) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            document = (await http.get("/openapi.json")).json()
    validate(document)
    assert "/api/tools/{name}/call" in document["paths"] and "/api/views/{name}" in document["paths"]
