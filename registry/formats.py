"""Convert server entries to and from Claude Desktop, Cursor and VS Code config files.

    entries = import_document(json.loads(Path("claude_desktop_config.json").read_text()))
    text = export_document(entries, "vscode")

- claude: `{"mcpServers": {name: {command, args, env}}}`. Claude Desktop starts
  only local commands, so a remote server is exported through `npx mcp-remote URL`
  (and such an entry is imported back as the remote server it stands for).
- cursor: `{"mcpServers": {name: {command, args, env} | {url, headers}}}`.
- vscode: `{"servers": {name: {"type": "stdio"|"http"|"sse", ...}}}`, also accepted
  nested in a settings file as `{"mcp": {"servers": ...}}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import ValidationError
from pygent.core.errors import ConfigError
from pygent.registry.loader import describe_validation_error
from pygent.registry.models import RemoteServer, ServerEntry, StdioServer, is_valid_server_name, parse_entry

Format = Literal["claude", "cursor", "vscode"]
FORMATS: tuple[Format, ...] = ("claude", "cursor", "vscode")
_MCP_REMOTE = "mcp-remote"


def _from_mcp_remote(raw: dict[str, Any]) -> dict[str, Any]:
    """`npx -y mcp-remote URL --header K:V` back to `{url, headers}`."""
    args = [str(a) for a in raw.get("args", [])]
    if raw.get("command") not in ("npx", "npx.cmd") or _MCP_REMOTE not in args:
        return raw
    rest = args[args.index(_MCP_REMOTE) + 1 :]
    if not rest:
        return raw
    headers: dict[str, str] = {}
    transport = "http"
    i = 1
    while i < len(rest):
        if rest[i] == "--header" and i + 1 < len(rest):
            key, _, value = rest[i + 1].partition(":")
            headers[key.strip()] = value.strip()
            i += 2
        elif rest[i] == "--transport" and i + 1 < len(rest):
            transport = "sse" if "sse" in rest[i + 1] else "http"
            i += 2
        else:
            i += 1
    result: dict[str, Any] = {"url": rest[0], "transport": transport}
    if headers:
        result["headers"] = headers
    return result


def import_document(document: Any, origin: str = "config") -> dict[str, ServerEntry]:
    """Entries of a Claude Desktop, Cursor or VS Code MCP config.

    Raises:
        ConfigError: the document has no recognisable server list, or an entry is invalid.
    """
    if not isinstance(document, dict):
        raise ConfigError(f"{origin}: expected a JSON object")
    if isinstance(document.get("mcpServers"), dict):
        servers = document["mcpServers"]
    elif isinstance(document.get("servers"), dict):
        servers = document["servers"]
    elif isinstance(document.get("mcp"), dict) and isinstance(document["mcp"].get("servers"), dict):
        servers = document["mcp"]["servers"]
    else:
        raise ConfigError(f"{origin}: no 'mcpServers' (Claude, Cursor) or 'servers' (VS Code) object found")
    entries: dict[str, ServerEntry] = {}
    for name, raw in servers.items():
        if not is_valid_server_name(name):
            raise ConfigError(f"{origin}: server {name!r}: invalid name (letters, digits, '-' and '_')")
        if not isinstance(raw, dict):
            raise ConfigError(f"{origin}: server {name!r}: must be an object")
        data = {k: v for k, v in _from_mcp_remote(raw).items() if k not in ("envFile", "disabled", "autoApprove")}
        if raw.get("disabled") is True:
            data["enabled"] = False
        try:
            entries[name] = parse_entry(data)
        except ValidationError as exc:
            raise ConfigError(f"{origin}: server {name!r}: {describe_validation_error(exc)}") from None
        except ValueError as exc:
            raise ConfigError(f"{origin}: server {name!r}: {exc}") from None
    return entries


def _stdio(entry: StdioServer) -> dict[str, Any]:
    data: dict[str, Any] = {"command": entry.command, "args": list(entry.args)}
    if entry.env:
        data["env"] = dict(entry.env)
    if entry.cwd:
        data["cwd"] = entry.cwd
    return data


def export_entry(entry: ServerEntry, fmt: Format) -> dict[str, Any]:
    if isinstance(entry, StdioServer):
        local = _stdio(entry)
        return {"type": "stdio", **local} if fmt == "vscode" else local
    assert isinstance(entry, RemoteServer)
    if fmt == "claude":
        args = ["-y", _MCP_REMOTE, entry.url]
        for key, value in entry.headers.items():
            args += ["--header", f"{key}:{value}"]
        if entry.transport == "sse":
            args += ["--transport", "sse-only"]
        return {"command": "npx", "args": args}
    data: dict[str, Any] = {"url": entry.url}
    if entry.headers:
        data["headers"] = dict(entry.headers)
    if fmt == "vscode" or entry.transport == "sse":
        return {"type": entry.transport, **data}
    return data


def export_document(entries: Mapping[str, ServerEntry], fmt: Format) -> dict[str, Any]:
    """A config document in `fmt` with every entry (disabled ones included, marked where the format can)."""
    servers = {name: export_entry(entry, fmt) for name, entry in sorted(entries.items())}
    return {"servers": servers} if fmt == "vscode" else {"mcpServers": servers}
