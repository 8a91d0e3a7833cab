"""A backend sees the real caller's capabilities, not the mesh's (issue 10, point 3).

tot's `thinker: auto` asks the client's model only when the caller can
sample; through the gateway, a client without sampling (the TypeScript SDK,
the Inspector, the CLI, Claude Desktop) used to be offered as one that could,
and the call failed. Now it gets game24 solved by the programmatic thinker, in
every pairing of eras.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastmcp import Client

from tests.fixtures.host import running_host

pytestmark = pytest.mark.anyio

GAME = {"problem": "4 9 10 13", "task": "game24"}


def tot(era: str, closed_port: int) -> dict[str, Any]:
    env = {"PYGENT_OLLAMA_HOST": f"http://127.0.0.1:{closed_port}"}  # no model anywhere
    return {"command": sys.executable, "args": ["-m", "pygent.servers.tot"], "env": env, "protocolVersion": era}


@pytest.mark.parametrize("backend_era", ["2025-11-25", "2026-07-28"])
async def test_a_client_without_sampling_gets_the_programmatic_thinker_through_the_gateway(
    tmp_path: Path, closed_port: int, backend_era: str
) -> None:
    async with running_host(tmp_path, {"tot": tot(backend_era, closed_port)}) as host:
        for mode in ("auto", "legacy"):
            async with Client(host.url + "/mcp", mode=mode) as client:
                found = (await client.call_tool("tot_solve", GAME)).structured_content
            assert found is not None and found["solved"] and found["thinker"] == "programmatic", (mode, found)
        async with httpx2.AsyncClient(base_url=host.url, timeout=60) as http:
            called = await http.post("/api/tools/tot_solve/call", json={"arguments": GAME})
        assert called.status_code == 200 and called.json()["structuredContent"]["thinker"] == "programmatic"
