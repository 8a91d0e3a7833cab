"""A memory store embedded with one model refuses a server configured with another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from pygent.servers.memory.server import create_memory_server
from pygent.servers.memory.settings import MemorySettings

from tests.servers.memory.conftest import data

pytestmark = pytest.mark.anyio


async def _client(model: str) -> Client[Any]:
    return Client(create_memory_server(MemorySettings.load({"embedding_model": model})))


async def test_a_server_with_another_model_refuses_the_store_and_writes_nothing(clean_environ: Path) -> None:
    async with await _client("e5-small") as client:
        await client.call_tool("remember", {"text": "made with e5-small", "scope": "user:ann"})
    async with await _client("e5-small-enpt") as client:
        with pytest.raises(ToolError, match=r"embedded with e5-small \(384-d\).*configured for e5-small-enpt"):
            await client.call_tool("remember", {"text": "must not be mixed in", "scope": "user:ann"})
        with pytest.raises(ToolError, match="reembed"):
            await client.call_tool("recall", {"query": "anything", "scope": "user:ann"})
    async with await _client("e5-small") as client:
        page = data(await client.call_tool("list_memories", {"scope": "user:ann"}))
        assert [memory["text"] for memory in page["memories"]] == ["made with e5-small"]


async def test_an_unknown_model_is_reported_by_every_tool() -> None:
    async with await _client("word2vec") as client:
        with pytest.raises(ToolError, match="unknown embedding model 'word2vec'"):
            await client.call_tool("remember", {"text": "x", "scope": "user:ann"})
