"""Nothing outside the roots is reachable: prefixes, `..`, NUL bytes, symlinks in every position."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pygent.core.errors import InvalidArgumentError, NotFoundError, PermissionDeniedError
from pygent.servers.filesystem.sandbox import Sandbox

from tests.servers.filesystem.conftest import SECRET, Tree


def read(sandbox: Sandbox, path: str) -> str:
    with sandbox.open_file(path) as opened:
        return os.read(opened.fd, 1 << 16).decode()


def test_relative_and_absolute_paths_inside_a_root_open(tree: Tree) -> None:
    sandbox = tree.sandbox()
    assert read(sandbox, "src/main.py").startswith("def main")
    assert read(sandbox, str(tree.root / "src" / "main.py")).startswith("def main")
    assert read(sandbox, "src/pkg/../main.py").startswith("def main")


def test_prefix_confusion_is_refused_cve_2025_53110(tree: Tree) -> None:
    sibling = Path(str(tree.root) + "-other")
    sibling.mkdir()
    (sibling / "x.txt").write_text(SECRET)
    with pytest.raises(PermissionDeniedError, match="outside the allowed directories"):
        read(tree.sandbox(), str(sibling / "x.txt"))


@pytest.mark.parametrize("path", ["../outside/secret.txt", "src/../../outside/secret.txt", "/etc/passwd", "~/x"])
def test_paths_that_climb_out_are_refused(tree: Tree, path: str) -> None:
    with pytest.raises(PermissionDeniedError):
        read(tree.sandbox(), path)


@pytest.mark.parametrize(
    ("path", "message"),
    [("a\x00b", "NUL byte"), ("", "empty"), ("C:\\Users\\x", "Windows path")],
)
def test_malformed_paths_are_refused(tree: Tree, path: str, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        read(tree.sandbox(), path)


def test_a_symlinked_file_leading_outside_is_refused_cve_2025_53109(tree: Tree) -> None:
    (tree.root / "innocent.txt").symlink_to(tree.outside / "secret.txt")
    with pytest.raises(PermissionDeniedError, match="symlink"):
        read(tree.sandbox(), "innocent.txt")


def test_a_symlinked_directory_leading_outside_is_refused(tree: Tree) -> None:
    (tree.root / "docs").symlink_to(tree.outside)
    sandbox = tree.sandbox()
    with pytest.raises(PermissionDeniedError, match="symlink"):
        read(sandbox, "docs/secret.txt")
    with pytest.raises(PermissionDeniedError):
        with sandbox.open_directory("docs"):
            pass


def test_a_dangling_symlink_towards_outside_cannot_be_created_through(tree: Tree) -> None:
    (tree.root / "new.txt").symlink_to(tree.outside / "planted.txt")
    with pytest.raises(PermissionDeniedError, match="symlink"):
        with tree.sandbox().locate("new.txt"):
            pass
    assert not (tree.outside / "planted.txt").exists()


def test_symlinks_that_stay_inside_are_followed(tree: Tree) -> None:
    (tree.root / "code").symlink_to("src")
    (tree.root / "entry.py").symlink_to(tree.root / "src" / "main.py")
    sandbox = tree.sandbox()
    assert read(sandbox, "code/pkg/util.py").startswith("def helper")
    with sandbox.open_file("entry.py") as opened:
        assert opened.path == str(tree.root / "src" / "main.py")


def test_a_symlink_loop_is_reported(tree: Tree) -> None:
    (tree.root / "a").symlink_to("b")
    (tree.root / "b").symlink_to("a")
    with pytest.raises(InvalidArgumentError, match="symbolic links"):
        read(tree.sandbox(), "a")


def test_missing_entries_and_files_in_place_of_directories_are_clear(tree: Tree) -> None:
    sandbox = tree.sandbox()
    with pytest.raises(NotFoundError, match=r"nope\.txt does not exist"):
        read(sandbox, "nope.txt")
    with pytest.raises(NotFoundError, match=r"directory .*missing does not exist"):
        read(sandbox, "missing/x.txt")
    with pytest.raises(InvalidArgumentError, match="not a directory"):
        read(sandbox, "README.md/x")
    with pytest.raises(InvalidArgumentError, match="is a directory"):
        read(sandbox, "src")


def test_the_nested_root_with_the_longest_path_wins(tree: Tree) -> None:
    sandbox = Sandbox([str(tree.root), str(tree.root / "src")])
    assert sandbox.root_of(str(tree.root / "src" / "main.py")) == str(tree.root / "src")
    assert sandbox.root_of(str(tree.root / "README.md")) == str(tree.root)
    assert Sandbox(["/"]).root_of("/etc") == "/"


def test_an_empty_sandbox_explains_itself() -> None:
    with pytest.raises(PermissionDeniedError, match="client's roots"):
        Sandbox([], empty_reason="the client's roots are elsewhere").absolute("/x")
