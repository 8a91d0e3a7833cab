"""Assemble the memory server: settings, lifespan, tools, resources and a prompt.

mcp = create_memory_server(MemorySettings.load())
mcp.run()                      # or: python -m pygent.servers.memory
"""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastmcp import Context, FastMCP
from pydantic import BaseModel
from pygent.core.embeddings.background import StartAfterFirstReply
from pygent.core.server_kit import create_server
from pygent.servers.memory import graph_tools, memory_tools
from pygent.servers.memory.filters import Filters
from pygent.servers.memory.memory_tools import known_scopes, stores
from pygent.servers.memory.models import Memory, MemoryPage
from pygent.servers.memory.runtime import MemoryRuntime
from pygent.servers.memory.scopes import check_scope
from pygent.servers.memory.settings import MemorySettings

INSTRUCTIONS = """Long-term memory for agents.
Semantic memory: `remember` short facts in a scope ('user:<id>', 'agent:<id>', 'conversation:<id>' or 'default'),
then `recall` them by meaning and keywords. A scope only sees its own memories unless `also_scopes` names others.
Knowledge graph: entities with observations and typed relations (create_entities, create_relations,
add_observations, search_nodes, open_nodes, read_graph, delete_*), compatible with the reference memory server."""


def _json(model: BaseModel) -> str:
    return json.dumps(model.model_dump(mode="json", by_alias=True), indent=2, ensure_ascii=False)


def create_memory_server(settings: MemorySettings) -> FastMCP[Any]:
    runtime = MemoryRuntime(settings)

    @asynccontextmanager
    async def lifespan(server: FastMCP[Any]) -> AsyncIterator[dict[str, Any]]:
        yield {"memory": runtime}

    mcp = create_server("memory", instructions=INSTRUCTIONS, lifespan=lifespan)
    mcp.add_middleware(StartAfterFirstReply(runtime.opening))
    memory_tools.register(mcp, settings)
    graph_tools.register(mcp, settings)

    @mcp.resource("memory://knowledge-graph", mime_type="application/json")
    async def knowledge_graph(ctx: Context) -> str:
        """The full knowledge graph of the default scope."""
        store = await stores(ctx)
        return _json(await anyio.to_thread.run_sync(store.graph.read, "default"))

    @mcp.resource("memory://knowledge-graph/{scope}", mime_type="application/json")
    async def scoped_knowledge_graph(scope: str, ctx: Context) -> str:
        """The knowledge graph of one scope."""
        store = await stores(ctx)
        await known_scopes(store, [check_scope(scope)])
        return _json(await anyio.to_thread.run_sync(store.graph.read, scope))

    @mcp.resource("memory://memories/{scope}", mime_type="application/json")
    async def recent_memories(scope: str, ctx: Context) -> str:
        """The 50 newest memories of a scope."""
        store = await stores(ctx)
        await known_scopes(store, [check_scope(scope)])
        rows, total = await anyio.to_thread.run_sync(store.memories.listing, Filters([scope]), 50, 0)
        return _json(MemoryPage(scope=scope, total=total, memories=[Memory.from_row(row) for row in rows]))

    @mcp.prompt(description="Answer using what memory holds about the question, then store what was learned")
    def answer_with_memory(question: str, scope: str = "default") -> str:
        return (
            f"Before answering, call `recall` with query={question!r} and scope={scope!r}, and `search_nodes` "
            f"for the main names in the question. Answer from those memories, saying which you used. If the "
            f"conversation teaches something new and lasting, `remember` it in scope {scope!r}.\n\n"
            f"Question: {question}"
        )

    return mcp


def build(args: argparse.Namespace) -> FastMCP[Any]:
    return create_memory_server(MemorySettings.load())
