"""`web_search` and `academic_search`: every configured provider at once, merged, cached.

    add_web_tools(mcp, settings, http, cache)

A provider that fails is reported in `failures` while the others still answer;
only when every provider fails does the tool fail, naming each reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Annotated, Any, Literal, TypeVar

import anyio
import httpx2
from fastmcp import FastMCP
from pydantic import Field
from pygent.core.errors import ConfigError, InvalidArgumentError, PygentError, UnavailableError
from pygent.servers.search.cache import ResponseCache
from pygent.servers.search.merge import merge_papers, merge_web
from pygent.servers.search.models import AcademicSearchResult, Paper, ProviderFailure, WebSearchResult
from pygent.servers.search.providers.base import AcademicQuery, Freshness, WebQuery
from pygent.servers.search.providers.configured import (
    NO_ACADEMIC_PROVIDER,
    NO_WEB_PROVIDER,
    academic_providers,
    web_providers,
)
from pygent.servers.search.settings import SearchSettings

SEARCH = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": True}
PaperField = Literal[
    "title", "authors", "year", "venue", "abstract", "doi", "arxiv_id", "semantic_scholar_id", "url", "pdf_url"
]
T = TypeVar("T")


async def gather(
    calls: Sequence[tuple[str, Callable[[], Awaitable[list[T]]]]],
) -> tuple[list[list[T]], list[ProviderFailure]]:
    """Run every provider concurrently; their result lists in order, and the failures."""
    results: list[list[T] | None] = [None] * len(calls)
    failures: list[ProviderFailure] = []

    async def one(index: int, name: str, call: Callable[[], Awaitable[list[T]]]) -> None:
        try:
            results[index] = await call()
        except PygentError as exc:
            failures.append(ProviderFailure(provider=name, message=exc.message))

    async with anyio.create_task_group() as group:
        for index, (name, call) in enumerate(calls):
            group.start_soon(one, index, name, call)
    if not any(result is not None for result in results):
        raise UnavailableError(
            "every search provider failed: " + "; ".join(f"{f.provider}: {f.message}" for f in failures)
        )
    return [result for result in results if result is not None], failures


def add_web_tools(
    mcp: FastMCP[Any], settings: SearchSettings, http: Callable[[], httpx2.AsyncClient], cache: ResponseCache
) -> None:
    web = web_providers(settings)
    academic = academic_providers(settings)

    @mcp.tool(annotations=SEARCH, tags={"web"})
    async def web_search(
        query: Annotated[str, Field(min_length=1, max_length=400)],
        count: Annotated[int, Field(ge=1, le=50)] = 10,
        freshness: Annotated[
            Freshness | None, Field(description="only pages from the last day/week/month/year")
        ] = None,
        site: Annotated[
            str | None, Field(description="only this site, e.g. docs.python.org", pattern=r"^[\w.-]+(/[\w./-]*)?$")
        ] = None,
    ) -> WebSearchResult:
        """Search the web with every configured provider; results merged and de-duplicated by URL."""
        if not web:
            raise ConfigError(NO_WEB_PROVIDER)
        q = WebQuery(query.strip(), count, freshness, site)
        key = {"providers": [p.name for p in web], "q": q.query, "count": count, "freshness": freshness, "site": site}
        if (hit := await cache.get("web", key)) is not None:
            return WebSearchResult.model_validate({**hit, "cached": True})
        lists, failures = await gather([(p.name, partial(p.search, http(), q)) for p in web])
        result = WebSearchResult(query=q.query, results=merge_web(lists, count), failures=failures)
        if not failures:
            await cache.put("web", key, result.model_dump())
        return result

    @mcp.tool(annotations=SEARCH, tags={"academic"})
    async def academic_search(
        query: Annotated[str, Field(min_length=1, max_length=400)],
        count: Annotated[int, Field(ge=1, le=50)] = 10,
        year_from: Annotated[int | None, Field(ge=1800, le=2100)] = None,
        year_to: Annotated[int | None, Field(ge=1800, le=2100)] = None,
        fields: Annotated[list[PaperField] | None, Field(description="fields to return; default all")] = None,
    ) -> AcademicSearchResult:
        """Search papers (arXiv, Semantic Scholar): title, authors, year, venue, abstract, DOI/arXiv ids, links.
        Results merged and de-duplicated by DOI, arXiv id or title."""
        if not academic:
            raise ConfigError(NO_ACADEMIC_PROVIDER)
        if year_from and year_to and year_from > year_to:
            raise InvalidArgumentError(f"year_from {year_from} is after year_to {year_to}")
        q = AcademicQuery(query.strip(), count, year_from, year_to)
        key = {"providers": [p.name for p in academic], "q": q.query, "count": count, "years": [year_from, year_to]}
        cached = await cache.get("academic", key)
        if cached is not None:
            result = AcademicSearchResult.model_validate({**cached, "cached": True})
        else:
            lists, failures = await gather([(p.name, partial(p.search, http(), q)) for p in academic])
            result = AcademicSearchResult(query=q.query, papers=merge_papers(lists, count), failures=failures)
            if not failures:
                await cache.put("academic", key, result.model_dump())
        if fields:
            keep = set(fields) | {"sources"}
            result.papers = [Paper(**paper.model_dump(include=keep)) for paper in result.papers]
        return result
