"""Assemble the RAG server: settings, lifespan, tools, resources and a prompt.

mcp = create_rag_server(RagSettings.load())
mcp.run()                      # or: python -m pygent.servers.rag
"""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastmcp import Context, FastMCP
from pygent.core.embeddings.background import StartAfterFirstReply
from pygent.core.embeddings.foreground import ForegroundCalls
from pygent.core.errors import NotFoundError
from pygent.core.server_kit import create_server
from pygent.servers.rag import collection_tools, ingest_tools, search_tools
from pygent.servers.rag.collection_tools import services
from pygent.servers.rag.models import Citation
from pygent.servers.rag.runtime import RagRuntime
from pygent.servers.rag.settings import RagSettings

INSTRUCTIONS = """Document retrieval with citations.
Create a collection, fill it with `ingest_path` (files and folders: text, Markdown, HTML, code, PDF, DOCX),
`ingest_text` or `ingest_url`, then `search` it (hybrid meaning + keyword ranking) or `answer` a question from it.
Every hit carries a citation: source, heading trail, character and line span (and PDF page)."""


def create_rag_server(settings: RagSettings) -> FastMCP[Any]:
    runtime = RagRuntime(settings)

    @asynccontextmanager
    async def lifespan(server: FastMCP[Any]) -> AsyncIterator[dict[str, Any]]:
        try:
            yield {"rag": runtime}
        finally:
            await anyio.to_thread.run_sync(runtime.close)

    mcp = create_server("rag", instructions=INSTRUCTIONS, lifespan=lifespan)
    mcp.add_middleware(StartAfterFirstReply(runtime.opening))
    mcp.add_middleware(ForegroundCalls(runtime.foreground))
    collection_tools.register(mcp)
    ingest_tools.register(mcp, settings)
    search_tools.register(mcp, settings)

    @mcp.resource("rag://collections/{collection}/documents/{doc_id}", mime_type="text/plain")
    async def document_text(collection: str, doc_id: str, ctx: Context) -> str:
        """The extracted text of a document (what citation spans index into)."""
        found = await services(ctx)
        await anyio.to_thread.run_sync(found.store.collection, collection)
        row = await anyio.to_thread.run_sync(lambda: found.store.document(collection, doc_id, with_text=True))
        if row is None:
            raise NotFoundError(f"no document {doc_id!r} in collection {collection!r}")
        return str(row["text"])

    @mcp.resource("rag://collections/{collection}/chunks/{chunk_id}", mime_type="application/json")
    async def chunk(collection: str, chunk_id: str, ctx: Context) -> str:
        """One chunk with its citation."""
        found = await services(ctx)
        await anyio.to_thread.run_sync(found.store.collection, collection)
        row = await anyio.to_thread.run_sync(found.store.get_chunk, collection, chunk_id)
        if row is None:
            raise NotFoundError(f"no chunk {chunk_id!r} in collection {collection!r}")
        payload = {"text": row["text"], "citation": Citation.from_row(row).model_dump()}
        return json.dumps(payload, indent=2, ensure_ascii=False)

    @mcp.prompt(description="Research a question in a collection and answer with citations")
    def cite_sources(question: str, collection: str) -> str:
        return (
            f"Use `search` on collection {collection!r} with a few phrasings of the question, read the best "
            "chunks (and `get_document` for context when a chunk is cut short), then answer. Cite every claim "
            "with the chunk id in square brackets, and say plainly when the collection does not answer it.\n\n"
            f"Question: {question}"
        )

    return mcp


def build(args: argparse.Namespace) -> FastMCP[Any]:
    return create_rag_server(RagSettings.load())
