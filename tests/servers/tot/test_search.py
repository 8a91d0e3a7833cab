"""Search strategies with the programmatic proposer and exact evaluator: solutions, budgets, cancellation."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from pygent.servers.tot.tasks import arith24

from tests.fixtures.fake_llm import FakeReply, fake_ollama
from tests.servers.tot.conftest import make_server

pytestmark = pytest.mark.anyio
PUZZLES = ["4 9 10 13", "3 3 8 8", "1 5 5 5", "1 4 5 6", "5 5 5 9"]


@pytest.mark.parametrize("strategy", ["bfs", "dfs", "beam"])
async def test_every_strategy_finds_checked_solutions(client: Client[Any], strategy: str) -> None:
    for puzzle in PUZZLES:
        result = await client.call_tool("solve", {"problem": puzzle, "task": "game24", "strategy": strategy})
        found = result.structured_content
        assert found is not None
        assert found["solved"] and found["status"] == "done" and found["stop_reason"] == "solved"
        assert arith24.check_expression(tuple(int(n) for n in puzzle.split()), found["answer"]), found["answer"]
        assert found["confidence"] == 1.0 and found["thinker"] == "programmatic"
        assert len(found["best_path"]) == 3 and found["stats"]["model_calls"] == 0


async def test_dfs_expands_one_state_per_level_with_an_exact_evaluator(client: Client[Any]) -> None:
    result = await client.call_tool("solve", {"problem": "4 9 10 13", "task": "game24", "strategy": "dfs"})
    assert result.structured_content is not None
    assert result.structured_content["stats"]["expanded"] == 3


async def test_bfs_keeps_breadth_states_per_level(client: Client[Any]) -> None:
    result = await client.call_tool("solve", {"problem": "1 1 1 1", "task": "game24", "breadth": 2})
    found = result.structured_content
    assert found is not None and not found["solved"] and found["stop_reason"] == "exhausted"
    assert found["answer"] is None and found["confidence"] == 0.0
    tree = found["tree"]
    for depth in (1, 2):
        level = [n for n in tree if n["depth"] == depth]
        assert len([n for n in level if n["status"] != "pruned"]) == 2
    assert found["stats"]["expanded"] == 1 + 2 + 2


async def test_the_node_budget_stops_the_search_with_the_best_so_far(client: Client[Any]) -> None:
    result = await client.call_tool("solve", {"problem": "4 9 10 13", "task": "game24", "max_nodes": 10})
    found = result.structured_content
    assert found is not None and found["stop_reason"] == "max_nodes" and not found["solved"]
    assert found["stats"]["nodes"] == 10 and len(found["tree"]) == 11
    assert found["best_path"] and "max_nodes" in found["message"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"problem": "1 2 3", "task": "game24"}, "four whole numbers"),
        ({"problem": "4 9 10 13", "task": "chess"}, "unknown task 'chess'; known tasks: game24, generic"),
        ({"problem": "4 9 10 13", "task": "game24", "strategy": "astar"}, "'bfs', 'dfs' or 'beam'"),
        ({"problem": "4 9 10 13", "task": "game24", "max_nodes": 0}, "greater than or equal to 1"),
        (
            {"problem": "4 9 10 13", "task": "game24", "max_nodes": 10**6},
            "over this server's cap .*PYGENT_TOT_MAX_NODES",
        ),
        ({"problem": "4 9 10 13", "task": "game24", "max_seconds": 0}, "greater than 0"),
        ({"problem": "what", "task": "generic", "thinker": "programmatic"}, "has no programmatic proposer"),
    ],
)
async def test_bad_input_is_a_clear_tool_error_and_stores_nothing(
    client: Client[Any], arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ToolError, match=message):
        await client.call_tool("solve", arguments)
    assert (await client.call_tool("list_runs", {})).structured_content == {"runs": []}


async def test_a_generic_run_without_a_model_is_kept_as_failed_with_the_reason(client: Client[Any]) -> None:
    with pytest.raises(ToolError, match=r"language models are turned off \(PYGENT_LLM=none\)") as info:
        await client.call_tool("solve", {"problem": "what is love", "task": "generic"})
    runs = (await client.call_tool("list_runs", {})).structured_content
    assert runs is not None and [r["status"] for r in runs["runs"]] == ["failed"]
    run = (await client.call_tool("get_run", {"run_id": runs["runs"][0]["id"]})).structured_content
    assert run is not None and run["error"] == str(info.value) and run["result"] is None


async def test_a_call_budget_that_cannot_pay_for_one_step_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    async with fake_ollama(default="sure") as fake:
        monkeypatch.setenv("PYGENT_LLM", "ollama:llama3.2")
        monkeypatch.setenv("OLLAMA_HOST", fake.url)
        async with Client(make_server()) as client:
            with pytest.raises(ToolError, match=r"max_model_calls=3 cannot pay for one step .* raise it to 4"):
                await client.call_tool("solve", {"problem": "4 9 10 13", "task": "game24", "max_model_calls": 3})
    assert fake.chat_requests == []


async def slow_model_run(arguments: dict[str, Any], stop: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Solve against a model that proposes at once and then never finishes judging; stop it one way or another."""
    arrived = anyio.Event()

    def script(request: Any) -> FakeReply:
        if "Possible next steps" in request.last_user:
            return FakeReply("13 - 9 = 4 (left: 4 4 10)\n10 - 4 = 6 (left: 4 6 13)")
        arrived.set()
        return FakeReply("sure", delay=60)

    async with fake_ollama(script) as fake:
        monkeypatch.setenv("PYGENT_LLM", "ollama:llama3.2")
        monkeypatch.setenv("OLLAMA_HOST", fake.url)
        async with Client(make_server()) as client:
            outcome: dict[str, Any] = {}

            async def run() -> None:
                result = await client.call_tool("solve", {"problem": "4 9 10 13", "task": "game24", **arguments})
                outcome.update(result.structured_content or {})

            async with anyio.create_task_group() as group:
                group.start_soon(run)
                if stop == "cancel":
                    with anyio.fail_after(10):
                        await arrived.wait()
                    run_id = (await client.call_tool("list_runs", {})).structured_content["runs"][0]["id"]
                    with anyio.fail_after(1):
                        stopped = await client.call_tool("cancel", {"run_id": run_id})
                    assert stopped.structured_content is not None
                    assert stopped.structured_content["status"] == "cancelled"
                # A busy machine may spend the whole time budget before the first
                # evaluation reaches the model; the budget must stop the run either way.
                with anyio.fail_after(10 if stop == "time" else 1):
                    while not outcome:
                        await anyio.sleep(0.01)
    return outcome


