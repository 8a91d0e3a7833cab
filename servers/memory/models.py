"""What the memory tools return (structured output) besides the graph shapes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field


def utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def to_datetime(seconds: float | None) -> datetime | None:
    return None if seconds is None else utc(seconds)


def to_seconds(moment: datetime | None) -> float | None:
    """Seconds since the epoch; a moment without a time zone is taken as UTC."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


class Memory(BaseModel):
    id: str
    scope: str
    text: str
    tags: list[str]
    importance: float
    created_at: datetime
    updated_at: datetime
    expires_at: datetime | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Memory:
        return cls(
            id=row["id"],
            scope=row["scope"],
            text=row["text"],
            tags=list(row["tags"] or []),
            importance=round(float(row["importance"]), 4),
            created_at=utc(row["created_at"]),
            updated_at=utc(row["updated_at"]),
            expires_at=to_datetime(row["expires_at"]),
        )


class RecalledMemory(Memory):
    score: float = Field(description="fused rank score (reciprocal rank fusion); higher is better")
    similarity: float | None = Field(default=None, description="cosine similarity to the query, if found by meaning")
    keyword_score: float | None = Field(default=None, description="BM25 score, if found by keywords")


class Remembered(BaseModel):
    id: str
    scope: str
    created_at: datetime


class Recall(BaseModel):
    query: str
    scopes: list[str]
    mode: str
    memories: list[RecalledMemory]


class MemoryPage(BaseModel):
    scope: str
    total: int = Field(description="memories matching the filters, across all pages")
    memories: list[Memory]


class Forgotten(BaseModel):
    scope: str
    forgotten: int


class GraphImport(BaseModel):
    scope: str
    entities_created: int
    relations_created: int


class GraphExport(BaseModel):
    scope: str
    jsonl: str = Field(description="the graph in @modelcontextprotocol/server-memory's JSONL file format")
