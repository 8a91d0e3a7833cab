"""Re-embed a store with another model: every stamped table, rewritten in one commit each.

Vectors of two models never share a table, so switching models means
recomputing every vector. Each table is streamed batch by batch from its
current version into a new version with the new model's vectors and stamp;
LanceDB commits the overwrite atomically, so a reader sees the old table or
the new one, never a mix. Indices are dropped by the rewrite; servers rebuild
them when they next open the table. Stop the servers using the store first:
rows written during the rewrite would be lost.

    python -m pygent.core.embeddings reembed ~/.pygent/servers/memory/lance --model minilm
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyarrow as pa
from lancedb.db import DBConnection
from pygent.core.embeddings.base import Embedder
from pygent.core.embeddings.stamp import EmbeddingStamp
from pygent.core.embeddings.tables import table_names, vector_field
from pygent.core.errors import NotFoundError

BATCH_ROWS = 256


def stamped_tables(db: DBConnection) -> dict[str, EmbeddingStamp]:
    """The tables of a store that carry an embedding stamp, with their stamps."""
    stamps = {}
    for name in table_names(db):
        stamp = EmbeddingStamp.of(db.open_table(name).schema)
        if stamp is not None:
            stamps[name] = stamp
    return stamps


def reembed_table(
    db: DBConnection, name: str, embedder: Embedder, on_progress: Callable[[int], None] | None = None
) -> int:
    """Recompute every vector of one stamped table with `embedder`; returns the row count.

    Raises:
        NotFoundError: the table is missing or carries no stamp.
    """
    if name not in table_names(db):
        raise NotFoundError(f"no table {name!r} in {db.uri}")
    table = db.open_table(name)
    old = EmbeddingStamp.of(table.schema)
    if old is None:
        raise NotFoundError(f"table {name!r} carries no embedding stamp; it holds no vectors to re-embed")
    new = EmbeddingStamp(embedder.model_id, embedder.dimension, old.text_column, old.vector_column)
    schema = table.schema
    schema = schema.set(schema.get_field_index(old.vector_column), vector_field(embedder.dimension, old.vector_column))
    schema = new.apply(schema)
    done = 0

    def batches() -> Iterator[pa.RecordBatch]:
        nonlocal done
        for batch in table.search().limit(None).to_batches(BATCH_ROWS):
            texts = [text or "" for text in batch.column(old.text_column).to_pylist()]
            vectors = embedder.embed_passages(texts) if texts else None
            column = pa.FixedSizeListArray.from_arrays(
                pa.array(vectors.reshape(-1) if vectors is not None else [], pa.float32()), embedder.dimension
            )
            index = batch.schema.get_field_index(old.vector_column)
            yield pa.RecordBatch.from_arrays(
                [column if i == index else batch.column(i) for i in range(batch.num_columns)], schema=schema
            )
            done += batch.num_rows
            if on_progress is not None:
                on_progress(done)

    db.create_table(name, data=pa.RecordBatchReader.from_batches(schema, batches()), mode="overwrite")
    return done


def reembed_store(
    db: DBConnection, embedder: Embedder, on_progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Re-embed every stamped table whose stamp differs from `embedder`; returns rows per table."""
    counts = {}
    for name, stamp in stamped_tables(db).items():
        if stamp.model_id == embedder.model_id and stamp.dimension == embedder.dimension:
            continue

        def progress(rows: int, table: str = name) -> None:
            if on_progress is not None:
                on_progress(table, rows)

        counts[name] = reembed_table(db, name, embedder, progress)
    return counts
