"""Fetch one web page for `ingest_url`, with size and time caps and an address check.

Loopback, private, link-local and other non-public addresses are refused unless
the server is configured to allow them (`PYGENT_RAG_ALLOW_PRIVATE_URLS`), so a
caller cannot make the server read an internal service. The host name is
resolved once, every address it resolves to is checked, and the connection
goes to the checked address (Host header and TLS name kept), so a DNS answer
that changes between check and connect cannot slip through. Redirects are
followed by hand, up to five, each one checked the same way.

    page = await fetch(url, max_bytes=10_000_000, timeout=20, allow_private=False)
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import anyio
import httpx2
from pygent.core.errors import (
    CallTimeoutError,
    InvalidArgumentError,
    LimitExceededError,
    PermissionDeniedError,
    UpstreamError,
)

MAX_REDIRECTS = 5
KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/plain": "text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


@dataclass
class Page:
    url: str  # after redirects
    data: bytes
    kind: str | None  # from the Content-Type; None: decide by the URL's extension


async def fetch(url: str, *, max_bytes: int, timeout: float, allow_private: bool) -> Page:
    """Download `url` (http or https).

    Raises:
        InvalidArgumentError: not an http(s) URL.
        PermissionDeniedError: the host is a non-public address and that is not allowed.
        LimitExceededError: the page is larger than `max_bytes`.
        CallTimeoutError: it took longer than `timeout` seconds.
        UpstreamError: the server answered with an error or could not be reached.
    """
    try:
        with anyio.fail_after(timeout):
            return await _fetch(url, max_bytes, allow_private)
    except TimeoutError:
        raise CallTimeoutError(f"fetching {url} took longer than {timeout:g} s") from None


async def _fetch(url: str, max_bytes: int, allow_private: bool) -> Page:
    async with httpx2.AsyncClient(follow_redirects=False, headers={"User-Agent": "pygent-rag/0.1"}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise InvalidArgumentError(f"not an http(s) URL: {url!r}")
            address = await _checked_address(parts.hostname, parts.port, allow_private)
            host = f"[{address}]" if ":" in address else address
            netloc = host + (f":{parts.port}" if parts.port else "")
            pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
            request = client.build_request(
                "GET",
                pinned,
                headers={"Host": parts.netloc.rsplit("@", 1)[-1]},
                extensions={"sni_hostname": parts.hostname},
            )
            try:
                response = await client.send(request, stream=True)
            except httpx2.HTTPError as exc:
                raise UpstreamError(f"cannot fetch {url}: {exc}") from None
            try:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code >= 400:
                    raise UpstreamError(f"{url} answered HTTP {response.status_code}")
                data = await _read(response, url, max_bytes)
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                return Page(url=url, data=data, kind=KINDS.get(content_type))
            finally:
                await response.aclose()
    raise UpstreamError(f"{url}: more than {MAX_REDIRECTS} redirects")


async def _read(response: httpx2.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise LimitExceededError(f"{url} is {declared} bytes; the limit is {max_bytes} (PYGENT_RAG_URL_MAX_BYTES)")
    chunks = []
    size = 0
    async for part in response.aiter_bytes():
        size += len(part)
        if size > max_bytes:
            raise LimitExceededError(f"{url} is larger than the limit of {max_bytes} bytes (PYGENT_RAG_URL_MAX_BYTES)")
        chunks.append(part)
    return b"".join(chunks)


async def _checked_address(hostname: str, port: int | None, allow_private: bool) -> str:
    try:
        infos = await anyio.getaddrinfo(hostname, port or 443, type=socket.SOCK_STREAM)
    except OSError:
        raise UpstreamError(f"cannot resolve host {hostname!r}") from None
    addresses = [str(info[4][0]) for info in infos]
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise PermissionDeniedError(
                    f"refusing to fetch {hostname}: it resolves to the non-public address {address} "
                    "(set PYGENT_RAG_ALLOW_PRIVATE_URLS=true to allow loopback and private networks)"
                )
    return addresses[0]
