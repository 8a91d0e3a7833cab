"""The memories table itself: expired rows never come back, and maintenance deletes them."""

from __future__ import annotations

import time
from pathlib import Path

from pygent.core.embeddings.indexing import IndexPolicy
from pygent.core.embeddings.models import load_embedder
from pygent.core.embeddings.search import Mode
from pygent.servers.memory.filters import Filters
from pygent.servers.memory.store import MemoryStore


def test_expired_rows_are_never_returned_and_are_purged(tmp_path: Path) -> None:
    embedder = load_embedder()
    store = MemoryStore.open(tmp_path, embedder, IndexPolicy())
    now = time.time()
    texts = [f"parking garage code {i}" for i in range(12)]
    vectors = embedder.embed_passages(texts)
    store.add(
        [
            {
                "id": f"m{i}",
                "scope": "user:ann",
                "text": text,
                "tags": [],
                "importance": 0.5,
                "created_at": now,
                "updated_at": now,
                "expires_at": now - 1 if i < 11 else None,
                "vector": vectors[i],
            }
            for i, text in enumerate(texts)
        ]
    )
    query = embedder.embed_queries(["garage code"])[0]
    modes: tuple[Mode, ...] = ("vector", "keyword", "hybrid")
    for mode in modes:
        hits = store.search("garage code", query, Filters(["user:ann"]), 5, mode)
        assert [hit.row["id"] for hit in hits] == ["m11"], mode
    assert store.purge_expired() == 11
    assert store.count("scope = 'user:ann'") == 1
