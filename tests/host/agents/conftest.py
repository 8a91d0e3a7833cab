"""Helpers for agents through the real host: capability servers as stdio children, chat over SSE."""

from __future__ import annotations

import json
import sys
from typing import Any

import httpx2
from pygent.host.guard import UNTRUSTED_TAG


def capability(name: str, *, untrusted: bool = False, **env: str) -> dict[str, Any]:
    """An mcp.json entry running one of our capability servers with this interpreter."""
    entry: dict[str, Any] = {"command": sys.executable, "args": ["-m", f"pygent.servers.{name}"]}
    if untrusted:
        entry["tags"] = [UNTRUSTED_TAG]
    if env:
        entry["env"] = env
    return entry


async def chat(
    http: httpx2.AsyncClient, agent: str, message: str, conversation: str | None = None, on_event: Any = None
) -> list[dict[str, Any]]:
    """POST a chat and read its SSE stream to the end; every event as a dict (with `type`)."""
    body: dict[str, Any] = {"message": message}
    if conversation is not None:
        body["conversationId"] = conversation
    events: list[dict[str, Any]] = []
    async with http.stream("POST", f"/api/agents/{agent}/chat", json=body, timeout=60) as response:
        assert response.status_code == 200, (await response.aread()).decode()
        assert response.headers["content-type"].startswith("text/event-stream")
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                event = json.loads(line[5:].strip())
                events.append(event)
                if on_event is not None:
                    await on_event(event)
                if event["type"] == "run.completed":
                    break
    return events


def of_type(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [event for event in events if event["type"] == kind]
