"""Synthetic memories for the benchmarks: clustered unit vectors (closer to real embeddings
than uniform noise) and short texts drawn from a fixed vocabulary, written straight into
the memory server's own table format.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyarrow as pa
from pygent.core.embeddings.indexing import IndexPolicy
from pygent.core.embeddings.models import load_embedder
from pygent.servers.memory.store import MemoryStore, memory_schema

DIMENSION = 384
WORDS = (
    "backup deploy invoice meeting garden coffee server laptop travel budget report release customer "
    "ticket network password holiday training kitchen parking printer contract roadmap design"
).split()
SCOPE = "agent:bench"


def clustered_vectors(count: int, seed: int, centres: int = 1000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centre_vectors = rng.normal(size=(centres, DIMENSION)).astype(np.float32)
    centre_vectors /= np.linalg.norm(centre_vectors, axis=1, keepdims=True)
    vectors = np.empty((count, DIMENSION), dtype=np.float32)
    for start in range(0, count, 100_000):
        size = min(100_000, count - start)
        picks = rng.integers(0, centres, size=size)
        block = centre_vectors[picks] + rng.normal(scale=0.35 / np.sqrt(DIMENSION) * 4, size=(size, DIMENSION))
        vectors[start : start + size] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return vectors


def fill_store(folder: Path, vectors: np.ndarray, policy: IndexPolicy, seed: int = 1) -> MemoryStore:
    """A memory store under `folder` holding one row per vector (batches of 50k), maintained as the server would."""
    store = MemoryStore.open(folder, load_embedder(), policy)
    rng = np.random.default_rng(seed)
    now = time.time()
    schema = memory_schema(DIMENSION)
    schema = pa.schema(list(schema))
    for start in range(0, len(vectors), 50_000):
        block = vectors[start : start + 50_000]
        words = rng.integers(0, len(WORDS), size=(len(block), 6))
        table = pa.table(
            {
                "id": [f"mem_{start + i:08d}" for i in range(len(block))],
                "scope": [SCOPE] * len(block),
                "text": [" ".join(WORDS[w] for w in row) + f" note {start + i}" for i, row in enumerate(words)],
                "tags": [[] for _ in range(len(block))],
                "importance": pa.array(np.full(len(block), 0.5, dtype=np.float32)),
                "created_at": pa.array(np.full(len(block), now)),
                "updated_at": pa.array(np.full(len(block), now)),
                "expires_at": pa.array([None] * len(block), pa.float64()),
                "vector": pa.FixedSizeListArray.from_arrays(pa.array(block.reshape(-1)), DIMENSION),
            },
            schema=schema,
        )
        store.table.add(table)
    policy.maintain(store.table)
    return store
