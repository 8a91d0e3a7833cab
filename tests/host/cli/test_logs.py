"""`pygent logs`: the host's log file as text, a server's stderr from the host, both followed until Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import anyio.to_thread
import httpx2
import pytest

from tests.fixtures.cli import PYGENT, pygent
from tests.fixtures.host import free_port, running_host

TALKER = """
import sys
from fastmcp import FastMCP

mcp = FastMCP("talker")


@mcp.tool
def say(text: str) -> str:
    print(text, file=sys.stderr, flush=True)
    return text


print("talker: up", file=sys.stderr, flush=True)
mcp.run(show_banner=False, log_level="warning")
"""


def record(message: str, **fields: object) -> str:
    return json.dumps(
        {"time": "2026-01-02T03:04:05", "level": "INFO", "logger": "pygent.host", "message": message, **fields}
    )


def follow(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*PYGENT, "logs", *args, "-f"],
        cwd=cwd,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def interrupt(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()  # never leave a follower behind a failed test
        raise
    assert process.stderr is not None
    return code, process.stderr.read()


def test_the_host_log_is_printed_as_text_and_followed_until_ctrl_c(tmp_path: Path, clean_environ: Path) -> None:
    log = clean_environ / "logs" / "host.log"
    log.parent.mkdir(parents=True)
    log.write_text(record("server ready", server="toy", tools=3) + "\nnot json\n", encoding="utf-8")
    env = {"PYGENT_PORT": str(free_port())}
    shown = pygent("logs", cwd=tmp_path, env=env)
    assert shown.stdout.splitlines() == [
        "2026-01-02T03:04:05 INFO    pygent.host: server ready server=toy tools=3",
        "not json",
    ]
    process = follow(cwd=tmp_path, env=env)
    assert process.stdout is not None
    try:
        assert process.stdout.readline() == "2026-01-02T03:04:05 INFO    pygent.host: server ready server=toy tools=3\n"
        assert process.stdout.readline() == "not json\n"
        with log.open("a", encoding="utf-8") as out:
            out.write(record("server down", server="toy") + "\n")
        assert process.stdout.readline() == "2026-01-02T03:04:05 INFO    pygent.host: server down server=toy\n"
        log.rename(log.with_suffix(".log.1"))  # rotated, as the host's handler does
        log.write_text(record("after rotation") + "\n", encoding="utf-8")
        assert process.stdout.readline() == "2026-01-02T03:04:05 INFO    pygent.host: after rotation\n"
    finally:
        code, stderr = interrupt(process)
    assert code == 130 and stderr == ""


def test_without_a_host_log_the_command_says_where_it_looked(tmp_path: Path, clean_environ: Path) -> None:
    done = pygent("logs", cwd=tmp_path, env={"PYGENT_PORT": str(free_port())})
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == f"pygent: no host log at {clean_environ / 'logs' / 'host.log'} yet (`pygent serve` writes it)"
    )


@pytest.mark.anyio
async def test_a_servers_stderr_is_followed_from_the_running_host(tmp_path: Path) -> None:
    script = tmp_path / "talker.py"
    script.write_text(TALKER, encoding="utf-8")
    async with running_host(tmp_path, {"talker": {"command": sys.executable, "args": [str(script)]}}) as host:
        env = {"PYGENT_PORT": str(urlsplit(host.url).port)}
        process = follow("talker", cwd=tmp_path, env=env)
        assert process.stdout is not None
        readline = process.stdout.readline
        try:
            assert await anyio.to_thread.run_sync(readline) == "talker: up\n"
            async with httpx2.AsyncClient(base_url=host.url) as http:
                called = await http.post("/api/tools/talker_say/call", json={"arguments": {"text": "hello there"}})
                assert called.status_code == 200
            assert await anyio.to_thread.run_sync(readline) == "hello there\n"
        finally:
            code, stderr = await anyio.to_thread.run_sync(interrupt, process)
        assert code == 130 and stderr == ""
