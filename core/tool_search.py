"""Find the tools that fit a task: the offline embedder and BM25 over tool definitions, fused by rank.

    index = ToolIndex(embedder)
    index.update([ToolDoc("filesystem_list_directory", "List a directory.", {"path": "folder to list"})])
    index.search("list the files in docs", k=3)      # [Match(name="filesystem_list_directory", ...)]

Each tool is one document: its name split into words, its description, and
its arguments' names and descriptions. The vector side catches paraphrases
("remember that …" → `memory_remember`), BM25 catches exact words a model or
person uses; the two rankings are fused by reciprocal rank (RRF, k=60), as
the RAG server fuses its hybrid search. Vectors are cached per document text,
so re-indexing after a catalog change embeds only what changed. Blocking:
call from a worker thread.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pygent.core.embeddings.base import Embedder, Vectors
from rank_bm25 import BM25Okapi

RRF_K = 60
_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])|\d+")


def words(text: str) -> list[str]:
    """Lower-case words (of two letters or more) of a name or a sentence; `list_directory` and
    `listDirectory` both give two.

    >>> words("filesystem_list_directory: List a DIR's files")
    ['filesystem', 'list', 'directory', 'list', 'dir', 'files']
    """
    return [match.group(0).lower() for match in _WORD.finditer(text)]


@dataclass(frozen=True)
class ToolDoc:
    """What is searchable of one tool."""

    name: str
    description: str = ""
    arguments: Mapping[str, str] = field(default_factory=dict)  # argument name -> its description

    @classmethod
    def from_tool(cls, name: str, description: str | None, input_schema: Mapping[str, Any]) -> ToolDoc:
        properties = input_schema.get("properties") or {}
        arguments = {
            key: str(value.get("description", "")) if isinstance(value, dict) else ""
            for key, value in properties.items()
        }
        return cls(name, description or "", arguments)

    @property
    def text(self) -> str:
        args = "; ".join(f"{key}: {value}" if value else key for key, value in self.arguments.items())
        return f"{' '.join(words(self.name))}. {self.description} Arguments: {args}".strip()


@dataclass(frozen=True)
class Match:
    name: str
    score: float  # the fused RRF score
    similarity: float  # cosine similarity of the query and the tool
    keyword: float  # the BM25 score


class ToolIndex:
    """A hybrid index over the tools of a mesh, a view or an agent."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._docs: list[ToolDoc] = []
        self._vectors: Vectors = np.zeros((0, embedder.dimension), dtype=np.float32)
        self._bm25: BM25Okapi | None = None
        self._cache: dict[str, np.ndarray[Any, Any]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._docs)

    def update(self, docs: Iterable[ToolDoc]) -> None:
        """Index exactly these tools (only new or changed ones are embedded)."""
        docs = list(docs)
        keys = [hashlib.sha256(doc.text.encode()).hexdigest() for doc in docs]
        missing = [(key, doc.text) for key, doc in zip(keys, docs, strict=True) if key not in self._cache]
        if missing:
            vectors = self.embedder.embed_passages([text for _, text in missing])
            for (key, _), vector in zip(missing, vectors, strict=True):
                self._cache[key] = vector
        live = set(keys)
        with self._lock:
            self._cache = {key: vector for key, vector in self._cache.items() if key in live}
            self._docs = docs
            shape = (0, self.embedder.dimension)
            self._vectors = np.stack([self._cache[key] for key in keys]) if keys else np.zeros(shape, np.float32)
            # BM25Okapi cannot take an empty corpus; a document without words gets a placeholder.
            self._bm25 = BM25Okapi([words(doc.text) or ["_"] for doc in docs]) if docs else None

    def search(self, query: str, k: int = 5, allowed: Sequence[str] | None = None) -> list[Match]:
        """The `k` best tools for `query`, best first (only `allowed` names, when given)."""
        with self._lock:
            docs, vectors, bm25 = self._docs, self._vectors, self._bm25
        if not docs or bm25 is None or not query.strip():
            return []
        similarity = vectors @ self.embedder.embed_queries([query])[0]
        keyword = bm25.get_scores(words(query))
        by_vector = np.argsort(-similarity)
        by_keyword = np.argsort(-keyword)
        fused = np.zeros(len(docs))
        for rank, index in enumerate(by_vector):
            fused[index] += 1.0 / (RRF_K + rank + 1)
        for rank, index in enumerate(by_keyword):
            if keyword[index] > 0:  # a tool sharing no word with the query gets no keyword vote
                fused[index] += 1.0 / (RRF_K + rank + 1)
        allow = set(allowed) if allowed is not None else None
        order = [i for i in np.argsort(-fused) if allow is None or docs[i].name in allow]
        return [Match(docs[i].name, float(fused[i]), float(similarity[i]), float(keyword[i])) for i in order[:k]]
