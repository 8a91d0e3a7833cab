"""Each provider against a local server speaking its real API: exact requests, mapped results."""

from __future__ import annotations

import pytest
from fastmcp.exceptions import ToolError

from tests.fixtures.results import structured
from tests.servers.search.conftest import Connect
from tests.servers.search.fakes import BRAVE_KEY, Fakes, arxiv_entry, brave_result, s2_paper, searxng_result

pytestmark = pytest.mark.anyio


async def test_searxng_gets_json_format_time_range_and_site(fakes: Fakes, connect: Connect) -> None:
    fakes.searxng = [searxng_result("https://docs.python.org/3/library/asyncio.html", "asyncio", "<b>Async</b> I/O")]
    async with connect(searxng_url=fakes.url + "/searxng") as client:
        result = await client.call_tool(
            "web_search", {"query": "event loop", "count": 5, "freshness": "month", "site": "docs.python.org"}
        )
    [seen] = fakes.of("/searxng")
    assert seen.query == {
        "q": "event loop site:docs.python.org",
        "format": "json",
        "pageno": "1",
        "time_range": "month",
    }
    assert structured(result)["results"] == [
        {
            "title": "asyncio",
            "url": "https://docs.python.org/3/library/asyncio.html",
            "snippet": "Async I/O",
            "published": None,
            "sources": ["searxng"],
        }
    ]


async def test_searxng_without_json_format_says_how_to_enable_it(fakes: Fakes, connect: Connect) -> None:
    fakes.status["/searxng"] = 403
    async with connect(searxng_url=fakes.url + "/searxng") as client:
        with pytest.raises(ToolError, match=r"enable it under search\.formats in its settings\.yml"):
            await client.call_tool("web_search", {"query": "x"})


async def test_brave_sends_its_key_count_and_freshness(fakes: Fakes, connect: Connect) -> None:
    fakes.brave = [
        brave_result(f"https://example.org/{n}", f"Result {n}", "about <strong>mcp</strong>") for n in range(30)
    ]
    async with connect(brave_api_key=BRAVE_KEY, brave_url=fakes.url + "/brave/res/v1/web/search") as client:
        result = await client.call_tool("web_search", {"query": "mcp", "count": 25, "freshness": "week"})
    [seen] = fakes.of("/brave")
    assert seen.headers["x-subscription-token"] == BRAVE_KEY
    assert seen.headers["accept"] == "application/json"
    assert seen.query == {"q": "mcp", "count": "20", "freshness": "pw"}
    results = structured(result)["results"]
    assert len(results) == 20
    assert results[0] == {
        "title": "Result 0",
        "url": "https://example.org/0",
        "snippet": "about mcp",
        "published": "2026-10-01T00:00:00",
        "sources": ["brave"],
    }


async def test_brave_with_a_wrong_key_is_a_clear_error(fakes: Fakes, connect: Connect) -> None:
    async with connect(brave_api_key="wrong", brave_url=fakes.url + "/brave/res/v1/web/search") as client:
        with pytest.raises(ToolError, match=r"brave: Brave refused the request \(401\); check its API key"):
            await client.call_tool("web_search", {"query": "mcp"})


async def test_brave_key_comes_from_brave_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from pygent.servers.search.settings import SearchSettings

    monkeypatch.setenv("BRAVE_API_KEY", BRAVE_KEY)
    settings = SearchSettings.load()
    assert settings.secret("brave_api_key") == BRAVE_KEY
    assert BRAVE_KEY not in repr(settings)


async def test_arxiv_builds_the_query_and_parses_the_atom_feed(fakes: Fakes, connect: Connect) -> None:
    fakes.arxiv = [
        arxiv_entry(
            "2401.00001",
            "Attention Is Enough",
            authors=["Ada Lovelace", "Alan Turing"],
            published="2024-01-02T00:00:00Z",
            doi="10.1000/xyz",
            journal="J. Things 1 (2024)",
        ),
        arxiv_entry(
            "hep-ex/0307015",
            "Old Style Identifier",
            authors=["H1 Collaboration"],
            published="2003-07-07T13:46:39-04:00",
        ),
    ]
    async with connect(academic=["arxiv"], arxiv_url=fakes.url + "/arxiv/api/query") as client:
        result = await client.call_tool(
            "academic_search", {"query": "transformer attention", "count": 5, "year_from": 2020, "year_to": 2024}
        )
    [seen] = fakes.of("/arxiv")
    assert seen.query == {
        "search_query": "all:transformer AND all:attention AND submittedDate:[202001010000 TO 202412312359]",
        "start": "0",
        "max_results": "5",
        "sortBy": "relevance",
    }
    first, second = structured(result)["papers"]
    assert first == {
        "title": "Attention Is Enough",
        "authors": ["Ada Lovelace", "Alan Turing"],
        "year": 2024,
        "venue": "J. Things 1 (2024)",
        "abstract": "An abstract.",
        "doi": "10.1000/xyz",
        "arxiv_id": "2401.00001",
        "semantic_scholar_id": None,
        "url": "http://arxiv.org/abs/2401.00001v2",
        "pdf_url": "http://arxiv.org/pdf/2401.00001v2",
        "sources": ["arxiv"],
    }
    assert (second["arxiv_id"], second["venue"], second["year"]) == ("hep-ex/0307015", "arXiv", 2003)


async def test_arxiv_answering_broken_xml_is_reported(fakes: Fakes, connect: Connect) -> None:
    fakes.arxiv = ["<entry><title>unclosed"]
    async with connect(academic=["arxiv"], arxiv_url=fakes.url + "/arxiv/api/query") as client:
        with pytest.raises(ToolError, match="arXiv answered with a feed that is not valid XML"):
            await client.call_tool("academic_search", {"query": "x"})


async def test_semantic_scholar_sends_fields_year_and_key(fakes: Fakes, connect: Connect) -> None:
    fakes.s2 = [
        s2_paper(
            "abc123", "Graph Paper", year=2021, doi="10.5/G", arxiv="2101.1", venue="NeurIPS", authors=["Grace Hopper"]
        )
    ]
    async with connect(
        academic=["semantic_scholar"], semantic_scholar_url=fakes.url + "/s2/graph/v1", semantic_scholar_api_key="s2key"
    ) as client:
        result = await client.call_tool("academic_search", {"query": "graph networks", "year_from": 2019})
    [seen] = fakes.of("/s2")
    assert seen.headers["x-api-key"] == "s2key"
    assert seen.query == {
        "query": "graph networks",
        "limit": "10",
        "year": "2019-",
        "fields": "title,authors,year,venue,abstract,externalIds,url,openAccessPdf",
    }
    assert structured(result)["papers"] == [
        {
            "title": "Graph Paper",
            "authors": ["Grace Hopper"],
            "year": 2021,
            "venue": "NeurIPS",
            "abstract": None,
            "doi": "10.5/G",
            "arxiv_id": "2101.1",
            "semantic_scholar_id": "abc123",
            "url": "https://www.semanticscholar.org/paper/abc123",
            "pdf_url": None,
            "sources": ["semantic_scholar"],
        }
    ]
