"""Our knowledge graph against `@modelcontextprotocol/server-memory` itself, call for call.

Both servers run as real stdio children and get the same calls; after each
step their graphs must be equal. The reference's own JSONL file must import
into ours and our export must equal that file byte for byte.

Needs `@modelcontextprotocol/server-memory@2026.8.31` from `.ci/node` (see
tests/fixtures/node.py: `npm ci --prefix .ci/node`, or PYGENT_TEST_NODE_MODULES).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from fastmcp.exceptions import ToolError

from tests.fixtures.node import node22, package_path
from tests.servers.memory.conftest import data, stdio_memory

pytestmark = [pytest.mark.anyio, pytest.mark.node, pytest.mark.slow]


STEPS: list[tuple[str, dict[str, Any]]] = [
    (
        "create_entities",
        {
            "entities": [
                {"name": "Ada", "entityType": "person", "observations": ["wrote the first program"]},
                {"name": "Engine", "entityType": "machine", "observations": ["mechanical", "never finished"]},
                {"name": "London", "entityType": "city", "observations": []},
                {"name": "Babbage", "entityType": "person", "observations": ["designed the Engine"]},
            ]
        },
    ),
    (
        "create_entities",
        {
            "entities": [
                {"name": "Ada", "entityType": "robot", "observations": ["ignored"]},
                {"name": "Paris", "entityType": "city", "observations": ["not London"]},
            ]
        },
    ),
    (
        "create_relations",
        {
            "relations": [
                {"from": "Ada", "to": "Engine", "relationType": "programmed"},
                {"from": "Babbage", "to": "Engine", "relationType": "designed"},
                {"from": "Ada", "to": "London", "relationType": "lived in"},
                {"from": "Ada", "to": "Nowhere", "relationType": "dangling ends are allowed"},
            ]
        },
    ),
    ("create_relations", {"relations": [{"from": "Ada", "to": "Engine", "relationType": "programmed"}]}),
    (
        "add_observations",
        {
            "observations": [
                {"entityName": "Ada", "contents": ["born 1815", "wrote the first program"]},
                {"entityName": "London", "contents": ["capital"]},
            ]
        },
    ),
    (
        "delete_observations",
        {
            "deletions": [
                {"entityName": "Engine", "observations": ["mechanical"]},
                {"entityName": "Ghost", "observations": ["x"]},
            ]
        },
    ),
    ("delete_relations", {"relations": [{"from": "Babbage", "to": "Engine", "relationType": "designed"}]}),
    ("delete_entities", {"entityNames": ["Paris", "Ghost"]}),
    ("search_nodes", {"query": "ENGINE"}),
    ("search_nodes", {"query": "capital"}),
    ("open_nodes", {"names": ["Babbage", "Ada", "Ghost"]}),
    ("delete_entities", {"entityNames": ["London"]}),
]


def _reference(tmp_path: Path) -> Client[Any]:
    script = package_path("@modelcontextprotocol/server-memory", "dist", "index.js")
    transport = StdioTransport(
        node22(), [str(script)], env={"MEMORY_FILE_PATH": str(tmp_path / "reference.jsonl")}, keep_alive=False
    )
    return Client(transport, timeout=30)


async def test_same_calls_give_the_same_graph_as_the_reference_server(tmp_path: Path) -> None:
    async with _reference(tmp_path) as reference, stdio_memory(tmp_path / "home") as ours:
        for tool, arguments in STEPS:
            theirs_result = await reference.call_tool(tool, arguments)
            extra = {"mode": "substring"} if tool == "search_nodes" else {}
            ours_result = await ours.call_tool(tool, arguments | extra)
            assert data(ours_result) == data(theirs_result), tool
            assert data(await ours.call_tool("read_graph", {})) == data(await reference.call_tool("read_graph", {})), (
                tool
            )
        with pytest.raises(ToolError, match="Entity with name Ghost not found"):
            await reference.call_tool(
                "add_observations", {"observations": [{"entityName": "Ghost", "contents": ["x"]}]}
            )
        with pytest.raises(ToolError, match="Entity with name Ghost not found"):
            await ours.call_tool("add_observations", {"observations": [{"entityName": "Ghost", "contents": ["x"]}]})
        reference_names = {tool.name for tool in await reference.list_tools()}
        assert reference_names <= {tool.name for tool in await ours.list_tools()}
        file_text = (tmp_path / "reference.jsonl").read_text(encoding="utf-8")
        imported = await ours.call_tool("import_graph", {"jsonl": file_text, "scope": "agent:imported"})
        assert data(imported)["entities_created"] == 3
        exported = data(await ours.call_tool("export_graph", {"scope": "agent:imported"}))["jsonl"]
        assert exported == file_text
