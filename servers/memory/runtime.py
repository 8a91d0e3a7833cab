"""What the memory server holds while it runs: its stores, embedder and writer.

The stores open in a background thread after the server already answers (see
core.embeddings.background: `import lancedb` alone takes longer than a client
waits for a tool listing). Opening also lands any entity vectors that an
earlier run left missing. Tools await `ready()`.

    runtime = MemoryRuntime(settings)
    mcp.add_middleware(StartAfterFirstReply(runtime.opening))
    stores = await runtime.ready()
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pygent.core.embeddings.backfill import backfill_sync
from pygent.core.embeddings.background import Opening
from pygent.core.embeddings.batching import AsyncEmbedder
from pygent.core.embeddings.models import load_embedder
from pygent.servers.memory.settings import MemorySettings
from pygent.servers.memory.writer import MemoryWriter

if TYPE_CHECKING:
    from pygent.servers.memory.graph import GraphStore
    from pygent.servers.memory.store import MemoryStore

log = logging.getLogger("pygent.servers.memory")


@dataclass
class Stores:
    memories: MemoryStore
    graph: GraphStore
    embedder: AsyncEmbedder
    writer: MemoryWriter


class MemoryRuntime:
    def __init__(self, settings: MemorySettings) -> None:
        self.settings = settings
        self.opening = Opening(self._open, what="memory store")

    def _open(self) -> Stores:
        # Imported here, in the opening thread: these modules import lancedb (1.2-1.8 s),
        # which must stay off the start-up path of a stdio server.
        from pygent.core.embeddings.indexing import IndexPolicy
        from pygent.core.embeddings.tables import connect
        from pygent.servers.memory.graph import GraphStore
        from pygent.servers.memory.store import MemoryStore

        settings = self.settings
        embedder = load_embedder(settings.embedding_model)
        policy = IndexPolicy(flat_below=settings.index_flat_below)
        memories = MemoryStore.open(settings.lance_dir, embedder, policy)
        graph = GraphStore(
            connect(settings.lance_dir), settings.state_dir / "graph.lock", embedder, policy, settings.lock_timeout
        )
        landed = backfill_sync(graph.entities, embedder, keys=["scope", "name"], text_column="content")
        if landed:
            log.info("landed entity vectors left missing by an earlier run", extra={"count": landed})
        batched = AsyncEmbedder(embedder)
        return Stores(memories, graph, batched, MemoryWriter(memories, batched))

    async def ready(self) -> Stores:
        """The open stores; waits while they are still opening.

        Raises:
            PygentError: the store could not be opened (the message says why).
        """
        return await self.opening.get()
