"""Convert server entries to and from Claude Desktop, Cursor and VS Code config files.

    result = import_document(json.loads(text), "proj/.vscode/mcp.json", workspace=Path("proj"), environ=os.environ)
    result.entries     # name -> ServerEntry that can work here
    result.skipped     # name -> why it cannot, one line each
    text = export_document(result.entries, "claude", pygent="/abs/path/.venv/bin/pygent")

- claude: `{"mcpServers": {name: {command, args, env}}}`. Claude Desktop starts
  only local commands, so a remote server is exported through `npx mcp-remote URL`
  (and such an entry is imported back as the remote server it stands for).
- cursor: `{"mcpServers": {name: {command, args, env} | {url, headers}}}`; a `url`
  whose path ends in `/sse` is the legacy SSE transport.
- vscode: `{"servers": {name: {"type": "stdio"|"http"|"sse", ...}}, "inputs": [...]}`,
  also accepted nested in a settings file as `{"mcp": {"servers": ...}}`.

On import, `${…}` variables are resolved (see `variables`), `envFile` is read
into `env`, and an entry that cannot work here is skipped with its reason.
On export, our own servers (`"command": "pygent"`) get the absolute path of
the exporting `pygent`: a client starts them with its own PATH.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from dotenv import dotenv_values
from pydantic import ValidationError
from pygent.core.errors import ConfigError
from pygent.registry.installation import PYGENT
from pygent.registry.loader import describe_validation_error
from pygent.registry.models import RemoteServer, ServerEntry, StdioServer, is_valid_server_name, parse_entry
from pygent.registry.variables import ImportContext, translate

Format = Literal["claude", "cursor", "vscode"]
FORMATS: tuple[Format, ...] = ("claude", "cursor", "vscode")
_MCP_REMOTE = "mcp-remote"
# Keys of other clients that change nothing about how a server is reached.
_IGNORED_KEYS = ("autoApprove", "alwaysAllow", "dev", "gallery", "version")


@dataclass
class ImportResult:
    entries: dict[str, ServerEntry] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # name -> reason
    notes: dict[str, list[str]] = field(default_factory=dict)  # name -> what was translated


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


def _servers_of(document: Any, origin: str) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise ConfigError(f"{origin}: expected a JSON object")
    for servers in (document.get("mcpServers"), document.get("servers")):
        if isinstance(servers, dict):
            return servers
    nested = document.get("mcp")
    if isinstance(nested, dict) and isinstance(nested.get("servers"), dict):
        return dict(nested["servers"])
    raise ConfigError(f"{origin}: no 'mcpServers' (Claude, Cursor) or 'servers' (VS Code) object found")


def _inputs_of(document: dict[str, Any]) -> dict[str, str]:
    nested = document.get("mcp")
    inputs = document.get("inputs", nested.get("inputs", []) if isinstance(nested, dict) else [])
    if not isinstance(inputs, list):
        return {}
    return {
        str(item["id"]): str(item.get("description", "")) for item in inputs if isinstance(item, dict) and "id" in item
    }


def _env_file(value: Any, context: ImportContext) -> dict[str, str]:
    path = Path(translate(value, context)) if isinstance(value, str) else None
    if path is None:
        raise ConfigError("envFile must be a path")
    if not path.is_absolute():
        path = (context.workspace or Path(context.origin).absolute().parent) / path
    if not path.is_file():
        raise ConfigError(f"envFile {path} not found")
    return {key: item for key, item in dotenv_values(path).items() if item is not None}


def _convert(raw: dict[str, Any], context: ImportContext, notes: list[str]) -> ServerEntry:
    data = {k: v for k, v in _from_mcp_remote(raw).items() if k not in ("envFile", "disabled", *_IGNORED_KEYS)}
    if raw.get("disabled") is True:
        data["enabled"] = False
    data = translate(data, context)
    if "envFile" in raw:
        env = data.get("env", {})
        if not isinstance(env, dict):
            raise ConfigError("field 'env': must be an object")
        data["env"] = {**_env_file(raw["envFile"], context), **env}
        notes.append(f"read envFile {raw['envFile']}")
    url = data.get("url")
    if isinstance(url, str) and "type" not in data and "transport" not in data:
        if urlsplit(url).path.rstrip("/").endswith("/sse"):
            data["transport"] = "sse"
            notes.append("a /sse URL: legacy SSE transport")
    try:
        return parse_entry(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def import_document(
    document: Any, origin: str = "config", *, workspace: Path | None = None, environ: Mapping[str, str] | None = None
) -> ImportResult:
    """The servers of a Claude Desktop, Cursor or VS Code MCP config, each usable here or skipped with its reason.

    Raises:
        ConfigError: the document has no recognisable server list.
    """
    servers = _servers_of(document, origin)
    context = ImportContext(origin, workspace, dict(environ or {}), _inputs_of(document))
    result = ImportResult()
    for name, raw in servers.items():
        notes: list[str] = []
        if not is_valid_server_name(name):
            result.skipped[name] = "invalid name (letters, digits, '-' and '_', max 63)"
        elif not isinstance(raw, dict):
            result.skipped[name] = "must be an object"
        else:
            try:
                result.entries[name] = _convert(raw, context, notes)
            except ConfigError as exc:
                result.skipped[name] = exc.message
        if notes and name in result.entries:
            result.notes[name] = notes
    return result


def _stdio(entry: StdioServer, pygent: str) -> dict[str, Any]:
    command = pygent if entry.command == PYGENT else entry.command
    data: dict[str, Any] = {"command": command, "args": list(entry.args)}
    if entry.env:
        data["env"] = dict(entry.env)
    if entry.cwd:
        data["cwd"] = entry.cwd
    return data


def export_entry(entry: ServerEntry, fmt: Format, pygent: str = PYGENT) -> dict[str, Any]:
    if isinstance(entry, StdioServer):
        local = _stdio(entry, pygent)
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


def export_document(entries: Mapping[str, ServerEntry], fmt: Format, *, pygent: str = PYGENT) -> dict[str, Any]:
    """A config document in `fmt` with every entry; `pygent` replaces the bare command of our own servers."""
    servers = {name: export_entry(entry, fmt, pygent) for name, entry in sorted(entries.items())}
    return {"servers": servers} if fmt == "vscode" else {"mcpServers": servers}
