"""local_search over real files in a real LanceDB full-text index; works with no provider at all."""

from __future__ import annotations

import json
import os
from pathlib import Path

import anyio
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp_types import TextResourceContents
from pygent.servers.search.server import create_server
from pygent.servers.search.settings import SearchSettings

from tests.fixtures.results import structured
from tests.servers.search.conftest import Connect

pytestmark = pytest.mark.anyio


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def test_finds_files_by_their_words_best_first(docs: Path, connect: Connect) -> None:
    write(docs / "retry.md", "# Retries\n\nWe retry with exponential backoff.\nBackoff doubles each time.\n")
    write(docs / "notes/meeting.txt", "Budget meeting on Monday.\nNo retries were discussed.\n")
    write(docs / "code/client.py", "def fetch():\n    return 1\n")
    async with connect() as client:
        result = await client.call_tool("local_search", {"query": "exponential backoff"})
    data = structured(result)
    assert data["indexed_files"] == 3 and data["roots"] == [str(docs)]
    [hit] = data["hits"]
    assert hit["path"] == str(docs / "retry.md")
    assert hit["line"] == 3 and "exponential backoff" in hit["snippet"] and hit["score"] > 0


async def test_file_names_are_searchable_and_paths_filter(docs: Path, connect: Connect) -> None:
    write(docs / "alpha/readme.md", "install guide")
    write(docs / "beta/readme.md", "install guide")
    async with connect() as client:
        every = await client.call_tool("local_search", {"query": "install"})
        some = await client.call_tool("local_search", {"query": "install", "path_contains": "beta/"})
        named = await client.call_tool("local_search", {"query": "readme"})
    assert len(structured(every)["hits"]) == 2
    assert [h["path"] for h in structured(some)["hits"]] == [str(docs / "beta/readme.md")]
    assert len(structured(named)["hits"]) == 2


async def test_refresh_picks_up_new_changed_and_deleted_files(docs: Path, connect: Connect) -> None:
    old = write(docs / "a.md", "first version about pelicans")
    gone = write(docs / "b.md", "flamingos live here")
    async with connect() as client:
        assert len(structured(await client.call_tool("local_search", {"query": "pelicans"}))["hits"]) == 1
        write(old, "second version about penguins")
        os.utime(old, (1, 1))
        gone.unlink()
        write(docs / "c.md", "albatross notes")
        penguins = await client.call_tool("local_search", {"query": "penguins", "refresh": True})
        pelicans = await client.call_tool("local_search", {"query": "pelicans"})
        flamingos = await client.call_tool("local_search", {"query": "flamingos"})
        albatross = await client.call_tool("local_search", {"query": "albatross"})
    assert [h["path"] for h in structured(penguins)["hits"]] == [str(old)]
    assert structured(pelicans)["hits"] == [] and structured(flamingos)["hits"] == []
    assert len(structured(albatross)["hits"]) == 1
    assert structured(albatross)["indexed_files"] == 2


async def test_binary_large_hidden_dependency_and_foreign_files_are_left_out(
    docs: Path, tmp_path: Path, connect: Connect
) -> None:
    write(docs / "kept.md", "zebra")
    (docs / "blob.txt").write_bytes(b"zebra\x00\x01\x02")
    write(docs / "big.txt", "zebra " * 300_000)
    write(docs / ".hidden/secret.md", "zebra")
    write(docs / "node_modules/pkg/readme.md", "zebra")
    write(docs / "image.png", "zebra")
    outside = write(tmp_path / "outside/elsewhere.md", "zebra")
    (docs / "linked.md").symlink_to(outside)
    (docs / "linked-dir").symlink_to(outside.parent)
    async with connect() as client:
        result = await client.call_tool("local_search", {"query": "zebra"})
    assert [h["path"] for h in structured(result)["hits"]] == [str(docs / "kept.md")]


async def test_the_index_survives_a_restart(docs: Path, connect: Connect) -> None:
    write(docs / "persist.md", "durable words")
    async with connect() as client:
        await client.call_tool("local_search", {"query": "durable"})
    async with connect() as client:
        [content] = await client.read_resource("search://index/status")
        result = await client.call_tool("local_search", {"query": "durable"})
    assert isinstance(content, TextResourceContents)
    status = json.loads(content.text)
    assert status["indexed_files"] == 1 and status["roots"] == [str(docs)]
    assert len(structured(result)["hits"]) == 1


async def test_queries_without_words_and_odd_characters_are_safe(docs: Path, connect: Connect) -> None:
    write(docs / "it's.md", "quotes 'and' \"marks\" (parens) a:b")
    async with connect() as client:
        empty = await client.call_tool("local_search", {"query": "!!! ???"})
        odd = await client.call_tool("local_search", {"query": '"marks" AND (parens'})
        quoted = await client.call_tool("local_search", {"query": "quotes", "path_contains": "it's"})
        with pytest.raises(ToolError):
            await client.call_tool("local_search", {"query": ""})
    assert structured(empty)["hits"] == []
    assert len(structured(odd)["hits"]) == 1
    assert len(structured(quoted)["hits"]) == 1


async def test_file_count_cap(docs: Path, connect: Connect) -> None:
    for n in range(5):
        write(docs / f"f{n}.md", "common word")
    async with connect(index_max_files=3) as client:
        result = await client.call_tool("local_search", {"query": "common"})
        [content] = await client.read_resource("search://index/status")
    assert len(structured(result)["hits"]) == 3
    assert isinstance(content, TextResourceContents) and json.loads(content.text)["skipped_files"] == 2


async def test_works_in_the_handshake_era_too(docs: Path) -> None:
    write(docs / "legacy.md", "handshake era words")
    async with Client(create_server(SearchSettings.load({"roots": [docs]})), mode="legacy") as client:
        assert client.protocol_version == "2025-11-25"
        result = await client.call_tool("local_search", {"query": "handshake"})
    assert len(structured(result)["hits"]) == 1


async def test_a_cancelled_first_index_build_stops_and_keeps_what_it_indexed(docs: Path, connect: Connect) -> None:
    for i in range(1000):
        write(docs / f"notes/n{i:04}.md", f"Note {i} mentions the quarterly review.")
    async with connect() as client:
        with anyio.CancelScope() as scope:

            async def cancel_at_first_batch(progress: float, total: float | None, message: str | None) -> None:
                assert (progress, total) == (200, 1000)
                scope.cancel()

            await client.call_tool("local_search", {"query": "quarterly"}, progress_handler=cancel_at_first_batch)
        assert scope.cancelled_caught
        totals: list[float | None] = []

        async def record(progress: float, total: float | None, message: str | None) -> None:
            totals.append(total)

        # This search waits for the cancelled build to stop, then indexes only what it left.
        found = structured(await client.call_tool("local_search", {"query": "quarterly"}, progress_handler=record))
    assert totals[0] == 800 and found["indexed_files"] == 1000
