"""Tools that change files: each round-trips on a real tree, and refuses cleanly without half-writes."""

from __future__ import annotations

from typing import Any

import pytest
from fastmcp import Client

from tests.fixtures.results import structured, text
from tests.servers.filesystem.conftest import SECRET, Tree, snapshot

pytestmark = pytest.mark.anyio


async def test_write_file_creates_and_overwrites_keeping_permissions(client: Client[Any], tree: Tree) -> None:
    created = await client.call_tool("write_file", {"path": "notes/../new.txt", "content": "héllo\n"})
    assert structured(created) == {"path": str(tree.root / "new.txt"), "bytes_written": 7, "created": True}
    assert text(created) == f"Successfully wrote to {tree.root / 'new.txt'}"
    (tree.root / "new.txt").chmod(0o600)
    replaced = await client.call_tool("write_file", {"path": "new.txt", "content": "bye\n"})
    assert structured(replaced)["created"] is False
    assert (tree.root / "new.txt").read_text(encoding="utf-8") == "bye\n"
    assert (tree.root / "new.txt").stat().st_mode & 0o777 == 0o600
    assert not [p for p in tree.root.iterdir() if p.name.endswith(".tmp")]


async def test_write_file_through_an_inside_symlink_writes_its_target(client: Client[Any], tree: Tree) -> None:
    (tree.root / "alias.py").symlink_to("src/main.py")
    await client.call_tool("write_file", {"path": "alias.py", "content": "x = 1\n"})
    assert (tree.root / "src" / "main.py").read_text(encoding="utf-8") == "x = 1\n"
    assert (tree.root / "alias.py").is_symlink()


async def test_write_file_refuses_outside_targets_and_missing_parents(client: Client[Any], tree: Tree) -> None:
    (tree.root / "trap.txt").symlink_to(tree.outside / "secret.txt")
    (tree.root / "dangling.txt").symlink_to(tree.outside / "planted.txt")
    before = snapshot(tree.outside)
    for path, message in [
        ("trap.txt", "outside"),
        ("dangling.txt", "outside"),
        (str(tree.outside / "x.txt"), "outside"),
        ("no/such/dir/f.txt", "does not exist"),
        ("src", "is a directory"),
    ]:
        result = await client.call_tool("write_file", {"path": path, "content": "pwned"}, raise_on_error=False)
        assert result.is_error and message in text(result), (path, text(result))
    assert snapshot(tree.outside) == before
    assert (tree.outside / "secret.txt").read_text(encoding="utf-8") == SECRET + "\n"


async def test_edit_file_dry_run_shows_the_diff_and_changes_nothing(client: Client[Any], tree: Tree) -> None:
    before = (tree.root / "src" / "main.py").read_bytes()
    result = await client.call_tool(
        "edit_file",
        {"path": "src/main.py", "edits": [{"oldText": "return 1", "newText": "return 2"}], "dryRun": True},
    )
    assert "-    return 1\n+    return 2\n" in text(result)
    assert text(result).startswith("```diff\n")
    assert structured(result)["applied"] is False
    assert (tree.root / "src" / "main.py").read_bytes() == before


async def test_edit_file_applies_edits_in_order(client: Client[Any], tree: Tree) -> None:
    result = await client.call_tool(
        "edit_file",
        {
            "path": "src/main.py",
            "edits": [
                {"oldText": "def main():", "newText": "def main(x):"},
                {"oldText": "return 1", "newText": "return x"},
            ],
        },
    )
    assert structured(result)["applied"] is True and structured(result)["edits"] == 2
    assert (tree.root / "src" / "main.py").read_text(encoding="utf-8") == "def main(x):\n    return x\n"


async def test_edit_file_fails_cleanly_on_missing_or_ambiguous_matches(client: Client[Any], tree: Tree) -> None:
    path = tree.root / "dup.txt"
    path.write_text("a = 1\nb = 2\na = 1\n", encoding="utf-8")
    before = path.read_bytes()
    missing = await client.call_tool(
        "edit_file",
        {"path": "dup.txt", "edits": [{"oldText": "b = 2", "newText": "b = 3"}, {"oldText": "zzz", "newText": "q"}]},
        raise_on_error=False,
    )
    assert missing.is_error and "edit 2: oldText was not found" in text(missing)
    ambiguous = await client.call_tool(
        "edit_file", {"path": "dup.txt", "edits": [{"oldText": "a = 1", "newText": "a = 9"}]}, raise_on_error=False
    )
    assert ambiguous.is_error and "occurs 2 times" in text(ambiguous)
    assert path.read_bytes() == before


async def test_edit_file_matches_ignoring_indentation_and_keeps_it(client: Client[Any], tree: Tree) -> None:
    result = await client.call_tool(
        "edit_file", {"path": "src/main.py", "edits": [{"oldText": "return 1  ", "newText": "return 42"}]}
    )
    assert structured(result)["applied"]
    assert (tree.root / "src" / "main.py").read_text(encoding="utf-8") == "def main():\n    return 42\n"


async def test_edit_file_keeps_windows_line_endings(client: Client[Any], tree: Tree) -> None:
    (tree.root / "win.txt").write_bytes(b"one\r\ntwo\r\n")
    await client.call_tool("edit_file", {"path": "win.txt", "edits": [{"oldText": "one\ntwo", "newText": "1\n2"}]})
    assert (tree.root / "win.txt").read_bytes() == b"1\r\n2\r\n"


