"""Which `mcp.json` the host uses, and the built-in default mesh.

`--config FILE` / `PYGENT_CONFIG` wins; otherwise `./mcp.json` when present;
otherwise the default mesh: every capability server installed under
`pygent.servers`, each started as `pygent server <name>`. The repository's own
`mcp.json` is exactly that default (a test keeps them equal).
"""

from __future__ import annotations

import pkgutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pygent.servers
from pygent.core.agent_spec import NamedView
from pygent.core.db import open_engine
from pygent.core.settings import Settings
from pygent.host.guard import UNTRUSTED_TAG
from pygent.host.mesh.backend import SupervisorPolicy
from pygent.registry.loader import load_config, load_views
from pygent.registry.models import ServerEntry, StdioServer
from pygent.registry.registry import Registry
from pygent.registry.store import RegistryStore


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


def policy_from(settings: Settings) -> SupervisorPolicy:
    return SupervisorPolicy(
        connect_timeout=settings.connect_timeout,
        call_timeout=settings.call_timeout,
        initial_delay=settings.restart_initial_delay,
        max_delay=settings.restart_max_delay,
        max_attempts=settings.restart_max_attempts,
        stable_after=settings.restart_stable_after,
        health_interval=settings.health_interval,
        health_timeout=settings.health_timeout,
    )


async def open_registry(settings: Settings, environ: Mapping[str, str]) -> Registry:
    """Load mcp.json (or the built-in default) and the runtime registrations.

    Raises:
        ConfigError: the config file is invalid.
    """
    path, document = resolve_config(settings.config)
    if document is not None:
        entries = document
    else:
        assert path is not None
        entries = load_config(path, environ)
    store = RegistryStore(open_engine(settings.database_url, settings.data.state_db))
    await store.create()
    registry = Registry(entries, store, source=str(path) if path else "built-in mcp.json")
    await registry.load()
    return registry


def config_views(settings: Settings) -> dict[str, NamedView]:
    """The views `mcp.json` defines (none for the built-in default).

    Raises:
        ConfigError: a view in the file is invalid.
    """
    path, _ = resolve_config(settings.config)
    return load_views(path) if path is not None else {}
