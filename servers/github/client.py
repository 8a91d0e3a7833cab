"""GitHub REST client: token, pagination, conditional requests, rate limits, retries.

    async with GitHubClient(settings) as gh:
        me = await gh.get("/user")
        page = await gh.get_list("/repos/o/r/issues", {"state": "open"}, limit=120)
        issue = await gh.send("POST", "/repos/o/r/issues", {"title": "Bug"})

Only URLs on the origin of `api_url` ever receive the token: a `Link` or a
redirect that points elsewhere is refused, never followed. GET responses are
cached with their `ETag` and revalidated with `If-None-Match` (a 304 costs no
rate limit). When the rate limit is exhausted the client waits for the reset if
that is at most `rate_limit_wait` seconds away, and otherwise fails with the
reset time. 5xx answers and dropped connections to idempotent requests are
retried with exponential backoff.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

import anyio
import httpx2
from pygent.core.errors import PermissionDeniedError, UnavailableError, UpstreamError
from pygent.servers.github.errors import error_for
from pygent.servers.github.settings import GitHubSettings

log = logging.getLogger("pygent.servers.github.client")

API_VERSION = "2022-11-28"
JSON = "application/vnd.github+json"
DIFF = "application/vnd.github.diff"
RAW = "application/vnd.github.raw+json"
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 3
_CACHE_ENTRIES = 512

Sleep = Callable[[float], Awaitable[None]]


@dataclass
class Page:
    """Items gathered over one or more pages of a list endpoint."""

    items: list[Any]
    has_more: bool
    total_count: int | None = None


class GitHubClient:
    """One GitHub API origin, one token, shared by every tool of the server."""

    def __init__(
        self, settings: GitHubSettings, *, sleep: Sleep = anyio.sleep, clock: Callable[[], float] = time.time
    ) -> None:
        self._settings = settings
        self._token = settings.token.get_secret_value() if settings.has_token() and settings.token else None
        self._base = httpx2.URL(settings.api_url + "/")
        self._sleep = sleep
        self._clock = clock
        self._etags: OrderedDict[tuple[str, str], httpx2.Response] = OrderedDict()
        self._exhausted: dict[str, float] = {}
        self._connection: httpx2.AsyncClient | None = None

    @property
    def _http(self) -> httpx2.AsyncClient:
        # Opened on first use and closed by `aclose`, so one client object
        # survives the server's lifespan being entered more than once.
        if self._connection is None:
            self._connection = httpx2.AsyncClient(
                timeout=self._settings.timeout,
                follow_redirects=False,
                headers={"Accept": JSON, "X-GitHub-Api-Version": API_VERSION, "User-Agent": "pygent-factory-github"},
            )
        return self._connection

    async def aclose(self) -> None:
        if self._connection is not None:
            await self._connection.aclose()
            self._connection = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    @property
    def has_token(self) -> bool:
        return self._token is not None

    def require_token(self, action: str) -> None:
        """Raises PermissionDeniedError when no token is configured."""
        if self._token is None:
            raise PermissionDeniedError(f"{action} needs a GitHub token; set GITHUB_TOKEN")

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return (await self._request("GET", path, params=params)).json()

    async def get_text(self, path: str, accept: str = DIFF, params: Mapping[str, Any] | None = None) -> str:
        return (await self._request("GET", path, params=params, accept=accept)).text

    async def send(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        response = await self._request(method, path, body=body)
        return response.json() if response.content else None

    async def get_list(self, path: str, params: Mapping[str, Any] | None = None, *, limit: int = 30) -> Page:
        """Follow `Link: rel="next"` until `limit` items are gathered.

        Search endpoints (`{"total_count", "items"}`) and plain lists both work.
        """
        query: dict[str, Any] | None = {**(params or {}), "per_page": min(limit, 100)}
        items: list[Any] = []
        total: int | None = None
        target: str | None = path
        while target is not None and len(items) < limit:
            response = await self._request("GET", target, params=query)
            data = response.json()
            if isinstance(data, dict) and "items" in data:
                total = data.get("total_count")
                items.extend(data["items"])
            elif isinstance(data, list):
                items.extend(data)
            else:
                raise UpstreamError(f"GitHub answered GET {path} with something that is not a list")
            target = response.links.get("next", {}).get("url")
            query = None  # the next link carries the whole query
        return Page(items[:limit], has_more=len(items) > limit or target is not None, total_count=total)

    def _url(self, target: str) -> httpx2.URL:
        """An absolute URL on our origin; anything else is refused (the token must not leave it)."""
        url = (
            self._base.join(target.lstrip("/"))
            if not target.startswith(("http://", "https://"))
            else httpx2.URL(target)
        )
        if _origin(url) != _origin(self._base):
            raise UpstreamError(
                f"GitHub pointed to another host ({url.host}); not followed, so the token stays with {self._base.host}"
            )
        return url

    async def _request(
        self,
        method: str,
        target: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        accept: str = JSON,
    ) -> httpx2.Response:
        url = self._url(target)
        for _ in range(_MAX_REDIRECTS + 1):
            response = await self._send(method, url, params=params, body=body, accept=accept)
            if response.status_code not in _REDIRECTS or "location" not in response.headers:
                break
            url = self._url(str(url.join(response.headers["location"])))
            params = None
            if response.status_code in (301, 302, 303) and method != "GET":
                method, body = "GET", None
        else:
            raise UpstreamError(f"GitHub redirected {target} more than {_MAX_REDIRECTS} times")
        request = f"{method} {url.path}"
        if response.status_code == 304:
            cached = self._etags.get((str(response.request.url), accept))
            if cached is not None:
                self._etags.move_to_end((str(response.request.url), accept))
                return cached
        if not response.is_success:
            raise error_for(response, request, has_token=self.has_token, token=self._token)
        if method == "GET" and "etag" in response.headers:
            self._remember(str(response.request.url), accept, response)
        return response

    async def _send(
        self,
        method: str,
        url: httpx2.URL,
        *,
        params: Mapping[str, Any] | None,
        body: Mapping[str, Any] | None,
        accept: str,
    ) -> httpx2.Response:
        headers = {"Accept": accept}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        # An empty `params` would wipe the query already in `url` (httpx semantics).
        request = self._http.build_request(method, url, params=params or None, json=body, headers=headers)
        if method == "GET":
            cached = self._etags.get((str(request.url), accept))
            if cached is not None:
                request.headers["If-None-Match"] = cached.headers["etag"]
        resource = "search" if url.path.startswith(self._base.path + "search/") else "core"
        attempt = 0
        waited = False
        while True:
            await self._respect_exhausted(resource, f"{method} {url.path}")
            try:
                response = await self._http.send(request)
                await response.aread()
            except httpx2.TimeoutException:
                failure = f"GitHub did not answer {method} {url.path} within {self._settings.timeout:g} s"
            except httpx2.TransportError as exc:
                failure = f"cannot reach GitHub at {self._base.host} ({type(exc).__name__})"
            else:
                log.debug("github %s %s -> %s", method, url.path, response.status_code)
                self._note_limit(response, resource)
                wait = self._rate_limit_wait(response)
                if wait is not None:
                    if waited or wait > self._settings.rate_limit_wait:
                        raise self._limit_error(response, f"{method} {url.path}", wait)
                    waited = True
                    await self._sleep(wait)
                    continue
                if response.status_code < 500 or method not in _IDEMPOTENT or attempt >= self._settings.max_retries:
                    return response
                failure = f"GitHub answered {response.status_code} to {method} {url.path}"
            if method not in _IDEMPOTENT or attempt >= self._settings.max_retries:
                raise UnavailableError(failure)
            await self._sleep(self._settings.retry_backoff * 2**attempt)
            attempt += 1

    def _note_limit(self, response: httpx2.Response, resource: str) -> None:
        name = response.headers.get("x-ratelimit-resource", resource)
        if response.headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in response.headers:
            self._exhausted[name] = float(response.headers["x-ratelimit-reset"])
        else:
            self._exhausted.pop(name, None)

    async def _respect_exhausted(self, resource: str, request: str) -> None:
        reset = self._exhausted.get(resource)
        if reset is None:
            return
        wait = reset - self._clock()
        if wait <= 0:
            self._exhausted.pop(resource, None)
        elif wait <= self._settings.rate_limit_wait:
            await self._sleep(wait)
            self._exhausted.pop(resource, None)
        else:
            raise UpstreamError(f"GitHub rate limit exhausted; {request} not sent. {_reset_text(reset, wait)}")

    def _rate_limit_wait(self, response: httpx2.Response) -> float | None:
        """Seconds until a rate-limited request may be retried; None when it was not rate limited."""
        if response.status_code not in (403, 429):
            return None
        headers = response.headers
        if "retry-after" in headers:
            try:
                return max(float(headers["retry-after"]), 0.0)
            except ValueError:
                return 60.0
        if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
            return max(float(headers["x-ratelimit-reset"]) - self._clock(), 0.0)
        return None

    def _limit_error(self, response: httpx2.Response, request: str, wait: float) -> UpstreamError:
        limit = response.headers.get("x-ratelimit-limit")
        what = f"GitHub rate limit of {limit} requests exhausted" if limit else "GitHub rate limit hit"
        hint = "" if self.has_token else " Set GITHUB_TOKEN for a higher limit."
        return UpstreamError(f"{what} ({request}). {_reset_text(self._clock() + wait, wait)}{hint}")

    def _remember(self, url: str, accept: str, response: httpx2.Response) -> None:
        self._etags[(url, accept)] = response
        self._etags.move_to_end((url, accept))
        while len(self._etags) > _CACHE_ENTRIES:
            self._etags.popitem(last=False)


def _origin(url: httpx2.URL) -> tuple[str, str, int]:
    return url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80)


def _reset_text(reset: float, wait: float) -> str:
    at = datetime.fromtimestamp(reset, UTC).strftime("%H:%M:%S UTC")
    return f"It resets at {at}, in {max(int(wait + 0.999), 0)} s; try again then."
