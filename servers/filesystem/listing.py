"""Listing directories and describing entries inside the sandbox.

    listing = list_directory(sandbox, "src", sizes=True, sort_by="size")
    tree = directory_tree(sandbox, "src", exclude=["node_modules"], max_entries=10_000)
    info = file_info(sandbox, "src/main.py")

Directories are read through their open descriptors; a recursive walk never
descends into a symlink, so it cannot leave the tree it started in.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pygent.core.errors import NotFoundError
from pygent.servers.filesystem.globs import Matcher, exclusion
from pygent.servers.filesystem.models import EntryType, FileInfo
from pygent.servers.filesystem.sandbox import Sandbox, open_child_directory

SortBy = Literal["name", "size"]


def entry_type(mode: int) -> EntryType:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISLNK(mode):
        return "symlink"
    return "other"


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


@dataclass(slots=True)
class Item:
    """One directory entry (plain data: a listing can hold many thousands)."""

    name: str
    type: EntryType
    size: int | None = None
    modified: str | None = None

    def data(self) -> dict[str, Any]:
        if self.size is None and self.modified is None:
            return {"name": self.name, "type": self.type}
        return {"name": self.name, "type": self.type, "size": self.size, "modified": self.modified}


@dataclass
class Listing:
    """A directory's entries; `data()` has the shape of `models.DirectoryListing`."""

    path: str
    entries: list[Item]

    @property
    def files(self) -> int:
        return sum(1 for e in self.entries if e.type != "directory")

    @property
    def directories(self) -> int:
        return len(self.entries) - self.files

    @property
    def total_size(self) -> int:
        return sum(e.size or 0 for e in self.entries if e.type != "directory")

    def data(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "entries": [e.data() for e in self.entries],
            "files": self.files,
            "directories": self.directories,
            "total_size": self.total_size,
        }


@dataclass
class Names:
    """A directory's entry names by type, each list sorted; `data()` is `models.DirectoryNames`."""

    path: str
    directories: list[str]
    files: list[str]
    symlinks: list[str]
    other: list[str]

    def data(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "directories": self.directories,
            "files": self.files,
            "symlinks": self.symlinks,
            "other": self.other,
        }


def list_names(sandbox: Sandbox, path: str) -> Names:
    """The names in one directory, grouped by type (from the directory itself: no stat per entry)."""
    names = Names("", [], [], [], [])
    with sandbox.open_directory(path) as directory:
        with os.scandir(directory.dir_fd) as scan:
            for item in scan:  # most entries are files: ask that first
                if item.is_file(follow_symlinks=False):
                    names.files.append(item.name)
                elif item.is_dir(follow_symlinks=False):
                    names.directories.append(item.name)
                elif item.is_symlink():
                    names.symlinks.append(item.name)
                else:
                    names.other.append(item.name)
        names.path = directory.path
    for group in (names.directories, names.files, names.symlinks, names.other):
        group.sort()
    return names


def list_directory(sandbox: Sandbox, path: str, *, sizes: bool = False, sort_by: SortBy = "name") -> Listing:
    """The entries of one directory, by name (or by size, largest first)."""
    with sandbox.open_directory(path) as directory:
        with os.scandir(directory.dir_fd) as scan:
            entries = [_entry(item, sizes=sizes) for item in scan]
        shown = directory.path
    entries.sort(key=lambda e: e.name)
    if sort_by == "size":
        entries.sort(key=lambda e: e.size or 0, reverse=True)
    return Listing(shown, entries)


def _entry(item: os.DirEntry[str], *, sizes: bool) -> Item:
    if item.is_symlink():
        kind: EntryType = "symlink"
    elif item.is_dir(follow_symlinks=False):
        kind = "directory"
    elif item.is_file(follow_symlinks=False):
        kind = "file"
    else:
        kind = "other"
    if not sizes:
        return Item(item.name, kind)
    try:
        info = item.stat(follow_symlinks=False)
    except OSError:
        return Item(item.name, kind, 0)
    return Item(item.name, kind, None if kind == "directory" else info.st_size, iso(info.st_mtime))


@dataclass
class Tree:
    """A directory tree; `data()` has the shape of `models.DirectoryTree`."""

    path: str
    nodes: list[dict[str, Any]]
    entries: int
    truncated: bool

    def data(self) -> dict[str, Any]:
        return {"path": self.path, "tree": self.nodes, "entries": self.entries, "truncated": self.truncated}


def directory_tree(sandbox: Sandbox, path: str, *, exclude: Sequence[str], max_entries: int) -> Tree:
    """The recursive tree below a directory, skipping excluded relative paths."""
    excluded = exclusion(exclude) if exclude else None
    budget = _Budget(max_entries)
    with sandbox.open_directory(path) as directory:
        nodes = _children(directory.dir_fd, "", excluded, budget)
        shown = directory.path
    return Tree(shown, nodes, budget.used, budget.exhausted)


class _Budget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.exhausted = False

    def take(self) -> bool:
        if self.used >= self.limit:
            self.exhausted = True
            return False
        self.used += 1
        return True


def _children(dir_fd: int, prefix: str, excluded: Matcher | None, budget: _Budget) -> list[dict[str, Any]]:
    with os.scandir(dir_fd) as scan:
        items = sorted(scan, key=lambda item: item.name)
    nodes: list[dict[str, Any]] = []
    for item in items:
        relative = prefix + item.name
        if excluded is not None and excluded(relative):
            continue
        if not budget.take():
            break
        if item.is_dir(follow_symlinks=False):
            child_fd = open_child_directory(dir_fd, item.name)
            children: list[dict[str, Any]] = []
            if child_fd is not None:
                try:
                    children = _children(child_fd, relative + "/", excluded, budget)
                finally:
                    os.close(child_fd)
            nodes.append({"name": item.name, "type": "directory", "children": children})
        else:
            nodes.append({"name": item.name, "type": "symlink" if item.is_symlink() else "file"})
    return nodes


def file_info(sandbox: Sandbox, path: str) -> FileInfo:
    """Metadata of one entry (a symlink inside the roots describes its target)."""
    with sandbox.locate(path) as here:
        try:
            info = os.stat(here.name, dir_fd=here.dir_fd, follow_symlinks=False) if here.name else os.fstat(here.dir_fd)
        except FileNotFoundError:
            raise NotFoundError(f"{here.path} does not exist") from None
        shown = here.path
    kind = entry_type(info.st_mode)
    birth = getattr(info, "st_birthtime", None)
    return FileInfo(
        path=shown,
        type=kind,
        size=info.st_size,
        created=iso(birth) if birth is not None else None,
        modified=iso(info.st_mtime),
        accessed=iso(info.st_atime),
        changed=iso(info.st_ctime),
        permissions=format(stat.S_IMODE(info.st_mode) & 0o777, "03o"),
        is_directory=kind == "directory",
        is_file=kind == "file",
        is_symlink=kind == "symlink",
    )
