"""The gateway's streamable-HTTP front: a plain JSON reply whenever nothing can stream.

A 2026-07-28 request gets notifications on its response stream only when it
asks for them: progress with a `progressToken`, logs with the log-level key in
`_meta`. Any other such request can be answered with one JSON body, which
costs the gateway a third less CPU than the SSE machinery (bench/gateway.py).
Everything else — 2025-11-25 sessions, GET streams, requests that want
progress or logs — goes to the SSE-capable session manager.

A client cancels a 2026-07-28 request by closing its connection, so the JSON
path watches for the disconnect and cancels the call, as the SSE path does.
"""

from __future__ import annotations

import anyio
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp_types import LOG_LEVEL_META_KEY
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from starlette.types import Message, Receive, Scope, Send

_MODERN = frozenset(version.encode() for version in MODERN_PROTOCOL_VERSIONS)
_STREAMING_MARKERS = (b'"progressToken"', LOG_LEVEL_META_KEY.encode(), b'"subscriptions/listen"')


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


class HttpFront:
    """ASGI app in front of two session managers over the same MCP server."""

    def __init__(self, streaming: StreamableHTTPSessionManager, plain: StreamableHTTPSessionManager) -> None:
        self._streaming = streaming
        self._plain = plain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST" or _header(scope, b"mcp-protocol-version") not in _MODERN:
            await self._streaming.asgi_app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left before sending its body
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        if any(marker in body for marker in _STREAMING_MARKERS):
            await self._streaming.asgi_app(scope, replay, send)
            return
        async with anyio.create_task_group() as group:

            async def watch_disconnect() -> None:
                while (await receive())["type"] != "http.disconnect":
                    pass
                group.cancel_scope.cancel()

            group.start_soon(watch_disconnect)
            await self._plain.asgi_app(scope, replay, send)
            group.cancel_scope.cancel()
