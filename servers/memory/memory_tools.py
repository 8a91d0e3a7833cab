"""The semantic-memory tools: remember, recall, forget, list_memories, update_memory.

No `from __future__ import annotations` here: tool signatures use limits from the
settings, which must be evaluated when the tools are defined.
"""

import time
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import anyio
from fastmcp import Context, FastMCP
from pydantic import Field
from pygent.core.embeddings.sql import sql_list
from pygent.core.errors import InvalidArgumentError, LimitExceededError, NotFoundError
from pygent.servers.memory.filters import Filters
from pygent.servers.memory.models import (
    Forgotten,
    Memory,
    MemoryPage,
    Recall,
    RecalledMemory,
    Remembered,
    to_seconds,
    utc,
)
from pygent.servers.memory.runtime import Stores
from pygent.servers.memory.scopes import SCOPE_HELP, SCOPE_PATTERN, check_scope, scope_filter
from pygent.servers.memory.settings import MemorySettings

Scope = Annotated[str, Field(description=SCOPE_HELP, pattern=SCOPE_PATTERN)]
Tags = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=64)]],
    Field(max_length=32, description="labels to filter by later"),
]
Text = Annotated[str, Field(min_length=1, description="the text to remember")]
READ = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}


async def stores(ctx: Context) -> Stores:
    runtime = ctx.lifespan_context["memory"]
    result: Stores = await runtime.ready()
    return result


def _text(text: str, settings: MemorySettings, what: str = "text") -> str:
    if not text.strip():
        raise InvalidArgumentError(f"{what} is empty; give the words to remember")
    if len(text) > settings.max_text_chars:
        raise LimitExceededError(
            f"{what} is {len(text)} characters; the limit is {settings.max_text_chars} (PYGENT_MEMORY_MAX_TEXT_CHARS)"
        )
    return text


async def known_scopes(store: Stores, scopes: list[str]) -> None:
    """Raises NotFoundError naming the first scope nothing was ever stored in."""
    for scope in scopes:
        check_scope(scope)
        if scope == "default":
            continue
        count = await anyio.to_thread.run_sync(store.memories.count, scope_filter([scope]))
        if not count and not await anyio.to_thread.run_sync(store.graph.known, scope):
            raise NotFoundError(f"unknown scope {scope!r}: nothing has been remembered in it yet")


async def _forget_filter(store: Stores, scope: str, ids: list[str], tags: list[str], before: datetime | None) -> str:
    parts = [scope_filter([scope])]
    if ids:
        wanted = list(dict.fromkeys(ids))
        found = await anyio.to_thread.run_sync(store.memories.count, f"{parts[0]} AND id IN ({sql_list(wanted)})")
        if found != len(wanted):
            raise NotFoundError(
                f"{len(wanted) - found} of the ids are not memories of scope {scope!r}; nothing was forgotten"
            )
        parts.append(f"id IN ({sql_list(wanted)})")
    if tags:
        parts.append(f"array_has_any(tags, [{sql_list(tags)}])")
    if before is not None:
        parts.append(f"created_at < {to_seconds(before)!r}")
    return " AND ".join(parts)


def _apply(row: dict[str, Any], tags: list[str] | None, importance: float | None, expires_at: datetime | None) -> None:
    if tags is not None:
        row["tags"] = list(dict.fromkeys(tags))
    if importance is not None:
        row["importance"] = importance
    if expires_at is not None:
        row["expires_at"] = to_seconds(expires_at)


