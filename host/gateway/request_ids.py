"""One request id at a time per session: a second request reusing an id in flight is refused.

JSON-RPC ids name a request within a session; the SDK's transports key their
response streams by id, so a second request with an id still in flight would
take over the first one's stream and leave the first waiting forever. The
guard answers the second with a JSON-RPC error at once (HTTP 400), and both
callers get an answer.

    guard = RequestIdGuard(app, session_of=lambda scope: header(scope, b"mcp-session-id"))
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import mcp_types as types
from pygent.host.bodies import read_body, replay
from starlette.types import ASGIApp, Receive, Scope, Send


def _request_ids(body: bytes) -> list[str]:
    try:
        parsed: Any = json.loads(body)
    except (ValueError, RecursionError):
        return []  # the transport answers a malformed body itself
    messages = parsed if isinstance(parsed, list) else [parsed]
    return [
        json.dumps(message["id"])
        for message in messages
        if isinstance(message, dict) and "method" in message and message.get("id") is not None
    ]


class RequestIdGuard:
    """ASGI wrapper refusing a request whose id is already in flight in the same session."""

    def __init__(self, app: ASGIApp, session_of: Callable[[Scope], str | None]) -> None:
        self.app = app
        self.session_of = session_of
        self._inflight: set[tuple[str, str]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = self.session_of(scope) if scope["method"] == "POST" else None
        if session is None:
            await self.app(scope, receive, send)
            return
        body = await read_body(receive) or b""
        keys = [(session, request_id) for request_id in _request_ids(body)]
        taken = next((key for key in keys if key in self._inflight), None)
        if taken is not None:
            await _duplicate(send, taken[1])
            return
        self._inflight.update(keys)
        try:
            await self.app(scope, replay(body, receive), send)
        finally:
            self._inflight.difference_update(keys)


async def _duplicate(send: Send, request_id: str) -> None:
    error = {
        "jsonrpc": "2.0",
        "id": json.loads(request_id),
        "error": {
            "code": types.INVALID_REQUEST,
            "message": f"a request with id {request_id} is already in flight in this session; use a new id",
        },
    }
    body = json.dumps(error).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})
