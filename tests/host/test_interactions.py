"""Progress, logs, sampling and elicitation cross the gateway in every pairing of eras.

The toy backend serves both eras: connected at 2025-11-25 (the mesh's default)
it asks with session requests mid-call, pinned at 2026-07-28 it returns
input-required results; clients come in both eras too. The 2025-only
conformance fixture asks with session requests only, as most published
servers do; a 2026-07-28 client gets its asks as input-required rounds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import httpx2
import mcp_types as t
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp.shared.exceptions import MCPError

from tests.fixtures.conformance_server import (
    elicitation_form,
    sampling_request,
    sep1034_defaults_form,
    sep1330_enums_form,
)
from tests.fixtures.host import FIXTURES, running_host, toy_entry

pytestmark = pytest.mark.anyio

ERAS = ["auto", "legacy"]
BACKEND_ERAS = ["2025-11-25", "2026-07-28"]


def toy(era: str) -> dict[str, Any]:
    return {**toy_entry(), "protocolVersion": era}


async def on_elicit(message: str, response_type: Any, params: Any, context: Any) -> Any:
    assert message == "What is your name?"
    return {"name": "Ada"} if "name" in params.requested_schema["properties"] else "Ada"


async def on_sample(messages: Any, params: Any, context: Any) -> str:
    return "a short text"


@pytest.mark.parametrize("backend_era", BACKEND_ERAS)
@pytest.mark.parametrize("mode", ERAS)
async def test_progress_logs_sampling_and_elicitation_reach_the_client(
    tmp_path: Path, mode: str, backend_era: str
) -> None:
    progress: list[float] = []
    logs: list[Any] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    async def on_log(message: Any) -> None:
        logs.append(message.data)

    async with running_host(tmp_path, {"toy": toy(backend_era)}) as host:
        assert host.runtime.mesh.backends["toy"].protocol_version == backend_era
        async with Client(
            host.url + "/mcp", mode=mode, elicitation_handler=on_elicit, sampling_handler=on_sample, log_handler=on_log
        ) as client:
            assert (await client.call_tool("toy_progress", {"steps": 3}, progress_handler=on_progress)).data == "done"
            assert progress == [1.0, 2.0, 3.0]
            assert (await client.call_tool("toy_shout", {"text": "hey"})).data == "HEY"
            assert any("shouting hey" in str(entry) for entry in logs)
            assert (await client.call_tool("toy_ask_name", {})).data == "hello Ada"
            assert (await client.call_tool("toy_summarize", {"text": "long"})).data == "summary: a short text"


@pytest.mark.parametrize("mode", ERAS)
async def test_cancelling_a_call_cancels_it_on_the_server(tmp_path: Path, mode: str) -> None:
    marker = tmp_path / "cancelled.txt"
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        backend = host.runtime.mesh.backends["toy"]
        async with Client(host.url + "/mcp", mode=mode) as client:
            async with anyio.create_task_group() as group:
                group.start_soon(client.call_tool, "toy_wait_for_cancel", {"marker": str(marker)})
                with anyio.fail_after(10):
                    while backend.inflight == 0:
                        await anyio.sleep(0.02)
                group.cancel_scope.cancel()
            with anyio.fail_after(10):
                while not marker.exists():
                    await anyio.sleep(0.05)
            assert marker.read_text() == "cancelled"
            assert (await client.call_tool("toy_echo", {"text": "next"})).data == "next"


@pytest.mark.parametrize("backend_era", BACKEND_ERAS)
@pytest.mark.parametrize("mode", ERAS)
async def test_a_client_without_elicitation_gets_a_clear_outcome(tmp_path: Path, mode: str, backend_era: str) -> None:
    async with running_host(tmp_path, {"toy": toy(backend_era)}) as host:
        async with Client(host.url + "/mcp", mode=mode) as client:
            if mode == "auto":  # 2026-07-28: the missing capability is a protocol error of its own
                with pytest.raises(MCPError) as raised:
                    await client.call_tool("toy_ask_name", {})
                assert raised.value.error.code == -32021
                assert raised.value.error.data == {"requiredCapabilities": {"elicitation": {}}}
            else:  # 2025-11-25: the client's own refusal, as the server or the gateway reports it
                with pytest.raises((ToolError, MCPError), match="the calling client does not support elicitation"):
                    await client.call_tool("toy_ask_name", {})


@pytest.mark.parametrize("mode", ERAS)
async def test_resources_templates_and_prompts_are_namespaced_like_fastmcp_mounts(tmp_path: Path, mode: str) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with Client(host.url + "/mcp", mode=mode) as client:
            assert [str(r.uri) for r in await client.list_resources()] == ["toy://toy/greeting"]
            assert [t.uri_template for t in await client.list_resource_templates()] == ["toy://toy/items/{item}"]
            contents = await client.read_resource("toy://toy/greeting")
            assert contents[0].text == "hello from toy" and str(contents[0].uri) == "toy://toy/greeting"
            assert (await client.read_resource("toy://toy/items/9"))[0].text == "item 9"
            assert [p.name for p in await client.list_prompts()] == ["toy_haiku"]
            prompt = await client.get_prompt("toy_haiku", {"topic": "rain"})
            assert prompt.messages[0].content.text == "Write a haiku about rain."  # type: ignore[union-attr]


async def test_internal_exception_text_never_reaches_the_client(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with Client(host.url + "/mcp") as client:
            result = await client.call_tool("toy_fail", {"message": "hunter2"}, raise_on_error=False)
            assert result.is_error and "hunter2" not in str(result.content)


async def test_the_pass_through_face_shows_one_server_unnamespaced(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry(), "other": toy_entry()}) as host:
        async with Client(host.url + "/servers/toy/mcp") as client:
            names = {tool.name for tool in await client.list_tools()}
            assert "echo" in names and not any(name.startswith("other_") for name in names)
            assert (await client.call_tool("add", {"a": 1, "b": 2})).data == 3
            assert (await client.read_resource("toy://greeting"))[0].text == "hello from toy"
        async with Client(host.url + "/servers/toy/mcp", mode="legacy", elicitation_handler=on_elicit) as client:
            assert (await client.call_tool("ask_name", {})).data == "hello Ada"


async def test_legacy_sse_endpoint_serves_the_whole_mesh(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with Client(host.url + "/sse", sampling_handler=on_sample) as client:
            assert client.protocol_version == "2025-11-25"
            assert (await client.call_tool("toy_echo", {"text": "over sse"})).data == "over sse"
            assert (await client.call_tool("toy_summarize", {"text": "x"})).data == "summary: a short text"


async def test_include_and_exclude_lists_filter_tools(tmp_path: Path) -> None:
    servers = {
        "a": {**toy_entry(), "includeTools": ["echo", "add"]},
        "b": {**toy_entry(), "excludeTools": ["c*", "f*"]},
    }
    async with running_host(tmp_path, servers) as host:
        async with Client(host.url + "/mcp") as client:
            names = {tool.name for tool in await client.list_tools()}
            assert {n for n in names if n.startswith("a_")} == {"a_echo", "a_add"}
            assert "b_crash" not in names and "b_fail" not in names and "b_echo" in names
            result = await client.call_tool("a_pid", {}, raise_on_error=False)
            assert result.is_error


# ------------------------------------------- a server written only the 2025 way

SESSION_ONLY = {"command": sys.executable, "args": [str(FIXTURES / "conformance_server_2025.py")]}
HTTP = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
SAMPLED = {
    "role": "assistant",
    "content": {"type": "text", "text": "A protocol."},
    "model": "m",
    "stopReason": "endTurn",
}
DEFAULTS = {"name": "John Doe", "age": 30, "score": 95.5, "status": "active", "verified": True}
ENUMS = {"untitledSingle": "option1", "titledSingle": "value2", "legacyEnum": "opt3", "untitledMulti": ["option1"]}
# tool, arguments, the request the server asks, the client's answer, the tool's reply
ASKS: list[tuple[str, dict[str, Any], Any, dict[str, Any], str]] = [
    (
        "test_sampling",
        {"prompt": "What is MCP?"},
        sampling_request("What is MCP?"),
        SAMPLED,
        "LLM response: A protocol.",
    ),
    (
        "test_elicitation",
        {"message": "Your name?"},
        elicitation_form("Your name?"),
        {"action": "accept", "content": {"response": "Ada"}},
        'User response: action=accept, content={"response": "Ada"}',
    ),
    (
        "test_elicitation_sep1034_defaults",
        {},
        sep1034_defaults_form(),
        {"action": "accept", "content": DEFAULTS},
        "User response: action=accept, content=" + json.dumps(DEFAULTS),
    ),
    (
        "test_elicitation_sep1330_enums",
        {},
        sep1330_enums_form(),
        {"action": "accept", "content": ENUMS},
        "User response: action=accept, content=" + json.dumps(ENUMS),
    ),
]


async def modern_call(
    http: httpx2.AsyncClient, tool: str, capabilities: dict[str, Any], **params: Any
) -> dict[str, Any]:
    """One 2026-07-28 tools/call on the pass-through; its JSON-RPC response."""
    meta = {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": capabilities,
    }
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "_meta": meta, **params}}
    headers = {**HTTP, "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": tool}
    response = await http.post("/servers/conformance/mcp", json=body, headers=headers)
    reply: dict[str, Any] = response.json()
    return reply


async def test_a_session_only_servers_asks_reach_a_2026_client_as_input_required_rounds(tmp_path: Path) -> None:
    capabilities = {"sampling": {}, "elicitation": {"form": {}}}
    async with running_host(tmp_path, {"conformance": SESSION_ONLY}) as host:
        assert host.runtime.mesh.backends["conformance"].protocol_version == "2025-11-25"
        async with httpx2.AsyncClient(base_url=host.url, timeout=20) as http:
            for tool, arguments, request, answer, reply in ASKS:
                first = (await modern_call(http, tool, capabilities, arguments=arguments))["result"]
                assert first["resultType"] == "input_required", first
                ((key, asked),) = first["inputRequests"].items()
                assert type(request).model_validate(asked) == request  # what a 2025-11-25 client is asked
                done = await modern_call(
                    http,
                    tool,
                    capabilities,
                    arguments=arguments,
                    inputResponses={key: answer},
                    requestState=first["requestState"],
                )
                assert done["result"]["resultType"] == "complete", done
                assert done["result"]["content"] == [{"type": "text", "text": reply}]


async def test_a_2026_client_without_sampling_gets_missing_capability_not_an_ask_for_sampling(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"conformance": SESSION_ONLY}) as host:
        async with httpx2.AsyncClient(base_url=host.url, timeout=20) as http:
            for capabilities in ({}, {"elicitation": {"form": {}}}):
                refused = await modern_call(http, "test_sampling", capabilities, arguments={"prompt": "hi"})
                assert "result" not in refused, refused
                assert refused["error"]["code"] == t.MISSING_REQUIRED_CLIENT_CAPABILITY
                assert refused["error"]["data"] == {"requiredCapabilities": {"sampling": {}}}
