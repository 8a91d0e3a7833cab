"""Real third-party servers compose through the gateway and real clients use them.

@modelcontextprotocol/server-everything (2025-11-25, server-initiated sampling,
elicitation and progress) and @modelcontextprotocol/server-filesystem run as
stdio children; the official TypeScript SDK client and fastmcp's client call
their namespaced tools over streamable HTTP, SSE and stdio (`pygent mcp`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import mcp_types
import pytest
from fastmcp import Client
from fastmcp.client.messages import MessageHandler

from tests.fixtures.host import running_host, write_config
from tests.fixtures.node import everything_server, filesystem_server
from tests.fixtures.node import ts_client as run_ts_client

pytestmark = [pytest.mark.anyio, pytest.mark.node]

CALLS = [
    ["everything_get-sum", {"a": 19, "b": 23}],
    ["filesystem_read_text_file", {"path": "PLACEHOLDER"}],
]


def mesh(root: Path) -> dict[str, Any]:
    return {"everything": everything_server(), "filesystem": filesystem_server(root)}


def sample_tree(tmp_path: Path) -> Path:
    root = tmp_path / "shared"
    root.mkdir()
    (root / "notes.txt").write_text("composed through the mesh\n", encoding="utf-8")
    return root


def ts_client(kind: str, target: str, *args: str, env: dict[str, str] | None = None, root: Path) -> dict[str, Any]:
    calls = [[name, {"path": str(root / "notes.txt")} if name.startswith("filesystem") else a] for name, a in CALLS]
    return run_ts_client(kind, target, *args, calls=calls, env=env)


def check_ts_results(output: dict[str, Any]) -> None:
    assert {"everything_get-sum", "everything_echo", "filesystem_read_text_file", "filesystem_list_directory"} <= set(
        output["tools"]
    )
    summed = output["calls"]["everything_get-sum"]
    assert "42" in summed["content"][0]["text"]
    read = output["calls"]["filesystem_read_text_file"]
    assert "composed through the mesh" in json.dumps(read)


async def test_typescript_sdk_client_over_streamable_http_and_sse(tmp_path: Path) -> None:
    root = sample_tree(tmp_path)
    async with running_host(tmp_path, mesh(root)) as host:
        for name in ("everything", "filesystem"):
            assert host.runtime.mesh.backends[name].status.value == "ready", host.runtime.mesh.backends[name].last_error
        http = await anyio.to_thread.run_sync(lambda: ts_client("http", host.url + "/mcp", root=root))
        check_ts_results(http)
        sse = await anyio.to_thread.run_sync(lambda: ts_client("sse", host.url + "/sse", root=root))
        check_ts_results(sse)


async def test_typescript_sdk_client_over_stdio_through_pygent_mcp(tmp_path: Path) -> None:
    root = sample_tree(tmp_path)
    config = write_config(tmp_path, mesh(root))
    output = await anyio.to_thread.run_sync(
        lambda: ts_client("stdio", sys.executable, "-m", "pygent.host.cli", "mcp", "--config", str(config), root=root)
    )
    check_ts_results(output)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_server_initiated_requests_of_a_handshake_era_server_reach_either_client(
    tmp_path: Path, mode: str
) -> None:
    progress: list[float] = []
    asked: list[str] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    async def on_sample(messages: Any, params: Any, context: Any) -> str:
        asked.append("sampling")
        return "sampled by the client"

    async def on_elicit(message: str, response_type: Any, params: Any, context: Any) -> dict[str, Any]:
        asked.append("elicitation")
        return {"name": "Ada", "check": True, "email": "ada@example.com"}

    async with running_host(tmp_path, {"everything": everything_server()}) as host:
        assert host.runtime.mesh.backends["everything"].protocol_version == "2025-11-25"
        async with Client(
            host.url + "/mcp", mode=mode, sampling_handler=on_sample, elicitation_handler=on_elicit
        ) as client:
            await client.call_tool(
                "everything_trigger-long-running-operation", {"duration": 1, "steps": 3}, progress_handler=on_progress
            )
            assert len(progress) == 3
            sampled = await client.call_tool("everything_trigger-sampling-request", {"prompt": "hi", "maxTokens": 10})
            assert "sampled by the client" in str(sampled.content)
            elicited = await client.call_tool("everything_trigger-elicitation-request", {})
            assert "Ada" in str(elicited.content)
            assert asked == ["sampling", "elicitation"]


async def test_one_client_unsubscribing_leaves_the_others_subscribed(tmp_path: Path) -> None:
    uri = "demo://everything/resource/static/document/architecture.md"

    class Updates(MessageHandler):
        def __init__(self) -> None:
            self.uris: list[str] = []
            self.seen = anyio.Event()

        async def on_resource_updated(self, message: mcp_types.ResourceUpdatedNotification) -> None:
            self.uris.append(str(message.params.uri))
            self.seen.set()

    leaving, staying = Updates(), Updates()
    async with running_host(tmp_path, {"everything": everything_server()}) as host:
        async with (
            Client(host.url + "/mcp", mode="legacy", message_handler=leaving) as first,
            Client(host.url + "/mcp", mode="legacy", message_handler=staying) as second,
        ):
            assert uri in {str(r.uri) for r in await second.list_resources()}
            await first.session.subscribe_resource(uri)
            await second.session.subscribe_resource(uri)
            await first.session.unsubscribe_resource(uri)
            await second.call_tool("everything_toggle-subscriber-updates", {})
            with anyio.fail_after(15):
                await staying.seen.wait()
            assert staying.uris[0] == uri and leaving.uris == []
