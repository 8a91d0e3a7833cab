"""A session belongs to whoever opened it (issue 9, point 2).

With two tokens, a session opened with one is answered to the other exactly as
an unknown session, on streamable HTTP and on the legacy SSE transport; a
`Last-Event-ID` replays only its own session's stream; two requests with the
same id in one session both get an answer.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest

from tests.fixtures.host import RunningHost, running_host, toy_entry

pytestmark = pytest.mark.anyio

A = {"Authorization": "Bearer token-of-alice"}
B = {"Authorization": "Bearer token-of-bob"}
MCP = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}},
}


def call(request_id: int, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": tool, "arguments": arguments},
    }


@asynccontextmanager
async def two_users(tmp_path: Path) -> AsyncIterator[tuple[RunningHost, httpx2.AsyncClient]]:
    async with running_host(tmp_path, {"toy": toy_entry()}, tokens=["token-of-alice", "token-of-bob"]) as host:
        async with httpx2.AsyncClient(base_url=host.url, timeout=20) as http:
            yield host, http


async def open_session(http: httpx2.AsyncClient, credential: dict[str, str]) -> dict[str, str]:
    """Initialize a 2025-11-25 session; the headers that address it."""
    opened = await http.post("/mcp", json=INITIALIZE, headers={**MCP, **credential})
    assert opened.status_code == 200, opened.text
    headers = {**MCP, **credential, "mcp-session-id": opened.headers["mcp-session-id"]}
    headers["mcp-protocol-version"] = "2025-11-25"
    initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    assert (await http.post("/mcp", json=initialized, headers=headers)).status_code == 202
    return headers


def events(text: str) -> list[dict[str, str]]:
    """The SSE events of a response body: id and data of each."""
    parsed = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            name, _, value = line.partition(":")
            if name in ("id", "data", "event"):
                fields[name] = value.strip()
        if fields:
            parsed.append(fields)
    return parsed


async def test_another_credential_gets_the_unknown_session_answer(tmp_path: Path) -> None:
    async with two_users(tmp_path) as (_, http):
        alice = await open_session(http, A)
        as_bob = {**alice, **B}
        unknown = {**as_bob, "mcp-session-id": "0" * 32}
        for method in ("POST", "GET", "DELETE"):
            body = json.dumps(call(1, "toy_echo", {"text": "x"})).encode() if method == "POST" else None
            stolen = await http.request(method, "/mcp", content=body, headers=as_bob)
            missing = await http.request(method, "/mcp", content=body, headers=unknown)
            assert (stolen.status_code, stolen.json()) == (missing.status_code, missing.json())
            assert stolen.status_code == 404
        still = await http.post("/mcp", json=call(2, "toy_echo", {"text": "mine"}), headers=alice)
        assert still.status_code == 200 and '"mine"' in still.text


async def test_a_last_event_id_replays_only_its_own_sessions_stream(tmp_path: Path) -> None:
    async with two_users(tmp_path) as (_, http):
        first = await open_session(http, A)
        answered = await http.post("/mcp", json=call(1, "toy_echo", {"text": "secret of session one"}), headers=first)
        priming = events(answered.text)[0]["id"]  # the stream's first event, before the result

        async def replayed(headers: dict[str, str]) -> str:
            text = ""
            with anyio.move_on_after(3):  # absence can only be shown within a bound
                async with http.stream("GET", "/mcp", headers={**headers, "Last-Event-ID": priming}) as stream:
                    async for chunk in stream.aiter_text():
                        text += chunk
                        if "secret of session one" in text:
                            break
            return text

        assert "secret of session one" in await replayed(first)  # its own session: the result comes back
        for credential in (A, B):
            other = await open_session(http, credential)
            assert "secret of session one" not in await replayed(other)


async def test_the_legacy_sse_transport_binds_its_session_too(tmp_path: Path) -> None:
    async with two_users(tmp_path) as (_, http):
        async with http.stream("GET", "/sse", headers={**A, "Accept": "text/event-stream"}) as stream:
            endpoint = ""
            async for chunk in stream.aiter_text():
                endpoint += chunk
                if "session_id=" in endpoint and "\n\n" in endpoint.replace("\r\n", "\n"):
                    break
            path = next(e["data"] for e in events(endpoint) if e.get("event") == "endpoint")
            body = json.dumps(INITIALIZE).encode()
            headers = {"Content-Type": "application/json"}
            stolen = await http.post(path, content=body, headers={**headers, **B})
            unknown = await http.post(path.replace("session_id=", "session_id=0"), content=body, headers=headers | B)
            assert stolen.status_code == 404 and stolen.text == "Could not find session"
            assert unknown.status_code in (400, 404)
            assert (await http.post(path, content=body, headers={**headers, **A})).status_code == 202


async def test_a_second_request_with_an_id_in_flight_gets_an_error_and_neither_hangs(tmp_path: Path) -> None:
    async with two_users(tmp_path) as (host, http):
        session = await open_session(http, A)
        backend = host.runtime.mesh.backends["toy"]
        outcome: dict[str, httpx2.Response] = {}

        async def slow() -> None:
            outcome["first"] = await http.post("/mcp", json=call(7, "toy_sleep_ms", {"ms": 1500}), headers=session)

        with anyio.fail_after(15):
            async with anyio.create_task_group() as group:
                group.start_soon(slow)
                while backend.inflight == 0:
                    await anyio.sleep(0.01)
                outcome["second"] = await http.post("/mcp", json=call(7, "toy_echo", {"text": "x"}), headers=session)
        second = outcome["second"]
        assert second.status_code == 400
        assert second.json()["error"]["message"].startswith("a request with id 7 is already in flight")
        assert outcome["first"].status_code == 200 and '"result":1500' in outcome["first"].text.replace(" ", "")
        again = await http.post("/mcp", json=call(7, "toy_echo", {"text": "reused"}), headers=session)
        assert again.status_code == 200 and '"reused"' in again.text


def modern_call(tool: str, **params: Any) -> dict[str, Any]:
    meta = {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}},
    }
    return {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "_meta": meta, **params}}


async def test_a_pending_input_round_can_be_resumed_only_by_its_caller(tmp_path: Path) -> None:
    modern = {**MCP, "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "toy_ask_name"}
    async with two_users(tmp_path) as (_, http):
        asked = await http.post("/mcp", json=modern_call("toy_ask_name", arguments={}), headers={**modern, **A})
        result = asked.json()["result"]
        assert result["resultType"] == "input_required", result
        (key,) = result["inputRequests"]
        answer = {key: {"action": "accept", "content": {"value": "Ada"}}}
        resume = modern_call("toy_ask_name", arguments={}, requestState=result["requestState"], inputResponses=answer)
        stolen = await http.post("/mcp", json=resume, headers={**modern, **B})
        assert stolen.json()["error"]["code"] == -32602  # as for a requestState that fails verification
        assert "the pending call expired or is unknown" in stolen.json()["error"]["message"]
        done = await http.post("/mcp", json=resume, headers={**modern, **A})
        assert done.json()["result"]["structuredContent"] == {"result": "hello Ada"}
