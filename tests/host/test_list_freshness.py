"""A backend whose tool list changes while it runs is re-listed, in either era, and after every reconnect.

The conformance fixture's `test_trigger_tool_change` rewrites the description
of `test_tool_that_changes`. On a 2025-11-25 session it says so
(`notifications/tools/list_changed`); pinned at 2026-07-28 it says nothing
(FastMCP serves no `subscriptions/listen` stream) and its lists carry
`ttlMs: 0`, so only the expiring TTL brings the change in. The health probe
is set far out of reach, so it cannot be what re-lists.
"""

from __future__ import annotations

import sys
from pathlib import Path

import anyio
import pytest
from fastmcp import Client

from tests.fixtures.host import FIXTURES, running_host

pytestmark = pytest.mark.anyio

FIXTURE = str(FIXTURES / "conformance_server.py")
TOOL = "conformance_test_tool_that_changes"
ORIGINAL = "A tool whose description test_trigger_tool_change rewrites."
NO_PROBES = {"health_interval": 600.0}


async def description_of(client: Client) -> str | None:
    return next(tool.description for tool in await client.list_tools() if tool.name == TOOL)


async def wait_for_description(client: Client, expected: str, seconds: float) -> None:
    with anyio.fail_after(seconds):
        while await description_of(client) != expected:
            await anyio.sleep(0.1)


@pytest.mark.parametrize("era", ["2025-11-25", "2026-07-28"])
async def test_a_changed_tool_description_reaches_gateway_clients_and_survives_restarts(
    tmp_path: Path, era: str
) -> None:
    entry = {"command": sys.executable, "args": [FIXTURE], "protocolVersion": era}
    async with running_host(tmp_path, {"conformance": entry}, **NO_PROBES) as host:
        backend = host.runtime.mesh.backends["conformance"]
        assert backend.protocol_version == era
        bound = 2.0 if era == "2025-11-25" else host.runtime.mesh.policy.min_relist + 5.0
        async with Client(host.url + "/mcp") as client:
            assert await description_of(client) == ORIGINAL
            await client.call_tool("conformance_test_trigger_tool_change", {"description": "first change"})
            await wait_for_description(client, "first change", bound)

            pid = backend.pid
            await host.runtime.mesh.restart("conformance")
            with anyio.fail_after(30):
                while backend.status.value != "ready" or backend.pid in (None, pid):
                    await anyio.sleep(0.05)
            # The new process starts from the original description; the reconnect listed it anew.
            assert await description_of(client) == ORIGINAL

            await client.call_tool("conformance_test_trigger_tool_change", {"description": "second change"})
            await wait_for_description(client, "second change", bound)
