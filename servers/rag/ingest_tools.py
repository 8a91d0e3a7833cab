"""Ingest tools: ingest_path (files and folders), ingest_text, ingest_url.

No `from __future__ import annotations`: signatures use limits from the settings.
"""

import fnmatch
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from anyio import from_thread
from fastmcp import Context, FastMCP
from pydantic import Field
from pygent.core.errors import InvalidArgumentError, LimitExceededError, NotFoundError, PermissionDeniedError
from pygent.servers.rag.collection_tools import CollectionName, services
from pygent.servers.rag.documents import ParseError
from pygent.servers.rag.fetch import fetch
from pygent.servers.rag.models import FileResult, IngestResult
from pygent.servers.rag.settings import RagSettings
from pygent.servers.rag.sources import Outcome, Source

WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}
DEFAULT_EXCLUDES = [".*", "*/.*", "node_modules/*", "*/node_modules/*", "__pycache__/*", "*/__pycache__/*"]
Metadata = Annotated[
    dict[str, str | int | float | bool] | None,
    Field(description="key/value pairs stored with every chunk; `search` can filter on them"),
]


def _result(collection: str, outcomes: list[Outcome]) -> IngestResult:
    return IngestResult(
        collection=collection,
        stored=sum(o.status == "stored" for o in outcomes),
        unchanged=sum(o.status == "unchanged" for o in outcomes),
        failed=sum(o.status == "failed" for o in outcomes),
        chunks_stored=sum(o.chunks for o in outcomes),
        files=[
            FileResult(source=o.source, status=o.status, doc_id=o.doc_id, chunks=o.chunks, error=o.error)
            for o in outcomes
        ],
    )


def discover(root: Path, include: list[str], exclude: list[str], limit: int) -> list[Path]:
    """Files under `root` (or `root` itself) matching the globs, in path order.

    Runs in a worker thread (`anyio.to_thread.run_sync`) and stops when its call is cancelled:
    walking a large tree takes long enough to matter.

    Raises:
        LimitExceededError: more than `limit` files match.
    """
    if root.is_file():
        return [root]
    found = []
    for seen, path in enumerate(root.rglob("*")):
        if seen % 256 == 0:
            from_thread.check_cancelled()
        if not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        if include and not any(fnmatch.fnmatch(relative, pattern) for pattern in include):
            continue
        if any(fnmatch.fnmatch(relative, pattern) for pattern in exclude):
            continue
        found.append(path)
        if len(found) > limit:
            raise LimitExceededError(
                f"more than {limit} files match under {root}; narrow `include` or raise PYGENT_RAG_MAX_FILES"
            )
    return sorted(found)


def _readable_root(path: str, roots: list[Path]) -> Path:
    """`path` with symlinks resolved, if it lies under one of `roots`.

    Raises:
        PermissionDeniedError: it lies outside them (the message names the setting).
        NotFoundError: it does not exist.
    """
    root = Path(path).expanduser().resolve()
    if not any(root.is_relative_to(allowed) for allowed in roots):
        raise PermissionDeniedError(
            f"{root} is outside the folders this server may read ({', '.join(map(str, roots))}); "
            "add it to PYGENT_RAG_ALLOWED_ROOTS"
        )
    if not root.exists():
        raise NotFoundError(f"no such file or folder: {root}")
    return root


def _reader(file: Path, roots: list[Path]) -> Callable[[], bytes]:
    """Read `file`, unless it is a link to somewhere outside `roots` (reported for that file alone)."""

    def load() -> bytes:
        target = file.resolve()
        if not any(target.is_relative_to(allowed) for allowed in roots):
            raise ParseError(f"links to {target}, outside the folders this server may read")
        return target.read_bytes()

    return load


