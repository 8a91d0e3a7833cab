"""Hostile bodies get a clear 4xx on every HTTP face, never a 500 or a dropped connection (issue 9, point 3)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx2
import pytest

from tests.fixtures.host import running_host, toy_entry

pytestmark = pytest.mark.anyio

MCP = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}},
}
DEEP = b"[" * 10_000 + b"]" * 10_000
INVALID_UTF8 = b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list", "x": "\xff\xfe"}'
LIMIT = 64 * 1024


async def chunked(total: int) -> AsyncIterator[bytes]:
    for _ in range(total // 4096):
        yield b" " * 4096


@asynccontextmanager
async def faces(http: httpx2.AsyncClient) -> AsyncIterator[dict[str, tuple[str, dict[str, str]]]]:
    """Each HTTP face that takes a body: its path and the headers a client sends it (sessions kept open)."""
    opened = await http.post("/mcp", json=INITIALIZE, headers=MCP)
    session = {**MCP, "mcp-session-id": opened.headers["mcp-session-id"], "mcp-protocol-version": "2025-11-25"}
    modern = {**MCP, "mcp-protocol-version": "2026-07-28"}
    async with http.stream("GET", "/sse", headers={"Accept": "text/event-stream"}) as stream:
        text = ""
        # Keep the iterator referenced: a dropped one is closed, and the SSE session with it.
        chunks = stream.aiter_text()
        while not ("session_id=" in text and "\n\n" in text.replace("\r\n", "\n")):
            text += await anext(chunks)
        messages = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("data:"))
        yield {
            "legacy-sse": (messages, {"Content-Type": "application/json"}),
            "rest": ("/api/servers", {"Content-Type": "application/json"}),
            "mcp-2025-session": ("/mcp", session),
            "mcp-2026": ("/mcp", modern),
            "pass-through": ("/servers/toy/mcp", modern),
        }


async def test_every_face_answers_hostile_bodies_with_a_4xx(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}, max_body_bytes=LIMIT) as host:
        async with httpx2.AsyncClient(base_url=host.url, timeout=20) as http:
            async with faces(http) as paths:
                for face, (path, headers) in paths.items():
                    for what, body in (("nested 10,000 deep", DEEP), ("invalid UTF-8", INVALID_UTF8)):
                        response = await http.post(path, content=body, headers=headers)
                        assert response.status_code == 400, (face, what, response.status_code, response.text)
                    over = await http.post(path, content=chunked(LIMIT * 2), headers=headers)
                    assert over.status_code == 413, (face, over.status_code)
                    assert over.json() == {"error": f"Payload Too Large: the limit is {LIMIT} bytes"}
            rows = (await http.get("/api/servers")).json()
            assert [row["name"] for row in rows] == ["toy"] and rows[0]["status"] == "ready"
