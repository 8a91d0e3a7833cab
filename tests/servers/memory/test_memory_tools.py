"""remember / recall / forget / list_memories / update_memory, as an MCP client sees them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp_types import TextContent, TextResourceContents
from pygent.servers.memory.server import create_memory_server
from pygent.servers.memory.settings import MemorySettings

from tests.fixtures.results import text as result_text
from tests.servers.memory.conftest import data

pytestmark = pytest.mark.anyio

FACTS = [
    ("Ann prefers green tea over coffee in the morning", ["drinks"]),
    ("Ann's daughter starts school in September", ["family"]),
    ("The quarterly report is due on the last Friday of March", ["work"]),
]


async def _remember_all(client: Client[Any], scope: str = "user:ann") -> list[str]:
    ids = []
    for text, tags in FACTS:
        result = await client.call_tool("remember", {"text": text, "scope": scope, "tags": tags})
        ids.append(data(result)["id"])
    return ids


async def _recall(client: Client[Any], query: str, **arguments: Any) -> list[dict[str, Any]]:
    result = await client.call_tool("recall", {"query": query, **arguments})
    memories: list[dict[str, Any]] = data(result)["memories"]
    return memories


async def test_remember_recall_forget_round_trip(memory: Client[Any]) -> None:
    ids = await _remember_all(memory)
    hits = await _recall(memory, "what does Ann like to drink?", scope="user:ann", k=2)
    assert hits[0]["id"] == ids[0] and hits[0]["text"] == FACTS[0][0]
    assert hits[0]["similarity"] > 0.5 and hits[0]["score"] > 0
    forgotten = await memory.call_tool("forget", {"scope": "user:ann", "ids": [ids[0]]})
    assert data(forgotten) == {"scope": "user:ann", "forgotten": 1}
    assert ids[0] not in {hit["id"] for hit in await _recall(memory, "drink", scope="user:ann")}


async def test_a_scope_never_sees_another_scopes_memories_unless_asked(memory: Client[Any]) -> None:
    await _remember_all(memory, "user:ann")
    await memory.call_tool("remember", {"text": "Bob drinks espresso, never tea", "scope": "user:bob"})
    bob = await _recall(memory, "tea or coffee", scope="user:bob", k=10)
    assert {hit["scope"] for hit in bob} == {"user:bob"}
    both = await _recall(memory, "tea or coffee", scope="user:bob", also_scopes=["user:ann"], k=10)
    assert {hit["scope"] for hit in both} == {"user:ann", "user:bob"}
    listed = await memory.call_tool("list_memories", {"scope": "user:bob"})
    assert data(listed)["total"] == 1


async def test_keyword_vector_and_filters(memory: Client[Any]) -> None:
    await _remember_all(memory)
    keyword = await _recall(memory, "quarterly report", scope="user:ann", mode="keyword")
    assert keyword[0]["text"] == FACTS[2][0] and keyword[0]["keyword_score"] > 0
    assert keyword[0]["similarity"] is None
    by_tag = await _recall(memory, "anything at all", scope="user:ann", tags=["family"], k=10)
    assert [hit["text"] for hit in by_tag] == [FACTS[1][0]]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert await _recall(memory, "tea", scope="user:ann", since=future) == []
    assert await _recall(memory, "tea", scope="user:ann", min_importance=0.9) == []


async def test_expired_memories_are_not_recalled(memory: Client[Any]) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=2)
    await memory.call_tool(
        "remember", {"text": "the door code is 4711", "scope": "agent:a1", "expires_at": soon.isoformat()}
    )
    assert len(await _recall(memory, "door code", scope="agent:a1")) == 1
    with pytest.raises(ToolError, match="expires_at is in the past"):
        await memory.call_tool("remember", {"text": "x", "scope": "agent:a1", "expires_at": "2000-01-01T00:00:00Z"})


async def test_update_memory_changes_text_and_re_embeds(memory: Client[Any]) -> None:
    ids = await _remember_all(memory)
    updated = await memory.call_tool(
        "update_memory",
        {
            "id": ids[0],
            "scope": "user:ann",
            "text": "Ann switched to drinking black coffee",
            "tags": ["drinks", "changed"],
            "importance": 0.9,
        },
    )
    assert data(updated)["text"] == "Ann switched to drinking black coffee"
    hits = await _recall(memory, "coffee habits", scope="user:ann", mode="vector", k=1)
    assert hits[0]["id"] == ids[0] and hits[0]["tags"] == ["drinks", "changed"] and hits[0]["importance"] == 0.9
    with pytest.raises(ToolError, match="no memory 'mem_nope' in scope 'user:ann'"):
        await memory.call_tool("update_memory", {"id": "mem_nope", "scope": "user:ann", "importance": 0.1})
    with pytest.raises(ToolError, match="no memory"):
        await memory.call_tool("update_memory", {"id": ids[0], "scope": "user:bob", "importance": 0.1})


async def test_list_pages_newest_first_and_forget_by_tag_or_everything(memory: Client[Any]) -> None:
    await _remember_all(memory)
    page = await memory.call_tool("list_memories", {"scope": "user:ann", "limit": 2})
    content = data(page)
    assert content["total"] == 3 and [m["text"] for m in content["memories"]] == [FACTS[2][0], FACTS[1][0]]
    rest = await memory.call_tool("list_memories", {"scope": "user:ann", "limit": 2, "offset": 2})
    assert [m["text"] for m in data(rest)["memories"]] == [FACTS[0][0]]
    by_tag = await memory.call_tool("forget", {"scope": "user:ann", "tags": ["work"]})
    assert data(by_tag)["forgotten"] == 1
    everything = await memory.call_tool("forget", {"scope": "user:ann", "everything": True})
    assert data(everything)["forgotten"] == 2


async def test_bad_input_is_a_clear_error_and_writes_nothing(memory: Client[Any]) -> None:
    await memory.call_tool("remember", {"text": "one real memory", "scope": "user:ann"})
    with pytest.raises(ToolError, match="text is empty"):
        await memory.call_tool("remember", {"text": "   ", "scope": "user:ann"})
    with pytest.raises(ToolError, match="limit is 8000"):
        await memory.call_tool("remember", {"text": "x" * 8001, "scope": "user:ann"})
    with pytest.raises(ToolError, match="unknown scope 'user:zed'"):
        await memory.call_tool("recall", {"query": "anything", "scope": "user:zed"})
    with pytest.raises(ToolError, match=r"^invalid argument 'scope': String should match pattern"):
        await memory.call_tool("remember", {"text": "hello", "scope": "../../etc"})
    with pytest.raises(ToolError, match="say what to forget"):
        await memory.call_tool("forget", {"scope": "user:ann"})
    with pytest.raises(ToolError, match="1 of the ids are not memories of scope 'user:ann'; nothing was forgotten"):
        await memory.call_tool("forget", {"scope": "user:ann", "ids": ["mem_missing"]})
    listed = await memory.call_tool("list_memories", {"scope": "user:ann"})
    assert [m["text"] for m in data(listed)["memories"]] == ["one real memory"]


async def test_tools_carry_annotations_and_output_schemas(memory: Client[Any]) -> None:
    tools = {tool.name: tool for tool in await memory.list_tools()}
    assert tools["recall"].annotations is not None and tools["recall"].annotations.read_only_hint
    assert tools["forget"].annotations is not None and tools["forget"].annotations.destructive_hint
    assert all(tool.output_schema for tool in tools.values())
    assert all(tool.annotations is not None for tool in tools.values())


async def test_resources_and_prompt(memory: Client[Any]) -> None:
    await memory.call_tool("remember", {"text": "Ann likes jazz", "scope": "user:ann"})
    page = await memory.read_resource("memory://memories/user:ann")
    assert isinstance(page[0], TextResourceContents) and "Ann likes jazz" in page[0].text
    prompt = await memory.get_prompt("answer_with_memory", {"question": "What music?", "scope": "user:ann"})
    content = prompt.messages[0].content
    assert isinstance(content, TextContent) and "recall" in content.text


async def test_a_store_that_failed_to_open_is_opened_again_by_the_next_write() -> None:
    settings = MemorySettings.load()
    settings.lance_dir.parent.mkdir(parents=True, exist_ok=True)
    settings.lance_dir.write_text("a file where the store's folder belongs")
    async with Client(create_memory_server(settings)) as client:
        failed = await client.call_tool("remember", {"text": "first try", "scope": "user:ann"}, raise_on_error=False)
        assert failed.is_error and result_text(failed) == "the memory store could not be opened; see the server log"
        settings.lance_dir.unlink()
        stored = data(await client.call_tool("remember", {"text": "second try", "scope": "user:ann"}))
        listed = data(await client.call_tool("list_memories", {"scope": "user:ann"}))
        assert [memory["id"] for memory in listed["memories"]] == [stored["id"]]
