"""Fixtures: a real directory tree (an allowed root beside an outside folder) and clients of the server."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from pygent.servers.filesystem.sandbox import Sandbox
from pygent.servers.filesystem.server import build_server
from pygent.servers.filesystem.settings import FilesystemSettings

SECRET = "TOP SECRET outside the root"


@dataclass(frozen=True)
class Tree:
    root: Path
    outside: Path

    def sandbox(self) -> Sandbox:
        return Sandbox([str(self.root)])


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """`root/` (allowed) with a few files, and `outside/secret.txt` next to it."""
    base = Path(os.path.realpath(tmp_path))
    root, outside = base / "root", base / "outside"
    (root / "src" / "pkg").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (root / "README.md").write_text("# Demo\n\nHello world.\n", encoding="utf-8")
    (root / "src" / "main.py").write_text("def main():\n    return 1\n", encoding="utf-8")
    (root / "src" / "pkg" / "util.py").write_text("def helper():\n    return 'x'\n", encoding="utf-8")
    return Tree(root, outside)


@pytest.fixture
async def client(tree: Tree) -> AsyncIterator[Client[Any]]:
    async with Client(build_server(FilesystemSettings.load({"roots": [tree.root]}))) as connected:
        yield connected


def snapshot(path: Path) -> dict[str, bytes | None]:
    """Every entry below `path` with file contents, to assert nothing changed."""
    return {
        str(p.relative_to(path)): (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
        for p in sorted(path.rglob("*"))
    }
