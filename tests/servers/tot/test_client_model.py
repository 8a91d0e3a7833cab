"""Solving with the calling client's own model (sampling), in both protocol eras.

On 2026-07-28 connections each search level is one input round; the run is
kept in the store between rounds and replayed from the answers so far. After
`client_rounds` rounds it pauses, and `solve(run_id=...)` resumes it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from fastmcp.utilities.tests import run_server_async

from tests.servers.tot.conftest import Scripted, make_server, sampler_for
from tests.servers.tot.test_model_search import LABELS

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).parents[3]


@pytest.fixture(autouse=True)
def client_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGENT_LLM", "client")


ARGS = {"problem": "Name the best plan.", "breadth": 2, "depth": 3, "evaluate_samples": 1}


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_the_clients_model_drives_the_search_in_both_eras(mode: str) -> None:
    scripted = Scripted(LABELS)
    async with Client(make_server(), mode=mode, sampling_handler=sampler_for(scripted)) as client:
        result = await client.call_tool("solve", ARGS)
        found = result.structured_content
        assert found is not None
        assert found["answer"] == "b21" and found["thinker"] == "client" and found["status"] == "done"
        assert found["stats"]["rounds"] == (6 if mode == "auto" else 0)
        assert found["stats"]["model_calls"] == len(scripted.proposals) + len(scripted.judged)
        stored = (await client.call_tool("get_run", {"run_id": found["run_id"]})).structured_content
    assert stored is not None and stored["transcript"] == {} and stored["status"] == "done"


@pytest.mark.parametrize("where", ["stdio", "http"])
async def test_over_real_transports_in_the_stateless_era(where: str, clean_environ: Path) -> None:
    scripted = Scripted(LABELS)
    if where == "stdio":
        env = {"PYGENT_HOME": str(clean_environ), "PYGENT_LLM": "client", "PATH": "/usr/bin:/bin"}
        transport = StdioTransport(sys.executable, ["-m", "pygent.servers.tot"], env=env, cwd=str(ROOT))
        async with Client(transport, sampling_handler=sampler_for(scripted)) as client:
            assert client.protocol_version == "2026-07-28"
            found = (await client.call_tool("solve", ARGS)).structured_content
    else:
        async with run_server_async(make_server()) as url:
            async with Client(url, sampling_handler=sampler_for(scripted)) as client:
                assert client.protocol_version == "2026-07-28"
                found = (await client.call_tool("solve", ARGS)).structured_content
    assert found is not None and found["answer"] == "b21" and found["stats"]["rounds"] == 6


async def test_a_run_pauses_after_its_rounds_and_resumes_by_id() -> None:
    scripted = Scripted(LABELS)
    async with Client(make_server(client_rounds=2), sampling_handler=sampler_for(scripted)) as client:
        first = (await client.call_tool("solve", ARGS)).structured_content
        assert first is not None and first["status"] == "paused" and first["stop_reason"] == "client_rounds"
        assert "call solve with run_id=" in first["message"] and first["stats"]["rounds"] == 2
        calls_before = len(scripted.proposals) + len(scripted.judged)
        second = (await client.call_tool("solve", {**ARGS, "run_id": first["run_id"]})).structured_content
        assert second is not None and second["status"] == "paused" and second["stats"]["rounds"] == 4
        third = (await client.call_tool("solve", {**ARGS, "run_id": first["run_id"]})).structured_content
    assert third is not None and third["status"] == "done" and third["answer"] == "b21"
    # Earlier rounds were replayed from the stored answers, never asked again.
    assert len(scripted.proposals) + len(scripted.judged) == third["stats"]["model_calls"]
    assert calls_before < third["stats"]["model_calls"]


async def test_a_finished_run_does_not_resume() -> None:
    scripted = Scripted(LABELS)
    async with Client(make_server(), sampling_handler=sampler_for(scripted)) as client:
        done = (await client.call_tool("solve", ARGS)).structured_content
        assert done is not None
        result = await client.call_tool_mcp("solve", {**ARGS, "run_id": done["run_id"]})
    assert result.is_error and "is done; only waiting or paused runs continue" in result.content[0].text


async def test_expand_and_evaluate_ask_the_clients_model_in_one_round() -> None:
    scripted = Scripted(LABELS)
    sampler = sampler_for(scripted)
    async with Client(make_server(), sampling_handler=sampler, input_required_max_rounds=1) as client:
        expanded = (await client.call_tool("expand", {"problem": "Plan?", "depth": 3})).structured_content
        assert expanded is not None and [c["step"] for c in expanded["candidates"]] == ["a", "b", "c"]
        scores = (
            await client.call_tool("evaluate", {"problem": "Plan?", "candidates": [["a"], ["b"], ["b", "b2"]]})
        ).structured_content
    assert scores is not None
    assert [s["value"] for s in scores["scores"]] == [0.5, 1.0, 1.0]
    assert scores["scores"][0]["judgements"] == ["likely", "likely", "likely"]
