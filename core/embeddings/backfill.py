"""Vectors that land after their rows: find rows without one, embed them, write them back.

Rows are committed first (keyword search sees them at once) and embedded next,
so a crash or a cancelled call never loses a row: whatever still has no vector
is embedded by the next `backfill`. A vector is written only if the row's text
is still the text that was embedded, so a concurrent edit is never overwritten
with a stale vector.

    landed = await backfill(table, embedder, keys=["chunk_id"], text_column="text", where="doc_id = 'd1'")
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio
import pyarrow as pa
from pygent.core.embeddings.base import Embedder
from pygent.core.embeddings.batching import AsyncEmbedder
from pygent.core.embeddings.conflicts import retry_conflicts

if TYPE_CHECKING:  # servers import this module at start-up; lancedb itself loads later (see background)
    from lancedb.table import Table


def missing(table: Table, keys: list[str], text_column: str, where: str | None, limit: int) -> list[dict[str, Any]]:
    """Up to `limit` rows (keys and text) whose vector is still missing."""
    condition = "vector IS NULL" + (f" AND ({where})" if where else "")
    rows: list[dict[str, Any]] = table.search().where(condition).select([*keys, text_column]).limit(limit).to_list()
    return rows


def land(table: Table, keys: list[str], text_column: str, rows: list[dict[str, Any]], vectors: Any) -> int:
    """Write vectors for rows whose text did not change meanwhile; returns how many landed."""
    dimension = int(vectors.shape[1])
    data = {column: [row[column] for row in rows] for column in [*keys, text_column]}
    data["vector"] = pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1), pa.float32()), dimension)

    def write() -> int:
        result = (
            table.merge_insert(keys if len(keys) > 1 else keys[0])
            .when_matched_update_all(where=f"target.{text_column} = source.{text_column}")
            .execute(pa.table(data))
        )
        return int(result.num_updated_rows)

    return retry_conflicts(f"writing vectors into {table.name!r}", write)


async def backfill(
    table: Table,
    embedder: AsyncEmbedder,
    *,
    keys: list[str],
    text_column: str = "text",
    where: str | None = None,
    batch: int = 64,
    on_batch: Callable[[int], Awaitable[None]] | None = None,
) -> int:
    """Embed every row matching `where` that has no vector; returns how many landed."""
    landed = 0
    seen: set[tuple[Any, ...]] = set()
    while True:
        rows = await anyio.to_thread.run_sync(missing, table, keys, text_column, where, batch + len(seen))
        rows = [row for row in rows if tuple(row[key] for key in keys) not in seen][:batch]
        if not rows:
            return landed
        vectors = await embedder.passages([row[text_column] or "" for row in rows])
        with anyio.CancelScope(shield=True):
            count = await anyio.to_thread.run_sync(land, table, keys, text_column, rows, vectors)
        landed += count
        if count < len(rows):
            # Some rows changed (or vanished) under us; skip them so the loop ends. The next backfill retries them.
            seen.update(tuple(row[key] for key in keys) for row in rows)
        if on_batch is not None:
            await on_batch(landed)


def backfill_sync(
    table: Table,
    embedder: Embedder,
    *,
    keys: list[str],
    text_column: str = "text",
    where: str | None = None,
    batch: int = 64,
    before_batch: Callable[[], object] | None = None,
) -> int:
    """`backfill` for blocking code (a worker thread, a command).

    `before_batch` runs before each batch; background work passes `Foreground.wait_idle`
    so that it pauses while a call is answered (see core.embeddings.foreground).
    """
    landed = 0
    while True:
        if before_batch is not None:
            before_batch()
        rows = missing(table, keys, text_column, where, batch)
        if not rows:
            return landed
        count = land(table, keys, text_column, rows, embedder.embed_passages([row[text_column] or "" for row in rows]))
        landed += count
        if count < len(rows):
            return landed  # rows changed under us; the next backfill retries them
