"""Search driven by a scripted model speaking Ollama's protocol: selection, pruning, the tree, budgets."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastmcp import Client

from tests.fixtures.fake_llm import FakeOllama, fake_ollama
from tests.servers.tot.conftest import Scripted, make_server

pytestmark = pytest.mark.anyio
LABELS = {
    "a": "likely", "b": "sure", "c": "impossible",
    "a1": "sure", "a2": "likely", "a3": "impossible", "b1": "likely", "b2": "sure", "b3": "sure",
    "b21": "sure", "b31": "likely", "b22": "likely", "a11": "likely",
}  # fmt: skip


@pytest.fixture
async def model(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Scripted, FakeOllama]]:
    scripted = Scripted(LABELS)
    async with fake_ollama(scripted) as fake:
        monkeypatch.setenv("PYGENT_LLM", "ollama:llama3.2")
        monkeypatch.setenv("OLLAMA_HOST", fake.url)
        yield scripted, fake


async def solve(**arguments: Any) -> dict[str, Any]:
    async with Client(make_server()) as client:
        result = await client.call_tool("solve", {"problem": "Name the best plan.", **arguments})
    found: dict[str, Any] | None = result.structured_content
    assert found is not None
    return found


def by_depth(tree: list[dict[str, Any]], depth: int) -> list[dict[str, Any]]:
    return [n for n in tree if n["depth"] == depth]


async def test_bfs_keeps_exactly_breadth_states_per_level_chosen_by_value(model: tuple[Scripted, FakeOllama]) -> None:
    found = await solve(breadth=2, depth=3, evaluate_samples=1)
    tree = found["tree"]
    kept = {d: sorted(n["step"] for n in by_depth(tree, d) if n["status"] != "pruned") for d in (1, 2, 3)}
    assert kept[1] == ["a", "b"]  # likely and sure beat impossible
    assert kept[2] == ["b2", "b3"]  # three are sure; ties go to the first created (b is expanded first)
    assert all(len(kept[d]) == 2 for d in (1, 2, 3))
    assert [n["step"] for n in by_depth(tree, 1) if n["status"] == "pruned"] == ["c"]
    # Value scores drive pruning: no kept state is valued below a pruned sibling level-mate.
    for depth in (1, 2, 3):
        level = by_depth(tree, depth)
        worst_kept = min(n["value"] for n in level if n["status"] != "pruned")
        assert all(n["value"] <= worst_kept for n in level if n["status"] == "pruned")
    assert found["answer"] in {"b21", "b31", "a11"} and not found["solved"]
    assert found["confidence"] == 1.0 and found["answer"] == "b21"
    assert found["runners_up"][0]["score"] <= found["confidence"]


async def test_the_tree_matches_the_model_calls_made(model: tuple[Scripted, FakeOllama]) -> None:
    scripted, fake = model
    found = await solve(breadth=2, depth=3, evaluate_samples=2)
    tree = found["tree"]
    expanded = [n for n in tree if n["status"] in ("expanded", "root")]
    proposals = [r for r in fake.chat_requests if "Propose" in r.last_user]
    judgements = [r for r in fake.chat_requests if "Can these steps lead" in r.last_user]
    assert len(proposals) == len(expanded) == found["stats"]["expanded"]
    assert len(judgements) == 2 * (len(tree) - 1)
    assert Counter(scripted.judged) == Counter(n["answer"] or n["step"] for n in tree[1:] for _ in range(2))
    assert found["stats"]["model_calls"] == len(fake.chat_requests)
    assert found["stats"]["completion_tokens"] == sum(
        len(scripted.reply(r.last_user).split()) for r in judgements
    ) + sum(len(scripted.reply(r.last_user).split()) for r in proposals)
    for node in tree[1:]:
        parent = tree[node["parent"]]
        name = node["answer"] or node["step"]
        assert name.startswith(parent["answer"] or parent["step"])
        assert node["value"] == {"sure": 1.0, "likely": 0.5, "impossible": 0.0}[LABELS.get(name, "impossible")]


async def test_dfs_prunes_low_values_and_backtracks(model: tuple[Scripted, FakeOllama]) -> None:
    scripted, _ = model
    found = await solve(strategy="dfs", depth=3, evaluate_samples=1, value_threshold=0.6)
    # b (sure) first; its children b2, b3 (sure) are explored, b1 (likely) is pruned; a (likely) is pruned.
    assert scripted.proposals == ["", "b", "b2", "b3"]
    statuses = {n["step"]: n["status"] for n in found["tree"][1:]}
    assert statuses["a"] == statuses["c"] == statuses["b1"] == "pruned"
    assert found["answer"] == "b21" and found["stop_reason"] == "exhausted"


async def test_beam_ranks_whole_paths(model: tuple[Scripted, FakeOllama]) -> None:
    found = await solve(strategy="beam", breadth=1, depth=3, evaluate_samples=1)
    assert [s["step"] for s in found["best_path"]][:2] == ["b", "b2"]


async def test_vote_evaluation_and_sampled_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    def script(request: Any) -> str:
        prompt = request.last_user
        if "Write only the next step" in prompt:
            return "Final answer: 42" if "1. " in prompt else "Think about the question"
        if "The best choice is" in prompt:
            return "Choice 1 is promising.\nThe best choice is 1"
        raise AssertionError(prompt)

    async with fake_ollama(script) as fake:
        monkeypatch.setenv("PYGENT_LLM", "ollama:llama3.2")
        monkeypatch.setenv("OLLAMA_HOST", fake.url)
        found = await solve(generation="sample", samples=2, evaluation="vote", evaluate_samples=3, depth=2)
    assert found["answer"] == "42" and found["confidence"] == 1.0
    assert found["tree"][1]["judgements"] == ["3/3 votes"]
    assert found["stats"]["model_calls"] == len(fake.chat_requests) == 2 + 3 + 2 + 3


async def test_the_call_budget_is_never_exceeded(model: tuple[Scripted, FakeOllama]) -> None:
    _, fake = model
    found = await solve(breadth=2, depth=3, evaluate_samples=1, max_model_calls=6)
    assert found["stop_reason"] == "max_model_calls"
    assert len(fake.chat_requests) == found["stats"]["model_calls"] == 6


async def test_the_token_budget_stops_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = Scripted(LABELS, tokens=100)
    async with fake_ollama(scripted) as fake:
        monkeypatch.setenv("PYGENT_LLM", "ollama:llama3.2")
        monkeypatch.setenv("OLLAMA_HOST", fake.url)
        found = await solve(breadth=2, depth=3, evaluate_samples=1, max_tokens=250)
    assert found["stop_reason"] == "max_tokens"
    # Checked before each call: at most the calls of one level were in flight when it ran out.
    assert len(fake.chat_requests) <= 4 and found["stats"]["completion_tokens"] >= 250
