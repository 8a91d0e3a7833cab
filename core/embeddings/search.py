"""Vector, keyword and hybrid search over a stamped table, fused by reciprocal rank.

Hybrid runs a cosine vector search and a full-text (BM25) search with the same
filter and fuses the two rankings with reciprocal rank fusion (RRF, k=60):
a row's score is the sum of 1/(60 + rank) over the lists it appears in. Each
hit keeps its cosine similarity and keyword score so callers can show why it
matched.

    hits = search(table, policy, text="backup schedule", vector=q, where="scope = 'user:ann'", k=5)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from lancedb.table import Table
from pygent.core.embeddings.indexing import IndexPolicy

Mode = Literal["vector", "keyword", "hybrid"]
RRF_K = 60


@dataclass
class Hit:
    row: dict[str, Any]
    score: float
    similarity: float | None = None
    keyword_score: float | None = None


def search(
    table: Table,
    policy: IndexPolicy,
    *,
    text: str,
    vector: Any,
    k: int,
    where: str | None = None,
    mode: Mode = "hybrid",
    text_column: str = "text",
    columns: list[str] | None = None,
    indexed: bool | None = None,
) -> list[Hit]:
    """The best `k` rows; `vector` may be None for keyword mode."""
    depth = k if mode != "hybrid" else max(2 * k, 20)
    by_vector = _vector(table, policy, vector, depth, where, columns, indexed) if mode != "keyword" else []
    by_keyword = _keyword(table, text, depth, where, text_column, columns) if mode != "vector" else []
    if mode == "vector":
        return [Hit(row, score=sim, similarity=sim) for row, sim in by_vector]
    if mode == "keyword":
        return [Hit(row, score=kw, keyword_score=kw) for row, kw in by_keyword]
    return fuse(by_vector, by_keyword, k)


def fuse(
    by_vector: list[tuple[dict[str, Any], float]], by_keyword: list[tuple[dict[str, Any], float]], k: int
) -> list[Hit]:
    """Reciprocal rank fusion of two ranked lists of rows keyed by `_rowid`."""
    hits: dict[int, Hit] = {}
    for rank, (row, similarity) in enumerate(by_vector):
        hit = hits.setdefault(row["_rowid"], Hit(row, 0.0))
        hit.similarity = similarity
        hit.score += 1.0 / (RRF_K + rank + 1)
    for rank, (row, keyword) in enumerate(by_keyword):
        hit = hits.setdefault(row["_rowid"], Hit(row, 0.0))
        hit.keyword_score = keyword
        hit.score += 1.0 / (RRF_K + rank + 1)
    return sorted(hits.values(), key=lambda hit: hit.score, reverse=True)[:k]


def _select(columns: list[str] | None, extra: str) -> list[str] | None:
    return None if columns is None else [*columns, extra]


def _vector(
    table: Table,
    policy: IndexPolicy,
    vector: Any,
    depth: int,
    where: str | None,
    columns: list[str] | None,
    indexed: bool | None,
) -> list[tuple[dict[str, Any], float]]:
    def run(exact: bool) -> list[dict[str, Any]]:
        query = policy.vector_query(table, vector, exact=exact, indexed=indexed).with_row_id(True)
        if where:
            query = query.where(where, prefilter=True)
        selected = _select(columns, "_distance")
        if selected is not None:
            query = query.select(selected)
        rows: list[dict[str, Any]] = query.limit(depth).to_list()
        return rows

    rows = run(exact=False)
    if len(rows) < depth and where and (indexed if indexed is not None else policy.indexed(table)):
        # A selective filter can leave the probed partitions short of matches; the
        # filtered rows are few then, so an exact scan over them is cheap and complete.
        rows = run(exact=True)
    return [(row, 1.0 - float(row["_distance"])) for row in rows]


def _keyword(
    table: Table, text: str, depth: int, where: str | None, text_column: str, columns: list[str] | None
) -> list[tuple[dict[str, Any], float]]:
    if not text.strip():
        return []
    query = table.search(text, query_type="fts", fts_columns=text_column).with_row_id(True)
    if where:
        query = query.where(where, prefilter=True)
    selected = _select(columns, "_score")
    if selected is not None:
        query = query.select(selected)
    rows: list[dict[str, Any]] = query.limit(depth).to_list()
    return [(row, float(row["_score"])) for row in rows]
