"""The search server as a client sees it: its tools, their hints and schemas, and the research prompt."""

from __future__ import annotations

import pytest

from tests.servers.search.conftest import Connect

pytestmark = pytest.mark.anyio


async def test_every_tool_is_read_only_with_hints_and_an_output_schema(connect: Connect) -> None:
    async with connect() as client:
        tools = {tool.name: tool for tool in await client.list_tools()}
    assert set(tools) == {"web_search", "academic_search", "fetch", "local_search"}
    for tool in tools.values():
        hints = tool.annotations
        assert hints is not None and hints.read_only_hint is True and hints.destructive_hint is False
        assert hints.idempotent_hint is not None and hints.open_world_hint is not None
        assert tool.output_schema is not None and tool.description
    assert tools["local_search"].annotations.open_world_hint is False  # type: ignore[union-attr]
    assert tools["fetch"].annotations.open_world_hint is True  # type: ignore[union-attr]


async def test_research_prompt_names_the_tools_in_order(connect: Connect) -> None:
    async with connect() as client:
        prompt = await client.get_prompt("research", {"topic": "retry budgets"})
    text = prompt.messages[0].content.text  # type: ignore[union-attr]
    assert text.startswith("Research: retry budgets")
    assert text.index("local_search") < text.index("web_search") < text.index("fetch")
