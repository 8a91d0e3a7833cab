"""tot as a real process: quick to answer over stdio, and reachable through the host's gateway."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastmcp import Client
from pygent.host.meshconfig import default_document

from tests.fixtures.host import running_host
from tests.fixtures.startup import fresh_tools

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).parents[3]


def test_tot_is_in_the_default_mesh() -> None:
    assert default_document()["mcpServers"]["tot"] == {"command": "pygent", "args": ["server", "tot"]}


@pytest.mark.slow
async def test_a_fresh_process_lists_its_tools(clean_environ: Path) -> None:
    env = {"PYGENT_HOME": str(clean_environ), "PYGENT_LLM": "none"}
    assert "solve" in await fresh_tools(["-m", "pygent.servers.tot"], env)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_reachable_through_the_gateway_as_tot_tools(tmp_path: Path, clean_environ: Path, mode: str) -> None:
    entry = {
        "command": sys.executable,
        "args": ["-m", "pygent.servers.tot", "--llm", "none"],
        "env": {"PYGENT_HOME": str(clean_environ)},
    }
    async with running_host(tmp_path, {"tot": entry}) as host:
        async with Client(host.url + "/mcp", mode=mode) as client:
            names = {tool.name for tool in await client.list_tools()}
            assert {"tot_solve", "tot_expand", "tot_evaluate", "tot_get_run", "tot_sequentialthinking"} <= names
            result = await client.call_tool("tot_solve", {"problem": "4 9 10 13", "task": "game24", "strategy": "dfs"})
            assert result.structured_content is not None and result.structured_content["solved"]
            run = await client.call_tool("tot_get_run", {"run_id": result.structured_content["run_id"]})
            assert run.structured_content is not None and run.structured_content["status"] == "done"
            thought = {"thought": "t", "nextThoughtNeeded": False, "thoughtNumber": 1, "totalThoughts": 1}
            reply = await client.call_tool("tot_sequentialthinking", thought)
            assert reply.structured_content is not None and reply.structured_content["thoughtHistoryLength"] == 1
