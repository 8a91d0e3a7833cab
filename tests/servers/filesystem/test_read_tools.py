"""Reading and listing tools, through an MCP client, on a real tree."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastmcp import Client
from pygent.servers.filesystem.server import build_server
from pygent.servers.filesystem.settings import FilesystemSettings

from tests.fixtures.results import structured, text
from tests.servers.filesystem.conftest import SECRET, Tree, snapshot

pytestmark = pytest.mark.anyio

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


async def test_read_text_file_returns_the_text_and_its_size(client: Client[Any], tree: Tree) -> None:
    result = await client.call_tool("read_text_file", {"path": "README.md"})
    assert text(result) == "# Demo\n\nHello world.\n"
    data = structured(result)
    assert data["path"] == str(tree.root / "README.md")
    assert data["size"] == 21 and data["truncated"] is False


async def test_head_and_tail_return_first_and_last_lines(client: Client[Any], tree: Tree) -> None:
    (tree.root / "log.txt").write_text("".join(f"line {i}\n" for i in range(1, 101)), encoding="utf-8")
    head = await client.call_tool("read_text_file", {"path": "log.txt", "head": 3})
    assert text(head) == "line 1\nline 2\nline 3\n"
    tail = await client.call_tool("read_text_file", {"path": "log.txt", "tail": 2})
    assert text(tail) == "line 99\nline 100\n"
    both = await client.call_tool("read_text_file", {"path": "log.txt", "head": 1, "tail": 1}, raise_on_error=False)
    assert both.is_error and "not both" in text(both)


async def test_tail_of_a_long_file_reads_from_the_end(client: Client[Any], tree: Tree) -> None:
    (tree.root / "big.txt").write_text("".join(f"{i:08d}\n" for i in range(200_000)), encoding="utf-8")
    tail = await client.call_tool("read_text_file", {"path": "big.txt", "tail": 2})
    assert text(tail) == "00199998\n00199999\n"


async def test_large_files_are_capped_and_say_so(tree: Tree) -> None:
    (tree.root / "big.txt").write_text("x" * 99 + "\n" * 1 + "y" * 5000, encoding="utf-8")
    server = build_server(FilesystemSettings.load({"roots": [tree.root], "max_read_bytes": 2048}))
    async with Client(server) as client:
        result = await client.call_tool("read_text_file", {"path": "big.txt"})
    data = structured(result)
    assert data["truncated"] is True and data["size"] == 5100
    assert len(data["content"]) <= 2048
    assert "truncated" in result.content[1].text


async def test_binary_files_are_detected_and_pointed_to_read_media_file(client: Client[Any], tree: Tree) -> None:
    (tree.root / "blob.bin").write_bytes(b"\x00\x01\x02binary")
    result = await client.call_tool("read_text_file", {"path": "blob.bin"}, raise_on_error=False)
    assert result.is_error and "binary" in text(result) and "read_media_file" in text(result)


async def test_read_file_is_the_deprecated_alias(client: Client[Any]) -> None:
    result = await client.call_tool("read_file", {"path": "src/main.py", "head": 1})
    assert text(result) == "def main():\n"


async def test_read_media_file_returns_images_audio_and_other_bytes(client: Client[Any], tree: Tree) -> None:
    (tree.root / "dot.png").write_bytes(PNG)
    (tree.root / "beep.wav").write_bytes(b"RIFF0000WAVE")
    (tree.root / "data.bin").write_bytes(b"\x00\xff")
    image = await client.call_tool("read_media_file", {"path": "dot.png"})
    assert image.content[0].type == "image" and image.content[0].mime_type == "image/png"
    assert base64.b64decode(image.content[0].data) == PNG
    assert structured(image)["kind"] == "image"
    audio = await client.call_tool("read_media_file", {"path": "beep.wav"})
    assert audio.content[0].type == "audio" and audio.content[0].mime_type == "audio/wav"
    other = await client.call_tool("read_media_file", {"path": "data.bin"})
    assert other.content[0].type == "resource"
    assert structured(other)["mime_type"] == "application/octet-stream"
    assert base64.b64decode(structured(other)["data"]) == b"\x00\xff"


async def test_read_multiple_files_reports_each_failure_without_stopping(client: Client[Any], tree: Tree) -> None:
    (tree.root / "leak.txt").symlink_to(tree.outside / "secret.txt")
    result = await client.call_tool(
        "read_multiple_files", {"paths": ["README.md", "missing.txt", "leak.txt", "src/main.py"]}
    )
    files = structured(result)["files"]
    assert [f["error"] is None for f in files] == [True, False, False, True]
    assert "does not exist" in files[1]["error"] and "outside" in files[2]["error"]
    assert files[3]["content"].startswith("def main")
    assert SECRET not in text(result)
    assert structured(result)["read"] == 2 and structured(result)["failed"] == 2


async def test_list_directory_marks_files_and_directories(client: Client[Any], tree: Tree) -> None:
    (tree.root / "link").symlink_to(tree.outside)
    result = await client.call_tool("list_directory", {"path": "."})
    assert text(result) == "[FILE] README.md\n[FILE] link\n[DIR] src"
    assert structured(result) == {
        "path": str(tree.root),
        "directories": ["src"],
        "files": ["README.md"],
        "symlinks": ["link"],
        "other": [],
    }


async def test_list_directory_with_sizes_sorts_and_totals(client: Client[Any], tree: Tree) -> None:
    (tree.root / "big.dat").write_bytes(b"x" * 4096)
    by_size = await client.call_tool("list_directory_with_sizes", {"path": ".", "sortBy": "size"})
    names = [e["name"] for e in structured(by_size)["entries"]]
    assert names[:2] == ["big.dat", "README.md"]
    assert "4.00 KB" in text(by_size) and "Total: 2 files, 1 directories" in text(by_size)
    assert structured(by_size)["total_size"] == 4096 + 21
    bad = await client.call_tool("list_directory_with_sizes", {"path": ".", "sortBy": "date"}, raise_on_error=False)
    assert bad.is_error


async def test_directory_tree_excludes_patterns_and_does_not_follow_symlinks(client: Client[Any], tree: Tree) -> None:
    (tree.root / "node_modules" / "dep").mkdir(parents=True)
    (tree.root / "out").symlink_to(tree.outside)
    result = await client.call_tool("directory_tree", {"path": ".", "excludePatterns": ["node_modules"]})
    nodes = json.loads(text(result))
    assert [n["name"] for n in nodes] == ["README.md", "out", "src"]
    assert nodes[1] == {"name": "out", "type": "symlink"}
    src = nodes[2]
    assert src["type"] == "directory"
    assert [c["name"] for c in src["children"]] == ["main.py", "pkg"]
    assert structured(result)["truncated"] is False


async def test_directory_tree_is_capped(tree: Tree) -> None:
    for i in range(30):
        (tree.root / f"f{i:02d}").write_text("x")
    server = build_server(FilesystemSettings.load({"roots": [tree.root], "max_tree_entries": 10}))
    async with Client(server) as client:
        result = await client.call_tool("directory_tree", {"path": "."})
    assert structured(result)["entries"] == 10 and structured(result)["truncated"] is True


async def test_get_file_info_describes_files_and_directories(client: Client[Any], tree: Tree) -> None:
    (tree.root / "README.md").chmod(0o640)
    info = structured(await client.call_tool("get_file_info", {"path": "README.md"}))
    assert info["type"] == "file" and info["is_file"] and info["size"] == 21 and info["permissions"] == "640"
    directory = await client.call_tool("get_file_info", {"path": "src"})
    assert structured(directory)["is_directory"] and "isDirectory: True" in text(directory)


async def test_list_allowed_directories(client: Client[Any], tree: Tree) -> None:
    result = await client.call_tool("list_allowed_directories", {})
    assert text(result) == f"Allowed directories:\n{tree.root}"
    assert structured(result) == {"directories": [str(tree.root)]}


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("read_text_file", {}, "path"),
        ("read_text_file", {"path": 42}, "valid string"),
        ("read_text_file", {"path": "x", "head": "ten"}, "valid integer"),
        ("read_text_file", {"path": "x", "head": 0}, "greater than or equal to 1"),
        ("read_multiple_files", {"paths": []}, "at least 1"),
        ("list_directory", {"path": "README.md"}, "not a directory"),
        ("get_file_info", {"path": "ghost"}, "does not exist"),
        ("read_text_file", {"path": "../outside/secret.txt"}, "outside the allowed directories"),
    ],
)
async def test_bad_arguments_are_clear_tool_errors(
    client: Client[Any], tree: Tree, tool: str, arguments: dict[str, Any], message: str
) -> None:
    before = snapshot(tree.root)
    result = await client.call_tool(tool, arguments, raise_on_error=False)
    assert result.is_error and message in text(result)
    assert "Traceback" not in text(result)
    assert snapshot(tree.root) == before
