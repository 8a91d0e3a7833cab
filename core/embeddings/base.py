"""The embedder interface, the stamp stored with every embedded table, and its mismatch error.

An embedder turns text into L2-normalised float32 vectors. Models such as e5
embed a search query differently from a stored passage, so the interface has
both sides; symmetric models implement both the same way.

    vectors = embedder.embed_passages(["stored text", ...])   # (n, dimension)
    query = embedder.embed_queries(["what was stored?"])[0]   # (dimension,)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from pygent.core.errors import ConfigError

Vectors = NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """A loaded embedding model; calls are blocking and thread-safe."""

    model_id: str
    dimension: int

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Vectors for search queries, shape `(len(texts), dimension)`."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Vectors for stored text, shape `(len(texts), dimension)`."""
        ...


class EmbeddingMismatchError(ConfigError):
    """A table was embedded with another model than the one configured now."""
