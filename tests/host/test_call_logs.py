"""Every tool call that fails, times out or is cancelled leaves one structured log line (issue 10, point 4)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from fastmcp import Client

from tests.fixtures.host import running_host, toy_entry

pytestmark = pytest.mark.anyio


def failed_calls(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    fields = ("server", "tool", "duration_ms", "error", "caller", "session")
    return [
        {name: getattr(record, name) for name in fields}
        for record in caplog.records
        if record.name == "pygent.host.mesh" and record.getMessage() == "tool call failed"
    ]


async def test_failures_timeouts_and_cancellations_are_logged_with_their_context(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="pygent.host.mesh")
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with Client(host.url + "/mcp", mode="legacy") as client:
            await client.call_tool("toy_fail", {"message": "x"}, raise_on_error=False)
            assert (await client.call_tool("toy_echo", {"text": "fine"})).data == "fine"
            async with anyio.create_task_group() as group:
                group.start_soon(client.call_tool, "toy_wait_for_cancel", {"marker": str(tmp_path / "m")})
                backend = host.runtime.mesh.backends["toy"]
                with anyio.fail_after(10):
                    while backend.inflight == 0:
                        await anyio.sleep(0.02)
                group.cancel_scope.cancel()
        async with httpx2.AsyncClient(base_url=host.url, timeout=30) as http:
            timed_out = await http.post(
                "/api/tools/toy_sleep_ms/call", json={"arguments": {"ms": 5000}, "timeout": 0.3}
            )
            assert timed_out.status_code == 504
        with anyio.fail_after(10):
            while len(failed_calls(caplog)) < 3:
                await anyio.sleep(0.05)
    failed, cancelled, slow = failed_calls(caplog)
    assert failed["server"] == "toy" and failed["tool"] == "fail"
    assert failed["error"] == "Error calling tool 'fail'" and failed["caller"] == "anonymous"
    assert failed["session"] and len(failed["session"]) == 32  # the client's MCP session id
    assert (cancelled["tool"], cancelled["error"]) == ("wait_for_cancel", "cancelled")
    assert slow["tool"] == "sleep_ms" and slow["error"] == "server 'toy': tool 'sleep_ms' timed out after 0.3s"
    assert slow["caller"] == "no-client" and slow["duration_ms"] >= 300
    assert all(entry["tool"] != "echo" for entry in failed_calls(caplog))
