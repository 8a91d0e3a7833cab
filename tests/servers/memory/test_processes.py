"""The memory server as real child processes: startup time, restarts, concurrent writers, a shared fresh store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastmcp import Client

from tests.fixtures.startup import fresh_tools
from tests.servers.memory.conftest import data, stdio_memory

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
ROUNDS = 4  # about 6 s each on 2 busy cores: two cold starts, imports and embedders


def test_importing_the_server_leaves_lancedb_for_the_background_thread() -> None:
    code = "import sys, pygent.servers.memory.server; sys.exit('lancedb' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


async def test_a_fresh_process_lists_its_tools(tmp_path: Path) -> None:
    names = await fresh_tools(["-m", "pygent.servers.memory"], {"PYGENT_HOME": str(tmp_path / "home")})
    assert {"remember", "recall", "create_entities", "search_nodes"} <= names


async def test_memories_and_graph_survive_a_restart(tmp_path: Path) -> None:
    async with stdio_memory(tmp_path) as client:
        await client.call_tool("remember", {"text": "the spare key is under the blue pot", "scope": "user:kim"})
        await client.call_tool(
            "create_entities",
            {"entities": [{"name": "Kim", "entityType": "person", "observations": ["owns a blue pot"]}]},
        )
    async with stdio_memory(tmp_path) as client:
        hits = data(await client.call_tool("recall", {"query": "where is the key?", "scope": "user:kim"}))["memories"]
        assert hits[0]["text"] == "the spare key is under the blue pot"
        graph = data(await client.call_tool("read_graph", {}))
        assert graph["entities"][0]["observations"] == ["owns a blue pot"]


async def _write_many(client: Client[Any], prefix: str, count: int) -> list[str]:
    ids: list[str] = []

    async def one(i: int) -> None:
        result = await client.call_tool("remember", {"text": f"{prefix} note {i}", "scope": "agent:load"})
        ids.append(data(result)["id"])

    async with anyio.create_task_group() as group:
        for i in range(count):
            group.start_soon(one, i)
    return ids


async def test_two_processes_writing_500_memories_each_at_once_lose_nothing(tmp_path: Path) -> None:
    async with stdio_memory(tmp_path) as first, stdio_memory(tmp_path) as second:
        # Both handles are open (and long-lived) before anyone writes.
        await first.list_tools()
        await second.list_tools()
        results: dict[str, list[str]] = {}

        async def run(name: str, client: Client[Any]) -> None:
            results[name] = await _write_many(client, name, 500)

        with anyio.fail_after(100):
            async with anyio.create_task_group() as group:
                group.start_soon(run, "alpha", first)
                group.start_soon(run, "beta", second)
        assert len(set(results["alpha"]) | set(results["beta"])) == 1000
        # Each long-lived handle sees every row, including the other process's.
        for client in (first, second):
            page = data(await client.call_tool("list_memories", {"scope": "agent:load", "limit": 100}))
            assert page["total"] == 1000
        hits = data(await first.call_tool("recall", {"query": "beta note 7", "scope": "agent:load", "mode": "keyword"}))
        assert any(hit["text"] == "beta note 7" for hit in hits["memories"])


async def test_two_processes_growing_one_graph_lose_no_entity_or_observation(tmp_path: Path) -> None:
    async with stdio_memory(tmp_path) as first, stdio_memory(tmp_path) as second:
        await first.call_tool(
            "create_entities", {"entities": [{"name": "hub", "entityType": "node", "observations": []}]}
        )

        async def grow(client: Client[Any], name: str) -> None:
            async def one(i: int) -> None:
                entity = {"name": f"{name}-{i}", "entityType": "node", "observations": []}
                await client.call_tool("create_entities", {"entities": [entity]})
                await client.call_tool(
                    "add_observations", {"observations": [{"entityName": "hub", "contents": [f"{name} {i}"]}]}
                )

            async with anyio.create_task_group() as group:
                for i in range(20):
                    group.start_soon(one, i)

        with anyio.fail_after(100):
            async with anyio.create_task_group() as group:
                group.start_soon(grow, first, "a")
                group.start_soon(grow, second, "b")
        graph = data(await second.call_tool("read_graph", {}))
        assert len(graph["entities"]) == 41
        hub = next(entity for entity in graph["entities"] if entity["name"] == "hub")
        assert len(hub["observations"]) == 40


class _Round:
    """Two servers on one fresh store: each waits for the other at `up` and `written`."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.up: list[str] = []
        self.all_up = anyio.Event()
        self.written: list[str] = []
        self.all_written = anyio.Event()
        self.failures: list[str] = []

    async def run(self) -> list[str]:
        with anyio.fail_after(40):
            async with anyio.create_task_group() as group:
                group.start_soon(self.writer, "first")
                group.start_soon(self.writer, "second")
        return self.failures

    @staticmethod
    async def arrive(arrived: list[str], name: str, everyone: anyio.Event) -> None:
        arrived.append(name)
        if len(arrived) == 2:
            everyone.set()
        await everyone.wait()

    async def writer(self, name: str) -> None:
        async with stdio_memory(self.home) as client:
            await self.arrive(self.up, name, self.all_up)

            async def remember(i: int) -> None:
                arguments = {"text": f"{name} note {i}", "scope": "agent:race"}
                result = await client.call_tool("remember", arguments, raise_on_error=False)
                if result.is_error:
                    self.failures.append(f"{name}: {result.content}")

            async with anyio.create_task_group() as group:
                for i in range(3):
                    group.start_soon(remember, i)
            await self.arrive(self.written, name, self.all_written)
            total = data(await client.call_tool("list_memories", {"scope": "agent:race"}))["total"]
            if total != 6:
                self.failures.append(f"{name} sees {total} of 6 memories")


async def test_two_servers_started_together_on_a_fresh_store_both_take_writes(tmp_path: Path) -> None:
    # Each server opens its store on its first call, so both create the tables and indices at the same
    # moment: the race that once left the loser refusing every write. Where the race is certain (two
    # threads) the loser's retry is proven by tests/core/embeddings/test_conflicts.py.
    for round_ in range(ROUNDS):
        assert await _Round(tmp_path / f"round-{round_}").run() == [], f"round {round_}"
