"""The memories table: one row per memory, with its scope, tags, times and vector.

All methods block (LanceDB's sync API); the server calls them in worker threads.
Rows are keyed by an explicit id; filters are built from validated values only.
Writes that lose a commit race to another process run again (core.embeddings.conflicts).

    store = MemoryStore.open(settings.lance_dir, embedder, IndexPolicy())
    store.add([row, ...])
    hits = store.search("tea", vector, filters, k=5, mode="hybrid")
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyarrow as pa
from lancedb.index import FTS, Bitmap, BTree
from lancedb.table import Table
from pygent.core.embeddings.base import Embedder
from pygent.core.embeddings.conflicts import retry_conflicts
from pygent.core.embeddings.indexing import IndexedCache, IndexPolicy
from pygent.core.embeddings.search import Hit, Mode, search
from pygent.core.embeddings.sql import sql_str
from pygent.core.embeddings.tables import connect, index_names, open_table, vector_field
from pygent.servers.memory.filters import Filters
from pygent.servers.memory.scopes import scope_filter

TABLE = "memories"
COLUMNS = ["id", "scope", "text", "tags", "importance", "created_at", "updated_at", "expires_at"]


def memory_schema(dimension: int) -> pa.Schema:
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("scope", pa.string(), nullable=False),
            pa.field("text", pa.string(), nullable=False),
            pa.field("tags", pa.list_(pa.string())),
            pa.field("importance", pa.float32()),
            pa.field("created_at", pa.float64()),  # seconds since the epoch, UTC
            pa.field("updated_at", pa.float64()),
            pa.field("expires_at", pa.float64(), nullable=True),
            vector_field(dimension),
        ]
    )


def _indices(table: Table) -> None:
    present = index_names(table)
    if "text_idx" not in present:
        table.create_index("text", config=FTS())
    if "scope_idx" not in present:
        table.create_index("scope", config=Bitmap())
    if "id_idx" not in present:
        table.create_index("id", config=BTree())


class MemoryStore:
    """The `memories` table of one LanceDB folder."""

    def __init__(self, table: Table, policy: IndexPolicy) -> None:
        self.table = table
        self.policy = policy
        self._indexed = IndexedCache(policy)

    @classmethod
    def open(cls, folder: Path, embedder: Embedder, policy: IndexPolicy) -> MemoryStore:
        table = open_table(connect(folder), TABLE, memory_schema(embedder.dimension), embedder, setup=_indices)
        return cls(table, policy)

    def add(self, rows: list[dict[str, Any]]) -> None:
        retry_conflicts("storing memories", self.table.add, rows)

    def search(self, text: str, vector: Any, filters: Filters, k: int, mode: Mode) -> list[Hit]:
        """The best `k` unexpired rows.

        The expiry test is applied to the hits rather than as a prefilter: a prefilter on
        `expires_at` scans the whole column (about 20 ms at a million rows), while expired
        rows are few (maintenance deletes them). Should too many hits be expired, the search
        runs again with the full filter.
        """
        now = time.time()
        hits = self._search(text, vector, filters.sql(now, expiry=False), k, mode)
        alive = [hit for hit in hits if hit.row["expires_at"] is None or hit.row["expires_at"] > now]
        if len(alive) < k and len(alive) < len(hits):
            alive = self._search(text, vector, filters.sql(now), k, mode)
        return alive[:k]

    def _search(self, text: str, vector: Any, where: str, k: int, mode: Mode) -> list[Hit]:
        return search(
            self.table,
            self.policy,
            text=text,
            vector=vector,
            k=k,
            where=where,
            mode=mode,
            columns=COLUMNS,
            indexed=self._indexed(self.table),
        )

    def purge_expired(self) -> int:
        return self.delete(f"expires_at IS NOT NULL AND expires_at <= {time.time()!r}")

    def get(self, memory_id: str, scope: str, *, with_vector: bool = False) -> dict[str, Any] | None:
        where = f"id = {sql_str(memory_id)} AND {scope_filter([scope])}"
        rows = self._rows(where, limit=1, columns=[*COLUMNS, "vector"] if with_vector else COLUMNS)
        return rows[0] if rows else None

    def listing(self, filters: Filters, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        """Newest first; returns the page and the total number that match."""
        rows = self._rows(filters.sql(time.time()), limit=None)
        rows.sort(key=lambda row: (row["created_at"], row["id"]), reverse=True)
        return rows[offset : offset + limit], len(rows)

    def count(self, where: str) -> int:
        return int(self.table.count_rows(where))

    def delete(self, where: str) -> int:
        before = self.count(where)
        if before:
            retry_conflicts("deleting memories", self.table.delete, where)
        return before

    def replace(self, row: dict[str, Any]) -> None:
        """Write a whole row over the one with the same id (one commit)."""
        retry_conflicts(
            "updating a memory", lambda: self.table.merge_insert("id").when_matched_update_all().execute([row])
        )

    def _rows(self, where: str, limit: int | None, columns: list[str] = COLUMNS) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.table.search().where(where).select(columns).limit(limit).to_list()
        return rows
