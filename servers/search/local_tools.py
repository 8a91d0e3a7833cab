"""`local_search` over the local full-text index, and the `search://index/status` resource.

    add_local_tools(mcp, settings)

LanceDB takes about a second to import, so the index module is imported on the
first `local_search` call, not at start: the server must list its tools within
two seconds of being started.
"""

from __future__ import annotations

import importlib
from typing import Annotated, Any

from fastmcp import Context, FastMCP
from pydantic import Field
from pygent.servers.search.models import IndexStatus, LocalSearchResult
from pygent.servers.search.settings import SearchSettings

LOCAL = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}


class LazyIndex:
    """Builds the LocalIndex on first use."""

    def __init__(self, settings: SearchSettings) -> None:
        self.settings = settings
        self._index: Any = None

    def get(self) -> Any:
        if self._index is None:
            module = importlib.import_module("pygent.servers.search.local_index")
            s = self.settings
            self._index = module.LocalIndex(
                s.state_dir / "index",
                s.roots,
                extensions=s.index_extensions,
                max_files=s.index_max_files,
                max_bytes=s.index_max_file_bytes,
                refresh_seconds=s.index_refresh_seconds,
                exclude=[s.state_dir],
            )
        return self._index


def add_local_tools(mcp: FastMCP[Any], settings: SearchSettings) -> None:
    index = LazyIndex(settings)

    @mcp.tool(annotations=LOCAL, tags={"local"})
    async def local_search(
        query: Annotated[str, Field(min_length=1, max_length=400, description="words to find (BM25 ranking)")],
        limit: Annotated[int, Field(ge=1, le=100)] = 10,
        path_contains: Annotated[str | None, Field(description="only files whose path contains this")] = None,
        refresh: Annotated[bool, Field(description="re-scan the folders now instead of at most once a minute")] = False,
        *,
        ctx: Context,
    ) -> LocalSearchResult:
        """Full-text search over local files under the configured folders; works offline.

        The first search indexes the folders (reporting progress); cancelling it keeps what was indexed so far.
        """
        local = index.get()

        async def progress(done: float, total: float | None, message: str) -> None:
            await ctx.report_progress(done, total, message)

        if refresh:
            await local.refresh(force=True, progress=progress)
        hits = await local.search(query, limit, path_contains, progress)
        status: IndexStatus = await local.status()
        return LocalSearchResult(query=query, hits=hits, indexed_files=status.indexed_files, roots=status.roots)

    @mcp.resource("search://index/status", mime_type="application/json")
    async def index_status() -> str:
        """Folders, file count and last refresh of the local index (JSON)."""
        status: IndexStatus = await index.get().status()
        return status.model_dump_json()
