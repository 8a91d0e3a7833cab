"""PyGent Factory from Python: `AgentFactory` (a host, or an embedded mesh) and the HTTP clients.

    from pygent import AgentFactory, Settings
    factory = AgentFactory(Settings())
    agent = await factory.create_agent("reasoning", name="r1")
    print(await agent.chat("..."))

    from pygent import PyGentClient
    PyGentClient("http://127.0.0.1:8000").agents.list()

Names are loaded on first use: `import pygent.servers.memory` (every stdio
server) passes through this package, and must not pay for the host's imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pygent.client import AsyncPyGentClient, ChatReply, PyGentClient
    from pygent.core.settings import Settings
    from pygent.factory import Agent, AgentFactory

__all__ = ["Agent", "AgentFactory", "AsyncPyGentClient", "ChatReply", "PyGentClient", "Settings"]

_HOMES = {
    "Agent": "pygent.factory",
    "AgentFactory": "pygent.factory",
    "AsyncPyGentClient": "pygent.client",
    "ChatReply": "pygent.client",
    "PyGentClient": "pygent.client",
    "Settings": "pygent.core.settings",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'pygent' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
