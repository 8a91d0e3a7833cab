"""`/api/events`: the host's live events over a WebSocket, one JSON object per message.

    const ws = new WebSocket("ws://127.0.0.1:8000/api/events")
    // {"type": "hello", "servers": [{"server": "memory", "status": "ready", ...}], "time": ...}
    // {"type": "server.status", "server": "memory", "status": "restarting", "lastError": "...", "time": ...}
    // {"type": "tools.changed", "added": [...], "removed": [...], "count": 71, "time": ...}
    // {"type": "view.changed", "view": "docs", "change": "created", "time": ...}
    // {"type": "run.started" | "tool.call.started" | ...}   the caller's own agent turns (agents/events.py)

The host's security middleware has already checked Host, Origin (a page of
another origin cannot open it) and the credential. The first message is a
snapshot, so a page that connects late starts from the present.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio
from pygent.host.auth import principal_of
from pygent.host.runtime import HostRuntime
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


def hello(runtime: HostRuntime) -> dict[str, object]:
    servers = [
        {"server": name, "status": b.status.value, "lastError": b.last_error, "toolCount": len(b.catalog.tools)}
        for name, b in sorted(runtime.mesh.backends.items())
    ]
    return {"type": "hello", "servers": servers, "time": time.time()}


class EventsApi:
    def __init__(self, get_runtime: Callable[[], HostRuntime]) -> None:
        self._runtime = get_runtime

    async def events(self, websocket: WebSocket) -> None:
        runtime = self._runtime()
        await websocket.accept()
        with runtime.feed.subscribe(principal_of(websocket.scope)) as events:
            await websocket.send_json(hello(runtime))
            async with anyio.create_task_group() as group:

                async def until_closed() -> None:
                    try:
                        while True:
                            await websocket.receive_text()  # the client has nothing to say; this sees it leave
                    except WebSocketDisconnect:
                        pass
                    group.cancel_scope.cancel()

                group.start_soon(until_closed)
                try:
                    async for event in events:
                        await websocket.send_json(event)
                except (WebSocketDisconnect, RuntimeError):
                    group.cancel_scope.cancel()  # the client went away mid-send

    def routes(self) -> list[WebSocketRoute]:
        return [WebSocketRoute("/api/events", self.events)]
