"""`pygent servers import|export`: meanings kept, an honest count, the same file with or without a host."""

from __future__ import annotations

import json
import os
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import anyio.to_thread
import pytest
from pygent.registry.claude_desktop import config_path
from pygent.registry.installation import pygent_executable

from tests.fixtures.cli import one_line, pygent
from tests.fixtures.host import free_port, running_host, toy_entry, write_config

TOKEN = "tok-3f9a"


@pytest.mark.anyio
async def test_export_gives_the_same_masked_file_with_and_without_a_host(tmp_path: Path) -> None:
    servers = {
        "toy": toy_entry(API_TOKEN=TOKEN, MODE="plain"),
        "memory": {"command": "pygent", "args": ["server", "memory"], "enabled": False},
        "docs": {"url": "http://127.0.0.1:9/mcp", "headers": {"Authorization": f"Bearer {TOKEN}"}, "enabled": False},
    }
    write_config(tmp_path, servers)
    no_host = {"PYGENT_PORT": str(free_port())}
    export = ("servers", "export", "--format", "vscode")
    before = await anyio.to_thread.run_sync(partial(pygent, *export, cwd=tmp_path, env=no_host))
    async with running_host(tmp_path, servers) as host:
        with_host = {"PYGENT_PORT": str(urlsplit(host.url).port)}
        during = await anyio.to_thread.run_sync(partial(pygent, *export, cwd=tmp_path, env=with_host))
        revealed = await anyio.to_thread.run_sync(
            partial(pygent, *export, "--show-secrets", cwd=tmp_path, env=with_host)
        )
        refused = await anyio.to_thread.run_sync(
            partial(pygent, *export, "--show-secrets", "--host-url", host.url, cwd=tmp_path)
        )
    assert before.returncode == during.returncode == 0, before.stderr + during.stderr
    assert before.stdout == during.stdout and TOKEN not in before.stdout
    document = json.loads(before.stdout)["servers"]
    assert document["toy"]["env"] == {"API_TOKEN": "***", "MODE": "plain"}
    assert document["docs"]["headers"] == {"Authorization": "Bearer ***"}
    assert document["memory"]["command"] == pygent_executable() and os.path.isabs(document["memory"]["command"])
    assert json.loads(revealed.stdout)["servers"]["toy"]["env"]["API_TOKEN"] == TOKEN
    assert refused.returncode == 1 and "the REST API never sends secrets" in one_line(refused.stderr)


def test_import_translates_what_it_can_and_names_what_it_cannot(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / ".vscode").mkdir(parents=True)
    (project / ".env").write_text("FROM_ENV_FILE=yes\n", encoding="utf-8")
    source = project / ".vscode" / "mcp.json"
    source.write_text(
        json.dumps(
            {
                "inputs": [{"id": "key", "type": "promptString", "description": "API key", "password": True}],
                "servers": {
                    "local": {
                        "type": "stdio",
                        "command": "node",
                        "args": ["${workspaceFolder}/server.js"],
                        "env": {"TOKEN": "${env:IMPORT_TOKEN}"},
                        "envFile": "${workspaceFolder}/.env",
                    },
                    "legacy": {"url": "http://127.0.0.1:9/sse"},
                    "prompted": {"command": "node", "env": {"KEY": "${input:key}"}},
                    "unset": {"type": "http", "url": "http://127.0.0.1:9/mcp", "headers": {"X-Key": "${env:NOPE_X}"}},
                },
            }
        ),
        encoding="utf-8",
    )
    write_config(tmp_path, {})
    env = {"PYGENT_PORT": str(free_port()), "IMPORT_TOKEN": TOKEN}
    done = pygent("servers", "import", str(source), cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "added local (read envFile ${workspaceFolder}/.env)",
        "added legacy (a /sse URL: legacy SSE transport)",
        "skipped prompted: needs ${input:key} (API key), which the editor asks for when it starts the server",
        "skipped unset: environment variable NOPE_X is not set (use ${NOPE_X:-default} for a fallback)",
    ]
    assert one_line(done.stderr) == f"imported 2 of 4 servers from {source}"
    exported = pygent("servers", "export", "--format", "vscode", "--show-secrets", cwd=tmp_path, env=env)
    servers = json.loads(exported.stdout)["servers"]
    assert servers["local"] == {
        "type": "stdio",
        "command": "node",
        "args": [f"{project}/server.js"],
        "env": {"FROM_ENV_FILE": "yes", "TOKEN": TOKEN},
    }
    assert servers["legacy"] == {"type": "sse", "url": "http://127.0.0.1:9/sse"}


def test_an_unreadable_import_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "claude_desktop_config.json"
    source.write_bytes(b'{"mcpServers": {"x": {"command": "\xff"}}}')
    write_config(tmp_path, {})
    done = pygent("servers", "import", str(source), cwd=tmp_path, env={"PYGENT_PORT": str(free_port())})
    assert done.returncode == 2
    assert one_line(done.stderr) == f"pygent: {source}: not UTF-8 text (byte 0xff on line 1)"


def test_install_merges_working_entries_into_claude_desktops_file_with_a_backup(tmp_path: Path) -> None:
    home = tmp_path / "home"
    fake = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "APPDATA": str(home / "AppData")}
    config = config_path(environ=fake)  # where Claude Desktop looks on this platform, under the fake HOME
    config.parent.mkdir(parents=True)
    theirs = {"preferences": {"x": 1}, "mcpServers": {"theirs": {"command": "uvx", "args": ["their-server"]}}}
    config.write_text(json.dumps(theirs), encoding="utf-8")
    write_config(
        tmp_path,
        {
            "memory": {"command": "pygent", "args": ["server", "memory"]},
            "docs": {"url": "https://docs.example/mcp", "headers": {"Authorization": f"Bearer {TOKEN}"}},
            "off": {"command": "node", "enabled": False},
        },
    )
    env = {**fake, "PYGENT_PORT": str(free_port())}
    done = pygent("servers", "export", "--format", "claude", "--install", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert f"installed 2 servers into {config}" in done.stderr and "1 disabled servers left out" in done.stderr
    assert TOKEN not in done.stdout + done.stderr
    written = json.loads(config.read_text(encoding="utf-8"))
    assert written["preferences"] == {"x": 1} and written["mcpServers"]["theirs"] == theirs["mcpServers"]["theirs"]
    assert written["mcpServers"]["memory"] == {"command": pygent_executable(), "args": ["server", "memory"]}
    assert written["mcpServers"]["docs"]["args"][-1] == f"Authorization:Bearer {TOKEN}"  # it must work
    assert "off" not in written["mcpServers"]
    backups = list(config.parent.glob("claude_desktop_config.json.*.bak"))
    assert len(backups) == 1 and json.loads(backups[0].read_text(encoding="utf-8")) == theirs
    other = pygent("servers", "export", "--format", "vscode", "--install", cwd=tmp_path, env=env)
    assert other.returncode == 1 and "--install writes Claude Desktop's config" in one_line(other.stderr)
