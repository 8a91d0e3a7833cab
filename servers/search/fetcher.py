"""HTTP GET for untrusted URLs: http(s) only, address-checked and pinned on every hop, capped.

    fetcher = SafeFetcher(AddressGuard(), timeout=20, max_bytes=5_000_000, max_redirects=5)
    page = await fetcher.get("https://example.org/")      # page.body, page.truncated, page.url

Each hop resolves the host once through the guard and connects to exactly that
address (the URL's host is swapped for the checked IP; `Host` and TLS SNI keep
the name, so certificates are still verified against it). Redirects are
followed by hand so each new location gets the same check. Proxies from the
environment are ignored: a proxy would make the address check meaningless.
Connections are never kept alive between requests: a pooled connection to an
address could otherwise carry a request for another name without its own TLS
check. The client itself (its TLS context) is reused.
"""

from __future__ import annotations

from dataclasses import dataclass

import anyio
import httpx2
from pygent.core.errors import CallTimeoutError, InvalidArgumentError, LimitExceededError, UnavailableError
from pygent.servers.search.netguard import AddressGuard

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/json;q=0.8,*/*;q=0.5"


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    truncated: bool

    def text(self) -> str:
        return self.body.decode(self.charset or "utf-8", errors="replace")


def parse_url(url: str) -> httpx2.URL:
    """A fetchable URL.

    Raises:
        InvalidArgumentError: malformed, not http(s), or without a host.
    """
    try:
        parsed = httpx2.URL(url.strip())
    except (httpx2.InvalidURL, ValueError, TypeError) as exc:
        raise InvalidArgumentError(f"{url!r} is not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        shown = parsed.scheme or "none"
        raise InvalidArgumentError(f"{url!r}: only http and https URLs can be fetched (scheme: {shown})")
    if not parsed.host:
        raise InvalidArgumentError(f"{url!r} has no host")
    return parsed


def _host_header(url: httpx2.URL) -> str:
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{host}:{url.port}" if url.port else host


class SafeFetcher:
    def __init__(self, guard: AddressGuard, *, timeout: float, max_bytes: int, max_redirects: int) -> None:
        self.guard = guard
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._client: httpx2.AsyncClient | None = None

    def _http(self) -> httpx2.AsyncClient:
        if self._client is None:
            self._client = httpx2.AsyncClient(
                trust_env=False,
                follow_redirects=False,
                timeout=self.timeout,
                limits=httpx2.Limits(max_keepalive_connections=0),
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def get(self, url: str, *, user_agent: str) -> Page:
        """Fetch `url`, following up to `max_redirects` redirects, reading at most `max_bytes`.

        Raises:
            InvalidArgumentError: the URL (or a redirect target) is not a fetchable URL.
            PermissionDeniedError: a hop leads to an address that is not allowed.
            LimitExceededError: too many redirects.
            CallTimeoutError: the whole fetch took longer than `timeout`.
            UnavailableError: the host cannot be resolved or reached.
        """
        target = parse_url(url)
        try:
            with anyio.fail_after(self.timeout):
                return await self._follow(self._http(), target, user_agent)
        except TimeoutError:
            raise CallTimeoutError(f"fetching {url} took longer than {self.timeout:g} s") from None

    async def _follow(self, http: httpx2.AsyncClient, target: httpx2.URL, user_agent: str) -> Page:
        for _ in range(self.max_redirects + 1):
            port = target.port or (443 if target.scheme == "https" else 80)
            address = await self.guard.resolve(target.host, port)
            headers = {"Host": _host_header(target), "User-Agent": user_agent, "Accept": ACCEPT}
            extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
            request = http.build_request("GET", target.copy_with(host=address), headers=headers, extensions=extensions)
            try:
                response = await http.send(request, stream=True)
            except httpx2.TimeoutException:
                raise CallTimeoutError(f"{target.host} did not answer in time") from None
            except httpx2.TransportError as exc:
                raise UnavailableError(f"cannot connect to {target.host} ({type(exc).__name__})") from None
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    target = parse_url(str(target.join(location)))
                    continue
                body, truncated = await self._read(response)
                return Page(
                    url=str(target),
                    status=response.status_code,
                    content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                    charset=response.charset_encoding,
                    body=body,
                    truncated=truncated,
                )
            finally:
                await response.aclose()
        raise LimitExceededError(f"more than {self.max_redirects} redirects; stopped at {target}")

    async def _read(self, response: httpx2.Response) -> tuple[bytes, bool]:
        """The decoded body, cut at `max_bytes` (counted after decompression, so bombs stop too)."""
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= self.max_bytes:
                return b"".join(chunks)[: self.max_bytes], True
        return b"".join(chunks), False
