"""Read `mcp.json` into validated entries, with errors that name file, entry and problem.

entries = load_config(Path("mcp.json"), os.environ)
# {"memory": StdioServer(command="pygent", args=["server", "memory"]), ...}
views = load_views(Path("mcp.json"))
# {"read-only": NamedView(name="read-only", exclude=["*_delete_*"]), ...}   (the optional "views" object)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pygent.core.agent_spec import NamedView
from pygent.core.envexpand import expand
from pygent.core.errors import ConfigError
from pygent.registry.models import ServerEntry, is_valid_server_name, parse_entry


def describe_validation_error(exc: ValidationError) -> str:
    """The first problem of a validation error, as `field 'x': message`."""
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown key {location!r}"
    if error["type"] == "missing":
        return f"missing {location}"
    return f"field {location!r}: {error['msg']}" if location else error["msg"]


def parse_servers(document: Any, origin: str, environ: Mapping[str, str]) -> dict[str, ServerEntry]:
    """Validate the `mcpServers` object of an already decoded document.

    Raises:
        ConfigError: `origin: server 'name': problem`.
    """
    if not isinstance(document, dict):
        raise ConfigError(f"{origin}: the top level must be a JSON object with an 'mcpServers' key")
    servers = document.get("mcpServers", {})
    if not isinstance(servers, dict):
        raise ConfigError(f"{origin}: 'mcpServers' must be an object of name -> server")
    entries: dict[str, ServerEntry] = {}
    for name, raw in servers.items():
        if not is_valid_server_name(name):
            raise ConfigError(f"{origin}: server {name!r}: invalid name (letters, digits, '-' and '_', max 63)")
        try:
            entries[name] = parse_entry(expand(raw, environ))
        except ConfigError as exc:
            raise ConfigError(f"{origin}: server {name!r}: {exc.message}") from None
        except ValidationError as exc:
            raise ConfigError(f"{origin}: server {name!r}: {describe_validation_error(exc)}") from None
        except ValueError as exc:
            raise ConfigError(f"{origin}: server {name!r}: {exc}") from None
    return entries


MAX_DEPTH = 64


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit` (iterative: no recursion to overflow)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def read_json_file(path: Path) -> Any:
    """Read a JSON config file, with every way it can be unreadable as one `ConfigError` line.

    Raises:
        ConfigError: missing, unreadable, not UTF-8, not JSON, or nested deeper than `MAX_DEPTH`.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested deeper than {MAX_DEPTH} levels") from None
    if _depth_exceeds(document, MAX_DEPTH):
        raise ConfigError(f"{path}: nested deeper than {MAX_DEPTH} levels")
    return document


def load_config(path: Path, environ: Mapping[str, str]) -> dict[str, ServerEntry]:
    """Load and validate an `mcp.json` file.

    Raises:
        ConfigError: the file is missing, is not JSON, or an entry is invalid.
    """
    return parse_servers(read_json_file(path), str(path), environ)


def parse_views(document: Any, origin: str) -> dict[str, NamedView]:
    """Validate the optional `views` object (name -> view) of a decoded `mcp.json`.

    Raises:
        ConfigError: `origin: view 'name': problem`.
    """
    views = document.get("views", {}) if isinstance(document, dict) else {}
    if not isinstance(views, dict):
        raise ConfigError(f"{origin}: 'views' must be an object of name -> view")
    parsed: dict[str, NamedView] = {}
    for name, raw in views.items():
        if not isinstance(raw, dict):
            raise ConfigError(f"{origin}: view {name!r}: must be an object (servers, include, exclude, tags, ...)")
        try:
            parsed[name] = NamedView.model_validate({**raw, "name": name})
        except ValidationError as exc:
            raise ConfigError(f"{origin}: view {name!r}: {describe_validation_error(exc)}") from None
    return parsed


def load_views(path: Path) -> dict[str, NamedView]:
    """The views an `mcp.json` file defines.

    Raises:
        ConfigError: the file is unreadable or a view is invalid.
    """
    return parse_views(read_json_file(path), str(path))
