"""robots.txt for autonomous fetching: refuse what a site asks robots not to fetch.

    robots = RobotsCheck(fetcher, cache, user_agent)
    await robots.check(httpx2.URL("https://example.org/private/a"))   # PermissionDeniedError if disallowed

Follows the reference MCP fetch server: a 401/403 answer for robots.txt means
"no robots at all", any other 4xx means "no rules". A 5xx answer is treated as
a temporary "not now" (RFC 9309 §2.3.1.4). Parsing is Protego's (wildcards,
`Allow` precedence, longest match).
"""

from __future__ import annotations

import httpx2
from protego import Protego
from pygent.core.errors import PermissionDeniedError, UnavailableError
from pygent.servers.search.cache import ResponseCache
from pygent.servers.search.fetcher import SafeFetcher

HINT = "a person can fetch it with the fetch_page prompt, or set PYGENT_SEARCH_IGNORE_ROBOTS_TXT=true"


class RobotsCheck:
    def __init__(self, fetcher: SafeFetcher, cache: ResponseCache, user_agent: str) -> None:
        self.fetcher = fetcher
        self.cache = cache
        self.user_agent = user_agent

    async def _rules(self, origin: str) -> tuple[int, str]:
        cached = await self.cache.get("robots", origin)
        if cached is not None:
            return int(cached[0]), str(cached[1])
        try:
            page = await self.fetcher.get(f"{origin}/robots.txt", user_agent=self.user_agent)
        except UnavailableError as exc:
            raise UnavailableError(f"could not read {origin}/robots.txt ({exc.message}); not fetching") from None
        rules = (page.status, page.text() if page.status < 300 else "")
        await self.cache.put("robots", origin, list(rules))
        return rules

    async def check(self, url: httpx2.URL) -> None:
        """Raises PermissionDeniedError when robots.txt of the URL's site disallows it for us."""
        origin = str(url.copy_with(path="/", query=None, fragment=None)).rstrip("/")
        status, text = await self._rules(origin)
        if status in (401, 403):
            raise PermissionDeniedError(f"{origin}/robots.txt answered {status}: the site allows no robots; {HINT}")
        if status >= 500:
            raise UnavailableError(f"{origin}/robots.txt answered {status}; not fetching until the site answers it")
        if 400 <= status < 500 or not text.strip():
            return
        if not Protego.parse(text).can_fetch(str(url), self.user_agent):
            raise PermissionDeniedError(f"robots.txt of {origin} disallows {url.path} for this fetcher; {HINT}")
