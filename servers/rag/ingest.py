"""The ingest pipeline: store documents first, then land their embeddings.

Phase 1, per document: read, hash (unchanged content is skipped), parse, chunk,
and replace the document's chunks and row (see `RagStore.put_document`). The
commits of one document are shielded from cancellation, so a cancelled ingest
stops between documents and every stored document is whole. Chunks are
keyword-searchable from here on.
Phase 2: embed the new chunks in batches and land their vectors; they become
searchable by meaning batch by batch. A cancelled phase 2 leaves chunks without
vectors, which the next ingest (or server start) embeds.

Progress goes up monotonically: documents done, then documents + chunks embedded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
from pygent.core.embeddings.backfill import backfill, land
from pygent.core.embeddings.batching import AsyncEmbedder
from pygent.core.embeddings.foreground import Foreground
from pygent.servers.rag.chunking import chunk
from pygent.servers.rag.documents import ParseError
from pygent.servers.rag.parsers import parse_bytes
from pygent.servers.rag.settings import RagSettings
from pygent.servers.rag.sources import Outcome, Source

if TYPE_CHECKING:
    from pygent.servers.rag.store import RagStore

log = logging.getLogger("pygent.servers.rag.ingest")
Progress = Callable[[float, float | None, str], Awaitable[None]]
EMBED_BATCH = 64


@dataclass
class Pending:
    collection: str
    rows: list[dict[str, Any]] = field(default_factory=list)


class Ingestor:
    def __init__(
        self, store: RagStore, embedder: AsyncEmbedder, settings: RagSettings, foreground: Foreground | None = None
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.foreground = foreground or Foreground()

    async def ingest(
        self, collection: str, sources: Sequence[Source], progress: Progress | None = None
    ) -> list[Outcome]:
        outcomes: list[Outcome] = []
        pending = Pending(collection)
        try:
            for number, source in enumerate(sources, start=1):
                outcomes.append(await self._store_one(collection, source, pending))
                if progress is not None:
                    await progress(number, None, f"stored {number}/{len(sources)}: {source.source}")
            await self.embed(pending, len(sources), progress)
        except anyio.get_cancelled_exc_class():
            # Said once the work has stopped: a client that timed out learns from the log what was kept.
            stored = sum(outcome.status == "stored" for outcome in outcomes)
            log.warning(
                "ingest cancelled: %d of %d documents stored (whole); vectors still missing land later",
                stored,
                len(sources),
                extra={"collection": collection},
            )
            raise
        return outcomes

    async def _store_one(self, collection: str, source: Source, pending: Pending) -> Outcome:
        try:
            # Reading and parsing has no side effect, so a cancelled call leaves it behind at once.
            prepared = await anyio.to_thread.run_sync(self._prepare, collection, source, abandon_on_cancel=True)
        except ParseError as exc:
            return Outcome(source.source, "failed", error=str(exc))
        except OSError as exc:
            return Outcome(source.source, "failed", error=f"cannot read: {exc.strerror or exc}")
        if prepared is None:
            return Outcome(source.source, "unchanged", doc_id=source.doc_id)
        document, rows = prepared
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self.store.put_document, document, rows)
        pending.rows.extend({"chunk_id": row["chunk_id"], "text": row["text"]} for row in rows)
        return Outcome(source.source, "stored", doc_id=source.doc_id, chunks=len(rows))

    def _prepare(self, collection: str, source: Source) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        data = source.load()
        if len(data) > self.settings.max_file_bytes:
            raise ParseError(
                f"{len(data)} bytes; larger than the limit of {self.settings.max_file_bytes} "
                "(PYGENT_RAG_MAX_FILE_BYTES)"
            )
        settings = self.settings
        digest = hashlib.sha256(data).hexdigest()
        content_hash = f"{digest}:{source.kind or ''}:{settings.chunk_chars}:{settings.chunk_overlap}"
        existing = self.store.document(collection, source.doc_id)
        if existing is not None and existing["content_hash"] == content_hash:
            return None
        parsed = parse_bytes(data, source.source, source.kind)
        if len(parsed.text) > settings.max_text_chars:
            raise ParseError(f"{len(parsed.text)} characters of text; the limit is {settings.max_text_chars}")
        if not parsed.text.strip():
            raise ParseError("no text in the document")
        title = source.title or parsed.title or source.source.rsplit("/", 1)[-1]
        metadata = {**source.metadata, "kind": parsed.kind}
        chunks = chunk(parsed, settings.chunk_chars, settings.chunk_overlap)
        now = time.time()
        rows = [
            {
                "chunk_id": f"{source.doc_id}-{digest[:10]}-{i}",
                "doc_id": source.doc_id,
                "ordinal": i,
                "text": parsed.text[c.start : c.end],
                "heading": c.heading_trail,
                "source": source.source,
                "title": title,
                "char_start": c.start,
                "char_end": c.end,
                "line_start": c.line_start,
                "line_end": c.line_end,
                "page": c.page,
                "metadata": metadata,
                "vector": None,
            }
            for i, c in enumerate(chunks)
        ]
        created = existing["created_at"] if existing is not None else now
        document = {
            "collection": collection,
            "doc_id": source.doc_id,
            "source": source.source,
            "title": title,
            "kind": parsed.kind,
            "content_hash": content_hash,
            "metadata": _json(metadata),
            "text": parsed.text,
            "chars": len(parsed.text),
            "chunk_count": len(rows),
            "created_at": created,
            "updated_at": now,
        }
        return document, rows

    async def embed(self, pending: Pending, done_before: int, progress: Progress | None) -> int:
        """Land vectors for `pending`, then for any chunk an earlier run left without one."""
        table = self.store.chunks(pending.collection)
        total = done_before + len(pending.rows)
        landed = 0
        for start in range(0, len(pending.rows), EMBED_BATCH):
            batch = pending.rows[start : start + EMBED_BATCH]
            vectors = await self.embedder.passages([row["text"] for row in batch])
            with anyio.CancelScope(shield=True):
                landed += await anyio.to_thread.run_sync(land, table, ["chunk_id"], "text", batch, vectors)
            if progress is not None:
                await progress(
                    done_before + start + len(batch), total, f"embedded {start + len(batch)}/{len(pending.rows)} chunks"
                )
        landed += await backfill(table, self.embedder, keys=["chunk_id"], text_column="text")
        if landed:
            self.foreground.spawn(self.maintain, pending.collection, name="rag-maintain")
        return landed

    def maintain(self, collection: str) -> None:
        """Fold new chunks into the indices; build the ANN index past the threshold.

        Runs in the background once the calls in progress (the ingest that started it
        among them) have ended.
        """
        self.foreground.wait_idle()
        if not self.store.maintaining.acquire(blocking=False):
            return  # another run is folding; the next ingest picks these chunks up
        try:
            self.store.policy.maintain(self.store.chunks(collection))
        except Exception as exc:  # e.g. the collection was deleted meanwhile; the next ingest retries
            log.warning("maintenance of collection %s skipped: %s", collection, exc)
        finally:
            self.store.maintaining.release()


def _json(metadata: dict[str, Any]) -> str:
    return json.dumps(metadata, sort_keys=True)
