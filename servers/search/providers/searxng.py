"""SearXNG's JSON API (`/search?format=json`), e.g. a instance run locally by the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
from pygent.core.errors import PermissionDeniedError
from pygent.servers.search.models import WebResult
from pygent.servers.search.providers.base import WebQuery, json_body, plain, request


@dataclass(frozen=True)
class SearXNG:
    base_url: str
    name: str = "searxng"

    async def search(self, http: httpx2.AsyncClient, query: WebQuery) -> list[WebResult]:
        params: dict[str, Any] = {"q": query.text, "format": "json", "pageno": 1}
        if query.freshness:
            params["time_range"] = query.freshness
        try:
            response = await request(http, "SearXNG", f"{self.base_url}/search", params=params)
        except PermissionDeniedError:
            raise PermissionDeniedError(
                "SearXNG refused the JSON format (403); enable it under search.formats in its settings.yml"
            ) from None
        results = json_body(response, "SearXNG").get("results") or []
        return [
            WebResult(
                title=plain(item.get("title")) or item["url"],
                url=item["url"],
                snippet=plain(item.get("content")),
                published=item.get("publishedDate"),
                sources=[self.name],
            )
            for item in results[: query.count]
            if isinstance(item, dict) and item.get("url")
        ]
