"""search_files (globs on names) and grep (regular expressions on contents) on a real tree."""

from __future__ import annotations

from typing import Any

import pytest
from fastmcp import Client
from pygent.servers.filesystem.server import build_server
from pygent.servers.filesystem.settings import FilesystemSettings

from tests.fixtures.results import structured, text
from tests.servers.filesystem.conftest import SECRET, Tree

pytestmark = pytest.mark.anyio


async def test_search_files_matches_relative_globs_like_the_reference(client: Client[Any], tree: Tree) -> None:
    top = await client.call_tool("search_files", {"path": ".", "pattern": "*.md"})
    assert structured(top)["matches"] == [str(tree.root / "README.md")]
    deep = await client.call_tool("search_files", {"path": ".", "pattern": "**/*.py"})
    assert text(deep).splitlines() == [str(tree.root / "src" / "main.py"), str(tree.root / "src" / "pkg" / "util.py")]
    none = await client.call_tool("search_files", {"path": "src", "pattern": "*.rs"})
    assert text(none) == "No matches found" and structured(none)["matches"] == []


async def test_search_files_skips_excluded_directories_and_symlinks(client: Client[Any], tree: Tree) -> None:
    (tree.root / "out").symlink_to(tree.outside)
    result = await client.call_tool("search_files", {"path": ".", "pattern": "**/*", "excludePatterns": ["src/pkg"]})
    matches = structured(result)["matches"]
    assert str(tree.root / "src" / "pkg" / "util.py") not in matches
    assert str(tree.root / "out") in matches  # listed, not entered
    assert not any("secret" in m for m in matches)


async def test_search_files_is_capped(tree: Tree) -> None:
    for i in range(20):
        (tree.root / f"n{i}.txt").write_text("x")
    async with Client(build_server(FilesystemSettings.load({"roots": [tree.root], "max_results": 5}))) as client:
        result = await client.call_tool("search_files", {"path": ".", "pattern": "*.txt"})
    assert len(structured(result)["matches"]) == 5 and structured(result)["truncated"] is True


async def test_grep_finds_lines_with_numbers_and_context(client: Client[Any], tree: Tree) -> None:
    result = await client.call_tool("grep", {"pattern": r"return \S+", "contextLines": 1})
    matches = structured(result)["matches"]
    assert [(m["path"], m["line"], m["text"]) for m in matches] == [
        (str(tree.root / "src" / "main.py"), 2, "    return 1"),
        (str(tree.root / "src" / "pkg" / "util.py"), 2, "    return 'x'"),
    ]
    assert matches[0]["before"] == ["def main():"] and matches[0]["after"] == [""]
    assert f"{tree.root / 'src' / 'main.py'}:2:    return 1" in text(result)
    assert structured(result)["files_matched"] == 2 and structured(result)["files_searched"] == 3


async def test_grep_include_exclude_and_case(client: Client[Any], tree: Tree) -> None:
    only_md = await client.call_tool("grep", {"pattern": "hello", "ignoreCase": True, "includePatterns": ["*.md"]})
    assert [m["line"] for m in structured(only_md)["matches"]] == [3]
    case = await client.call_tool("grep", {"pattern": "hello", "includePatterns": ["*.md"]})
    assert structured(case)["matches"] == []
    no_pkg = await client.call_tool("grep", {"pattern": "def", "excludePatterns": ["pkg"]})
    assert {m["path"] for m in structured(no_pkg)["matches"]} == {str(tree.root / "src" / "main.py")}
    by_path = await client.call_tool("grep", {"pattern": "def", "includePatterns": ["src/pkg/*.py"]})
    assert {m["path"] for m in structured(by_path)["matches"]} == {str(tree.root / "src" / "pkg" / "util.py")}


async def test_grep_skips_binary_and_large_files_and_never_follows_symlinks(tree: Tree) -> None:
    (tree.root / "blob.bin").write_bytes(b"\x00needle")
    (tree.root / "huge.txt").write_text("needle\n" * 400, encoding="utf-8")
    (tree.root / "small.txt").write_text("a needle\n", encoding="utf-8")
    (tree.root / "leak.txt").symlink_to(tree.outside / "secret.txt")
    (tree.root / "leakdir").symlink_to(tree.outside)
    settings = FilesystemSettings.load({"roots": [tree.root], "grep_max_file_bytes": 1024})
    async with Client(build_server(settings)) as client:
        result = await client.call_tool("grep", {"pattern": "needle|SECRET"})
    data = structured(result)
    assert [m["path"] for m in data["matches"]] == [str(tree.root / "small.txt")]
    assert data["binary_files_skipped"] == 1 and data["large_files_skipped"] == 1
    assert SECRET not in text(result)


async def test_grep_stops_at_max_matches(client: Client[Any], tree: Tree) -> None:
    (tree.root / "many.txt").write_text("hit\n" * 50, encoding="utf-8")
    result = await client.call_tool("grep", {"pattern": "^hit$", "maxMatches": 7})
    assert len(structured(result)["matches"]) == 7 and structured(result)["truncated"] is True
    assert "stopped at maxMatches" in text(result)


async def test_grep_searches_one_file_and_reports_one_result_per_line(client: Client[Any], tree: Tree) -> None:
    (tree.root / "one.txt").write_text("aaa\nbab\n", encoding="utf-8")
    result = await client.call_tool("grep", {"pattern": "a", "path": "one.txt"})
    assert [(m["line"], m["text"]) for m in structured(result)["matches"]] == [(1, "aaa"), (2, "bab")]


async def test_grep_refuses_bad_patterns_and_paths(client: Client[Any], tree: Tree) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"pattern": "(unclosed"}, "invalid regular expression"),
        ({"pattern": ""}, "at least 1"),
        ({"pattern": "x", "path": str(tree.outside)}, "outside"),
        ({"pattern": "x", "contextLines": 99}, "less than or equal to 20"),
        ({"pattern": "x", "path": "ghost"}, "does not exist"),
    ]
    for arguments, message in cases:
        result = await client.call_tool("grep", arguments, raise_on_error=False)
        assert result.is_error and message in text(result), (arguments, text(result))
