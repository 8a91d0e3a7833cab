"""Import from and export to Claude Desktop, Cursor and VS Code configs."""

from __future__ import annotations

import pytest
from pygent.core.errors import ConfigError
from pygent.registry.formats import export_document, import_document
from pygent.registry.models import RemoteServer, StdioServer

ENTRIES = {
    "fs": StdioServer(command="npx", args=["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], env={"A": "1"}),
    "docs": RemoteServer(url="https://docs.example/mcp", headers={"Authorization": "Bearer t"}),
    "legacy": RemoteServer(url="https://old.example/sse", transport="sse"),
}


@pytest.mark.parametrize("fmt", ["claude", "cursor", "vscode"])
def test_every_format_round_trips(fmt: str) -> None:
    exported = export_document(ENTRIES, fmt)  # type: ignore[arg-type]
    imported = import_document(exported)
    assert imported == ENTRIES


def test_claude_desktop_gets_remote_servers_through_mcp_remote() -> None:
    exported = export_document(ENTRIES, "claude")["mcpServers"]
    assert exported["docs"] == {
        "command": "npx",
        "args": ["-y", "mcp-remote", "https://docs.example/mcp", "--header", "Authorization:Bearer t"],
    }
    assert exported["fs"] == {
        "command": "npx",
        "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
        "env": {"A": "1"},
    }


def test_vscode_files_and_settings_files_are_understood() -> None:
    vscode = {
        "servers": {
            "gh": {"type": "http", "url": "https://api.example/mcp"},
            "local": {"type": "stdio", "command": "node", "args": ["s.js"], "envFile": ".env"},
        }
    }
    entries = import_document(vscode)
    assert isinstance(entries["gh"], RemoteServer) and isinstance(entries["local"], StdioServer)
    assert import_document({"mcp": vscode}) == entries


def test_unrecognised_documents_and_bad_entries_are_named() -> None:
    with pytest.raises(ConfigError, match="no 'mcpServers'"):
        import_document({"something": {}}, "x.json")
    with pytest.raises(ConfigError, match=r"x.json: server 'a': missing command"):
        import_document({"mcpServers": {"a": {}}}, "x.json")
