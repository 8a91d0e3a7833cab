"""What the RAG tools return (structured output)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field


def utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class Collection(BaseModel):
    name: str
    description: str
    created_at: datetime


class CollectionList(BaseModel):
    collections: list[Collection]


class CollectionStats(BaseModel):
    name: str
    documents: int
    chunks: int
    chunks_without_vectors: int = Field(
        description="chunks still waiting for their embedding (keyword search finds them)"
    )
    vector_index: bool = Field(description="whether an ANN index is built (past the flat-search threshold)")
    embedding_model: str | None
    dimension: int | None


class Citation(BaseModel):
    chunk_id: str
    doc_id: str
    source: str = Field(description="the file path, URL or text title the chunk came from")
    title: str
    heading_trail: list[str] = Field(description="the headings above the chunk, outermost first")
    char_start: int = Field(description="offset of the chunk in the document's extracted text")
    char_end: int
    line_start: int = Field(description="1-based line span in the document's extracted text")
    line_end: int
    page: int | None = Field(default=None, description="PDF page (1-based)")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Citation:
        return cls(
            chunk_id=row["chunk_id"],
            doc_id=row["doc_id"],
            source=row["source"],
            title=row["title"],
            heading_trail=list(row["heading"] or []),
            char_start=row["char_start"],
            char_end=row["char_end"],
            line_start=row["line_start"],
            line_end=row["line_end"],
            page=row["page"],
        )


class Hit(BaseModel):
    chunk_id: str
    text: str
    score: float = Field(description="fused rank score (or similarity / BM25 in a single mode)")
    similarity: float | None = None
    keyword_score: float | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    citation: Citation


class SearchResult(BaseModel):
    query: str
    collection: str
    mode: str
    hits: list[Hit]


class FileResult(BaseModel):
    source: str
    status: str = Field(description="stored, unchanged (same content hash) or failed")
    doc_id: str | None = None
    chunks: int = 0
    error: str | None = None


class IngestResult(BaseModel):
    collection: str
    stored: int
    unchanged: int
    failed: int
    chunks_stored: int
    files: list[FileResult]


class Document(BaseModel):
    doc_id: str
    source: str
    title: str
    kind: str
    metadata: dict[str, Any]
    chars: int
    chunk_count: int
    created_at: datetime
    updated_at: datetime
    text: str | None = Field(default=None, description="the extracted text that citation spans index into")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Document:
        return cls(
            doc_id=row["doc_id"],
            source=row["source"],
            title=row["title"],
            kind=row["kind"],
            metadata=json.loads(row["metadata"] or "{}"),
            chars=row["chars"],
            chunk_count=row["chunk_count"],
            created_at=utc(row["created_at"]),
            updated_at=utc(row["updated_at"]),
            text=row.get("text"),
        )


class DocumentPage(BaseModel):
    collection: str
    total: int
    documents: list[Document]


class Deleted(BaseModel):
    collection: str
    doc_id: str | None = None
    documents: int = 0
    chunks: int = 0


class Answer(BaseModel):
    question: str
    collection: str
    answer: str
    answered_by_model: bool = Field(
        description="false when no language model is configured: `answer` then only "
        "says so, and `citations` holds the best passages"
    )
    model: str | None = None
    no_model_reason: str | None = Field(
        default=None, description="without a model: why none could be used (what was tried)"
    )
    citations: list[Hit]
