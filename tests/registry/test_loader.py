"""mcp.json is validated with errors that name the file, the entry and the problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pygent.core.errors import ConfigError
from pygent.registry.loader import load_config
from pygent.registry.models import RemoteServer, StdioServer


def write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "mcp.json"
    path.write_text(content, encoding="utf-8")
    return path


def test_claude_desktop_entries_and_our_keys_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        json.dumps(
            {
                "mcpServers": {
                    "local": {
                        "command": "pygent",
                        "args": ["server", "memory"],
                        "env": {"A": "${A:-1}"},
                        "cwd": "/tmp",
                    },
                    "remote": {
                        "url": "https://example.com/mcp",
                        "headers": {"Authorization": "Bearer ${TOKEN}"},
                        "transport": "sse",
                        "tags": ["web"],
                        "excludeTools": ["delete_*"],
                        "timeout": 5,
                        "enabled": False,
                    },
                    "typed": {"type": "http", "url": "http://127.0.0.1:9/mcp"},
                }
            }
        ),
    )
    entries = load_config(path, {"TOKEN": "t0k"})
    local, remote = entries["local"], entries["remote"]
    assert isinstance(local, StdioServer) and local.env == {"A": "1"} and local.cwd == "/tmp"
    assert isinstance(remote, RemoteServer) and remote.transport == "sse" and not remote.enabled
    assert remote.headers == {"Authorization": "Bearer t0k"} and remote.timeout == 5
    assert not remote.allows_tool("delete_all") and remote.allows_tool("read")
    assert entries["typed"].transport == "http"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"mcpServers": {', r"mcp.json: invalid JSON at line 1"),
        (
            '{"mcpServers": {"x": {"url": "http://a/mcp", "transport": "carrier-pigeon"}}}',
            r"mcp.json: server 'x': unknown transport 'carrier-pigeon'",
        ),
        ('{"mcpServers": {"x": {"args": ["a"]}}}', r"mcp.json: server 'x': missing command"),
        ('{"mcpServers": {"x": {"command": ""}}}', r"mcp.json: server 'x': field 'command'"),
        ('{"mcpServers": {"x": {"command": "a", "colour": "red"}}}', r"mcp.json: server 'x': unknown key 'colour'"),
        ('{"mcpServers": {"x": {"url": "ftp://host/x"}}}', r"mcp.json: server 'x': field 'url'"),
        ('{"mcpServers": {"bad name": {"command": "a"}}}', r"mcp.json: server 'bad name': invalid name"),
        ('{"mcpServers": {"x": {"command": "${NOPE}"}}}', r"mcp.json: server 'x': environment variable NOPE"),
        ("[1, 2]", r"mcp.json: the top level must be a JSON object"),
    ],
)
def test_bad_files_get_one_clear_message(tmp_path: Path, content: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_config(write(tmp_path, content), {})


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere.json: file not found"):
        load_config(tmp_path / "nowhere.json", {})


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"mcpServers": {"x": {"command": "caf\xe9"}}}', r"mcp.json: not UTF-8 text \(byte 0xe9 on line 1\)"),
        (b"[" * 5000 + b"]" * 5000, r"mcp.json: nested deeper than 64 levels"),
        (
            b'{"mcpServers": {"x": {"command": "a", "env": ' + b'{"a": ' * 100 + b"1" + b"}" * 102 + b"}",
            r"mcp.json: nested deeper than 64 levels",
        ),
    ],
)
def test_undecodable_or_absurdly_nested_files_get_one_clear_message(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "mcp.json"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=expected):
        load_config(path, {})


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "mcp.json"
    path.write_bytes(b'\xef\xbb\xbf{"mcpServers": {"x": {"command": "a"}}}')
    assert list(load_config(path, {})) == ["x"]
