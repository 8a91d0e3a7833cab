"""Runs are kept in the server's state folder: they survive a restart, and a crash mid-run is visible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from pygent.servers.tot.models import Budget, Params, RunRecord
from pygent.servers.tot.store import RunStore, now

from tests.servers.tot.conftest import make_server

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGENT_LLM", "none")


async def test_a_run_survives_a_restart_and_reads_as_a_resource(clean_environ: Path) -> None:
    async with Client(make_server()) as client:
        solved = (await client.call_tool("solve", {"problem": "3 3 8 8", "task": "game24"})).structured_content
    assert solved is not None
    files = list((clean_environ / "servers" / "tot" / "runs").glob("*.json"))
    assert [f.stem for f in files] == [solved["run_id"]]

    async with Client(make_server()) as client:
        again = (
            await client.call_tool("get_run", {"run_id": solved["run_id"], "include_tree": False})
        ).structured_content
        listed = (await client.call_tool("list_runs", {})).structured_content
        resource = await client.read_resource(f"tot://runs/{solved['run_id']}")
    assert again is not None and again["status"] == "done" and again["result"]["answer"] == solved["answer"]
    assert again["result"]["tree"] == []
    assert listed == {
        "runs": [
            {
                "id": solved["run_id"],
                "problem": "3 3 8 8",
                "task": "game24",
                "status": "done",
                "solved": True,
                "answer": solved["answer"],
                "updated": again["updated"],
            }
        ]
    }
    document = json.loads(resource[0].text)
    assert len(document["result"]["tree"]) == len(solved["tree"])


async def test_a_run_left_running_by_a_crash_is_marked_interrupted(clean_environ: Path) -> None:
    store = RunStore(clean_environ / "servers" / "tot" / "runs")
    budget = Budget(max_nodes=5, max_model_calls=5, max_tokens=None, max_seconds=5)
    crashed = RunRecord(
        id="0123456789abcdef", problem="x", task="generic", params=Params(budget=budget), status="running",
        created=now(), updated=now(),
    )  # fmt: skip
    await store.save(crashed)
    async with Client(make_server()) as client:
        run = (await client.call_tool("get_run", {"run_id": crashed.id})).structured_content
    assert run is not None and run["status"] == "interrupted"


async def test_unknown_and_malformed_run_ids_are_clear_errors() -> None:
    async with Client(make_server()) as client:
        with pytest.raises(ToolError, match="no run 'ffffffffffffffff'; `list_runs` shows"):
            await client.call_tool("get_run", {"run_id": "ffffffffffffffff"})
        with pytest.raises(ToolError, match="is not a run id"):
            await client.call_tool("cancel", {"run_id": "../../etc/passwd"})
        with pytest.raises(MCPError, match="no run 'ffffffffffffffff'"):
            await client.read_resource("tot://runs/ffffffffffffffff")


async def test_a_write_never_leaves_half_a_file(clean_environ: Path) -> None:
    async with Client(make_server()) as client:
        await client.call_tool("solve", {"problem": "4 9 10 13", "task": "game24"})
    folder = clean_environ / "servers" / "tot" / "runs"
    assert [p.suffix for p in folder.iterdir()] == [".json"]
