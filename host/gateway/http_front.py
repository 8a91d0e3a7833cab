"""The gateway's streamable-HTTP front: a plain JSON reply whenever nothing can stream.

A 2026-07-28 request gets notifications on its response stream only when it
asks for them: progress with a `progressToken`, logs with the log-level key in
`_meta`. Any other such request can be answered with one JSON body, which
costs the gateway a third less CPU than the SSE machinery (bench/gateway.py).
Everything else — 2025-11-25 sessions, GET streams, requests that want
progress or logs — goes to the SSE-capable session manager.

A client cancels a 2026-07-28 request by closing its connection, so the JSON
path watches for the disconnect and cancels the call, as the SSE path does.
Requests of a 2025-11-25 session pass the `RequestIdGuard` (one request per id
in flight).
"""

from __future__ import annotations

import anyio
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp_types import LOG_LEVEL_META_KEY
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pygent.host.bodies import read_body, replay
from pygent.host.gateway.request_ids import RequestIdGuard
from starlette.types import Receive, Scope, Send

_MODERN = frozenset(version.encode() for version in MODERN_PROTOCOL_VERSIONS)
_STREAMING_MARKERS = (b'"progressToken"', LOG_LEVEL_META_KEY.encode(), b'"subscriptions/listen"')


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def session_header(scope: Scope) -> str | None:
    value = _header(scope, b"mcp-session-id")
    return value.decode("latin-1") if value is not None else None


class HttpFront:
    """ASGI app in front of two session managers over the same MCP server."""

    def __init__(self, streaming: StreamableHTTPSessionManager, plain: StreamableHTTPSessionManager) -> None:
        self._streaming = streaming
        self._legacy = RequestIdGuard(streaming.asgi_app, session_header)
        self._plain = plain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST" or _header(scope, b"mcp-protocol-version") not in _MODERN:
            await self._legacy(scope, receive, send)
            return
        body = await read_body(receive) or b""
        if any(marker in body for marker in _STREAMING_MARKERS):
            await self._streaming.asgi_app(scope, replay(body, receive), send)
            return
        async with anyio.create_task_group() as group:

            async def watch_disconnect() -> None:
                while (await receive())["type"] != "http.disconnect":
                    pass
                group.cancel_scope.cancel()

            group.start_soon(watch_disconnect)
            await self._plain.asgi_app(scope, replay(body, receive), send)
            group.cancel_scope.cancel()
