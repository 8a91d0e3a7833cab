"""Embedding off the event loop, in batches, one batch at a time per model.

The engines are CPU-bound and already use every core, so running two batches at
once only makes both slower; a lock per model queues them.
Between batches the event loop runs, so a server stays responsive (and a
cancelled ingest stops) while a large ingest is being embedded.

    embedder = AsyncEmbedder(load_embedder("e5-small"))
    vectors = await embedder.passages(texts, on_batch=report)   # (n, d) float32
    query = await embedder.query("what did we decide?")         # (d,)
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Sequence

import anyio
import numpy as np
from pygent.core.embeddings.base import Embedder, Vectors

DEFAULT_BATCH = 32
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _engine_lock(model_id: str) -> threading.Lock:
    # A thread lock rather than an anyio limiter: it is shared by every event loop of the process.
    with _locks_guard:
        return _locks.setdefault(model_id, threading.Lock())


class AsyncEmbedder:
    """An `Embedder` for async code: batches run in a worker thread."""

    def __init__(self, embedder: Embedder, batch_size: int = DEFAULT_BATCH) -> None:
        self.embedder = embedder
        self.batch_size = batch_size
        self.model_id: str = embedder.model_id
        self.dimension: int = embedder.dimension

    async def passages(
        self, texts: Sequence[str], on_batch: Callable[[int, int], Awaitable[None]] | None = None
    ) -> Vectors:
        """Vectors for stored text; `on_batch(done, total)` runs after each batch."""
        return await self._run(self.embedder.embed_passages, texts, on_batch)

    async def queries(self, texts: Sequence[str]) -> Vectors:
        return await self._run(self.embedder.embed_queries, texts, None)

    async def query(self, text: str) -> Vectors:
        vectors = await self.queries([text])
        row: Vectors = vectors[0]
        return row

    async def _run(
        self,
        embed: Callable[[Sequence[str]], Vectors],
        texts: Sequence[str],
        on_batch: Callable[[int, int], Awaitable[None]] | None,
    ) -> Vectors:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        lock = _engine_lock(self.model_id)

        def locked(batch: Sequence[str]) -> Vectors:
            with lock:
                return embed(batch)

        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            out[start : start + len(batch)] = await anyio.to_thread.run_sync(locked, batch)
            if on_batch is not None:
                await on_batch(start + len(batch), len(texts))
        return out
