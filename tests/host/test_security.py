"""Security defaults of every HTTP face: bind, tokens, Host/Origin, headers never forwarded."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import httpx2
import pytest
from fastmcp import Client

from tests.fixtures.host import TOY_SERVER, free_port, running_host, toy_entry

pytestmark = pytest.mark.anyio

MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "ui", "version": "1"}},
}


def test_a_non_loopback_bind_without_tokens_is_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pygent.host.cli", "serve", "--host", "0.0.0.0", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "pygent: refusing to listen on 0.0.0.0: set bearer tokens first (PYGENT_TOKENS or --token) "
        "so every HTTP face requires them"
    )


async def test_with_tokens_every_face_requires_one(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}, tokens=["s3cret-token"]) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            assert (await http.get("/api/servers")).status_code == 401
            assert (await http.post("/mcp", json=LIST, headers=MCP_HEADERS)).status_code == 401
            assert (await http.get("/sse")).status_code == 401
            assert (await http.get("/openapi.json")).status_code == 401
            wrong = {"Authorization": "Bearer nope"}
            assert (await http.get("/api/servers", headers=wrong)).status_code == 401
            assert (await http.get("/healthz")).status_code == 200
            good = {"Authorization": "Bearer s3cret-token"}
            assert (await http.get("/api/servers", headers=good)).status_code == 200
        async with Client(host.url + "/mcp", auth="s3cret-token") as client:
            assert (await client.call_tool("toy_echo", {"text": "in"})).data == "in"


async def test_forged_host_gets_421_and_foreign_origin_403(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            for path in ("/mcp", "/api/servers"):
                forged = await http.post(path, json=LIST, headers={**MCP_HEADERS, "Host": "evil.example:8000"})
                assert forged.status_code == 421
                foreign = await http.post(path, json=LIST, headers={**MCP_HEADERS, "Origin": "http://evil.example"})
                assert foreign.status_code == 403
            other_port = await http.post(
                "/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Origin": "http://localhost:5173"}
            )
            assert other_port.status_code == 403
            own = await http.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Origin": host.url})
            assert own.status_code == 200 and '"serverInfo"' in own.text, own.text


async def test_bodies_over_the_limit_are_refused(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}, max_body_bytes=2048) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            big = {"name": "x", "config": {"command": "a", "args": ["y" * 4096]}}
            assert (await http.post("/api/servers", json=big)).status_code == 413


@asynccontextmanager
async def http_toy() -> AsyncIterator[str]:
    port = free_port()
    async with await anyio.open_process([sys.executable, TOY_SERVER, "--http", str(port)]) as process:
        url = f"http://127.0.0.1:{port}/mcp"
        with anyio.fail_after(20):
            while True:
                try:
                    async with httpx2.AsyncClient() as http:
                        await http.get(url)
                    break
                except httpx2.HTTPError:
                    await anyio.sleep(0.1)
        try:
            yield url
        finally:
            process.terminate()


async def test_a_backend_never_sees_the_clients_authorization_header(tmp_path: Path) -> None:
    async with http_toy() as url:
        remote = {"url": url, "headers": {"X-Backend-Key": "configured"}}
        async with running_host(tmp_path, {"remote": remote}, tokens=["client-token"]) as host:
            async with Client(host.url + "/mcp", auth="client-token") as client:
                seen = (await client.call_tool("remote_headers", {})).data
    assert seen.get("x-backend-key") == "configured"
    assert "client-token" not in str(seen)