def register(mcp: FastMCP[Any], settings: MemorySettings) -> None:
    @mcp.tool(
        annotations={"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False, "openWorldHint": False}
    )
    async def remember(
        text: Text,
        ctx: Context,
        scope: Scope = "default",
        tags: Tags | None = None,
        importance: Annotated[float, Field(ge=0, le=1, description="0 (trivia) to 1 (critical)")] = 0.5,
        expires_at: Annotated[datetime | None, Field(description="forget automatically after this moment")] = None,
    ) -> Remembered:
        """Store a memory in a scope; it can be recalled by meaning or keywords. Returns its id."""
        _text(text, settings)
        store = await stores(ctx)
        now = time.time()
        expires = to_seconds(expires_at)
        if expires is not None and expires <= now:
            raise InvalidArgumentError("expires_at is in the past; the memory would never be recallable")
        memory_id = "mem_" + uuid.uuid4().hex
        row = {
            "id": memory_id,
            "scope": scope,
            "text": text,
            "tags": list(dict.fromkeys(tags or [])),
            "importance": importance,
            "created_at": now,
            "updated_at": now,
            "expires_at": expires,
        }
        await store.writer.write(row)
        return Remembered(id=memory_id, scope=scope, created_at=utc(now))

    @mcp.tool(annotations=READ)
    async def recall(
        query: Annotated[str, Field(min_length=1, description="what to look for, in any words")],
        ctx: Context,
        scope: Scope = "default",
        k: Annotated[int, Field(ge=1, le=settings.max_k, description="most memories to return")] = 5,
        tags: Tags | None = None,
        since: Annotated[datetime | None, Field(description="only memories created at or after")] = None,
        until: Annotated[datetime | None, Field(description="only memories created at or before")] = None,
        min_importance: Annotated[float | None, Field(ge=0, le=1)] = None,
        mode: Annotated[Literal["hybrid", "vector", "keyword"], Field(description="how to match")] = "hybrid",
        also_scopes: Annotated[
            list[Scope] | None, Field(max_length=16, description="other scopes to search too")
        ] = None,
    ) -> Recall:
        """Find the memories of a scope that best match the query (meaning and keywords, fused by rank)."""
        _text(query, settings, "query")
        store = await stores(ctx)
        scopes = list(dict.fromkeys([scope, *(also_scopes or [])]))
        await known_scopes(store, scopes)
        vector = await store.embedder.query(query) if mode != "keyword" else None
        filters = Filters(scopes, tags or [], to_seconds(since), to_seconds(until), min_importance)
        hits = await anyio.to_thread.run_sync(store.memories.search, query, vector, filters, k, mode)
        memories = [
            RecalledMemory(
                **Memory.from_row(hit.row).model_dump(),
                score=round(hit.score, 6),
                similarity=None if hit.similarity is None else round(hit.similarity, 4),
                keyword_score=None if hit.keyword_score is None else round(hit.keyword_score, 4),
            )
            for hit in hits
        ]
        return Recall(query=query, scopes=scopes, mode=mode, memories=memories)

    @mcp.tool(
        annotations={"readOnlyHint": False, "destructiveHint": True, "idempotentHint": True, "openWorldHint": False}
    )
    async def forget(
        ctx: Context,
        scope: Scope = "default",
        ids: Annotated[list[str] | None, Field(max_length=1000, description="memory ids to forget")] = None,
        tags: Tags | None = None,
        before: Annotated[datetime | None, Field(description="forget memories created before this")] = None,
        everything: Annotated[bool, Field(description="forget every memory of the scope")] = False,
    ) -> Forgotten:
        """Delete memories of one scope by id, by tag, by age, or all of them."""
        if not (ids or tags or before or everything):
            raise InvalidArgumentError("say what to forget: ids, tags, before, or everything=true")
        store = await stores(ctx)
        await known_scopes(store, [scope])
        where = await _forget_filter(store, scope, ids or [], tags or [], before)
        count = await anyio.to_thread.run_sync(store.memories.delete, where)
        return Forgotten(scope=scope, forgotten=count)

    @mcp.tool(annotations=READ)
    async def list_memories(
        ctx: Context,
        scope: Scope = "default",
        tags: Tags | None = None,
        limit: Annotated[int, Field(ge=1, le=settings.max_k)] = 20,
        offset: Annotated[int, Field(ge=0)] = 0,
    ) -> MemoryPage:
        """The memories of a scope, newest first, one page at a time."""
        store = await stores(ctx)
        await known_scopes(store, [scope])
        rows, total = await anyio.to_thread.run_sync(
            store.memories.listing, Filters([scope], tags or []), limit, offset
        )
        return MemoryPage(scope=scope, total=total, memories=[Memory.from_row(row) for row in rows])

    @mcp.tool(
        annotations={"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}
    )
    async def update_memory(
        id: Annotated[str, Field(min_length=1, description="the memory's id")],
        ctx: Context,
        scope: Scope = "default",
        text: Annotated[str | None, Field(min_length=1, description="new text (re-embedded)")] = None,
        tags: Annotated[list[str] | None, Field(max_length=32, description="replaces the tags")] = None,
        importance: Annotated[float | None, Field(ge=0, le=1)] = None,
        expires_at: Annotated[datetime | None, Field(description="new expiry")] = None,
    ) -> Memory:
        """Change a memory's text, tags, importance or expiry; the id stays the same."""
        if text is not None:
            _text(text, settings)
        store = await stores(ctx)
        row = await anyio.to_thread.run_sync(lambda: store.memories.get(id, scope, with_vector=True))
        if row is None:
            raise NotFoundError(f"no memory {id!r} in scope {scope!r}")
        if text is not None and text != row["text"]:
            row["text"] = text
            row["vector"] = (await store.embedder.passages([text]))[0]
        _apply(row, tags, importance, expires_at)
        row["updated_at"] = time.time()
        await anyio.to_thread.run_sync(store.memories.replace, row)
        return Memory.from_row(row)
