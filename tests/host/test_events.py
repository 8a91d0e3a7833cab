"""`/api/events`: live host events over a WebSocket, as a browser page (or another client) opens it."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx2
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from tests.fixtures.host import running_host, toy_entry
from tests.host.agents.conftest import capability

pytestmark = pytest.mark.anyio


def ws_url(http_url: str) -> str:
    return "ws://" + urlsplit(http_url).netloc + "/api/events"


async def next_of(ws: ClientConnection, kind: str, **fields: Any) -> dict[str, Any]:
    """The next event of `kind` whose fields match (others are skipped)."""
    with anyio.fail_after(60):
        while True:
            event = json.loads(await ws.recv())
            if event["type"] == kind and all(event.get(k) == v for k, v in fields.items()):
                return event


async def test_a_page_sees_server_status_and_view_changes_live(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host, httpx2.AsyncClient(base_url=host.url) as http:
        async with websockets.connect(ws_url(host.url), origin=host.url) as ws:  # the host's own page
            hello = json.loads(await ws.recv())
            assert hello["type"] == "hello"
            assert hello["servers"][0]["server"] == "toy" and hello["servers"][0]["status"] == "ready"

            pid = (await http.post("/api/tools/toy_pid/call", json={"arguments": {}})).json()["structuredContent"]
            os.kill(int(pid["result"]), signal.SIGKILL)
            down = await next_of(ws, "server.status", server="toy")
            assert down["status"] in ("restarting", "starting") and isinstance(down["time"], float)
            await next_of(ws, "server.status", server="toy", status="ready")

            created = await http.post("/api/views", json={"name": "echoes", "include": ["*_echo"]})
            assert created.status_code == 201
            assert (await next_of(ws, "view.changed", view="echoes"))["change"] == "created"


async def test_a_page_of_another_origin_cannot_open_the_feed(tmp_path: Path) -> None:
    async with running_host(tmp_path, {}) as host:
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(ws_url(host.url), origin="http://evil.example"):  # type: ignore[arg-type]
                pass
        assert refused.value.response.status_code == 403


async def test_each_principal_sees_only_its_own_agent_turns(tmp_path: Path) -> None:
    alice, bob = "alice-" + "a" * 24, "bob-" + "b" * 24
    servers = {"factory": capability("factory"), "filesystem": capability("filesystem")}
    async with running_host(tmp_path, servers, settle=60, llm="none", tokens=[alice, bob]) as host:
        as_alice = {"Authorization": f"Bearer {alice}"}
        with pytest.raises(websockets.InvalidStatus) as anonymous:
            async with websockets.connect(ws_url(host.url)):
                pass
        assert anonymous.value.response.status_code == 401
        async with (
            websockets.connect(ws_url(host.url), additional_headers=as_alice) as hers,
            websockets.connect(ws_url(host.url), additional_headers={"Authorization": f"Bearer {bob}"}) as his,
            httpx2.AsyncClient(base_url=host.url, headers=as_alice, timeout=60) as http,
        ):
            await next_of(hers, "hello")
            await next_of(his, "hello")
            made = await http.post(
                "/api/agents",
                json={"name": "lister", "template": "general", "spec": {"view": {"servers": ["filesystem"]}}},
            )
            assert made.status_code == 201, made.text
            async with http.stream("POST", "/api/agents/lister/chat", json={"message": "list the files in ."}) as r:
                await r.aread()
            started = await next_of(hers, "run.started")
            assert started["agent"] == "lister"
            await next_of(hers, "run.completed", runId=started["runId"])
            # A host event after the turn reaches both: by then bob would have had the turn's events.
            assert (await http.post("/api/views", json={"name": "after"})).status_code == 201
            await next_of(hers, "view.changed", view="after")
            with anyio.fail_after(30):
                while (event := json.loads(await his.recv()))["type"] != "view.changed":
                    assert not event["type"].startswith(("run.", "tool.", "text.")), event
