"""The host's live events, for the UI and operators: agent runs, server status, tool and view changes.

    feed = EventFeed()
    with feed.subscribe(principal="alice") as events:   # a bounded stream of JSON-ready dicts
        async for event in events: ...
    await feed.publish({"type": "server.status", "server": "memory", "status": "ready"})
    await feed.publish(run_event, owner="alice")         # only alice's subscribers get it

Events with an owner (an agent turn's events) go only to subscribers of that
principal; host events (servers, tools, views) go to everyone. A subscriber
that does not keep up loses its oldest events, never the host's time: each
subscriber has its own bounded buffer, and publishing never waits.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from pygent.host.mesh.mesh import Mesh

BUFFER = 256


@dataclass(eq=False)
class _Subscriber:
    principal: str
    send: MemoryObjectSendStream[dict[str, Any]]
    receive: MemoryObjectReceiveStream[dict[str, Any]]
    dropped: int = field(default=0)


class EventFeed:
    def __init__(self) -> None:
        self._subscribers: set[_Subscriber] = set()

    @contextmanager
    def subscribe(self, principal: str) -> Iterator[MemoryObjectReceiveStream[dict[str, Any]]]:
        send, receive = anyio.create_memory_object_stream[dict[str, Any]](BUFFER)
        subscriber = _Subscriber(principal, send, receive)
        self._subscribers.add(subscriber)
        try:
            yield receive
        finally:
            self._subscribers.discard(subscriber)
            send.close()
            receive.close()

    async def publish(self, event: dict[str, Any], owner: str | None = None) -> None:
        stamped = {**event, "time": time.time()}
        for subscriber in list(self._subscribers):
            if owner is not None and subscriber.principal != owner:
                continue
            try:
                subscriber.send.send_nowait(stamped)
            except anyio.WouldBlock:
                subscriber.dropped += 1  # a slow reader: drop the oldest, keep the newest
                try:
                    subscriber.receive.receive_nowait()
                    subscriber.send.send_nowait(stamped)
                except (anyio.WouldBlock, anyio.EndOfStream):
                    pass
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                self._subscribers.discard(subscriber)


class MeshWatcher:
    """Turns the mesh's change callbacks into `server.status` and `tools.changed` events."""

    def __init__(self, mesh: Mesh, feed: EventFeed) -> None:
        self.mesh = mesh
        self.feed = feed
        self._statuses = self._snapshot()
        self._tools = set(mesh.tool_routes())

    def _snapshot(self) -> dict[str, tuple[str, str | None]]:
        return {name: (b.status.value, b.last_error) for name, b in self.mesh.backends.items()}

    async def changed(self) -> None:
        statuses = self._snapshot()
        for name, (status, last_error) in sorted(statuses.items()):
            if self._statuses.get(name) != (status, last_error):
                event = {"type": "server.status", "server": name, "status": status, "lastError": last_error}
                await self.feed.publish(event)
        for name in sorted(set(self._statuses) - set(statuses)):
            await self.feed.publish({"type": "server.removed", "server": name})
        self._statuses = statuses
        tools = set(self.mesh.tool_routes())
        if tools != self._tools:
            added, removed = sorted(tools - self._tools), sorted(self._tools - tools)
            await self.feed.publish({"type": "tools.changed", "added": added, "removed": removed, "count": len(tools)})
            self._tools = tools
