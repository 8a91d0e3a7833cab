"""The knowledge-graph tools, named and shaped like `@modelcontextprotocol/server-memory`'s.

Every tool takes an optional `scope` (default `default`); prompts written for the
reference server work unchanged. `search_nodes` adds semantic matches to the
reference's substring matches; `import_graph`/`export_graph` read and write its
JSONL file format.
"""

from typing import Annotated, Any, Literal

import anyio
from fastmcp import Context, FastMCP
from pydantic import Field
from pygent.core.embeddings.backfill import backfill
from pygent.core.embeddings.sql import sql_list
from pygent.core.errors import InvalidArgumentError, LimitExceededError
from pygent.servers.memory.graph_model import (
    AddedObservations,
    CreatedEntities,
    CreatedRelations,
    Done,
    Entity,
    Graph,
    ObservationAddition,
    ObservationDeletion,
    Relation,
)
from pygent.servers.memory.jsonl import export_jsonl, parse_jsonl
from pygent.servers.memory.memory_tools import known_scopes, stores
from pygent.servers.memory.models import GraphExport, GraphImport
from pygent.servers.memory.runtime import Stores
from pygent.servers.memory.scopes import SCOPE_HELP, SCOPE_PATTERN, scope_filter
from pygent.servers.memory.settings import MemorySettings

Scope = Annotated[str, Field(description=SCOPE_HELP, pattern=SCOPE_PATTERN)]
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False, "openWorldHint": False}
DELETE = {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": True, "openWorldHint": False}
READ = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}


def _check_count(items: list[Any], what: str, settings: MemorySettings) -> None:
    if len(items) > settings.max_items_per_call:
        raise LimitExceededError(
            f"{len(items)} {what} in one call; the limit is {settings.max_items_per_call} "
            "(PYGENT_MEMORY_MAX_ITEMS_PER_CALL)"
        )


def _check_texts(texts: list[str], settings: MemorySettings) -> None:
    for text in texts:
        if len(text) > settings.max_text_chars:
            raise LimitExceededError(
                f"an observation is {len(text)} characters; the limit is "
                f"{settings.max_text_chars} (PYGENT_MEMORY_MAX_TEXT_CHARS)"
            )


async def _embed(store: Stores, scope: str, names: list[str]) -> None:
    """Land the vectors of entities just written (their rows are already durable)."""
    if names:
        where = f"{scope_filter([scope])} AND name IN ({sql_list(names)})"
        await backfill(store.graph.entities, store.embedder, keys=["scope", "name"], text_column="content", where=where)


async def _readable(store: Stores, scope: str) -> None:
    await known_scopes(store, [scope])