async def test_edit_file_refuses_binary_and_non_utf8_files(client: Client[Any], tree: Tree) -> None:
    (tree.root / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tree.root / "blob.bin").write_bytes(b"\x00abc")
    for path, message in [("latin.txt", "UTF-8"), ("blob.bin", "binary")]:
        result = await client.call_tool(
            "edit_file", {"path": path, "edits": [{"oldText": "a", "newText": "b"}]}, raise_on_error=False
        )
        assert result.is_error and message in text(result)
    assert (tree.root / "latin.txt").read_bytes() == "caf\xe9".encode("latin-1")


async def test_create_directory_makes_parents_and_accepts_existing(client: Client[Any], tree: Tree) -> None:
    created = await client.call_tool("create_directory", {"path": "a/b/c"})
    assert structured(created) == {"path": str(tree.root / "a" / "b" / "c"), "created": True}
    again = await client.call_tool("create_directory", {"path": "a/b/c"})
    assert structured(again)["created"] is False
    clash = await client.call_tool("create_directory", {"path": "README.md"}, raise_on_error=False)
    assert clash.is_error and "not a directory" in text(clash)
    (tree.root / "escape").symlink_to(tree.outside)
    outside = await client.call_tool("create_directory", {"path": "escape/new"}, raise_on_error=False)
    assert outside.is_error and not (tree.outside / "new").exists()


async def test_move_file_renames_and_never_overwrites(client: Client[Any], tree: Tree) -> None:
    moved = await client.call_tool("move_file", {"source": "README.md", "destination": "src/README.md"})
    assert structured(moved)["destination"] == str(tree.root / "src" / "README.md")
    assert text(moved).startswith("Successfully moved")
    assert not (tree.root / "README.md").exists() and (tree.root / "src" / "README.md").exists()
    clash = await client.call_tool(
        "move_file", {"source": "src/main.py", "destination": "src/README.md"}, raise_on_error=False
    )
    assert clash.is_error and "already exists" in text(clash)
    assert (tree.root / "src" / "main.py").exists()
    assert (tree.root / "src" / "README.md").read_text(encoding="utf-8").startswith("# Demo")


async def test_move_file_refuses_a_destination_outside(client: Client[Any], tree: Tree) -> None:
    (tree.root / "out").symlink_to(tree.outside)
    for destination in [str(tree.outside / "stolen.md"), "out/stolen.md", "../outside/stolen.md"]:
        result = await client.call_tool(
            "move_file", {"source": "README.md", "destination": destination}, raise_on_error=False
        )
        assert result.is_error and "outside" in text(result)
    assert (tree.root / "README.md").exists() and not (tree.outside / "stolen.md").exists()


async def test_move_file_does_not_replace_a_dangling_symlink(client: Client[Any], tree: Tree) -> None:
    (tree.root / "slot").symlink_to(tree.outside / "nothing-yet")
    result = await client.call_tool("move_file", {"source": "README.md", "destination": "slot"}, raise_on_error=False)
    assert result.is_error and "already exists" in text(result)
    assert not (tree.outside / "nothing-yet").exists()


async def test_delete_file_removes_files_and_only_named_links(client: Client[Any], tree: Tree) -> None:
    (tree.root / "link").symlink_to(tree.outside / "secret.txt")
    deleted = await client.call_tool("delete_file", {"path": "link"})
    assert structured(deleted)["type"] == "symlink"
    assert not (tree.root / "link").is_symlink() and (tree.outside / "secret.txt").exists()
    await client.call_tool("delete_file", {"path": "README.md"})
    assert not (tree.root / "README.md").exists()


async def test_delete_file_removes_directories_only_when_asked(client: Client[Any], tree: Tree) -> None:
    (tree.root / "src" / "out").symlink_to(tree.outside)
    refused = await client.call_tool("delete_file", {"path": "src"}, raise_on_error=False)
    assert refused.is_error and "recursive=true" in text(refused)
    assert (tree.root / "src" / "main.py").exists()
    await client.call_tool("delete_file", {"path": "src", "recursive": True})
    assert not (tree.root / "src").exists()
    assert (tree.outside / "secret.txt").exists()


async def test_delete_file_refuses_an_allowed_directory_and_missing_paths(client: Client[Any], tree: Tree) -> None:
    root = await client.call_tool("delete_file", {"path": str(tree.root), "recursive": True}, raise_on_error=False)
    assert root.is_error and "allowed directory" in text(root)
    missing = await client.call_tool("delete_file", {"path": "ghost"}, raise_on_error=False)
    assert missing.is_error and "does not exist" in text(missing)
    assert (tree.root / "README.md").exists()


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("write_file", {"path": "x.txt"}, "content"),
        ("write_file", {"path": "x.txt", "content": 5}, "valid string"),
        ("edit_file", {"path": "README.md", "edits": []}, "at least 1"),
        ("edit_file", {"path": "README.md", "edits": [{"oldText": "", "newText": "x"}]}, "oldText is empty"),
        ("edit_file", {"path": "README.md", "edits": [{"old": "a", "new": "b"}]}, "oldText"),
        ("move_file", {"source": "ghost", "destination": "b"}, "does not exist"),
        ("create_directory", {"path": "a\x00b"}, "NUL"),
    ],
)
async def test_bad_arguments_change_nothing(
    client: Client[Any], tree: Tree, tool: str, arguments: dict[str, Any], message: str
) -> None:
    before = snapshot(tree.root)
    result = await client.call_tool(tool, arguments, raise_on_error=False)
    assert result.is_error and message in text(result), text(result)
    assert snapshot(tree.root) == before
