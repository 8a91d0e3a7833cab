"""One-step tools, the catalogue a client sees, the prompt and the tasks resource."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

pytestmark = pytest.mark.anyio


async def test_every_tool_has_annotations_and_an_output_schema(client: Client[Any]) -> None:
    tools = {tool.name: tool for tool in await client.list_tools()}
    assert set(tools) == {"solve", "expand", "evaluate", "get_run", "list_runs", "cancel", "sequentialthinking"}
    for tool in tools.values():
        hints = tool.annotations
        assert hints is not None and None not in (
            hints.read_only_hint,
            hints.destructive_hint,
            hints.idempotent_hint,
            hints.open_world_hint,
        )
        assert tool.output_schema is not None, tool.name
    assert tools["get_run"].annotations.read_only_hint  # type: ignore[union-attr]
    assert not tools["solve"].annotations.read_only_hint  # type: ignore[union-attr]
    strategy = tools["solve"].input_schema["properties"]["strategy"]
    assert strategy["enum"] == ["bfs", "dfs", "beam"]


async def test_expand_lists_every_legal_step_of_a_game24_state(client: Client[Any]) -> None:
    result = await client.call_tool("expand", {"problem": "4 9 10 13", "task": "game24", "steps": ["13 - 9 = 4"]})
    found = result.structured_content
    assert found is not None and found["thinker"] == "programmatic"
    assert found["steps"] == ["13 - 9 = 4 (left: 4 4 10)"] and found["state"] == "left: 4 4 10"
    steps = [c["step"] for c in found["candidates"]]
    assert "10 - 4 = 6 (left: 4 6)" in steps and len(steps) == len(set(steps))


async def test_expand_at_the_last_step_reports_answers_and_checks_them(client: Client[Any]) -> None:
    steps = ["13 - 9 = 4", "10 - 4 = 6"]
    result = await client.call_tool("expand", {"problem": "4 9 10 13", "task": "game24", "steps": steps})
    found = result.structured_content
    assert found is not None
    right = [c for c in found["candidates"] if c["correct"]]
    assert [c["answer"] for c in right] == ["(10 - 4) * (13 - 9) = 24"] or [c["answer"] for c in right] == [
        "(13 - 9) * (10 - 4) = 24"
    ]
    assert all(c["terminal"] for c in found["candidates"])


async def test_evaluate_scores_states_exactly_without_a_model(client: Client[Any]) -> None:
    candidates = [["13 - 9 = 4"], ["13 * 9 = 117"], ["13 - 9 = 4", "10 - 4 = 6", "4 * 6 = 24"]]
    result = await client.call_tool("evaluate", {"problem": "4 9 10 13", "task": "game24", "candidates": candidates})
    found = result.structured_content
    assert found is not None
    assert [(s["value"], s["terminal"], s["correct"]) for s in found["scores"]] == [
        (1.0, False, None),
        (0.0, False, None),
        (1.0, True, True),
    ]


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("expand", {"problem": "4 9 10 13", "task": "game24", "steps": ["9 + 9 = 18"]}, "not left"),
        (
            "expand",
            {"problem": "4 9 10 13", "task": "game24", "steps": ["13 - 9 = 4", "10 - 4 = 6", "4 * 6 = 24"]},
            "finished",
        ),
        ("evaluate", {"problem": "4 9 10 13", "task": "game24", "candidates": []}, "at least 1 item"),
        ("evaluate", {"problem": "4 9 10 13", "task": "game24", "candidates": [["13 - 9 = 5"]]}, "is wrong"),
        ("expand", {"problem": "Plan a trip"}, "PYGENT_LLM=none"),
        ("expand", {"problem": "Plan a trip", "steps": ["  "]}, "a step is empty"),
    ],
)
async def test_bad_steps_are_clear_tool_errors(
    client: Client[Any], tool: str, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ToolError, match=message):
        await client.call_tool(tool, arguments)


async def test_the_prompt_walks_a_client_through_the_search(client: Client[Any]) -> None:
    prompt = await client.get_prompt("tree_of_thought", {"problem": "4 9 10 13", "task": "game24", "breadth": "2"})
    text = prompt.messages[0].content.text  # type: ignore[union-attr]
    assert "`expand`" in text and "`evaluate`" in text and "keep the 2" in text and "task='game24'" in text


async def test_the_tasks_resource_lists_the_plugins(client: Client[Any]) -> None:
    contents = await client.read_resource("tot://tasks")
    tasks = {t["name"]: t for t in json.loads(contents[0].text)["tasks"]}  # type: ignore[union-attr]
    assert tasks["game24"]["exact_checker"] and tasks["game24"]["works_without_model"]
    assert not tasks["generic"]["works_without_model"]
