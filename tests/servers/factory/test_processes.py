"""The factory as real processes: over stdio, quick to start, and two of them writing one agent at once."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import anyio
import pytest
from fastmcp import Client
from pygent.host.meshconfig import default_document

from tests.fixtures.startup import fresh_tools
from tests.servers.factory.conftest import StateDb, data, stdio_factory

pytestmark = pytest.mark.anyio
ROUNDS = 10  # updates per process


def test_the_factory_is_in_the_default_mesh() -> None:
    assert default_document()["mcpServers"]["factory"] == {"command": "pygent", "args": ["server", "factory"]}


@pytest.mark.slow
async def test_a_fresh_process_lists_its_tools(state: StateDb) -> None:
    names = await fresh_tools(["-m", "pygent.servers.factory"], state.env())
    assert {"create_agent", "update_agent", "delete_agent"} <= names


@pytest.mark.slow
async def test_over_stdio_agents_survive_a_restart(state: StateDb) -> None:
    async with stdio_factory(state) as client:
        await client.call_tool("create_agent", {"name": "keeper", "template": "reasoning"})
        await client.call_tool("update_agent", {"name": "keeper", "changes": {"description": "kept"}})
    async with stdio_factory(state) as client:
        got = data(await client.call_tool("get_agent", {"name": "keeper"}))
        assert got["versions"] == [1, 2] and got["agent"]["description"] == "kept"
        result = await client.call_tool("create_agent", {"name": "Keeper"}, raise_on_error=False)
        assert result.is_error and "is not an agent name" in result.content[0].text


@pytest.mark.slow
async def test_two_processes_updating_one_agent_at_once_lose_no_version(state: StateDb) -> None:
    async with stdio_factory(state) as first, stdio_factory(state) as second:
        await first.call_tool("create_agent", {"name": "shared", "template": "general"})
        labels: list[str] = []

        async def update(client: Client[Any], label: str) -> None:
            result = data(await client.call_tool("update_agent", {"name": "shared", "changes": {"description": label}}))
            assert result["agent"]["description"] == label
            labels.append(label)

        async with anyio.create_task_group() as group:
            for i in range(ROUNDS):
                group.start_soon(update, first, f"first-{i}")
                group.start_soon(update, second, f"second-{i}")

        versions = data(await first.call_tool("get_agent", {"name": "shared"}))["versions"]
        assert versions == list(range(1, 2 * ROUNDS + 2))
        stored = [
            data(await second.call_tool("get_agent", {"name": "shared", "version": v}))["agent"] for v in versions[1:]
        ]
        # Each update is exactly one version, in the order they were stored.
        assert sorted(spec["description"] for spec in stored) == sorted(labels)
        assert [spec["version"] for spec in stored] == versions[1:]
        assert all(later["updatedAt"] >= earlier["updatedAt"] for earlier, later in pairwise(stored))
    assert state.count() == 2 * ROUNDS + 1


@pytest.mark.slow
async def test_a_delete_racing_updates_from_another_process_leaves_no_version_behind(state: StateDb) -> None:
    async with stdio_factory(state) as updater, stdio_factory(state) as deleter:
        await updater.call_tool("create_agent", {"name": "doomed", "template": "search"})
        outcomes: list[str] = []

        async def update(i: int) -> None:
            changes = {"name": "doomed", "changes": {"description": f"u{i}"}}
            result = await updater.call_tool("update_agent", changes, raise_on_error=False)
            outcomes.append(result.content[0].text if result.is_error else "stored")

        async with anyio.create_task_group() as group:
            for i in range(ROUNDS):
                group.start_soon(update, i)
            group.start_soon(deleter.call_tool, "delete_agent", {"name": "doomed"})

        assert set(outcomes) <= {"stored", "unknown agent 'doomed'"}
        result = await deleter.call_tool("get_agent", {"name": "doomed"}, raise_on_error=False)
        assert result.is_error and result.content[0].text == "unknown agent 'doomed'"
    assert state.count() == 0
