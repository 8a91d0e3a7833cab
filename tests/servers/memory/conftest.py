"""A memory server per test, in memory (the real server object, real LanceDB under PYGENT_HOME)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from pygent.servers.memory.server import create_memory_server
from pygent.servers.memory.settings import MemorySettings


@pytest.fixture
async def memory() -> AsyncIterator[Client[Any]]:
    async with Client(create_memory_server(MemorySettings.load())) as client:
        yield client


def stdio_memory(home: Path, *args: str, **env: str) -> Client[Any]:
    """A client of `python -m pygent.servers.memory` as a real child process."""
    transport = StdioTransport(
        sys.executable, ["-m", "pygent.servers.memory", *args], env={"PYGENT_HOME": str(home), **env}, keep_alive=False
    )
    return Client(transport, timeout=60)


def data(result: Any) -> dict[str, Any]:
    """The structured content of a tool result."""
    content = result.structured_content
    assert isinstance(content, dict), result
    return content
