"""The model id and dimension stored in the schema of every embedded LanceDB table.

Two models of the same dimension give incompatible vectors, and nothing in the
numbers shows it. So each table carries a stamp in its Arrow schema metadata,
and opening it with another model fails with a clear error instead of silently
mixing vectors.

    schema = stamp.apply(schema)                # before create_table
    EmbeddingStamp.of(table.schema)             # the stamp, or None
    check_stamp(table.schema, embedder, "memories")
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import pyarrow as pa
from pygent.core.embeddings.base import Embedder, EmbeddingMismatchError

METADATA_KEY = b"pygent.embedding"


@dataclass(frozen=True)
class EmbeddingStamp:
    """Which model filled `vector_column`, from which text column."""

    model_id: str
    dimension: int
    text_column: str = "text"
    vector_column: str = "vector"

    @classmethod
    def for_embedder(
        cls, embedder: Embedder, text_column: str = "text", vector_column: str = "vector"
    ) -> EmbeddingStamp:
        return cls(embedder.model_id, embedder.dimension, text_column, vector_column)

    @classmethod
    def of(cls, schema: pa.Schema) -> EmbeddingStamp | None:
        raw = (schema.metadata or {}).get(METADATA_KEY)
        if raw is None:
            return None
        data = json.loads(raw)
        return cls(
            model_id=str(data["model_id"]),
            dimension=int(data["dimension"]),
            text_column=str(data.get("text_column", "text")),
            vector_column=str(data.get("vector_column", "vector")),
        )

    def apply(self, schema: pa.Schema) -> pa.Schema:
        """The schema with this stamp in its metadata (other metadata kept)."""
        metadata = dict(schema.metadata or {})
        metadata[METADATA_KEY] = json.dumps(asdict(self), sort_keys=True).encode()
        return schema.with_metadata(metadata)

    def describe(self) -> str:
        return f"{self.model_id} ({self.dimension}-d)"


def check_stamp(schema: pa.Schema, embedder: Embedder, table: str, where: str = "") -> EmbeddingStamp:
    """The table's stamp, after checking that `embedder` made its vectors.

    Raises:
        EmbeddingMismatchError: the table has no stamp or another model's stamp.
    """
    stamp = EmbeddingStamp.of(schema)
    place = f"table {table!r}" + (f" in {where}" if where else "")
    if stamp is None:
        raise EmbeddingMismatchError(
            f"{place} carries no embedding-model stamp, so its vectors cannot be trusted; "
            "re-embed it with `python -m pygent.core.embeddings reembed`"
        )
    if stamp.model_id != embedder.model_id or stamp.dimension != embedder.dimension:
        raise EmbeddingMismatchError(
            f"{place} was embedded with {stamp.describe()}, but this server is configured for "
            f"{embedder.model_id} ({embedder.dimension}-d); vectors of different models cannot be mixed. "
            f"Configure {stamp.model_id} again, or re-embed the store with "
            f"`python -m pygent.core.embeddings reembed <store folder> --model {embedder.model_id}`"
        )
    return stamp
