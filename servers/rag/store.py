"""The RAG store: a collections table, a documents table, and one stamped chunk table per collection.

A document's chunks are replaced in one commit (`merge_insert` that also deletes
the document's old chunks), then its document row is written; a reader never
sees half a document. Chunks are stored without vectors and are found by
keyword at once; vectors land afterwards (core.embeddings.backfill). A write
that loses a commit race to another process runs again (core.embeddings.conflicts).
Blocking methods; the server calls them in worker threads.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pyarrow as pa
from lancedb.db import DBConnection
from lancedb.index import FTS, BTree
from lancedb.table import Table
from pygent.core.embeddings.base import Embedder
from pygent.core.embeddings.conflicts import retry_conflicts
from pygent.core.embeddings.indexing import IndexedCache, IndexPolicy
from pygent.core.embeddings.search import Hit, Mode, search
from pygent.core.embeddings.sql import sql_str
from pygent.core.embeddings.stamp import EmbeddingStamp
from pygent.core.embeddings.tables import index_names, open_table, table_names, vector_field
from pygent.core.errors import ConflictError, NotFoundError
from pygent.servers.rag.filters import check_name

COLLECTIONS = "collections"
DOCUMENTS = "documents"
CHUNK_COLUMNS = [
    "chunk_id",
    "doc_id",
    "ordinal",
    "text",
    "heading",
    "source",
    "title",
    "char_start",
    "char_end",
    "line_start",
    "line_end",
    "page",
    "metadata",
]
DOCUMENT_COLUMNS = [
    "collection",
    "doc_id",
    "source",
    "title",
    "kind",
    "content_hash",
    "metadata",
    "chars",
    "chunk_count",
    "created_at",
    "updated_at",
]

COLLECTION_SCHEMA = pa.schema(
    [
        pa.field("name", pa.string(), nullable=False),
        pa.field("description", pa.string()),
        pa.field("created_at", pa.float64()),
    ]
)
DOCUMENT_SCHEMA = pa.schema(
    [
        pa.field("collection", pa.string(), nullable=False),
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("title", pa.string()),
        pa.field("kind", pa.string()),
        pa.field("content_hash", pa.string()),
        pa.field("metadata", pa.string()),
        pa.field("text", pa.large_string()),
        pa.field("chars", pa.int64()),
        pa.field("chunk_count", pa.int64()),
        pa.field("created_at", pa.float64()),
        pa.field("updated_at", pa.float64()),
    ]
)


def chunk_schema(dimension: int) -> pa.Schema:
    return pa.schema(
        [
            pa.field("chunk_id", pa.string(), nullable=False),
            pa.field("doc_id", pa.string(), nullable=False),
            pa.field("ordinal", pa.int32()),
            pa.field("text", pa.string()),
            pa.field("heading", pa.list_(pa.string())),
            pa.field("source", pa.string()),
            pa.field("title", pa.string()),
            pa.field("char_start", pa.int64()),
            pa.field("char_end", pa.int64()),
            pa.field("line_start", pa.int32()),
            pa.field("line_end", pa.int32()),
            pa.field("page", pa.int32(), nullable=True),
            pa.field("metadata", pa.json_(pa.utf8())),
            vector_field(dimension),
        ]
    )


def _chunk_indices(table: Table) -> None:
    present = index_names(table)
    if "text_idx" not in present:
        table.create_index("text", config=FTS())
    if "doc_id_idx" not in present:
        table.create_index("doc_id", config=BTree())


class RagStore:
    def __init__(self, db: DBConnection, embedder: Embedder, policy: IndexPolicy) -> None:
        self.db = db
        self.embedder = embedder
        self.policy = policy
        self.collections = open_table(db, COLLECTIONS, COLLECTION_SCHEMA, None)
        self.documents = open_table(db, DOCUMENTS, DOCUMENT_SCHEMA, None)
        self._chunks: dict[str, Table] = {}
        self._indexed = IndexedCache(policy)
        # Held while compaction/indexing writes into a chunk table, so dropping the
        # table never races those writes (LanceDB then fails with "Directory not empty").
        self.maintaining = threading.Lock()

    # collections

    def create_collection(self, name: str, description: str) -> dict[str, Any]:
        check_name(name)
        if self.collections.count_rows(f"name = {sql_str(name)}"):
            raise ConflictError(f"collection {name!r} already exists")
        self.chunks(name, create=True)
        row = {"name": name, "description": description, "created_at": time.time()}
        retry_conflicts("creating a collection", self.collections.add, [row])
        return row

    def list_collections(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.collections.search().limit(None).to_list()
        return sorted(rows, key=lambda row: row["name"])

    def collection(self, name: str) -> dict[str, Any]:
        check_name(name)
        rows = self.collections.search().where(f"name = {sql_str(name)}").limit(1).to_list()
        if not rows:
            known = ", ".join(row["name"] for row in self.list_collections()) or "none yet"
            raise NotFoundError(f"unknown collection {name!r} (collections: {known}); create it with create_collection")
        row: dict[str, Any] = rows[0]
        return row

    def delete_collection(self, name: str) -> int:
        self.collection(name)
        documents = self.documents.count_rows(f"collection = {sql_str(name)}")
        # first: the collection disappears at once
        retry_conflicts("deleting a collection", self.collections.delete, f"name = {sql_str(name)}")
        retry_conflicts("deleting documents", self.documents.delete, f"collection = {sql_str(name)}")
        with self.maintaining:
            if _table(name) in table_names(self.db):
                self.db.drop_table(_table(name))
            self._chunks.pop(name, None)
        return int(documents)

    def chunks(self, name: str, *, create: bool = False) -> Table:
        """The chunk table of a collection (checked against the configured embedding model)."""
        table = self._chunks.get(name)
        if table is None:
            if not create:
                self.collection(name)
            table = open_table(
                self.db, _table(name), chunk_schema(self.embedder.dimension), self.embedder, setup=_chunk_indices
            )
            self._chunks[name] = table
        return table

    def stamp(self, name: str) -> EmbeddingStamp | None:
        return EmbeddingStamp.of(self.chunks(name).schema)

    # documents

    def document(self, collection: str, doc_id: str, *, with_text: bool = False) -> dict[str, Any] | None:
        columns = [*DOCUMENT_COLUMNS, "text"] if with_text else DOCUMENT_COLUMNS
        rows = (
            self.documents.search()
            .where(f"collection = {sql_str(collection)} AND doc_id = {sql_str(doc_id)}")
            .select(columns)
            .limit(1)
            .to_list()
        )
        return rows[0] if rows else None

    def list_documents(self, collection: str, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        rows: list[dict[str, Any]] = (
            self.documents.search()
            .where(f"collection = {sql_str(collection)}")
            .select(DOCUMENT_COLUMNS)
            .limit(None)
            .to_list()
        )
        rows.sort(key=lambda row: (row["source"], row["doc_id"]))
        return rows[offset : offset + limit], len(rows)

    def put_document(self, document: dict[str, Any], chunk_rows: list[dict[str, Any]]) -> None:
        """Replace a document's chunks (one commit), then its row (a second commit)."""
        table = self.chunks(document["collection"])
        where = f"doc_id = {sql_str(document['doc_id'])}"
        chunks = _prepared(chunk_rows, table.schema)
        retry_conflicts(
            "writing chunks",
            lambda: (
                table.merge_insert("chunk_id")
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .when_not_matched_by_source_delete(where)
                .execute(chunks)
            ),
        )
        retry_conflicts(
            "writing a document",
            lambda: (
                self.documents.merge_insert(["collection", "doc_id"])
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute([document])
            ),
        )

    def delete_document(self, collection: str, doc_id: str) -> int:
        found = self.document(collection, doc_id)
        if found is None:
            raise NotFoundError(f"no document {doc_id!r} in collection {collection!r}")
        where = f"collection = {sql_str(collection)} AND doc_id = {sql_str(doc_id)}"
        retry_conflicts("deleting a document", self.documents.delete, where)
        retry_conflicts("deleting chunks", self.chunks(collection).delete, f"doc_id = {sql_str(doc_id)}")
        return int(found["chunk_count"])

    def reconcile(self, collection: str) -> int:
        """Delete chunks whose document row is missing (a process killed between the two commits)."""
        table = self.chunks(collection)
        chunk_docs = {row["doc_id"] for row in table.search().select(["doc_id"]).limit(None).to_list()}
        known = {
            row["doc_id"]
            for row in self.documents.search()
            .where(f"collection = {sql_str(collection)}")
            .select(["doc_id"])
            .limit(None)
            .to_list()
        }
        orphans = sorted(chunk_docs - known)
        for doc_id in orphans:
            retry_conflicts("deleting orphaned chunks", table.delete, f"doc_id = {sql_str(doc_id)}")
        return len(orphans)

    # chunks

    def get_chunk(self, collection: str, chunk_id: str) -> dict[str, Any] | None:
        rows = (
            self.chunks(collection)
            .search()
            .where(f"chunk_id = {sql_str(chunk_id)}")
            .select(CHUNK_COLUMNS)
            .limit(1)
            .to_list()
        )
        return rows[0] if rows else None

    def search(self, collection: str, text: str, vector: Any, k: int, mode: Mode, where: str | None) -> list[Hit]:
        table = self.chunks(collection)
        return search(
            table,
            self.policy,
            text=text,
            vector=vector,
            k=k,
            where=where or None,
            mode=mode,
            columns=CHUNK_COLUMNS,
            indexed=self._indexed(table),
        )

    def stats(self, collection: str) -> dict[str, Any]:
        table = self.chunks(collection)
        return {
            "documents": int(self.documents.count_rows(f"collection = {sql_str(collection)}")),
            "chunks": int(table.count_rows()),
            "chunks_without_vectors": int(table.count_rows("vector IS NULL")),
            "vector_index": self.policy.indexed(table),
        }


def _table(collection: str) -> str:
    return f"chunks__{collection}"


def _prepared(rows: list[dict[str, Any]], schema: pa.Schema) -> list[dict[str, Any]] | pa.Table:
    if not rows:  # an empty merge source still needs the table's columns
        return pa.Table.from_pylist([], schema=pa.schema(list(schema)))
    return [row | {"metadata": json.dumps(row["metadata"])} for row in rows]
