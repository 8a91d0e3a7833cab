"""The server as clients meet it: tool metadata, a real stdio child, the CLI, and the gateway."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from mcp.shared.exceptions import MCPError
from pygent.host.meshconfig import default_document

from tests.fixtures.host import running_host
from tests.fixtures.results import structured, text
from tests.fixtures.startup import fresh_tools
from tests.servers.filesystem.conftest import Tree

pytestmark = pytest.mark.anyio

REFERENCE_TOOLS = {
    "read_text_file",
    "read_file",
    "read_media_file",
    "read_multiple_files",
    "write_file",
    "edit_file",
    "create_directory",
    "list_directory",
    "list_directory_with_sizes",
    "directory_tree",
    "move_file",
    "search_files",
    "get_file_info",
    "list_allowed_directories",
}
HINTS = ("read_only_hint", "destructive_hint", "idempotent_hint", "open_world_hint")


async def test_every_tool_has_full_annotations_and_an_output_schema(client: Client[Any]) -> None:
    tools = {tool.name: tool for tool in await client.list_tools()}
    assert set(tools) == REFERENCE_TOOLS | {"grep", "delete_file"}
    for tool in tools.values():
        assert tool.annotations is not None and tool.output_schema is not None, tool.name
        assert all(getattr(tool.annotations, hint) is not None for hint in HINTS), tool.name
        assert tool.annotations.open_world_hint is False
    read_only = {name for name, tool in tools.items() if tool.annotations.read_only_hint}  # type: ignore[union-attr]
    assert read_only == REFERENCE_TOOLS - {"write_file", "edit_file", "create_directory", "move_file"} | {"grep"}
    assert tools["delete_file"].annotations.destructive_hint is True  # type: ignore[union-attr]
    assert tools["create_directory"].annotations.destructive_hint is False  # type: ignore[union-attr]


async def test_arguments_match_the_reference_server(client: Client[Any]) -> None:
    schemas = {tool.name: tool.input_schema for tool in await client.list_tools()}
    assert set(schemas["edit_file"]["properties"]) == {"path", "edits", "dryRun"}
    assert set(schemas["read_text_file"]["properties"]) == {"path", "head", "tail"}
    assert set(schemas["list_directory_with_sizes"]["properties"]) == {"path", "sortBy"}
    assert set(schemas["directory_tree"]["properties"]) == {"path", "excludePatterns"}
    assert set(schemas["search_files"]["properties"]) == {"path", "pattern", "excludePatterns"}
    assert set(schemas["move_file"]["properties"]) == {"source", "destination"}
    assert schemas["read_multiple_files"]["required"] == ["paths"]


async def test_files_are_resources_and_the_edit_workflow_is_a_prompt(client: Client[Any], tree: Tree) -> None:
    (tree.root / "dot.bin").write_bytes(b"\x00\x01")
    contents = await client.read_resource((tree.root / "README.md").as_uri())
    assert contents[0].text.startswith("# Demo")  # type: ignore[union-attr]
    blob = await client.read_resource((tree.root / "dot.bin").as_uri())
    assert blob[0].blob == "AAE="  # type: ignore[union-attr]
    with pytest.raises(MCPError, match=r"secret\.txt is outside the allowed directories"):
        await client.read_resource((tree.outside / "secret.txt").as_uri())
    roots = await client.read_resource("filesystem://allowed-directories")
    assert str(tree.root) in roots[0].text  # type: ignore[union-attr]
    prompt = await client.get_prompt("careful_edit", {"path": "a.py", "change": "rename x"})
    assert "dryRun=true" in prompt.messages[0].content.text  # type: ignore[union-attr]


@pytest.mark.slow
async def test_a_stdio_child_lists_its_tools(tree: Tree) -> None:
    args = ["-m", "pygent.servers.filesystem", str(tree.root)]
    assert "read_text_file" in await fresh_tools(args, {"PYGENT_HOME": str(tree.root.parent / "home")})


@pytest.mark.slow
async def test_a_stdio_child_serves_the_handshake_era(tree: Tree) -> None:
    transport = StdioTransport(sys.executable, ["-m", "pygent.servers.filesystem", str(tree.root)], keep_alive=False)
    async with Client(transport, mode="legacy") as legacy:
        assert legacy.protocol_version == "2025-11-25"
        result = await legacy.call_tool("read_text_file", {"path": "README.md"})
        assert text(result).startswith("# Demo")


@pytest.mark.slow
def test_standalone_refuses_missing_roots_with_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pygent.servers.filesystem", str(tmp_path / "ghost")],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("filesystem: none of the allowed directories exists")


@pytest.mark.slow
async def test_the_gateway_serves_the_tools_as_filesystem_tools(tmp_path: Path, tree: Tree) -> None:
    entry = {"command": sys.executable, "args": ["-m", "pygent.servers.filesystem", str(tree.root)]}
    (tmp_path / "host").mkdir()
    async with running_host(tmp_path / "host", {"filesystem": entry}) as host:
        async with Client(host.url + "/mcp") as client:
            names = {tool.name for tool in await client.list_tools()}
            assert {"filesystem_read_text_file", "filesystem_grep", "filesystem_edit_file"} <= names
            written = await client.call_tool("filesystem_write_file", {"path": "via-gateway.txt", "content": "hi\n"})
            assert structured(written)["created"] is True
            read = await client.call_tool("filesystem_read_text_file", {"path": "via-gateway.txt"})
            assert text(read) == "hi\n"
            refused = await client.call_tool(
                "filesystem_read_text_file", {"path": str(tree.outside / "secret.txt")}, raise_on_error=False
            )
            assert refused.is_error and "outside the allowed directories" in text(refused)


@pytest.mark.slow
async def test_the_default_mesh_entry_serves_the_workspace(tmp_path: Path, clean_environ: Path) -> None:
    entry = default_document()["mcpServers"]["filesystem"]
    assert entry == {"command": "pygent", "args": ["server", "filesystem"]}
    (tmp_path / "host").mkdir()
    async with running_host(tmp_path / "host", {"filesystem": entry}) as host:
        async with Client(host.url + "/mcp") as client:
            result = await client.call_tool("filesystem_list_allowed_directories", {})
            workspace = (clean_environ / "workspace").resolve()
            assert structured(result)["directories"] == [str(workspace)]
