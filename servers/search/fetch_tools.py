"""`fetch` (a URL as Markdown or raw text, page by page) and the `fetch_page` prompt.

    add_fetch_tools(mcp, settings, fetcher, robots, cache)

The tool is for autonomous use and honours robots.txt; the prompt is a person
asking for a page and does not (as in the reference MCP fetch server). Pages
are cached for `cache_ttl`, so reading a long page in slices fetches it once.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastmcp import FastMCP
from fastmcp.tools import ToolResult
from fastmcp.utilities.json_schema import compress_schema
from mcp_types import TextContent
from pydantic import Field
from pygent.core.errors import InvalidArgumentError, UpstreamError
from pygent.servers.search.cache import ResponseCache
from pygent.servers.search.fetcher import SafeFetcher, parse_url
from pygent.servers.search.markdown import HTML_TYPES, html_to_markdown, is_text, window
from pygent.servers.search.models import FetchResult
from pygent.servers.search.robots import RobotsCheck
from pygent.servers.search.settings import SearchSettings

FETCH = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": True}
MANUAL_AGENT = "PyGentFactory/0.1 (+https://github.com/pygent-factory; user-requested)"


class PageReader:
    """Fetch a page (cached) and cut the requested slice out of it."""

    def __init__(
        self, settings: SearchSettings, fetcher: SafeFetcher, robots: RobotsCheck, cache: ResponseCache
    ) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self.robots = robots
        self.cache = cache

    async def document(self, url: str, *, raw: bool, autonomous: bool) -> dict[str, Any]:
        target = parse_url(url)
        if autonomous and not self.settings.ignore_robots_txt:
            await self.robots.check(target)
        key = {"url": str(target), "raw": raw}
        if (hit := await self.cache.get("fetch", key)) is not None:
            return dict(hit)
        agent = self.settings.user_agent if autonomous else MANUAL_AGENT
        page = await self.fetcher.get(str(target), user_agent=agent)
        if page.status >= 400:
            raise UpstreamError(f"{page.url} answered {page.status}")
        if not is_text(page.content_type) and page.content_type:
            raise InvalidArgumentError(f"{page.url} is {page.content_type}, not text; fetch returns text pages only")
        text, title = page.text(), None
        if page.content_type in HTML_TYPES and not raw:
            text, title = await anyio.to_thread.run_sync(html_to_markdown, text, page.url)
        document = {
            "url": page.url,
            "status": page.status,
            "content_type": page.content_type or "unknown",
            "title": title,
            "text": text,
            "truncated_download": page.truncated,
        }
        await self.cache.put("fetch", key, document)
        return document

    async def read(self, url: str, *, max_length: int, start_index: int, raw: bool, autonomous: bool) -> FetchResult:
        document = await self.document(url, raw=raw, autonomous=autonomous)
        text: str = document.pop("text")
        if start_index and start_index >= len(text):
            raise InvalidArgumentError(
                f"start_index {start_index} is past the end of the page ({len(text)} characters)"
            )
        piece, next_index = window(text, start_index, max_length)
        return FetchResult(
            **document, content=piece, start_index=start_index, next_start_index=next_index, total_length=len(text)
        )


def as_text(result: FetchResult) -> str:
    """What the model reads: the content, and how to get more, like the reference fetch server."""
    head = f"Contents of {result.url}" + (f" ({result.title})" if result.title else "") + ":\n"
    tail = ""
    if result.next_start_index is not None:
        tail = (
            "\n\n<error>Content truncated. Call the fetch tool with a start_index of "
            f"{result.next_start_index} to get more content.</error>"
        )
    if result.truncated_download:
        tail += "\n\n(The page was larger than the download cap; the end of it was not read.)"
    return head + result.content + tail


def add_fetch_tools(mcp: FastMCP[Any], reader: PageReader) -> None:
    schema = compress_schema(FetchResult.model_json_schema(), prune_titles=True)

    @mcp.tool(annotations=FETCH, tags={"fetch"}, output_schema=schema)
    async def fetch(
        url: Annotated[str, Field(min_length=1, max_length=4096, description="http(s) URL")],
        max_length: Annotated[int, Field(gt=0, lt=1_000_000, description="characters to return")] = 5000,
        start_index: Annotated[int, Field(ge=0, description="continue from this character")] = 0,
        raw: Annotated[bool, Field(description="the page as served, without Markdown conversion")] = False,
    ) -> ToolResult:
        """Fetch a web page as readable Markdown (or raw text), in slices of max_length characters."""
        result = await reader.read(url, max_length=max_length, start_index=start_index, raw=raw, autonomous=True)
        return ToolResult(
            content=[TextContent(type="text", text=as_text(result))], structured_content=result.model_dump()
        )

    @mcp.prompt(description="Fetch a page for the user (robots.txt does not apply to a person's own request)")
    async def fetch_page(url: str) -> str:
        result = await reader.read(url, max_length=100_000, start_index=0, raw=False, autonomous=False)
        return as_text(result)
