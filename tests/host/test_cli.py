"""`pygent` as a user runs it: real subprocesses, exit codes, one-line errors, clean shutdown."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from tests.fixtures.cli import PYGENT, one_line, pygent
from tests.fixtures.host import free_port, toy_entry, write_config

run = pygent


def test_version_is_printed() -> None:
    done = run("--version", cwd=Path.cwd())
    assert done.returncode == 0 and done.stdout.startswith("pygent-factory ")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"mcpServers": {"a": {"command": "x"},', "invalid JSON at line 1"),
        (
            '{"mcpServers": {"web": {"url": "http://h/mcp", "transport": "telnet"}}}',
            "server 'web': unknown transport 'telnet'",
        ),
        ('{"mcpServers": {"tool": {"args": ["--x"]}}}', "server 'tool': missing command"),
    ],
)
def test_a_malformed_config_stops_serve_with_one_line_and_exit_2(tmp_path: Path, content: str, problem: str) -> None:
    config = tmp_path / "broken.json"
    config.write_text(content, encoding="utf-8")
    done = run("serve", "--config", str(config), "--port", str(free_port()), cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"pygent: {config}: ") and problem in lines[0]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"mcpServers": {"a": {"command": "\xff"}}}', "not UTF-8 text (byte 0xff on line 1)"),
        (b"[" * 5000 + b"]" * 5000, "nested deeper than 64 levels"),
    ],
)
def test_an_undecodable_or_deeply_nested_config_stops_serve_with_one_line_and_exit_2(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    config = tmp_path / "bad.json"
    config.write_bytes(content)
    done = run("serve", "--config", str(config), "--port", str(free_port()), cwd=tmp_path)
    assert done.returncode == 2
    assert one_line(done.stderr) == f"pygent: {config}: {problem}"


def test_a_busy_port_fails_in_one_line_before_any_server_starts(tmp_path: Path) -> None:
    marker = tmp_path / "started"
    write_config(tmp_path, {"toy": {"command": sys.executable, "args": ["-c", f"open({str(marker)!r}, 'w')"]}})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run("serve", "--port", str(port), cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    line = one_line(done.stderr)
    assert line.startswith(f"pygent: cannot listen on 127.0.0.1:{port}: Address already in use"), line
    assert not marker.exists()


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_serve_leaves_no_child_process(tmp_path: Path, sig: signal.Signals) -> None:
    config = write_config(tmp_path, {"one": toy_entry(), "two": toy_entry()})
    port = free_port()
    process = subprocess.Popen(
        [*PYGENT, "serve", "--config", str(config), "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        pids: list[int] = []
        while time.monotonic() < deadline:
            try:
                rows = httpx2.get(f"http://127.0.0.1:{port}/api/servers", timeout=2).json()
                pids = [row["pid"] for row in rows if row["status"] == "ready"]
                if len(pids) == 2:
                    break
            except (httpx2.HTTPError, ValueError, TypeError):
                pass
            time.sleep(0.1)
        assert len(pids) == 2, process.stderr.read() if process.poll() is not None else "servers not ready"
        assert set(pids) <= children_of(process.pid)
        process.send_signal(sig)
        assert process.wait(timeout=30) in (0, -sig, 128 + sig)
        assert not [pid for pid in pids if alive(pid)]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_import_and_export_work_without_a_running_host(tmp_path: Path) -> None:
    claude = {
        "mcpServers": {
            "fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]},
            "docs": {"command": "npx", "args": ["-y", "mcp-remote", "https://docs.example/mcp"]},
        }
    }
    source = tmp_path / "claude_desktop_config.json"
    source.write_text(json.dumps(claude), encoding="utf-8")
    (tmp_path / "mcp.json").write_text('{"mcpServers": {}}', encoding="utf-8")
    port = str(free_port())  # no host listens there
    env_port = {"PYGENT_PORT": port}
    imported = run("servers", "import", str(source), cwd=tmp_path, env=env_port)
    assert imported.returncode == 0, imported.stderr
    assert "added fs" in imported.stdout and "added docs" in imported.stdout
    again = run("servers", "import", str(source), cwd=tmp_path, env=env_port)
    assert "skipped fs: server 'fs' already exists" in again.stdout
    exported = run("servers", "export", "--format", "vscode", cwd=tmp_path, env=env_port)
    document = json.loads(exported.stdout)
    assert document["servers"]["docs"] == {"type": "http", "url": "https://docs.example/mcp"}
    assert document["servers"]["fs"]["type"] == "stdio"


def test_tools_call_without_a_host_runs_the_mesh_in_process(tmp_path: Path) -> None:
    write_config(tmp_path, {"toy": toy_entry()})
    env = {"PYGENT_PORT": str(free_port())}
    done = run("tools", "call", "toy_add", "--args", '{"a": 40, "b": 2}', cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"
    bad = run("tools", "call", "toy_add", "--args", "{oops", cwd=tmp_path, env=env)
    assert bad.returncode == 1 and bad.stderr.strip().startswith("pygent: --args is not valid JSON")


def test_an_unknown_capability_server_is_named(tmp_path: Path) -> None:
    done = run("server", "nonexistent", cwd=tmp_path)
    assert done.returncode == 1 and "unknown server 'nonexistent'" in done.stderr
