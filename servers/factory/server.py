"""The factory MCP server: agent specs, created from templates, versioned, checked against the mesh.

    server = build_server(FactorySettings.load(), Settings.load())

Tools: create_agent, list_agents, get_agent, update_agent, delete_agent, list_templates.
Resources: agents://{name} (the latest spec, JSON), agents://templates.
Specs live in the host's state database (`PYGENT_DATABASE_URL`, else `state.db`
under `PYGENT_HOME`), so an agent made here is the one the host runs.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastmcp import FastMCP
from pygent.core.db import open_engine
from pygent.core.server_kit import create_server
from pygent.core.settings import Settings
from pygent.servers.factory.service import Factory
from pygent.servers.factory.settings import FactorySettings
from pygent.servers.factory.store import SpecStore
from pygent.servers.factory.tools import register_tools

INSTRUCTIONS = """Agent specs for PyGent Factory. An agent is a system prompt, a model choice, a view of the
mesh's tools (servers, include/exclude globs over names like memory_recall, tags, a budget), memory and
reasoning settings, and limits. `create_agent` starts from a template (list_templates: reasoning, research,
coding, search, general) or from your own systemPrompt; `update_agent` stores a new version with your
changes merged in; `get_agent` reads any version. The host runs each agent as the tool agent_<name>."""


def build_server(settings: FactorySettings, host: Settings) -> FastMCP[Any]:
    engine = open_engine(host.database_url, host.data.state_db)
    store = SpecStore(engine, settings.max_agents)
    factory = Factory(store, engine)

    @asynccontextmanager
    async def lifespan(_: FastMCP[Any]) -> AsyncIterator[dict[str, Any]]:
        await store.create()
        try:
            yield {"factory": factory}
        finally:
            engine.dispose()

    server: FastMCP[Any] = create_server("factory", instructions=INSTRUCTIONS, lifespan=lifespan)
    register_tools(server, factory)

    @server.resource("agents://templates", mime_type="application/json", annotations={"readOnlyHint": True})
    def templates_resource() -> str:
        """The agent templates, each a full spec named after its type."""
        return factory.templates().model_dump_json()

    @server.resource("agents://{name}", mime_type="application/json", annotations={"readOnlyHint": True})
    async def agent_resource(name: str) -> str:
        """The latest version of an agent's spec."""
        result = await factory.get(name, None)
        return result.agent.model_dump_json()

    return server


def build(args: argparse.Namespace) -> FastMCP[Any]:
    return build_server(FactorySettings.load(), Settings.load())
