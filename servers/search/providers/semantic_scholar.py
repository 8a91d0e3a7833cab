"""The Semantic Scholar Graph API (`/paper/search`), with an optional `x-api-key`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx2
from pygent.servers.search.models import Paper
from pygent.servers.search.providers.base import AcademicQuery, json_body, request

FIELDS = "title,authors,year,venue,abstract,externalIds,url,openAccessPdf"


def year_filter(query: AcademicQuery) -> str | None:
    if query.year_from is None and query.year_to is None:
        return None
    return f"{query.year_from or ''}-{query.year_to or ''}"


@dataclass(frozen=True)
class SemanticScholar:
    url: str
    api_key: str | None = field(default=None, repr=False)
    name: str = "semantic_scholar"

    async def search(self, http: httpx2.AsyncClient, query: AcademicQuery) -> list[Paper]:
        params: dict[str, Any] = {"query": query.query, "limit": min(query.count, 100), "fields": FIELDS}
        if (years := year_filter(query)) is not None:
            params["year"] = years
        headers = {"x-api-key": self.api_key} if self.api_key else None
        response = await request(http, "Semantic Scholar", f"{self.url}/paper/search", params=params, headers=headers)
        papers = []
        for item in json_body(response, "Semantic Scholar").get("data") or []:
            ids = item.get("externalIds") or {}
            pdf = (item.get("openAccessPdf") or {}).get("url")
            papers.append(
                Paper(
                    title=item.get("title"),
                    authors=[a["name"] for a in item.get("authors") or [] if a.get("name")],
                    year=item.get("year"),
                    venue=item.get("venue") or None,
                    abstract=item.get("abstract"),
                    doi=ids.get("DOI"),
                    arxiv_id=ids.get("ArXiv"),
                    semantic_scholar_id=item.get("paperId"),
                    url=item.get("url"),
                    pdf_url=pdf or None,
                    sources=[self.name],
                )
            )
        return papers[: query.count]