async def test_cancel_stops_a_run_within_a_second_with_the_best_so_far(monkeypatch: pytest.MonkeyPatch) -> None:
    found = await slow_model_run({}, "cancel", monkeypatch)
    assert found["status"] == "cancelled" and found["stop_reason"] == "cancelled"
    assert found["stats"]["nodes"] == 2 and found["best_path"]
    assert "cancelled; this is the best found so far" in found["message"]


async def test_the_wall_time_budget_stops_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    found = await slow_model_run({"max_seconds": 0.5}, "time", monkeypatch)
    assert found["status"] == "done" and found["stop_reason"] == "max_seconds"
    assert 0.5 <= found["stats"]["seconds"] < 5


async def test_a_client_that_cancels_its_call_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    arrived = anyio.Event()

    def script(request: Any) -> FakeReply:
        arrived.set()
        return FakeReply("never", delay=60)

    async with fake_ollama(script) as fake:
        monkeypatch.setenv("PYGENT_LLM", "ollama:llama3.2")
        monkeypatch.setenv("OLLAMA_HOST", fake.url)
        async with Client(make_server()) as other:
            async with anyio.create_task_group() as group:
                group.start_soon(other.call_tool, "solve", {"problem": "4 9 10 13", "task": "game24"})
                with anyio.fail_after(10):
                    await arrived.wait()
                group.cancel_scope.cancel()
            run = (await other.call_tool("list_runs", {})).structured_content["runs"][0]
            with anyio.fail_after(1):
                while run["status"] != "cancelled":
                    await anyio.sleep(0.02)
                    run = (await other.call_tool("get_run", {"run_id": run["id"]})).structured_content


async def test_progress_is_reported_as_states_are_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGENT_LLM", "none")
    seen: list[tuple[float, str]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, message or ""))

    async with Client(make_server(), progress_handler=on_progress) as client:
        await client.call_tool("solve", {"problem": "4 9 10 13", "task": "game24", "breadth": 2})
    assert [p for p, _ in seen] == sorted(p for p, _ in seen) and seen[-1][0] == 1 + 2 + 2
    assert any(m.startswith("expanded 2 state(s) at depth 1") for _, m in seen)
    assert all("nodes" in m and "model calls" in m for _, m in seen)
