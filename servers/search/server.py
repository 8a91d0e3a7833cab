"""Build the search MCP server from its settings.

    mcp = create_server(SearchSettings.load({"searxng_url": "http://127.0.0.1:8888"}))

`resolver` replaces DNS resolution for fetch (tests use it to show that a
connection goes to the address that was checked, whatever DNS says later).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastmcp import FastMCP
from pydantic import Field
from pygent.core.server_kit import create_server as create_house_server
from pygent.servers.search.cache import ResponseCache
from pygent.servers.search.fetch_tools import PageReader, add_fetch_tools
from pygent.servers.search.fetcher import SafeFetcher
from pygent.servers.search.http import ProviderHTTP
from pygent.servers.search.local_tools import add_local_tools
from pygent.servers.search.netguard import AddressGuard, Resolver, system_resolve
from pygent.servers.search.robots import RobotsCheck
from pygent.servers.search.settings import SearchSettings
from pygent.servers.search.web_tools import add_web_tools

INSTRUCTIONS = (
    "Web and academic search (configured providers, results merged), fetch (a URL as Markdown, "
    "page by page with start_index), and local_search over local files, which works offline."
)


def create_server(settings: SearchSettings | None = None, *, resolver: Resolver = system_resolve) -> FastMCP[Any]:
    """The search server for `settings` (loaded from the environment when omitted)."""
    settings = settings or SearchSettings.load()
    http = ProviderHTTP(settings.provider_timeout)
    cache = ResponseCache(settings.state_dir / "cache.sqlite3", settings.cache_ttl)
    fetcher = SafeFetcher(
        AddressGuard(settings.fetch_allow_networks, resolver),
        timeout=settings.fetch_timeout,
        max_bytes=settings.fetch_max_bytes,
        max_redirects=settings.fetch_max_redirects,
    )
    reader = PageReader(settings, fetcher, RobotsCheck(fetcher, cache, settings.user_agent), cache)

    @asynccontextmanager
    async def lifespan(server: FastMCP[Any]) -> AsyncIterator[dict[str, Any]]:
        try:
            yield {}
        finally:
            await http.aclose()
            await fetcher.aclose()

    mcp: FastMCP[Any] = create_house_server("search", instructions=INSTRUCTIONS, lifespan=lifespan)
    add_web_tools(mcp, settings, http.get, cache)
    add_fetch_tools(mcp, reader)
    add_local_tools(mcp, settings)

    @mcp.prompt(description="Research a topic: search the web, papers and local files, read the best sources")
    def research(topic: Annotated[str, Field(min_length=1)]) -> str:
        return (
            f"Research: {topic}\n"
            "1. local_search for what the local files already say.\n"
            "2. web_search (and academic_search for scholarly topics) for outside sources.\n"
            "3. fetch the two or three most promising results; continue with start_index when a page is cut.\n"
            "Answer with a short synthesis and cite every claim with its URL or file path."
        )

    return mcp
