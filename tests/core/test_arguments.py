"""Bad tool arguments reach the client as one line naming each argument, with no pydantic report.

Through a real MCP client, against a server built by the server kit and
against real capability servers (memory, database, filesystem).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastmcp import Client, FastMCP
from pydantic import BaseModel, Field
from pygent.core.server_kit import create_server
from pygent.servers.database.server import build_server as build_database
from pygent.servers.database.settings import DatabaseSettings
from pygent.servers.filesystem.server import build_server as build_filesystem
from pygent.servers.filesystem.settings import FilesystemSettings
from pygent.servers.memory.server import create_memory_server
from pygent.servers.memory.settings import MemorySettings

pytestmark = pytest.mark.anyio


class Query(BaseModel):
    text: str
    weight: float = 1.0


def kit_server() -> FastMCP[Any]:
    server = create_server("kit")

    @server.tool
    def search(
        query: str,
        limit: Annotated[int, Field(ge=1, le=50)] = 5,
        filters: list[Query] | None = None,
        ids: list[int] | None = None,
    ) -> str:
        return "ok"

    return server


async def error_text(client: Client[Any], tool: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool_mcp(tool, arguments)
    assert result.is_error, result
    return str(result.content[0].text)  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
@pytest.mark.parametrize(
    ("arguments", "line"),
    [
        ({"query": "x", "limit": 99}, "invalid argument 'limit': Input should be less than or equal to 50"),
        ({"limit": 3}, "missing required argument 'query'"),
        ({"query": "x", "foo": 1}, "unexpected argument 'foo'"),
        (
            {"query": "x", "limit": "ten", "foo": 1},
            "invalid argument 'limit': Input should be a valid integer, unable to parse string as an integer; "
            "unexpected argument 'foo'",
        ),
        (
            {"query": "x", "filters": [{"text": "a"}, {"weight": "heavy"}]},
            "missing required argument 'filters[1].text'; "
            "invalid argument 'filters[1].weight': Input should be a valid number, unable to parse string as a number",
        ),
        (
            {"query": "x", "ids": [1, "two"]},
            "invalid argument 'ids[1]': Input should be a valid integer, unable to parse string as an integer",
        ),
    ],
)
async def test_each_problem_names_its_argument_in_one_line(mode: str, arguments: dict[str, Any], line: str) -> None:
    async with Client(kit_server(), mode=mode) as client:
        assert await error_text(client, "search", arguments) == line


@pytest.fixture
async def memory() -> AsyncIterator[Client[Any]]:
    async with Client(create_memory_server(MemorySettings.load())) as client:
        yield client


async def test_memory_recall_with_a_limit_over_the_cap(memory: Client[Any]) -> None:
    text = await error_text(memory, "recall", {"query": "tea", "k": 500})
    assert text == "invalid argument 'k': Input should be less than or equal to 100"


async def test_memory_recall_with_no_query_and_a_misspelt_argument(memory: Client[Any]) -> None:
    text = await error_text(memory, "recall", {"limit": 5})
    assert text == "missing required argument 'query'; unexpected argument 'limit'"


async def test_database_query_without_its_sql(tmp_path: Path) -> None:
    settings = DatabaseSettings.load({"connections": {"app": {"url": f"sqlite:///{tmp_path / 'app.db'}"}}})
    async with Client(build_database(settings)) as client:
        assert await error_text(client, "query", {"connection": "app"}) == "missing required argument 'sql'"


async def test_filesystem_read_without_a_path_and_with_a_bad_head(tmp_path: Path) -> None:
    async with Client(build_filesystem(FilesystemSettings.load({"roots": [tmp_path]}))) as client:
        text = await error_text(client, "read_text_file", {"head": 0})
    assert text == (
        "missing required argument 'path'; invalid argument 'head': Input should be greater than or equal to 1"
    )