def register(mcp: FastMCP[Any], settings: RagSettings) -> None:
    async def report(ctx: Context) -> Any:
        async def progress(done: float, total: float | None, message: str) -> None:
            await ctx.report_progress(done, total, message)

        return progress

    @mcp.tool(annotations=WRITE)
    async def ingest_path(
        path: Annotated[str, Field(min_length=1, description="a file or a folder (read recursively)")],
        collection: CollectionName,
        ctx: Context,
        include: Annotated[
            list[str] | None, Field(description="globs of relative paths to take, e.g. ['*.md', 'docs/*']")
        ] = None,
        exclude: Annotated[
            list[str] | None, Field(description="globs to skip (hidden files and node_modules are skipped anyway)")
        ] = None,
        metadata: Metadata = None,
    ) -> IngestResult:
        """Ingest a file or a folder tree: text, Markdown, HTML, source code, PDF and DOCX.

        Only paths under the allowed folders are read (by default the data folder's workspace).

        Unchanged files are skipped by content hash; changed ones replace their old chunks. A file that cannot
        be read is reported in `files` and the rest goes on. Reports progress; can be cancelled between files.
        """
        found = await services(ctx)
        await anyio.to_thread.run_sync(found.store.collection, collection)
        roots = settings.readable_roots
        root = _readable_root(path, roots)
        files = await anyio.to_thread.run_sync(
            discover, root, include or [], [*DEFAULT_EXCLUDES, *(exclude or [])], settings.max_files
        )
        base = root.parent if root.is_file() else root
        sources = [
            Source(
                source=str(file),
                load=_reader(file, roots),
                metadata={**(metadata or {}), "path": file.relative_to(base).as_posix()},
            )
            for file in files
        ]
        outcomes = await found.ingestor.ingest(collection, sources, await report(ctx))
        return _result(collection, outcomes)

    @mcp.tool(annotations=WRITE)
    async def ingest_text(
        collection: CollectionName,
        title: Annotated[
            str,
            Field(min_length=1, max_length=500, description="the document's title; re-ingesting a title replaces it"),
        ],
        text: Annotated[str, Field(min_length=1, description="the document")],
        ctx: Context,
        format: Annotated[
            Literal["text", "markdown", "html", "code"], Field(description="how to read its structure")
        ] = "markdown",
        metadata: Metadata = None,
    ) -> IngestResult:
        """Ingest one document given as text, with a title and metadata."""
        if not text.strip():
            raise InvalidArgumentError("text is empty; give the document's content")
        if len(text) > settings.max_text_chars:
            raise LimitExceededError(
                f"text is {len(text)} characters; the limit is {settings.max_text_chars} (PYGENT_RAG_MAX_TEXT_CHARS)"
            )
        found = await services(ctx)
        await anyio.to_thread.run_sync(found.store.collection, collection)
        data = text.encode("utf-8")
        source = Source(source=f"text:{title}", load=lambda: data, title=title, kind=format, metadata=metadata or {})
        outcome = await found.ingestor.ingest(collection, [source], await report(ctx))
        if outcome[0].status == "failed":
            raise InvalidArgumentError(f"the text could not be ingested: {outcome[0].error}")
        return _result(collection, outcome)

    @mcp.tool(annotations={**WRITE, "openWorldHint": True})
    async def ingest_url(
        url: Annotated[str, Field(min_length=8, max_length=4000, description="an http(s) URL")],
        collection: CollectionName,
        ctx: Context,
        metadata: Metadata = None,
    ) -> IngestResult:
        """Fetch a web page (or PDF/DOCX) and ingest it; private and loopback addresses are refused."""
        found = await services(ctx)
        await anyio.to_thread.run_sync(found.store.collection, collection)
        page = await fetch(
            url,
            max_bytes=settings.url_max_bytes,
            timeout=settings.url_timeout,
            allow_private=settings.allow_private_urls,
        )
        source = Source(
            source=page.url, load=lambda: page.data, kind=page.kind, metadata={**(metadata or {}), "url": page.url}
        )
        outcome = await found.ingestor.ingest(collection, [source], await report(ctx))
        if outcome[0].status == "failed":
            raise InvalidArgumentError(f"{page.url} could not be ingested: {outcome[0].error}")
        return _result(collection, outcome)
