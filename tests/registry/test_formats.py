"""Import from and export to Claude Desktop, Cursor and VS Code configs, keeping what entries mean."""

from __future__ import annotations

from pathlib import Path

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
    assert imported.entries == ENTRIES and imported.skipped == {}


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


def test_our_own_servers_are_exported_with_the_absolute_path_of_pygent() -> None:
    ours = {"memory": StdioServer(command="pygent", args=["server", "memory"])}
    for fmt in ("claude", "cursor", "vscode"):
        document = export_document(ours, fmt, pygent="/opt/venv/bin/pygent")  # type: ignore[arg-type]
        servers = document["servers" if fmt == "vscode" else "mcpServers"]
        assert servers["memory"]["command"] == "/opt/venv/bin/pygent"
        assert servers["memory"]["args"] == ["server", "memory"]


def test_vscode_files_and_settings_files_are_understood(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("FROM_FILE=1\n", encoding="utf-8")
    vscode = {
        "servers": {
            "gh": {"type": "http", "url": "https://api.example/mcp"},
            "local": {"type": "stdio", "command": "node", "args": ["s.js"], "envFile": "${workspaceFolder}/.env"},
        }
    }
    result = import_document(vscode, "mcp.json", workspace=tmp_path)
    assert isinstance(result.entries["gh"], RemoteServer)
    local = result.entries["local"]
    assert isinstance(local, StdioServer) and local.env == {"FROM_FILE": "1"}
    assert import_document({"mcp": vscode}, "settings.json", workspace=tmp_path).entries == result.entries


def test_editor_variables_are_translated_to_values(tmp_path: Path) -> None:
    workspace = tmp_path / "proj"
    document = {
        "servers": {
            "db": {
                "command": "uvx",
                "args": ["db-mcp", "--root", "${workspaceFolder}/data", "--name", "${workspaceFolderBasename}"],
                "env": {"TOKEN": "${env:DB_TOKEN}", "HOME_DIR": "${userHome}", "LEVEL": "${LEVEL:-info}"},
            }
        }
    }
    environ = {"DB_TOKEN": "s3cret", "HOME": "/users/ann"}
    entry = import_document(document, "mcp.json", workspace=workspace, environ=environ).entries["db"]
    assert isinstance(entry, StdioServer)
    assert entry.args == ["db-mcp", "--root", f"{workspace}/data", "--name", "proj"]
    assert entry.env == {"TOKEN": "s3cret", "HOME_DIR": "/users/ann", "LEVEL": "info"}


def test_entries_that_cannot_work_here_are_skipped_with_their_reason(tmp_path: Path) -> None:
    document = {
        "inputs": [{"id": "api-key", "type": "promptString", "description": "Search API key", "password": True}],
        "servers": {
            "prompted": {"command": "npx", "args": ["search-mcp"], "env": {"KEY": "${input:api-key}"}},
            "unset": {"url": "https://x.example/mcp", "headers": {"Authorization": "Bearer ${env:NOT_SET_HERE}"}},
            "nowhere": {"command": "node", "args": ["${workspaceFolder}/s.js"]},
            "editor": {"command": "node", "args": ["${command:pickFile}"]},
            "envfile": {"command": "node", "envFile": ".env.missing"},
            "bad_name!": {"command": "node"},
            "broken": {"args": ["x"]},
            "fine": {"command": "node", "args": ["ok.js"]},
        },
    }
    result = import_document(document, str(tmp_path / "mcp.json"), environ={})
    assert list(result.entries) == ["fine"]
    assert result.skipped["prompted"] == (
        "needs ${input:api-key} (Search API key), which the editor asks for when it starts the server"
    )
    assert result.skipped["unset"].startswith("environment variable NOT_SET_HERE is not set")
    assert "is not in a .vscode or .cursor folder" in result.skipped["nowhere"]
    assert result.skipped["editor"] == "uses ${command:pickFile}, which has no value outside the editor"
    assert result.skipped["envfile"] == f"envFile {tmp_path / '.env.missing'} not found"
    assert result.skipped["bad_name!"].startswith("invalid name")
    assert result.skipped["broken"].startswith("missing command")


def test_a_cursor_url_ending_in_sse_is_the_sse_transport() -> None:
    document = {
        "mcpServers": {
            "old": {"url": "http://127.0.0.1:3000/sse"},
            "new": {"url": "http://127.0.0.1:3000/mcp"},
            "typed": {"type": "http", "url": "http://127.0.0.1:3000/sse"},
        }
    }
    result = import_document(document)
    assert result.entries["old"].transport == "sse" and result.notes["old"] == ["a /sse URL: legacy SSE transport"]
    assert result.entries["new"].transport == "http"
    assert result.entries["typed"].transport == "http"  # an explicit type wins


def test_disabled_entries_stay_disabled_and_client_only_keys_are_dropped() -> None:
    document = {"mcpServers": {"x": {"command": "node", "disabled": True, "autoApprove": ["read"]}}}
    assert import_document(document).entries["x"] == StdioServer(command="node", enabled=False)


def test_a_document_without_servers_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"x\.json: no 'mcpServers'"):
        import_document({"something": {}}, "x.json")
    with pytest.raises(ConfigError, match=r"x\.json: expected a JSON object"):
        import_document([], "x.json")
