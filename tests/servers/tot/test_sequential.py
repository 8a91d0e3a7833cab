"""`sequentialthinking` answers exactly like @modelcontextprotocol/server-sequential-thinking.

The reference runs over stdio (pinned in .ci/node); both get the same sequence
of calls, including coerced strings, branches, revisions and invalid input.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from mcp_types import TextContent
from pygent.servers.tot.sequential import js_key_order

from tests.fixtures.node import node22, package_path
from tests.servers.tot.conftest import make_server

pytestmark = pytest.mark.anyio

CALLS: list[dict[str, Any]] = [
    {"thought": "Understand the problem", "nextThoughtNeeded": True, "thoughtNumber": 1, "totalThoughts": 3},
    {
        "thought": 'Key insight: ünïcödé — "quoted"\nnew line',
        "nextThoughtNeeded": "true",
        "thoughtNumber": "2",
        "totalThoughts": 3,
    },
    {
        "thought": "More than planned",
        "nextThoughtNeeded": True,
        "thoughtNumber": 5,
        "totalThoughts": 3,
        "needsMoreThoughts": True,
    },
    {
        "thought": "Revise step 2",
        "nextThoughtNeeded": True,
        "thoughtNumber": 6,
        "totalThoughts": 7,
        "isRevision": "TRUE",
        "revisesThought": 2,
    },
    {
        "thought": "Branch x",
        "nextThoughtNeeded": True,
        "thoughtNumber": 7,
        "totalThoughts": 8,
        "branchFromThought": 3,
        "branchId": "x",
    },
    {
        "thought": "Branch 10",
        "nextThoughtNeeded": True,
        "thoughtNumber": 8,
        "totalThoughts": 8,
        "branchFromThought": 3,
        "branchId": "10",
    },
    {
        "thought": "Branch 2",
        "nextThoughtNeeded": True,
        "thoughtNumber": 9,
        "totalThoughts": 9,
        "branchFromThought": 1,
        "branchId": "2",
    },
    {
        "thought": "Branch x again",
        "nextThoughtNeeded": True,
        "thoughtNumber": 10,
        "totalThoughts": 9,
        "branchFromThought": 3,
        "branchId": "x",
    },
    {
        "thought": "Empty branch id",
        "nextThoughtNeeded": True,
        "thoughtNumber": 11,
        "totalThoughts": 12,
        "branchFromThought": 3,
        "branchId": "",
    },
    {"thought": "bad", "nextThoughtNeeded": "maybe", "thoughtNumber": 12, "totalThoughts": 12},
    {"thought": "bad", "nextThoughtNeeded": True, "thoughtNumber": 0, "totalThoughts": 12},
    {"thought": "bad", "nextThoughtNeeded": True, "thoughtNumber": 1.5, "totalThoughts": 12},
    {"thought": "bad", "nextThoughtNeeded": True, "thoughtNumber": 13},
    {"thought": "Done", "nextThoughtNeeded": "False", "thoughtNumber": "12.0", "totalThoughts": 12},
]


async def replies(client: Client[Any]) -> list[tuple[bool, str | None, Any]]:
    seen: list[tuple[bool, str | None, Any]] = []
    for call in CALLS:
        result = await client.call_tool_mcp("sequentialthinking", call)
        if result.is_error:
            seen.append((True, None, None))
        else:
            block = result.content[0]
            assert isinstance(block, TextContent)
            seen.append((False, block.text, result.structured_content))
    return seen


@pytest.mark.node
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_same_answers_as_the_reference_server(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    script = package_path("@modelcontextprotocol/server-sequential-thinking", "dist", "index.js")
    reference = StdioTransport(node22(), [str(script)], env={"DISABLE_THOUGHT_LOGGING": "true"})
    async with Client(reference) as client:
        expected = await replies(client)
    monkeypatch.setenv("PYGENT_LLM", "none")
    async with Client(make_server(), mode=mode) as client:
        ours = await replies(client)
    assert ours == expected
    assert [error for error, _, _ in expected] == [False] * 9 + [True] * 4 + [False]
    assert json.loads(expected[-1][1])["branches"] == ["2", "10", "x"]  # type: ignore[arg-type]


@pytest.mark.node
async def test_the_same_arguments_as_the_reference() -> None:
    script = package_path("@modelcontextprotocol/server-sequential-thinking", "dist", "index.js")
    async with Client(StdioTransport(node22(), [str(script)], env={"DISABLE_THOUGHT_LOGGING": "true"})) as client:
        (theirs,) = await client.list_tools()
    async with Client(make_server()) as client:
        (ours,) = [t for t in await client.list_tools() if t.name == "sequentialthinking"]
    assert ours.input_schema["required"] == theirs.input_schema["required"]
    assert set(ours.input_schema["properties"]) == set(theirs.input_schema["properties"])
    assert ours.output_schema is not None and theirs.output_schema is not None
    assert ours.output_schema["properties"] == theirs.output_schema["properties"]
    assert ours.annotations == theirs.annotations and ours.title == theirs.title


def test_object_key_order_follows_javascript() -> None:
    assert js_key_order(["x", "10", "2", "y", "01", "4294967295", "0"]) == [
        "0",
        "2",
        "10",
        "x",
        "y",
        "01",
        "4294967295",
    ]
