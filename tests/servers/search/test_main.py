"""The server as its own process: stdio start-up, and behind the host's gateway as search_<tool>."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from tests.fixtures.host import running_host
from tests.fixtures.results import structured
from tests.fixtures.startup import fresh_tools
from tests.servers.search.fakes import Fakes, searxng_result

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def test_stdio_server_lists_its_tools(tmp_path: Path) -> None:
    args = ["-m", "pygent.servers.search", "--root", str(tmp_path)]
    names = await fresh_tools(args, {"PYGENT_HOME": str(tmp_path / "home")})
    assert names == {"web_search", "academic_search", "fetch", "local_search"}


async def test_reachable_through_the_gateway_as_search_tools(fakes: Fakes, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("The gateway guide explains namespacing.", encoding="utf-8")
    fakes.searxng = [searxng_result("https://example.org/", "Example")]
    offline = {
        "command": sys.executable,
        "args": ["-m", "pygent.servers.search", "--root", str(docs)],
        "env": {"PYGENT_HOME": str(tmp_path / "home-offline")},
    }
    online = {
        "command": sys.executable,
        "args": ["-m", "pygent.servers.search", "--searxng-url", fakes.url + "/searxng", "--ignore-robots-txt"],
        "env": {"PYGENT_HOME": str(tmp_path / "home-online"), "PYGENT_SEARCH_FETCH_ALLOW_NETWORKS": "127.0.0.1/32"},
    }
    async with running_host(tmp_path, {"search": offline, "web": online}) as host:
        async with Client(host.url + "/mcp") as client:
            names = {tool.name for tool in await client.list_tools()}
            assert {"search_local_search", "search_web_search", "search_fetch", "search_academic_search"} <= names
            local = await client.call_tool("search_local_search", {"query": "namespacing"})
            with pytest.raises(ToolError, match="no search provider configured"):
                await client.call_tool("search_web_search", {"query": "mcp"})
            web = await client.call_tool("web_web_search", {"query": "mcp"})
            page = await client.call_tool("web_fetch", {"url": fakes.url + "/site/page.html"})
    assert [h["path"] for h in structured(local)["hits"]] == [str(docs / "guide.md")]
    assert structured(web)["results"][0]["url"] == "https://example.org/"
    assert structured(page)["title"] == "Retry Guide"
