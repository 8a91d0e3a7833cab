"""The server as its own process: `python -m pygent.servers.github` over stdio, and behind the host's gateway."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from fastmcp import Client

from tests.fixtures.host import running_host
from tests.fixtures.results import structured
from tests.fixtures.startup import fresh_tools
from tests.servers.github.conftest import TOKEN
from tests.servers.github.fake_github import FakeGitHub

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def test_stdio_server_lists_its_tools(tmp_path: Path) -> None:
    args = ["-m", "pygent.servers.github", "--git-root", str(tmp_path)]
    names = await fresh_tools(args, {"PYGENT_HOME": str(tmp_path / "home")})
    assert {"repo_read", "issue_read", "git_status"} <= names
    assert "repo_write" not in names


def test_a_bad_setting_stops_the_server_with_one_clear_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pygent.servers.github"],
        env={"PYGENT_HOME": str(tmp_path), "PYGENT_GITHUB_TOOLSETS": "gists", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "PYGENT_GITHUB_TOOLSETS" in done.stderr


async def test_reachable_through_the_gateway_as_github_tools(fake: FakeGitHub, tmp_path: Path) -> None:
    repo = tmp_path / "roots" / "app"
    repo.mkdir(parents=True)
    for args in (
        ["init", "-q", "-b", "main"],
        ["-c", "user.name=A", "-c", "user.email=a@x", "commit", "-q", "--allow-empty", "-m", "hello"],
    ):
        await anyio.run_process(["git", "-C", str(repo), *args])
    fake.on("GET", "/repos/octo/hello/issues/1", {"number": 1, "title": "via gateway"})
    entry = {
        "command": sys.executable,
        "args": ["-m", "pygent.servers.github", "--git-root", str(tmp_path / "roots")],
        "env": {"GITHUB_TOKEN": TOKEN, "PYGENT_GITHUB_API_URL": fake.api_url, "PYGENT_HOME": str(tmp_path / "home")},
    }
    async with running_host(tmp_path, {"github": entry}) as host:
        async with Client(host.url + "/mcp") as client:
            names = {tool.name for tool in await client.list_tools()}
            assert {"github_issue_read", "github_git_log"} <= names
            issue = await client.call_tool(
                "github_issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 1}
            )
            log = await client.call_tool("github_git_log", {"repo_path": "app"})
    assert structured(issue)["item"]["title"] == "via gateway"
    assert [c["subject"] for c in structured(log)["commits"]] == ["hello"]
    assert fake.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
