"""What the RAG server holds while it runs: its store, embedder and ingest pipeline.

Opened in a background thread after the first reply (`import lancedb` is slow;
see core.embeddings.background). After opening, chunks left without vectors by
an interrupted ingest are embedded in another daemon thread, so the server is
usable meanwhile (keyword search already finds them). That backfill and index
maintenance yield to the server's calls: they run in small batches and wait
while a call is in progress (core.embeddings.foreground). `close` stops them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pygent.core.embeddings.backfill import backfill_sync
from pygent.core.embeddings.background import Opening
from pygent.core.embeddings.batching import AsyncEmbedder
from pygent.core.embeddings.foreground import Foreground
from pygent.core.embeddings.models import load_embedder
from pygent.servers.rag.settings import RagSettings

if TYPE_CHECKING:
    from pygent.servers.rag.ingest import Ingestor
    from pygent.servers.rag.store import RagStore

log = logging.getLogger("pygent.servers.rag")
BACKGROUND_BATCH = 8  # small: a call arriving mid-batch shares the CPU with it only briefly


@dataclass
class Services:
    store: RagStore
    embedder: AsyncEmbedder
    ingestor: Ingestor


class RagRuntime:
    def __init__(self, settings: RagSettings) -> None:
        self.settings = settings
        self.opening = Opening(self._open, what="RAG store")
        self.foreground = Foreground()

    def _open(self) -> Services:
        # Imported here, in the opening thread: these modules import lancedb (1.2-1.8 s),
        # which must stay off the start-up path of a stdio server.
        from pygent.core.embeddings.indexing import IndexPolicy
        from pygent.core.embeddings.tables import connect
        from pygent.servers.rag.ingest import Ingestor
        from pygent.servers.rag.store import RagStore

        embedder = load_embedder(self.settings.embedding_model)
        store = RagStore(
            connect(self.settings.lance_dir), embedder, IndexPolicy(flat_below=self.settings.index_flat_below)
        )
        for collection in store.list_collections():
            store.chunks(collection["name"])  # checks every collection's embedding stamp now
            if orphans := store.reconcile(collection["name"]):
                log.warning(
                    "removed chunks of %d half-written documents", orphans, extra={"collection": collection["name"]}
                )
        self.foreground.spawn(self._backfill, store, name="rag-backfill")
        batched = AsyncEmbedder(embedder)
        return Services(store, batched, Ingestor(store, batched, self.settings, self.foreground))

    def _backfill(self, store: RagStore) -> None:
        for collection in store.list_collections():
            table = store.chunks(collection["name"])
            wait = self.foreground.wait_idle
            landed = backfill_sync(table, store.embedder, keys=["chunk_id"], batch=BACKGROUND_BATCH, before_batch=wait)
            if landed:
                log.info("embedded chunks left by an interrupted ingest", extra={"count": landed})

    def close(self, timeout: float = 10.0) -> None:
        """Stop background work between two of its steps; wait up to `timeout` seconds for it."""
        self.foreground.close(timeout)

    async def ready(self) -> Services:
        """The open store; waits while it is opening.

        Raises:
            PygentError: the store could not be opened (the message says why).
        """
        return await self.opening.get()