def register(mcp: FastMCP[Any], settings: MemorySettings) -> None:
    @mcp.tool(annotations=WRITE)
    async def create_entities(entities: list[Entity], ctx: Context, scope: Scope = "default") -> CreatedEntities:
        """Create multiple new entities in the knowledge graph"""
        _check_count(entities, "entities", settings)
        _check_texts([text for entity in entities for text in entity.observations], settings)
        store = await stores(ctx)
        created = await anyio.to_thread.run_sync(store.graph.create_entities, scope, entities)
        await _embed(store, scope, [entity.name for entity in created])
        return CreatedEntities(entities=created)

    @mcp.tool(annotations=WRITE)
    async def create_relations(relations: list[Relation], ctx: Context, scope: Scope = "default") -> CreatedRelations:
        """Create multiple new relations between entities in the knowledge graph. Relations should be in active voice"""
        _check_count(relations, "relations", settings)
        store = await stores(ctx)
        created = await anyio.to_thread.run_sync(store.graph.create_relations, scope, relations)
        return CreatedRelations(relations=created)

    @mcp.tool(annotations=WRITE)
    async def add_observations(
        observations: list[ObservationAddition], ctx: Context, scope: Scope = "default"
    ) -> AddedObservations:
        """Add new observations to existing entities in the knowledge graph"""
        _check_count(observations, "observation sets", settings)
        _check_texts([text for item in observations for text in item.contents], settings)
        store = await stores(ctx)
        results = await anyio.to_thread.run_sync(store.graph.add_observations, scope, observations)
        await _embed(store, scope, [result.entityName for result in results if result.addedObservations])
        return AddedObservations(results=results)

    @mcp.tool(annotations=DELETE)
    async def delete_entities(
        entityNames: Annotated[list[str], Field(description="An array of entity names to delete")],
        ctx: Context,
        scope: Scope = "default",
    ) -> Done:
        """Delete multiple entities and their associated relations from the knowledge graph"""
        _check_count(entityNames, "entity names", settings)
        store = await stores(ctx)
        await anyio.to_thread.run_sync(store.graph.delete_entities, scope, entityNames)
        return Done(message="Entities deleted successfully")

    @mcp.tool(annotations=DELETE)
    async def delete_observations(deletions: list[ObservationDeletion], ctx: Context, scope: Scope = "default") -> Done:
        """Delete specific observations from entities in the knowledge graph"""
        _check_count(deletions, "deletions", settings)
        store = await stores(ctx)
        await anyio.to_thread.run_sync(store.graph.delete_observations, scope, deletions)
        await _embed(store, scope, [deletion.entityName for deletion in deletions])
        return Done(message="Observations deleted successfully")

    @mcp.tool(annotations=DELETE)
    async def delete_relations(
        relations: Annotated[list[Relation], Field(description="An array of relations to delete")],
        ctx: Context,
        scope: Scope = "default",
    ) -> Done:
        """Delete multiple relations from the knowledge graph"""
        _check_count(relations, "relations", settings)
        store = await stores(ctx)
        await anyio.to_thread.run_sync(store.graph.delete_relations, scope, relations)
        return Done(message="Relations deleted successfully")

    @mcp.tool(annotations=READ)
    async def read_graph(ctx: Context, scope: Scope = "default") -> Graph:
        """Read the entire knowledge graph"""
        store = await stores(ctx)
        await _readable(store, scope)
        return await anyio.to_thread.run_sync(store.graph.read, scope)

    @mcp.tool(annotations=READ)
    async def search_nodes(
        query: Annotated[
            str,
            Field(
                min_length=1,
                description="The search query to match against entity names, types, and observation content",
            ),
        ],
        ctx: Context,
        scope: Scope = "default",
        mode: Annotated[
            Literal["both", "substring", "semantic"],
            Field(
                description="substring: case-insensitive text match (the reference behaviour); semantic: by meaning; "
                "both: substring matches first, then close semantic matches"
            ),
        ] = "both",
        limit: Annotated[int, Field(ge=1, le=100, description="most semantic matches added")] = 10,
    ) -> Graph:
        """Search for nodes in the knowledge graph based on a query"""
        store = await stores(ctx)
        await _readable(store, scope)
        rows = await anyio.to_thread.run_sync(store.graph.substring, scope, query) if mode != "semantic" else []
        if mode != "substring":
            vector = await store.embedder.query(query)
            similar = await anyio.to_thread.run_sync(store.graph.similar, scope, vector, limit, settings.min_similarity)
            names = {row["name"] for row in rows}
            rows += [row for row in similar if row["name"] not in names]
        return await anyio.to_thread.run_sync(store.graph.subgraph, scope, rows)

    @mcp.tool(annotations=READ)
    async def open_nodes(
        names: Annotated[list[str], Field(description="An array of entity names to retrieve")],
        ctx: Context,
        scope: Scope = "default",
    ) -> Graph:
        """Open specific nodes in the knowledge graph by their names"""
        _check_count(names, "names", settings)
        store = await stores(ctx)
        await _readable(store, scope)
        return await anyio.to_thread.run_sync(store.graph.open_nodes, scope, names)

    @mcp.tool(annotations=WRITE)
    async def import_graph(
        jsonl: Annotated[str, Field(description="a graph file of @modelcontextprotocol/server-memory (JSONL)")],
        ctx: Context,
        scope: Scope = "default",
    ) -> GraphImport:
        """Import a graph file of the reference memory server; existing entities and relations are kept."""
        graph = parse_jsonl(jsonl)
        if not graph.entities and not graph.relations:
            raise InvalidArgumentError("the graph file holds no entities or relations")
        _check_texts([text for entity in graph.entities for text in entity.observations], settings)
        store = await stores(ctx)
        created = await anyio.to_thread.run_sync(store.graph.create_entities, scope, graph.entities)
        relations = await anyio.to_thread.run_sync(store.graph.create_relations, scope, graph.relations)
        await _embed(store, scope, [entity.name for entity in created])
        return GraphImport(scope=scope, entities_created=len(created), relations_created=len(relations))

    @mcp.tool(annotations=READ)
    async def export_graph(ctx: Context, scope: Scope = "default") -> GraphExport:
        """The scope's graph in the reference memory server's JSONL file format."""
        store = await stores(ctx)
        await _readable(store, scope)
        graph = await anyio.to_thread.run_sync(store.graph.read, scope)
        return GraphExport(scope=scope, jsonl=export_jsonl(graph))
