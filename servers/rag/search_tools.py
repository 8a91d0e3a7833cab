"""Retrieval tools: search, answer, get_document, list_documents, delete_document.

No `from __future__ import annotations`: signatures use limits from the settings.
"""

import json
from typing import Annotated, Any, Literal

import anyio
import mcp_types as t
from fastmcp import Context, FastMCP
from pydantic import Field
from pygent.core.errors import InvalidArgumentError, NotFoundError
from pygent.core.llm.base import NoModelError
from pygent.core.llm.client import InputRequired
from pygent.core.llm.select import select_provider
from pygent.core.settings import Settings
from pygent.servers.rag.answer import NO_MODEL, write_answer
from pygent.servers.rag.collection_tools import READ, CollectionName, services
from pygent.servers.rag.filters import metadata_filter
from pygent.servers.rag.models import Answer, Citation, Deleted, Document, DocumentPage, Hit, SearchResult
from pygent.servers.rag.runtime import Services
from pygent.servers.rag.settings import RagSettings

Filter = Annotated[
    dict[str, str | int | float | bool] | None,
    Field(description="metadata the chunks must have, e.g. {'kind': 'pdf', 'team': 'infra'}"),
]
SearchMode = Literal["hybrid", "vector", "keyword"]
Mode = Annotated[
    SearchMode,
    Field(description="hybrid (default) fuses meaning and keywords by reciprocal rank"),
]


async def retrieve(
    found: Services, collection: str, query: str, k: int, mode: SearchMode, where: dict[str, Any] | None
) -> list[Hit]:
    await anyio.to_thread.run_sync(found.store.collection, collection)
    vector = await found.embedder.query(query) if mode != "keyword" else None
    condition = metadata_filter(where) if where else None
    hits = await anyio.to_thread.run_sync(lambda: found.store.search(collection, query, vector, k, mode, condition))
    return [
        Hit(
            chunk_id=hit.row["chunk_id"],
            text=hit.row["text"],
            score=round(hit.score, 6),
            similarity=None if hit.similarity is None else round(hit.similarity, 4),
            keyword_score=None if hit.keyword_score is None else round(hit.keyword_score, 4),
            metadata=json.loads(hit.row["metadata"] or "{}"),
            citation=Citation.from_row(hit.row),
        )
        for hit in hits
    ]


def register(mcp: FastMCP[Any], settings: RagSettings) -> None:
    @mcp.tool(annotations=READ)
    async def search(
        query: Annotated[str, Field(min_length=1, max_length=4000, description="what to look for")],
        collection: CollectionName,
        ctx: Context,
        k: Annotated[int, Field(ge=1, le=settings.max_k, description="most chunks to return")] = 5,
        filter: Filter = None,
        mode: Mode = "hybrid",
    ) -> SearchResult:
        """The chunks of a collection that best match the query, each with a citation (source, headings, span)."""
        if not query.strip():
            raise InvalidArgumentError("query is empty")
        found = await services(ctx)
        hits = await retrieve(found, collection, query, k, mode, filter)
        return SearchResult(query=query, collection=collection, mode=mode, hits=hits)

    @mcp.tool(annotations={**READ, "idempotentHint": False, "openWorldHint": True})
    async def answer(
        question: Annotated[str, Field(min_length=1, max_length=4000)],
        collection: CollectionName,
        ctx: Context,
        k: Annotated[int, Field(ge=1, le=20, description="passages to give the model")] = 6,
        filter: Filter = None,
    ) -> Answer | t.InputRequiredResult:
        """Answer a question from a collection, citing chunk ids, through the configured language model.

        Without a model it writes nothing: it says so and returns the best passages with citations.
        """
        # On a 2026-07-28 connection the client's model answers in a second round: the call
        # returns the sampling request, and the repeated call retrieves the same passages,
        # builds the same prompt and so meets the client's answer under the same key.
        if not question.strip():
            raise InvalidArgumentError("question is empty")
        found = await services(ctx)
        hits = await retrieve(found, collection, question, k, "hybrid", filter)
        if not hits:
            return Answer(
                question=question,
                collection=collection,
                answered_by_model=False,
                citations=[],
                answer="The collection has no passages that match the question.",
            )
        try:
            provider = select_provider(Settings.load(), ctx)
            text, cited = await write_answer(provider, question, hits)
        except InputRequired as need:
            return need.result()
        except NoModelError as exc:
            return Answer(
                question=question,
                collection=collection,
                answer=NO_MODEL,
                answered_by_model=False,
                no_model_reason=exc.message,
                citations=hits,
            )
        return Answer(
            question=question,
            collection=collection,
            answer=text,
            answered_by_model=True,
            model=f"{provider.name}:{provider.model}",
            citations=cited,
        )

    @mcp.tool(annotations=READ)
    async def get_document(
        collection: CollectionName,
        doc_id: Annotated[str, Field(min_length=1, max_length=200)],
        ctx: Context,
        include_text: Annotated[bool, Field(description="include the extracted text citations index into")] = True,
    ) -> Document:
        """One document: source, title, metadata, counts and (by default) its extracted text."""
        found = await services(ctx)
        await anyio.to_thread.run_sync(found.store.collection, collection)
        row = await anyio.to_thread.run_sync(lambda: found.store.document(collection, doc_id, with_text=include_text))
        if row is None:
            raise NotFoundError(f"no document {doc_id!r} in collection {collection!r}")
        return Document.from_row(row)

    @mcp.tool(annotations=READ)
    async def list_documents(
        collection: CollectionName,
        ctx: Context,
        limit: Annotated[int, Field(ge=1, le=500)] = 50,
        offset: Annotated[int, Field(ge=0)] = 0,
    ) -> DocumentPage:
        """The documents of a collection, by source, one page at a time (without their text)."""
        found = await services(ctx)
        await anyio.to_thread.run_sync(found.store.collection, collection)
        rows, total = await anyio.to_thread.run_sync(found.store.list_documents, collection, limit, offset)
        return DocumentPage(collection=collection, total=total, documents=[Document.from_row(row) for row in rows])

    @mcp.tool(
        annotations={"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False, "openWorldHint": False}
    )
    async def delete_document(
        collection: CollectionName, doc_id: Annotated[str, Field(min_length=1, max_length=200)], ctx: Context
    ) -> Deleted:
        """Delete one document and its chunks."""
        found = await services(ctx)
        await anyio.to_thread.run_sync(found.store.collection, collection)
        chunks = await anyio.to_thread.run_sync(found.store.delete_document, collection, doc_id)
        return Deleted(collection=collection, doc_id=doc_id, documents=1, chunks=chunks)
