"""Connected handshake-era clients, so mesh changes can be pushed to them.

A 2025-11-25 session has a standalone channel (the SSE GET stream, the SSE
transport, or stdio) on which `notifications/tools/list_changed` and
`notifications/resources/updated` can be sent outside any request.
2026-07-28 clients have none; they see changes on their next listing.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.server.session import ServerSession
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

MAX_SESSIONS = 2000


class SessionTracker:
    """Remembers the most recent request's session of each live legacy connection."""

    def __init__(self) -> None:
        self._sessions: OrderedDict[int, ServerSession] = OrderedDict()
        self._subscriptions: dict[str, set[int]] = {}
        self._log_levels: dict[int, str] = {}

    def track(self, ctx: ServerRequestContext[Any, Any]) -> int | None:
        if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
            return None
        # The connection object outlives the per-request session wrapper.
        key = id(getattr(ctx.session, "_connection", ctx.session))
        self._sessions[key] = ctx.session
        self._sessions.move_to_end(key)
        while len(self._sessions) > MAX_SESSIONS:
            evicted, _ = self._sessions.popitem(last=False)
            self._log_levels.pop(evicted, None)
            for subscribers in self._subscriptions.values():
                subscribers.discard(evicted)
        return key

    def set_log_level(self, ctx: ServerRequestContext[Any, Any], level: str) -> None:
        key = self.track(ctx)
        if key is not None:
            self._log_levels[key] = level

    def log_level(self, ctx: ServerRequestContext[Any, Any]) -> str:
        key = id(getattr(ctx.session, "_connection", ctx.session))
        return self._log_levels.get(key, "info")

    def subscribe(self, ctx: ServerRequestContext[Any, Any], uri: str) -> None:
        key = self.track(ctx)
        if key is not None:
            self._subscriptions.setdefault(uri, set()).add(key)

    def unsubscribe(self, ctx: ServerRequestContext[Any, Any], uri: str) -> None:
        key = self.track(ctx)
        if key is not None:
            self._subscriptions.get(uri, set()).discard(key)

    async def list_changed(self) -> None:
        for session in list(self._sessions.values()):
            # Best effort: Connection.notify drops messages for a closed stream.
            await session.send_tool_list_changed()
            await session.send_resource_list_changed()
            await session.send_prompt_list_changed()

    async def resource_updated(self, uri: str) -> None:
        for key in list(self._subscriptions.get(uri, ())):
            session = self._sessions.get(key)
            if session is not None:
                await session.send_resource_updated(uri)
