"""What every provider shares: query types, the provider protocols, and one HTTP helper.

    response = await request(http, "Brave", url, params={"q": "mcp"}, headers={...})

`request` turns transport failures and HTTP error statuses into our error
types with the provider's name, so a tool can report each failing provider.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import unescape
from typing import Any, Literal, Protocol

import httpx2
from pygent.core.errors import PermissionDeniedError, UnavailableError, UpstreamError
from pygent.servers.search.models import Paper, WebResult

Freshness = Literal["day", "week", "month", "year"]
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class WebQuery:
    query: str
    count: int
    freshness: Freshness | None = None
    site: str | None = None

    @property
    def text(self) -> str:
        """The query with the site filter in the `site:` syntax both providers understand."""
        return f"{self.query} site:{self.site}" if self.site else self.query


@dataclass(frozen=True)
class AcademicQuery:
    query: str
    count: int
    year_from: int | None = None
    year_to: int | None = None


class WebProvider(Protocol):
    @property
    def name(self) -> str: ...

    async def search(self, http: httpx2.AsyncClient, query: WebQuery) -> list[WebResult]: ...


class AcademicProvider(Protocol):
    @property
    def name(self) -> str: ...

    async def search(self, http: httpx2.AsyncClient, query: AcademicQuery) -> list[Paper]: ...


def plain(text: str | None) -> str:
    """Provider snippets carry HTML highlighting (`<strong>`); keep the words only."""
    return unescape(_TAG.sub("", text or "")).strip()


async def request(
    http: httpx2.AsyncClient,
    provider: str,
    url: str,
    *,
    params: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
) -> httpx2.Response:
    """GET `url`; the response when it succeeded.

    Raises:
        UnavailableError: the provider could not be reached or timed out.
        PermissionDeniedError: the provider refused the key (401/403).
        UpstreamError: any other error status.
    """
    try:
        response = await http.get(url, params=params, headers=headers)
    except httpx2.TimeoutException:
        raise UnavailableError(f"{provider} did not answer in time") from None
    except httpx2.TransportError as exc:
        host = httpx2.URL(url).host
        raise UnavailableError(f"cannot reach {provider} at {host} ({type(exc).__name__})") from None
    if response.status_code in (401, 403):
        raise PermissionDeniedError(
            f"{provider} refused the request ({response.status_code}); check its API key or settings"
        )
    if response.status_code == 429:
        raise UpstreamError(f"{provider} rate-limited the request (429); try again later")
    if not response.is_success:
        raise UpstreamError(f"{provider} answered {response.status_code}")
    return response


def json_body(response: httpx2.Response, provider: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise UpstreamError(f"{provider} answered with something that is not JSON") from None
