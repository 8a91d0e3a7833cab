"""Guards in front of every HTTP face of the host: Host/Origin checks, bearer tokens,
body size and rate limits.

- Host: loopback names, the bound address and `allowed_hosts`; anything else
  gets 421 (DNS-rebinding protection).
- Origin: when present it must be same-origin, loopback (for a loopback Host),
  or listed in `allowed_origins`; otherwise 403.
- Tokens: with tokens configured, every request except `GET /healthz` needs
  `Authorization: Bearer <token>`; otherwise 401.
- Bodies over `max_body_bytes` get 413; clients over `rate_limit` requests per
  second (burst of twice that) get 429.

The host refuses to listen beyond loopback without tokens (`check_bind`).
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pygent.core.errors import ConfigError
from pygent.core.network import is_loopback
from starlette.types import ASGIApp, Message, Receive, Scope, Send

OPEN_PATHS = frozenset({"/healthz"})


def check_bind(host: str, tokens: Iterable[str]) -> None:
    """Refuse a non-loopback bind without bearer tokens.

    Raises:
        ConfigError: the host would be reachable from the network unauthenticated.
    """
    if not is_loopback(host) and not list(tokens):
        raise ConfigError(
            f"refusing to listen on {host}: set bearer tokens first (PYGENT_TOKENS or --token) "
            "so every HTTP face requires them"
        )


def _split_host(value: str) -> tuple[str, str | None]:
    if value.startswith("["):
        end = value.find("]")
        host, rest = value[1:end], value[end + 1 :]
        return host.lower(), rest[1:] if rest.startswith(":") else None
    host, _, port = value.partition(":")
    return host.lower(), port or None


@dataclass
class SecurityPolicy:
    bind_host: str = "127.0.0.1"
    port: int = 8000
    tokens: list[str] = field(default_factory=list)
    allowed_hosts: list[str] = field(default_factory=list)
    allowed_origins: list[str] = field(default_factory=list)
    max_body_bytes: int = 4 * 1024 * 1024
    rate_limit: float = 100.0

    def host_allowed(self, header: str) -> bool:
        host, port = _split_host(header)
        if is_loopback(host) or host == self.bind_host.lower().strip("[]"):
            return True
        for allowed in self.allowed_hosts:
            a_host, a_port = _split_host(allowed.lower())
            if a_host == host and (a_port in (None, "*") or a_port == port):
                return True
        return False

    def origin_allowed(self, origin: str, host_header: str) -> bool:
        if origin in self.allowed_origins or "*" in self.allowed_origins:
            return True
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        if parts.netloc.lower() == host_header.lower():
            return True  # same origin
        request_host, _ = _split_host(host_header)
        return is_loopback(parts.hostname) and is_loopback(request_host)

    def token_allowed(self, header: str) -> str | None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        for candidate in self.tokens:
            if hmac.compare_digest(candidate.encode(), token.strip().encode()):
                return candidate
        return None


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp


class SecurityMiddleware:
    """Pure ASGI middleware applying a `SecurityPolicy` to HTTP and WebSocket requests."""

    def __init__(self, app: ASGIApp, policy: SecurityPolicy) -> None:
        self.app = app
        self.policy = policy
        self._buckets: dict[str, _Bucket] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        host = headers.get("host", "")
        if not host or not self.policy.host_allowed(host):
            await _reject(scope, send, 421, "Misdirected Request: invalid Host header")
            return
        origin = headers.get("origin")
        if origin is not None and not self.policy.origin_allowed(origin, host):
            await _reject(scope, send, 403, "Forbidden: invalid Origin header")
            return
        client = self._client_key(scope)
        if self.policy.tokens and scope.get("path") not in OPEN_PATHS:
            token = self.policy.token_allowed(headers.get("authorization", ""))
            if token is None:
                await _reject(
                    scope,
                    send,
                    401,
                    "Unauthorized: a bearer token is required",
                    [(b"www-authenticate", b'Bearer realm="pygent"')],
                )
                return
            client = "token:" + token[:6]
        if self.policy.rate_limit and not self._take(client):
            await _reject(scope, send, 429, "Too Many Requests", [(b"retry-after", b"1")])
            return
        if scope["type"] == "http":
            length = headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > self.policy.max_body_bytes:
                await _reject(scope, send, 413, f"Payload Too Large: the limit is {self.policy.max_body_bytes} bytes")
                return
            receive = self._limited(receive)
        await self.app(scope, receive, send)

    def _client_key(self, scope: Scope) -> str:
        client = scope.get("client")
        return f"ip:{client[0]}" if client else "ip:?"

    def _take(self, client: str) -> bool:
        now = time.monotonic()
        rate = self.policy.rate_limit
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) > 10_000:
                self._buckets.clear()
            bucket = self._buckets[client] = _Bucket(rate * 2, now)
        bucket.tokens = min(rate * 2, bucket.tokens + (now - bucket.stamp) * rate)
        bucket.stamp = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def _limited(self, receive: Receive) -> Receive:
        limit = self.policy.max_body_bytes
        seen = 0

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        return wrapped


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body over {limit} bytes")


async def _reject(
    scope: Scope, send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
        return
    body = json.dumps({"error": message}).encode()
    headers: list[Any] = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})
