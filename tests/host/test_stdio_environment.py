"""What a spawned server inherits: the MCP SDK's safe list for others, our settings for ours."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastmcp import Client
from pygent.host.mesh.stdio_process import child_environment
from pygent.registry.models import StdioServer

from tests.fixtures.host import running_host, toy_entry

HOST = {
    "HOME": "/users/ann",
    "PATH": "/usr/bin:/bin",
    "USER": "ann",
    "PYGENT_HOME": "/users/ann/.pygent",
    "GITHUB_TOKEN": "ghp_host",
    "AWS_SECRET_ACCESS_KEY": "aws",
    "VIRTUAL_ENV": "/venv",
    "BASH_FUNC_x%%": "() { evil; }",
}


def test_a_third_party_server_gets_only_the_safe_defaults_and_its_own_env() -> None:
    env = child_environment(HOST, StdioServer(command="python3", args=["server.py"], env={"MODE": "x"}))
    assert env == {"HOME": "/users/ann", "PATH": "/usr/bin:/bin", "USER": "ann", "MODE": "x"}


def test_our_own_servers_also_get_our_settings_and_credentials() -> None:
    env = child_environment(HOST, StdioServer(command="pygent", args=["server", "github"], env={"PYGENT_HOME": "/x"}))
    assert env == {
        "HOME": "/users/ann",
        "PATH": "/usr/bin:/bin",
        "USER": "ann",
        "PYGENT_HOME": "/x",  # the entry's env wins
        "GITHUB_TOKEN": "ghp_host",
    }


@pytest.mark.anyio
async def test_a_spawned_third_party_server_does_not_see_the_hosts_secrets_or_venv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOST_ONLY_SECRET", "s3cret")
    async with running_host(tmp_path, {"toy": toy_entry(TOY_MODE="on")}) as host:
        async with Client(host.url + "/mcp") as client:

            async def env(name: str) -> str | None:
                result = await client.call_tool("toy_env", {"name": name})
                value = result.structured_content["result"] if result.structured_content else None
                return value if isinstance(value, str) else None

            assert await env("HOST_ONLY_SECRET") is None
            assert await env("PYGENT_HOME") is None
            assert await env("TOY_MODE") == "on"
            assert await env("HOME") == os.environ["HOME"]
            assert await env("PATH") == os.environ["PATH"]  # unchanged: no venv put first
