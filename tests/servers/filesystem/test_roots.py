"""Allowed roots: configured directories, and MCP roots from 2025-11-25 clients (replaced, narrowed, changed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from fastmcp import Client
from pygent.core.errors import ConfigError
from pygent.servers.filesystem.roots import client_directories, configured_roots
from pygent.servers.filesystem.server import build_server
from pygent.servers.filesystem.settings import FilesystemSettings

from tests.fixtures.results import structured, text
from tests.servers.filesystem.conftest import Tree

pytestmark = pytest.mark.anyio


async def allowed(client: Client[Any]) -> list[str]:
    return list(structured(await client.call_tool("list_allowed_directories", {}))["directories"])


async def test_with_nothing_configured_the_workspace_under_pygent_home_is_the_root(clean_environ: Path) -> None:
    async with Client(build_server(FilesystemSettings.load())) as client:
        roots = await allowed(client)
        assert roots == [str((clean_environ / "workspace").resolve())]
        await client.call_tool("write_file", {"path": "hello.txt", "content": "hi"})
    assert (clean_environ / "workspace" / "hello.txt").read_text() == "hi"


async def test_client_roots_replace_the_default_workspace(tree: Tree) -> None:
    server = build_server(FilesystemSettings.load())
    async with Client(server, mode="legacy", roots=[tree.root.as_uri()]) as client:
        assert await allowed(client) == [str(tree.root)]
        assert text(await client.call_tool("read_text_file", {"path": "README.md"})).startswith("# Demo")


async def test_client_roots_only_narrow_configured_roots(tree: Tree) -> None:
    server = build_server(FilesystemSettings.load({"roots": [tree.root]}))
    inside, outside = (tree.root / "src").as_uri(), tree.outside.as_uri()
    async with Client(server, mode="legacy", roots=[inside, outside]) as client:
        assert await allowed(client) == [str(tree.root / "src")]
        refused = await client.call_tool("read_text_file", {"path": str(tree.root / "README.md")}, raise_on_error=False)
        assert refused.is_error and "outside" in text(refused)
    async with Client(server, mode="legacy", roots=[outside]) as client:
        result = await client.call_tool("list_directory", {"path": str(tree.outside)}, raise_on_error=False)
        assert result.is_error and "client's roots" in text(result)


async def test_replace_mode_lets_client_roots_win_and_ignore_mode_ignores_them(tree: Tree) -> None:
    replace = build_server(FilesystemSettings.load({"roots": [tree.root / "src"], "client_roots": "replace"}))
    async with Client(replace, mode="legacy", roots=[tree.outside.as_uri()]) as client:
        assert await allowed(client) == [str(tree.outside)]
    ignore = build_server(FilesystemSettings.load({"roots": [tree.root], "client_roots": "ignore"}))
    async with Client(ignore, mode="legacy", roots=[tree.outside.as_uri()]) as client:
        assert await allowed(client) == [str(tree.root)]


async def test_roots_list_changed_updates_the_session(tree: Tree) -> None:
    current = [tree.root.as_uri()]
    server = build_server(FilesystemSettings.load())
    async with Client(server, mode="legacy", roots=lambda _context: list(current)) as client:
        assert await allowed(client) == [str(tree.root)]
        current[:] = [(tree.root / "src").as_uri()]
        await client.send_roots_list_changed()
        with anyio.fail_after(5):
            while await allowed(client) != [str(tree.root / "src")]:
                await anyio.lowlevel.checkpoint()


async def test_modern_sessions_use_the_configured_roots(tree: Tree) -> None:
    server = build_server(FilesystemSettings.load({"roots": [tree.root]}))
    async with Client(server, roots=[tree.outside.as_uri()]) as client:
        assert client.protocol_version == "2026-07-28"
        assert await allowed(client) == [str(tree.root)]


async def test_missing_client_roots_are_ignored(tree: Tree) -> None:
    server = build_server(FilesystemSettings.load())
    roots = [(tree.root / "ghost").as_uri(), tree.root.as_uri()]
    async with Client(server, mode="legacy", roots=roots) as client:
        assert await allowed(client) == [str(tree.root)]


def test_only_existing_file_uri_directories_count(tree: Tree) -> None:
    uris = ["https://example.com/x", (tree.root / "README.md").as_uri(), (tree.root / "with space").as_uri()]
    (tree.root / "with space").mkdir()
    assert client_directories(uris) == [str(tree.root / "with space")]


def test_configured_roots_skip_missing_directories_but_need_one(tree: Tree) -> None:
    assert configured_roots([tree.root, tree.root / "ghost"]) == [str(tree.root)]
    with pytest.raises(ConfigError, match="none of the allowed directories exists"):
        configured_roots([tree.root / "ghost"])
