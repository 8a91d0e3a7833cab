"""The knowledge-graph tools: the reference server's semantics, plus scopes and semantic search."""

from __future__ import annotations

from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp_types import TextResourceContents

from tests.servers.memory.conftest import data

pytestmark = pytest.mark.anyio

ENTITIES = [
    {"name": "Ada", "entityType": "person", "observations": ["wrote the first program", "worked with Babbage"]},
    {"name": "Engine", "entityType": "machine", "observations": ["mechanical computer"]},
    {"name": "London", "entityType": "city", "observations": []},
]
RELATIONS = [
    {"from": "Ada", "to": "Engine", "relationType": "programmed"},
    {"from": "Ada", "to": "London", "relationType": "lived in"},
]


async def _seed(client: Client[Any], scope: str = "default") -> None:
    await client.call_tool("create_entities", {"entities": ENTITIES, "scope": scope})
    await client.call_tool("create_relations", {"relations": RELATIONS, "scope": scope})


async def test_create_skips_existing_entities_and_relations(memory: Client[Any]) -> None:
    first = await memory.call_tool("create_entities", {"entities": ENTITIES})
    assert data(first) == {"entities": ENTITIES}
    again = await memory.call_tool(
        "create_entities", {"entities": [ENTITIES[0], {"name": "Paris", "entityType": "city", "observations": []}]}
    )
    assert [e["name"] for e in data(again)["entities"]] == ["Paris"]
    assert data(await memory.call_tool("create_relations", {"relations": RELATIONS}))["relations"] == RELATIONS
    assert data(await memory.call_tool("create_relations", {"relations": RELATIONS}))["relations"] == []
    graph = data(await memory.call_tool("read_graph", {}))
    assert [e["name"] for e in graph["entities"]] == ["Ada", "Engine", "London", "Paris"]
    assert graph["relations"] == RELATIONS


async def test_add_and_delete_observations(memory: Client[Any]) -> None:
    await _seed(memory)
    added = await memory.call_tool(
        "add_observations",
        {"observations": [{"entityName": "Ada", "contents": ["worked with Babbage", "born in 1815", "born in 1815"]}]},
    )
    assert data(added) == {"results": [{"entityName": "Ada", "addedObservations": ["born in 1815"]}]}
    await memory.call_tool(
        "delete_observations",
        {
            "deletions": [
                {"entityName": "Ada", "observations": ["wrote the first program"]},
                {"entityName": "Nobody", "observations": ["ignored"]},
            ]
        },
    )
    ada = data(await memory.call_tool("open_nodes", {"names": ["Ada"]}))["entities"][0]
    assert ada["observations"] == ["worked with Babbage", "born in 1815"]


async def test_adding_to_a_missing_entity_fails_the_whole_call(memory: Client[Any]) -> None:
    await _seed(memory)
    with pytest.raises(ToolError, match="Entity with name Ghost not found"):
        await memory.call_tool(
            "add_observations",
            {
                "observations": [
                    {"entityName": "Ada", "contents": ["should not be added"]},
                    {"entityName": "Ghost", "contents": ["boo"]},
                ]
            },
        )
    ada = data(await memory.call_tool("open_nodes", {"names": ["Ada"]}))["entities"][0]
    assert "should not be added" not in ada["observations"]


async def test_deleting_an_entity_deletes_its_relations(memory: Client[Any]) -> None:
    await _seed(memory)
    done = await memory.call_tool("delete_entities", {"entityNames": ["Engine", "Missing"]})
    assert data(done) == {"success": True, "message": "Entities deleted successfully"}
    graph = data(await memory.call_tool("read_graph", {}))
    assert [e["name"] for e in graph["entities"]] == ["Ada", "London"]
    assert graph["relations"] == [RELATIONS[1]]
    await memory.call_tool("delete_relations", {"relations": [RELATIONS[1]]})
    assert data(await memory.call_tool("read_graph", {}))["relations"] == []


async def test_open_and_search_return_relations_touching_the_matches(memory: Client[Any]) -> None:
    await _seed(memory)
    opened = data(await memory.call_tool("open_nodes", {"names": ["Engine"]}))
    assert [e["name"] for e in opened["entities"]] == ["Engine"] and opened["relations"] == [RELATIONS[0]]
    found = data(await memory.call_tool("search_nodes", {"query": "BABBAGE", "mode": "substring"}))
    assert [e["name"] for e in found["entities"]] == ["Ada"] and found["relations"] == RELATIONS
    assert data(await memory.call_tool("search_nodes", {"query": "zzz", "mode": "substring"}))["entities"] == []


async def test_semantic_search_finds_entities_by_meaning(memory: Client[Any]) -> None:
    await _seed(memory)
    found = data(
        await memory.call_tool("search_nodes", {"query": "a computing machine", "mode": "semantic", "limit": 1})
    )
    assert [e["name"] for e in found["entities"]] == ["Engine"]
    both = data(await memory.call_tool("search_nodes", {"query": "Ada"}))
    assert both["entities"][0]["name"] == "Ada"


async def test_scopes_keep_graphs_apart(memory: Client[Any]) -> None:
    await _seed(memory, "user:ann")
    assert data(await memory.call_tool("read_graph", {}))["entities"] == []
    assert len(data(await memory.call_tool("read_graph", {"scope": "user:ann"}))["entities"]) == 3
    with pytest.raises(ToolError, match="unknown scope 'user:bob'"):
        await memory.call_tool("read_graph", {"scope": "user:bob"})
    resource = await memory.read_resource("memory://knowledge-graph/user:ann")
    assert isinstance(resource[0], TextResourceContents) and '"relationType": "programmed"' in resource[0].text


async def test_jsonl_export_import_round_trip(memory: Client[Any]) -> None:
    await _seed(memory)
    exported = data(await memory.call_tool("export_graph", {}))["jsonl"]
    lines = exported.split("\n")
    assert lines[0] == (
        '{"type":"entity","name":"Ada","entityType":"person",'
        '"observations":["wrote the first program","worked with Babbage"]}'
    )
    assert lines[-1] == '{"type":"relation","from":"Ada","to":"London","relationType":"lived in"}'
    imported = await memory.call_tool("import_graph", {"jsonl": exported, "scope": "agent:copy"})
    assert data(imported) == {"scope": "agent:copy", "entities_created": 3, "relations_created": 2}
    assert data(await memory.call_tool("read_graph", {"scope": "agent:copy"})) == data(
        await memory.call_tool("read_graph", {})
    )
    with pytest.raises(ToolError, match="line 2 of the graph file is invalid"):
        await memory.call_tool("import_graph", {"jsonl": lines[0] + "\n{not json", "scope": "agent:bad"})
    with pytest.raises(ToolError, match="unknown scope"):
        await memory.call_tool("read_graph", {"scope": "agent:bad"})


async def test_limits_are_clear_errors(memory: Client[Any]) -> None:
    many = [{"name": f"e{i}", "entityType": "t", "observations": []} for i in range(501)]
    with pytest.raises(ToolError, match="501 entities in one call; the limit is 500"):
        await memory.call_tool("create_entities", {"entities": many})
    with pytest.raises(ToolError, match="an observation is 9000 characters"):
        await memory.call_tool(
            "create_entities", {"entities": [{"name": "x", "entityType": "t", "observations": ["y" * 9000]}]}
        )
    assert data(await memory.call_tool("read_graph", {}))["entities"] == []
