"""The HTTP client the search providers share, opened on first use and closed with the server.

clients = ProviderHTTP(timeout=15)
response = await clients.get().get(url)
await clients.aclose()
"""

from __future__ import annotations

import httpx2

USER_AGENT = "PyGentFactory/0.1 (+https://github.com/pygent-factory)"


class ProviderHTTP:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._client: httpx2.AsyncClient | None = None

    def get(self) -> httpx2.AsyncClient:
        if self._client is None:
            self._client = httpx2.AsyncClient(timeout=self.timeout, headers={"User-Agent": USER_AGENT})
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
