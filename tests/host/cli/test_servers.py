"""`pygent servers ...` with and without a running host: options anywhere, credentials masked, why a server failed."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import anyio.to_thread
import pytest

from tests.fixtures.cli import one_line, pygent
from tests.fixtures.host import TOY_SERVER, free_port, running_host, toy_entry, write_config

pytestmark = pytest.mark.anyio

TOKEN = "tok-3f9a"


def offline(tmp_path: Path) -> dict[str, str]:
    write_config(tmp_path, {})
    return {"PYGENT_PORT": str(free_port())}  # nobody listens there


def exported(tmp_path: Path, env: dict[str, str]) -> dict[str, object]:
    done = pygent("servers", "export", "--format", "cursor", "--show-secrets", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    servers: dict[str, object] = json.loads(done.stdout)["mcpServers"]
    return servers


def test_a_remote_server_with_a_header_is_stored_as_remote_and_shown_masked(tmp_path: Path) -> None:
    env = offline(tmp_path)
    url = "https://docs.example.com/mcp"
    added = pygent(
        "servers", "add", "docs", "--url", url, "--header", f"Authorization=Bearer {TOKEN}", cwd=tmp_path, env=env
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"added docs: {url} (http)  headers Authorization: Bearer ***"
    assert exported(tmp_path, env)["docs"] == {"url": url, "headers": {"Authorization": f"Bearer {TOKEN}"}}
    for command in (["servers", "list", "--json"], ["servers", "show", "docs"], ["servers", "show", "docs", "--json"]):
        shown = pygent(*command, cwd=tmp_path, env=env)
        assert shown.returncode == 0, shown.stderr
        assert TOKEN not in shown.stdout and "Bearer ***" in shown.stdout
    show = pygent("servers", "show", "docs", cwd=tmp_path, env=env)
    assert "status:      unknown: the host is not running (enabled)" in show.stdout


def test_options_work_before_and_after_the_name_and_everything_after_dashes_is_the_command(tmp_path: Path) -> None:
    env = offline(tmp_path)
    first = pygent(
        "servers",
        "add",
        "--env",
        "MODE=a",
        "one",
        "--cwd",
        str(tmp_path),
        "--",
        "node",
        "s.js",
        "--env",
        "x",
        cwd=tmp_path,
        env=env,
    )
    second = pygent(
        "servers", "add", "two", "--env", f"API_TOKEN={TOKEN}", "--", "node", "--url", "u", cwd=tmp_path, env=env
    )
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert TOKEN not in second.stdout and "API_TOKEN=***" in second.stdout
    servers = exported(tmp_path, env)
    assert servers["one"] == {
        "command": "node",
        "args": ["s.js", "--env", "x"],
        "env": {"MODE": "a"},
        "cwd": str(tmp_path),
    }
    assert servers["two"] == {"command": "node", "args": ["--url", "u"], "env": {"API_TOKEN": TOKEN}}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "node", "a.js"], "pygent: error: the server's command goes after --: pygent servers add x -- node a.js"),
        (["x"], "pygent: give the server's command after -- (pygent servers add NAME -- COMMAND ARGS...) or --url URL"),
        (["x", "--header", "A=b", "--", "node"], "pygent: --header and --transport are for a remote server (--url)"),
        (
            ["x", "--url", "https://h/mcp", "--env", "A=b"],
            "pygent: --env and --cwd are for a local server (a command after --)",
        ),
        (
            ["x", "--url", "https://h/mcp", "--header", "nonsense"],
            "pygent: --header must look like KEY=VALUE, got 'nonsense'",
        ),
    ],
)
def test_a_misused_add_says_how_in_one_line_and_stores_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    env = offline(tmp_path)
    done = pygent("servers", "add", *args, cwd=tmp_path, env=env)
    assert done.returncode in (1, 2)
    assert done.stderr.strip().splitlines()[-1] == message
    assert exported(tmp_path, env) == {}


def test_restart_and_a_servers_stderr_need_the_host_and_say_so(tmp_path: Path) -> None:
    env = offline(tmp_path)
    assert pygent("servers", "add", "toy", "--", sys.executable, TOY_SERVER, cwd=tmp_path, env=env).returncode == 0
    restart = pygent("servers", "restart", "toy", cwd=tmp_path, env=env)
    assert restart.returncode == 1 and one_line(restart.stderr).startswith(
        "pygent: the host is not running: nothing to restart"
    )
    logs = pygent("logs", "toy", cwd=tmp_path, env=env)
    assert logs.returncode == 1 and one_line(logs.stderr).startswith(
        "pygent: the host is not running: a server's stderr"
    )
    unknown = pygent("servers", "show", "ghost", cwd=tmp_path, env=env)
    assert unknown.returncode == 1 and one_line(unknown.stderr) == "pygent: unknown server 'ghost'"


async def test_show_logs_and_restart_tell_why_a_server_failed(tmp_path: Path) -> None:
    servers = {"toy": toy_entry(), "broken": toy_entry("--exit-at-once")}
    async with running_host(tmp_path, servers, restart_max_attempts=2, restart_initial_delay=0.1) as host:
        env = {"PYGENT_PORT": str(urlsplit(host.url).port)}
        run = partial(pygent, cwd=tmp_path, env=env)

        listing = await anyio.to_thread.run_sync(run, "servers", "list")
        assert "process exited with code 7 during startup" in listing.stdout
        shown = await anyio.to_thread.run_sync(run, "servers", "show", "broken")
        assert shown.returncode == 0, shown.stderr
        assert "status:      failed (enabled)" in shown.stdout
        assert "last error:  process exited with code 7 during startup" in shown.stdout
        assert "  toy: refusing to start (--exit-at-once)" in shown.stdout
        assert f"runs:        {sys.executable} {TOY_SERVER} --exit-at-once" in shown.stdout
        logs = await anyio.to_thread.run_sync(run, "logs", "broken")
        assert logs.stdout.strip().splitlines() == ["toy: refusing to start (--exit-at-once)"]

        detail = json.loads((await anyio.to_thread.run_sync(run, "servers", "show", "toy", "--json")).stdout)
        assert detail["status"] == "ready" and "echo" in {tool["name"] for tool in detail["tools"]}
        rows = json.loads((await anyio.to_thread.run_sync(run, "tools", "list", "--json")).stdout)
        assert {"toy_echo", "toy_add"} <= {row["name"] for row in rows}

        pid = host.runtime.mesh.backends["toy"].pid
        restarted = await anyio.to_thread.run_sync(run, "servers", "restart", "toy")
        assert restarted.returncode == 0 and restarted.stdout.strip() == "toy: restarting"
        with anyio.fail_after(20):
            while (backend := host.runtime.mesh.backends["toy"]).pid in (pid, None) or backend.status.value != "ready":
                await anyio.sleep(0.05)
