"""The mesh of a running host, through its REST API.

    client = await find_host(settings, url=None, token=None)     # None when no host answers
    async with client:
        rows = await RestControl(client).servers()

An error answer becomes the error it stands for (`error_for_status`), so the
CLI reports `unknown server 'x'` the same whether a host runs or not.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx2
from pygent.client import answer_of
from pygent.core.errors import UnavailableError
from pygent.core.network import is_loopback
from pygent.core.settings import Settings
from pygent.host.api import ServerDetail, ServerSummary
from pygent.registry.models import ServerEntry, dump_entry, parse_entry

PROBE_TIMEOUT = 1.0


class HostClient:
    """A running host's REST API."""

    def __init__(self, url: str, token: str | None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.url = url.rstrip("/")
        self.http = httpx2.AsyncClient(base_url=self.url, headers=headers, timeout=httpx2.Timeout(5.0, read=600.0))

    async def __aenter__(self) -> HostClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.http.aclose()

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        """The answer's JSON.

        Raises:
            PygentError: the class of the answer's status, with its message.
            UnavailableError: the host cannot be reached.
        """
        # State-changing requests are JSON only (the host's CSRF rule), bodiless ones included.
        payload = {} if body is None and method in ("POST", "PUT", "PATCH") else body
        try:
            response = await self.http.request(method, path, json=payload)
        except httpx2.HTTPError as exc:
            raise UnavailableError(f"cannot reach the host at {self.url}: {exc}") from None
        return answer_of(response)


async def find_host(settings: Settings, url: str | None, token: str | None) -> HostClient | None:
    """The host at `url` (which must answer), or at the configured address if one answers there.

    Raises:
        UnavailableError: `url` was given and does not answer.
    """
    token = token or (settings.tokens[0] if settings.tokens else None)
    if url:
        client = HostClient(url, token)
        try:
            await client.request("GET", "/healthz")
        except BaseException:
            await client.http.aclose()
            raise
        return client
    host = settings.host if is_loopback(settings.host) else "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    client = HostClient(f"http://{shown}:{settings.port}", token)
    try:
        response = await client.http.get("/healthz", timeout=PROBE_TIMEOUT)
        if response.status_code == 200:
            return client
    except httpx2.HTTPError:
        pass
    await client.http.aclose()
    return None


def _server_path(name: str, action: str = "") -> str:
    return f"/api/servers/{quote(name, safe='')}{'/' + action if action else ''}"


class RestControl:
    """`MeshControl` over a running host."""

    live = True

    def __init__(self, client: HostClient) -> None:
        self.client = client

    async def servers(self) -> list[ServerSummary]:
        return [ServerSummary.model_validate(row) for row in await self.client.request("GET", "/api/servers")]

    async def server(self, name: str) -> ServerDetail:
        return ServerDetail.model_validate(await self.client.request("GET", _server_path(name)))

    async def add(self, name: str, entry: ServerEntry) -> ServerSummary:
        row = await self.client.request("POST", "/api/servers", {"name": name, "config": dump_entry(entry)})
        return ServerSummary.model_validate(row)

    async def remove(self, name: str) -> None:
        await self.client.request("DELETE", _server_path(name))

    async def set_enabled(self, name: str, enabled: bool) -> ServerSummary:
        action = "enable" if enabled else "disable"
        return ServerSummary.model_validate(await self.client.request("POST", _server_path(name, action)))

    async def restart(self, name: str) -> ServerSummary:
        return ServerSummary.model_validate(await self.client.request("POST", _server_path(name, "restart")))

    async def entries(self) -> dict[str, ServerEntry]:
        return {row.name: parse_entry(row.config) for row in await self.servers()}

    async def tools(self) -> list[dict[str, Any]]:
        tools: list[dict[str, Any]] = await self.client.request("GET", "/api/tools")
        return tools

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        path = f"/api/tools/{quote(name, safe='')}/call"
        result: dict[str, Any] = await self.client.request("POST", path, {"arguments": arguments})
        return result
