"""Which `mcp.json` the host uses, and the built-in default mesh.

`--config FILE` / `PYGENT_CONFIG` wins; otherwise `./mcp.json` when present;
otherwise the default mesh: every capability server installed under
`pygent.servers`, each started as `pygent server <name>`. The repository's own
`mcp.json` is exactly that default (a test keeps them equal).
"""

from __future__ import annotations

import pkgutil
from pathlib import Path
from typing import Any

import pygent.servers
from pygent.host.guard import UNTRUSTED_TAG
from pygent.registry.models import ServerEntry, StdioServer


def capability_servers() -> list[str]:
    """Names of the installed capability servers (folders with a `__main__`)."""
    names = []
    for module in pkgutil.iter_modules(pygent.servers.__path__):
        if module.ispkg and (Path(module.module_finder.path) / module.name / "__main__.py").exists():  # type: ignore[union-attr]
            names.append(module.name)
    return sorted(names)


# Servers whose results carry text nobody vetted (web pages, issues, documents,
# memories): after such content, destructive tools need a confirmation (host/guard.py).
UNTRUSTED_CONTENT = frozenset({"github", "memory", "rag", "search"})


def default_document() -> dict[str, Any]:
    """The default mesh as an `mcp.json` document (also a valid Claude Desktop config)."""
    servers: dict[str, Any] = {}
    for name in capability_servers():
        servers[name] = {"command": "pygent", "args": ["server", name]}
        if name in UNTRUSTED_CONTENT:
            servers[name]["tags"] = [UNTRUSTED_TAG]
    return {"mcpServers": servers}


def resolve_config(configured: Path | None) -> tuple[Path | None, dict[str, ServerEntry] | None]:
    """`(path, None)` for a file to load, or `(None, entries)` for the built-in default."""
    if configured is not None:
        return configured, None
    local = Path("mcp.json")
    if local.is_file():
        return local.absolute(), None
    servers = default_document()["mcpServers"]
    return None, {name: StdioServer.model_validate(raw) for name, raw in servers.items()}
