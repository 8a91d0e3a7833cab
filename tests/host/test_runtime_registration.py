"""Servers added at runtime (REST and CLI) appear without a restart and persist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import httpx2
import mcp_types
import pytest
from fastmcp import Client
from fastmcp.client.messages import MessageHandler

from tests.fixtures.host import TOY_SERVER, running_host, toy_entry

pytestmark = pytest.mark.anyio


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


class ListChanged(MessageHandler):
    def __init__(self) -> None:
        self.seen = anyio.Event()

    async def on_tool_list_changed(self, message: mcp_types.ToolListChangedNotification) -> None:
        self.seen.set()


async def wait_ready(host: Any, name: str) -> None:
    mesh = host.runtime.mesh
    with anyio.move_on_after(20):
        while name not in mesh.backends or mesh.backends[name].status.value != "ready":
            await anyio.sleep(0.05)
        return
    backend = mesh.backends.get(name)
    raise AssertionError(f"{name} not ready: {backend and (backend.status, backend.last_error, backend.stderr_tail())}")


async def test_rest_add_shows_tools_without_restart_and_persists(tmp_path: Path) -> None:
    home = tmp_path / "home"
    async with running_host(tmp_path, {"toy": toy_entry()}, home=home) as host:
        handler = ListChanged()
        async with (
            httpx2.AsyncClient(base_url=host.url) as http,
            Client(host.url + "/mcp", mode="legacy", message_handler=handler) as legacy,
            Client(host.url + "/mcp") as modern,
        ):
            assert "extra_echo" not in {t.name for t in await modern.list_tools()}
            response = await http.post("/api/servers", json={"name": "extra", "config": toy_entry()})
            assert response.status_code == 201, response.text
            await wait_ready(host, "extra")
            assert "extra_echo" in {t.name for t in await modern.list_tools()}
            assert (await modern.call_tool("extra_add", {"a": 20, "b": 22})).data == 42
            with anyio.fail_after(10):
                await handler.seen.wait()
            assert "extra_echo" in {t.name for t in await legacy.list_tools()}

            conflict = await http.post("/api/servers", json={"name": "extra", "config": toy_entry()})
            assert conflict.status_code == 409 and "already exists" in conflict.json()["error"]

    async with running_host(tmp_path, {"toy": toy_entry()}, home=home) as host:
        async with Client(host.url + "/mcp") as client:
            assert (await client.call_tool("extra_echo", {"text": "back"})).data == "back"
        pid = host.runtime.mesh.backends["extra"].pid
        assert pid is not None and pid_alive(pid)
        async with httpx2.AsyncClient(base_url=host.url) as http:
            assert (await http.delete("/api/servers/extra")).status_code == 204
            with anyio.fail_after(10):
                while pid_alive(pid):
                    await anyio.sleep(0.05)
            names = {t["name"] for t in (await http.get("/api/tools")).json()}
            assert "extra_echo" not in names and "toy_echo" in names


async def test_cli_add_disable_enable_and_remove_talk_to_the_running_host(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            # Options go before the positionals: `servers add NAME -- COMMAND...` takes the rest verbatim.
            command = [*args[:2], "--host-url", host.url, *args[2:]]
            return subprocess.run(
                [sys.executable, "-m", "pygent.host.cli", *command],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )

        added = await anyio.to_thread.run_sync(lambda: cli("servers", "add", "cli", "--", sys.executable, TOY_SERVER))
        assert added.returncode == 0, added.stderr
        await wait_ready(host, "cli")
        async with Client(host.url + "/mcp") as client:
            assert "cli_echo" in {t.name for t in await client.list_tools()}
            listing = await anyio.to_thread.run_sync(lambda: cli("servers", "list"))
            assert "cli" in listing.stdout and "ready" in listing.stdout

            disabled = await anyio.to_thread.run_sync(lambda: cli("servers", "disable", "cli"))
            assert disabled.returncode == 0 and "disabled" in disabled.stdout
            assert "cli_echo" not in {t.name for t in await client.list_tools()}
            enabled = await anyio.to_thread.run_sync(lambda: cli("servers", "enable", "cli"))
            assert enabled.returncode == 0
            await wait_ready(host, "cli")
            assert "cli_echo" in {t.name for t in await client.list_tools()}

            called = await anyio.to_thread.run_sync(
                lambda: cli("tools", "call", "cli_add", "--args", '{"a": 1, "b": 2}')
            )
            assert called.returncode == 0 and called.stdout.strip().endswith("3")

            removed = await anyio.to_thread.run_sync(lambda: cli("servers", "remove", "cli"))
            assert removed.returncode == 0
            assert "cli_echo" not in {t.name for t in await client.list_tools()}

        missing = await anyio.to_thread.run_sync(lambda: cli("servers", "remove", "ghost"))
        assert missing.returncode == 1 and missing.stderr.strip() == "pygent: unknown server 'ghost'"
