"""Every table is a schema resource; any table can be read through the template; the prompt exists."""

from __future__ import annotations

import json

import pytest
from mcp.shared.exceptions import MCPError

from tests.servers.database.conftest import Db

pytestmark = pytest.mark.anyio


async def test_each_table_is_listed_and_readable(db: Db) -> None:
    uris = {str(resource.uri) for resource in await db.client.list_resources()}
    people = f"db://ro/{db.schema}/people"
    assert {people, f"db://ro/{db.schema}/teams", f"db://rw/{db.schema}/people"} <= uris
    [contents] = await db.client.read_resource(people)
    described = json.loads(contents.text)  # type: ignore[union-attr]
    assert described["name"] == "people" and described["primary_key"] == ["id"]


async def test_an_unknown_table_resource_is_an_error(db: Db) -> None:
    with pytest.raises(MCPError, match=rf"no table {db.schema}\.ghost in connection 'ro'"):
        await db.client.read_resource(f"db://ro/{db.schema}/ghost")


async def test_the_exploration_prompt(db: Db) -> None:
    prompt = await db.client.get_prompt("explore_database", {"connection": "ro"})
    assert "describe_table" in prompt.messages[0].content.text  # type: ignore[union-attr]
