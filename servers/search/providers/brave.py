"""The Brave Search API (`/res/v1/web/search`, key in `X-Subscription-Token`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx2
from pygent.servers.search.models import WebResult
from pygent.servers.search.providers.base import WebQuery, json_body, plain, request

_FRESHNESS = {"day": "pd", "week": "pw", "month": "pm", "year": "py"}


@dataclass(frozen=True)
class Brave:
    url: str
    api_key: str = field(repr=False)
    name: str = "brave"

    async def search(self, http: httpx2.AsyncClient, query: WebQuery) -> list[WebResult]:
        params: dict[str, Any] = {"q": query.text, "count": min(query.count, 20)}
        if query.freshness:
            params["freshness"] = _FRESHNESS[query.freshness]
        headers = {"Accept": "application/json", "X-Subscription-Token": self.api_key}
        response = await request(http, "Brave", self.url, params=params, headers=headers)
        results = (json_body(response, "Brave").get("web") or {}).get("results") or []
        return [
            WebResult(
                title=plain(item.get("title")) or item["url"],
                url=item["url"],
                snippet=plain(item.get("description")),
                published=item.get("page_age") or item.get("age"),
                sources=[self.name],
            )
            for item in results[: query.count]
            if isinstance(item, dict) and item.get("url")
        ]
