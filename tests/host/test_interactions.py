"""Progress, logs, sampling and elicitation cross the gateway in every pairing of eras.

The toy backend serves both eras: connected at 2025-11-25 (the mesh's default)
it asks with session requests mid-call, pinned at 2026-07-28 it returns
input-required results; clients come in both eras too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp.shared.exceptions import MCPError

from tests.fixtures.host import running_host, toy_entry

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
