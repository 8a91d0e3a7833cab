"""Guards in front of every HTTP face of the host, for a hostile browser and hostile neighbours.

Every request passes, in order:

- Host: loopback names, the bound address and `allowed_hosts`; anything else
  gets 421 (DNS-rebinding protection).
- Origin: when present it must be the host's own origin (the scheme, host and
  port the request was sent to; `localhost`, `127.0.0.1` and `[::1]` count as
  one host) or listed in `allowed_origins`; another port on loopback is a
  foreign origin: 403. A state-changing request marked `Sec-Fetch-Site:
  cross-site` or `same-site` by the browser needs an allowed origin too.
- Body type: POST, PUT and PATCH bodies must be `application/json` (else 415),
  so a cross-origin page can never send one without a CORS preflight, and
  preflights from foreign origins are refused by the Origin rule.
- Credential: with tokens configured, every request except `GET /healthz`
  needs `Authorization: Bearer <token>` (else 401); the principal is recorded
  in the scope (see `auth`), and MCP sessions are bound to it.
- Rate: requests per second per credential (per address for anonymous
  requests from beyond loopback; a local user without tokens is never
  limited); over it, 429 with `Retry-After` and `RateLimit-*` headers.
- Size: bodies over `max_body_bytes` get 413, chunked ones included; the body
  is read here, so the faces behind never see an oversized one.

The host refuses to listen beyond loopback without tokens (`check_bind`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pygent.core.errors import ConfigError
from pygent.core.network import is_loopback
from pygent.core.ratelimit import RateLimiter, per_second
from pygent.host.auth import BearerTokens, authenticate
from pygent.host.bodies import read_body, replay
from starlette.types import ASGIApp, Receive, Scope, Send

OPEN_PATHS = frozenset({"/healthz"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_CROSS_SITE = frozenset({"cross-site", "same-site"})


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


def _same_host(a: str, b: str) -> bool:
    return a == b or (is_loopback(a) and is_loopback(b))


@dataclass
class SecurityPolicy:
    bind_host: str = "127.0.0.1"
    tokens: list[str] = field(default_factory=list)
    allowed_hosts: list[str] = field(default_factory=list)
    allowed_origins: list[str] = field(default_factory=list)
    max_body_bytes: int = 4 * 1024 * 1024
    rate_limit: float = 1000.0  # per credential per second; 0 turns limits off
    rate_limit_storage: str = "memory://"

    def host_allowed(self, header: str) -> bool:
        host, port = _split_host(header)
        if is_loopback(host) or host == self.bind_host.lower().strip("[]"):
            return True
        for allowed in self.allowed_hosts:
            a_host, a_port = _split_host(allowed.lower())
            if a_host == host and (a_port in (None, "*") or a_port == port):
                return True
        return False

    def origin_allowed(self, origin: str, scheme: str, host_header: str) -> bool:
        """Whether a browser origin may talk to this host (its own origin, or listed)."""
        if origin in self.allowed_origins or "*" in self.allowed_origins:
            return True
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        served = {"ws": "http", "wss": "https"}.get(scheme, scheme)
        if parts.scheme != served:
            return False
        try:
            origin_port = parts.port or _DEFAULT_PORTS[parts.scheme]
        except ValueError:
            return False
        request_host, request_port = _split_host(host_header)
        if not request_port:
            port = _DEFAULT_PORTS[served]
        elif request_port.isdigit():
            port = int(request_port)
        else:
            return False
        return origin_port == port and _same_host(parts.hostname.lower(), request_host)


def _headers(scope: Scope) -> dict[str, str]:
    return {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}


def _is_json(content_type: str | None) -> bool:
    return content_type is not None and content_type.split(";", 1)[0].strip().lower() == "application/json"


class SecurityMiddleware:
    """Pure ASGI middleware applying a `SecurityPolicy` to HTTP and WebSocket requests."""

    def __init__(self, app: ASGIApp, policy: SecurityPolicy) -> None:
        self.app = app
        self.policy = policy
        self.tokens = BearerTokens(policy.tokens)
        self.limiter = RateLimiter(policy.rate_limit_storage)
        self._per_credential = per_second(policy.rate_limit) if policy.rate_limit > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        refusal = self._refuse_request(scope, headers)
        if refusal is not None:
            await _reject(scope, send, *refusal)
            return
        if not await self._admit(scope, headers, send):
            return
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            length = headers.get("content-length")
            over = length is not None and length.isdigit() and int(length) > self.policy.max_body_bytes
            body = None if over else await read_body(receive, self.policy.max_body_bytes)
            if body is None:
                limit = self.policy.max_body_bytes
                await _reject(scope, send, 413, f"Payload Too Large: the limit is {limit} bytes")
                return
            receive = replay(body, receive)
        await self.app(scope, receive, send)

    def _refuse_request(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        """Host, Origin, fetch-site and body-type rules: (status, message) when one fails."""
        host = headers.get("host", "")
        if not host or not self.policy.host_allowed(host):
            return 421, "Misdirected Request: invalid Host header"
        origin = headers.get("origin")
        allowed = origin is not None and self.policy.origin_allowed(origin, scope.get("scheme", "http"), host)
        if origin is not None and not allowed:
            return 403, "Forbidden: invalid Origin header"
        method = scope.get("method", "GET")
        if method not in SAFE_METHODS and headers.get("sec-fetch-site") in _CROSS_SITE and not allowed:
            return 403, "Forbidden: cross-site request"
        if method in JSON_BODY_METHODS and not _is_json(headers.get("content-type")):
            return 415, "Unsupported Media Type: send the request body as application/json"
        return None

    async def _admit(self, scope: Scope, headers: dict[str, str], send: Send) -> bool:
        """Credential and rate checks; False once a rejection was sent."""
        path = scope.get("path")
        key: str | None = None
        if self.tokens and path not in OPEN_PATHS:
            token = self.tokens.verify(headers.get("authorization", ""))
            if token is None:
                challenge = [(b"www-authenticate", b'Bearer realm="pygent"')]
                await _reject(scope, send, 401, "Unauthorized: a bearer token is required", challenge)
                return False
            authenticate(scope, token)
            key = token.client_id
        elif scope.get("client") and not is_loopback(scope["client"][0]):
            key = f"ip:{scope['client'][0]}"
        if key is None or self._per_credential is None or path in OPEN_PATHS:
            return True
        refusal = await self.limiter.hit(self._per_credential, key)
        if refusal is None:
            return True
        await _reject(scope, send, 429, "Too Many Requests: slow down and retry later", refusal.headers())
        return False


async def _reject(
    scope: Scope, send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    websocket = scope["type"] == "websocket"
    if websocket and "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})  # the server says 403
        return
    # An HTTP answer (for a WebSocket handshake too, through the ASGI extension): its real status and reason.
    prefix = "websocket." if websocket else ""
    body = json.dumps({"error": message}).encode()
    headers: list[Any] = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": prefix + "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": prefix + "http.response.body", "body": body})
