"""web_search and academic_search as a whole: merging, partial failures, caching, missing providers."""

from __future__ import annotations

import pytest
from fastmcp.exceptions import ToolError
from pygent.servers.search.merge import url_key

from tests.fixtures.results import structured
from tests.servers.search.conftest import Connect
from tests.servers.search.fakes import BRAVE_KEY, Fakes, arxiv_entry, brave_result, s2_paper, searxng_result

pytestmark = pytest.mark.anyio


def both(fakes: Fakes) -> dict[str, object]:
    return {
        "searxng_url": fakes.url + "/searxng",
        "brave_api_key": BRAVE_KEY,
        "brave_url": fakes.url + "/brave/res/v1/web/search",
    }


async def test_without_a_provider_the_web_tools_name_the_settings(connect: Connect) -> None:
    async with connect() as client:
        with pytest.raises(
            ToolError, match=r"no search provider configured: set PYGENT_SEARCH_SEARXNG_URL .* or BRAVE_API_KEY"
        ):
            await client.call_tool("web_search", {"query": "mcp"})
        with pytest.raises(ToolError, match="no academic search provider configured: set PYGENT_SEARCH_ACADEMIC=arxiv"):
            await client.call_tool("academic_search", {"query": "mcp"})


def test_url_keys_ignore_scheme_www_slash_fragment_and_tracking() -> None:
    same = [
        "https://www.Example.org/a/?b=1&utm_source=x#top",
        "http://example.org/a?b=1",
        "https://example.org:443/a/?b=1",
    ]
    assert len({url_key(url) for url in same}) == 1
    assert url_key("https://example.org/a?b=2") != url_key("https://example.org/a?b=1")


async def test_results_of_two_providers_are_merged_by_url(fakes: Fakes, connect: Connect) -> None:
    fakes.searxng = [
        searxng_result("https://example.org/shared/", "Shared", "from searxng"),
        searxng_result("https://only-searxng.example/", "S"),
    ]
    fakes.brave = [
        brave_result("http://www.example.org/shared?utm_source=brave", "Shared too", "from brave"),
        brave_result("https://only-brave.example/", "B"),
    ]
    async with connect(**both(fakes)) as client:
        result = await client.call_tool("web_search", {"query": "shared", "count": 10})
    results = structured(result)["results"]
    assert results[0]["url"] == "https://example.org/shared/"
    assert results[0]["sources"] == ["brave", "searxng"]
    assert len(results) == 3
    assert {r["url"] for r in results[1:]} == {"https://only-searxng.example/", "https://only-brave.example/"}


async def test_one_failing_provider_is_reported_while_the_other_answers(fakes: Fakes, connect: Connect) -> None:
    fakes.searxng = [searxng_result("https://example.org/", "Up")]
    fakes.status["/brave"] = 503
    async with connect(**both(fakes)) as client:
        result = await client.call_tool("web_search", {"query": "x"})
    data = structured(result)
    assert [r["title"] for r in data["results"]] == ["Up"]
    assert data["failures"] == [{"provider": "brave", "message": "Brave answered 503"}]


async def test_when_every_provider_fails_the_tool_fails_naming_each(fakes: Fakes, connect: Connect) -> None:
    fakes.status["/brave"] = 503
    async with connect(**{**both(fakes), "searxng_url": "http://127.0.0.1:9/searxng"}) as client:
        with pytest.raises(
            ToolError, match=r"every search provider failed: .*searxng: cannot reach SearXNG at 127.0.0.1"
        ):
            await client.call_tool("web_search", {"query": "x"})


async def test_responses_are_cached_for_the_configured_time(fakes: Fakes, connect: Connect) -> None:
    fakes.searxng = [searxng_result("https://example.org/", "Cached")]
    async with connect(searxng_url=fakes.url + "/searxng") as client:
        first = await client.call_tool("web_search", {"query": "cache me"})
        second = await client.call_tool("web_search", {"query": "cache me"})
        other = await client.call_tool("web_search", {"query": "cache me", "count": 3})
    assert structured(first)["cached"] is False and structured(second)["cached"] is True
    assert structured(second)["results"] == structured(first)["results"]
    assert structured(other)["cached"] is False
    assert len(fakes.of("/searxng")) == 2


async def test_a_cache_ttl_of_zero_always_asks(fakes: Fakes, connect: Connect) -> None:
    async with connect(searxng_url=fakes.url + "/searxng", cache_ttl=0) as client:
        await client.call_tool("web_search", {"query": "again"})
        await client.call_tool("web_search", {"query": "again"})
    assert len(fakes.of("/searxng")) == 2


async def test_papers_from_arxiv_and_semantic_scholar_are_merged_by_doi(fakes: Fakes, connect: Connect) -> None:
    fakes.arxiv = [
        arxiv_entry(
            "2401.00001", "Attention Is Enough", authors=["Ada"], published="2024-01-02T00:00:00Z", doi="10.1000/XYZ"
        )
    ]
    fakes.s2 = [
        s2_paper("s2id", "Attention is enough", year=2024, doi="10.1000/xyz", venue="ICML"),
        s2_paper("other", "Something Else", year=2023),
    ]
    settings = {
        "academic": ["arxiv", "semantic_scholar"],
        "arxiv_url": fakes.url + "/arxiv/api/query",
        "semantic_scholar_url": fakes.url + "/s2/graph/v1",
    }
    async with connect(**settings) as client:
        result = await client.call_tool("academic_search", {"query": "attention"})
    papers = structured(result)["papers"]
    assert [p["title"] for p in papers] == ["Attention Is Enough", "Something Else"]
    merged = papers[0]
    assert merged["sources"] == ["arxiv", "semantic_scholar"]
    assert (merged["arxiv_id"], merged["semantic_scholar_id"], merged["venue"]) == ("2401.00001", "s2id", "ICML")


async def test_academic_fields_limit_what_comes_back(fakes: Fakes, connect: Connect) -> None:
    fakes.s2 = [s2_paper("p", "Title", year=2020, authors=["A"])]
    async with connect(academic=["semantic_scholar"], semantic_scholar_url=fakes.url + "/s2/graph/v1") as client:
        result = await client.call_tool("academic_search", {"query": "t", "fields": ["title", "year"]})
    [paper] = structured(result)["papers"]
    assert {k: v for k, v in paper.items() if v is not None} == {
        "title": "Title",
        "year": 2020,
        "sources": ["semantic_scholar"],
    }


async def test_bad_search_arguments_are_refused(fakes: Fakes, connect: Connect) -> None:
    async with connect(
        academic=["arxiv"], arxiv_url=fakes.url + "/arxiv/api/query", searxng_url=fakes.url + "/searxng"
    ) as client:
        with pytest.raises(ToolError, match="year_from 2024 is after year_to 2020"):
            await client.call_tool("academic_search", {"query": "x", "year_from": 2024, "year_to": 2020})
        with pytest.raises(ToolError):
            await client.call_tool("web_search", {"query": ""})
        with pytest.raises(ToolError):
            await client.call_tool("web_search", {"query": "x", "site": "evil.com OR secret"})
    assert fakes.requests == []
