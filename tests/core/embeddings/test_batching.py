"""Embedding off the event loop: same vectors, progress per batch, a loop that keeps running."""

from __future__ import annotations

import anyio
import numpy as np
import pytest
from pygent.core.embeddings.batching import AsyncEmbedder
from pygent.core.embeddings.models import load_embedder

pytestmark = pytest.mark.anyio


async def test_batched_vectors_equal_the_direct_ones_and_progress_is_reported() -> None:
    texts = [f"note number {i} about the garden" for i in range(10)]
    embedder = AsyncEmbedder(load_embedder(), batch_size=4)
    seen: list[tuple[int, int]] = []

    async def on_batch(done: int, total: int) -> None:
        seen.append((done, total))

    vectors = await embedder.passages(texts, on_batch=on_batch)
    assert np.allclose(vectors, load_embedder().embed_passages(texts), atol=1e-5)
    assert seen == [(4, 10), (8, 10), (10, 10)]
    query = await embedder.query("garden notes")
    assert query.shape == (384,)


async def test_the_event_loop_keeps_running_while_a_large_batch_embeds() -> None:
    embedder = AsyncEmbedder(load_embedder(), batch_size=16)
    ticks = 0
    finished = anyio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not finished.is_set():
            ticks += 1
            await anyio.sleep(0.005)

    async with anyio.create_task_group() as group:
        group.start_soon(ticker)
        await embedder.passages([f"a somewhat longer sentence number {i} to embed" for i in range(48)])
        finished.set()
    assert ticks > 10
