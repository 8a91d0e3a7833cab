"""Collection tools: create_collection, list_collections, delete_collection, collection_stats.

No `from __future__ import annotations`: signatures use limits from the settings.
"""

from typing import Annotated, Any

import anyio
from fastmcp import Context, FastMCP
from pydantic import Field
from pygent.servers.rag.filters import NAME_PATTERN
from pygent.servers.rag.models import Collection, CollectionList, CollectionStats, Deleted, utc
from pygent.servers.rag.runtime import Services

CollectionName = Annotated[
    str, Field(description="collection name: lowercase letters, digits, '-' and '_'", pattern=NAME_PATTERN)
]
READ = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}


async def services(ctx: Context) -> Services:
    result: Services = await ctx.lifespan_context["rag"].ready()
    return result


def register(mcp: FastMCP[Any]) -> None:
    @mcp.tool(
        annotations={"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False, "openWorldHint": False}
    )
    async def create_collection(
        name: CollectionName,
        ctx: Context,
        description: Annotated[str, Field(max_length=2000, description="what the collection holds")] = "",
    ) -> Collection:
        """Create an empty collection of documents."""
        found = await services(ctx)
        row = await anyio.to_thread.run_sync(found.store.create_collection, name, description)
        return Collection(name=row["name"], description=row["description"], created_at=utc(row["created_at"]))

    @mcp.tool(annotations=READ)
    async def list_collections(ctx: Context) -> CollectionList:
        """The collections, by name."""
        found = await services(ctx)
        rows = await anyio.to_thread.run_sync(found.store.list_collections)
        return CollectionList(
            collections=[
                Collection(name=row["name"], description=row["description"] or "", created_at=utc(row["created_at"]))
                for row in rows
            ]
        )

    @mcp.tool(
        annotations={"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False, "openWorldHint": False}
    )
    async def delete_collection(name: CollectionName, ctx: Context) -> Deleted:
        """Delete a collection with all its documents and chunks."""
        found = await services(ctx)
        documents = await anyio.to_thread.run_sync(found.store.delete_collection, name)
        return Deleted(collection=name, documents=documents)

    @mcp.tool(annotations=READ)
    async def collection_stats(name: CollectionName, ctx: Context) -> CollectionStats:
        """Counts of a collection: documents, chunks, chunks still waiting for vectors; index and model."""
        found = await services(ctx)
        stats = await anyio.to_thread.run_sync(found.store.stats, name)
        stamp = await anyio.to_thread.run_sync(found.store.stamp, name)
        return CollectionStats(
            name=name,
            **stats,
            embedding_model=stamp.model_id if stamp else None,
            dimension=stamp.dimension if stamp else None,
        )
