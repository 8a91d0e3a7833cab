"""The ingest pipeline itself: a cancelled ingest leaves whole documents, and the next one finishes the job."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest
from pygent.core.embeddings.batching import AsyncEmbedder
from pygent.core.embeddings.indexing import IndexPolicy
from pygent.core.embeddings.models import load_embedder
from pygent.core.embeddings.tables import connect
from pygent.servers.rag.ingest import Ingestor
from pygent.servers.rag.settings import RagSettings
from pygent.servers.rag.sources import Source
from pygent.servers.rag.store import RagStore

pytestmark = pytest.mark.anyio


def _files(folder: Path, count: int) -> list[Source]:
    folder.mkdir()
    sources = []
    for i in range(count):
        path = folder / f"note{i:02}.md"
        path.write_text(
            f"# Note {i}\n\nTopic {i} is about item number {i}.\n\n## Detail\n\nMore on {i}.\n", encoding="utf-8"
        )
        sources.append(Source(source=str(path), load=path.read_bytes))
    return sources


def _consistent(store: RagStore) -> tuple[int, int]:
    """Every document row has exactly its chunks and no chunk lacks a document; returns (documents, chunks)."""
    table = store.chunks("docs")
    rows, total = store.list_documents("docs", 1000, 0)
    chunks = table.search().select(["doc_id"]).limit(None).to_list()
    per_doc: dict[str, int] = {}
    for chunk in chunks:
        per_doc[chunk["doc_id"]] = per_doc.get(chunk["doc_id"], 0) + 1
    assert per_doc == {row["doc_id"]: row["chunk_count"] for row in rows}
    return total, len(chunks)


async def test_a_cancelled_ingest_leaves_whole_documents_and_the_next_one_completes(tmp_path: Path) -> None:
    settings = RagSettings.load({"home": str(tmp_path / "home")})
    store = RagStore(connect(settings.lance_dir), load_embedder(), IndexPolicy())
    store.create_collection("docs", "")
    ingestor = Ingestor(store, AsyncEmbedder(load_embedder()), settings)
    sources = _files(tmp_path / "notes", 12)

    with anyio.CancelScope() as scope:

        async def progress(done: float, total: float | None, message: str) -> None:
            if done >= 5:
                scope.cancel()

        await ingestor.ingest("docs", sources, progress)
    assert scope.cancelled_caught
    documents, chunks = _consistent(store)
    assert 5 <= documents < 12 and chunks == 2 * documents
    keyword = store.search("docs", "Topic 3", None, 3, "keyword", None)
    assert keyword and keyword[0].row["text"].startswith("Note 3")  # stored chunks are searchable by keyword at once

    outcomes = await ingestor.ingest("docs", sources)
    assert sum(o.status == "unchanged" for o in outcomes) == documents
    assert sum(o.status == "stored" for o in outcomes) == 12 - documents
    assert _consistent(store) == (12, 24)
    assert store.stats("docs")["chunks_without_vectors"] == 0  # vectors left out by the cancel landed too


async def test_a_document_killed_between_its_two_commits_is_cleaned_up(tmp_path: Path) -> None:
    settings = RagSettings.load({"home": str(tmp_path / "home")})
    store = RagStore(connect(settings.lance_dir), load_embedder(), IndexPolicy())
    store.create_collection("docs", "")
    ingestor = Ingestor(store, AsyncEmbedder(load_embedder()), settings)
    sources = _files(tmp_path / "notes", 2)
    await ingestor.ingest("docs", sources)
    store.documents.delete(f"doc_id = '{sources[0].doc_id}'")  # as if the process died before the row was written
    assert store.reconcile("docs") == 1
    assert _consistent(store) == (1, 2)
