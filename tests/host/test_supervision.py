"""Supervision: crashes, restarts, a server that never starts, concurrency, timeouts."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import anyio
import httpx2
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from tests.fixtures.host import running_host, toy_entry

pytestmark = pytest.mark.anyio

FAST_RESTARTS = {"restart_initial_delay": 0.1, "restart_max_attempts": 3, "restart_max_delay": 0.5}


async def wait_for(predicate, timeout: float = 15) -> None:  # type: ignore[no-untyped-def]
    with anyio.fail_after(timeout):
        while not predicate():
            await anyio.sleep(0.05)


async def test_a_killed_child_fails_the_call_in_flight_fast_and_comes_back(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}, **FAST_RESTARTS) as host:
        backend = host.runtime.mesh.backends["toy"]
        async with Client(host.url + "/mcp") as client:
            pid = (await client.call_tool("toy_pid", {})).data
            errors: list[str] = []

            async def long_call() -> None:
                try:
                    await client.call_tool("toy_sleep_ms", {"ms": 60_000})
                except ToolError as exc:
                    errors.append(str(exc))

            async with anyio.create_task_group() as group:
                group.start_soon(long_call)
                await wait_for(lambda: backend.inflight == 1)
                os.kill(pid, signal.SIGKILL)
                with anyio.fail_after(2):
                    await wait_for(lambda: bool(errors), timeout=2)
            assert "toy" in errors[0] and "disconnected" in errors[0]

            await wait_for(lambda: backend.status.value == "ready" and backend.pid not in (None, pid))
            assert (await client.call_tool("toy_add", {"a": 1, "b": 1})).data == 2
            assert (await client.call_tool("toy_pid", {})).data != pid

        async with httpx2.AsyncClient(base_url=host.url) as http:
            row = (await http.get("/api/servers/toy")).json()
            assert row["restarts"] == 1 and row["status"] == "ready"
            assert any(event["status"] == "restarting" for event in row["health"])


async def test_a_server_that_exits_at_once_ends_up_failed_with_its_stderr(tmp_path: Path) -> None:
    servers = {"toy": toy_entry(), "broken": toy_entry("--exit-at-once")}
    async with running_host(tmp_path, servers, **FAST_RESTARTS) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            row = (await http.get("/api/servers/broken")).json()
            assert row["status"] == "failed"
            assert "exited with code 7" in row["last_error"]
            assert "toy: refusing to start (--exit-at-once)" in row["stderr_tail"]
            assert (await http.get("/healthz")).json()["servers"] == {"ready": 1, "failed": 1}
            async with Client(host.url + "/mcp") as client:
                assert (await client.call_tool("toy_echo", {"text": "still fine"})).data == "still fine"
            # A manual restart brings a failed server back to life (and it fails again here).
            assert (await http.post("/api/servers/broken/restart", json={})).status_code == 202
            backend = host.runtime.mesh.backends["broken"]
            await wait_for(lambda: backend.status.value == "restarting")
            await wait_for(lambda: backend.status.value == "failed")


async def test_calls_are_concurrent_and_one_slow_server_delays_no_other(tmp_path: Path) -> None:
    servers = {"slow": toy_entry(), "fast": toy_entry()}
    async with running_host(tmp_path, servers) as host:
        slow = host.runtime.mesh.backends["slow"]
        finished: list[str] = []
        async with Client(host.url + "/mcp") as client:

            async def sleeper() -> None:
                await client.call_tool("slow_sleep_ms", {"ms": 30_000})
                finished.append("sleep")

            async with anyio.create_task_group() as group:
                group.start_soon(sleeper)
                group.start_soon(sleeper)
                await wait_for(lambda: slow.inflight == 2)
                # The same server answers while two calls are in flight, and so does another server.
                assert (await client.call_tool("slow_echo", {"text": "a"})).data == "a"
                assert (await client.call_tool("fast_echo", {"text": "b"})).data == "b"
                assert finished == [] and slow.inflight == 2
                group.cancel_scope.cancel()


async def test_a_hung_server_is_detected_and_restarted(tmp_path: Path) -> None:
    probes = {"health_interval": 0.3, "health_timeout": 1.0, **FAST_RESTARTS}
    async with running_host(tmp_path, {"toy": {**toy_entry(), "timeout": 60}}, **probes) as host:
        backend = host.runtime.mesh.backends["toy"]
        async with Client(host.url + "/mcp") as client:
            pid = (await client.call_tool("toy_pid", {})).data
            with pytest.raises(ToolError, match="server 'toy' disconnected"):
                await client.call_tool("toy_freeze", {"seconds": 120})
            await wait_for(lambda: backend.status.value == "ready" and backend.pid not in (None, pid))
            assert backend.restarts == 1
            history = await host.runtime.registry.store.health_history("toy")
            assert any("health check failed: no answer" in (event.detail or "") for event in history)
            assert (await client.call_tool("toy_echo", {"text": "alive"})).data == "alive"


async def test_a_call_past_its_timeout_is_a_tool_error_and_the_server_stays_up(tmp_path: Path) -> None:
    entry = {**toy_entry(), "timeout": 0.5}
    async with running_host(tmp_path, {"toy": entry}) as host:
        async with Client(host.url + "/mcp") as client:
            with pytest.raises(ToolError, match=r"server 'toy': tool 'sleep_ms' timed out after 0.5s"):
                await client.call_tool("toy_sleep_ms", {"ms": 10_000})
            assert (await client.call_tool("toy_add", {"a": 2, "b": 2})).data == 4
