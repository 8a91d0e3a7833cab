"""Depth-first walks below an open directory that never pass through a symlink.

    for parent_fd, relative, entry in walk(directory_fd, prune=lambda rel: rel.endswith(".git")):
        ...

Entries come in name order with their path relative to the start; each
subdirectory is opened with `O_NOFOLLOW` relative to its parent's descriptor,
so a symlinked directory is listed but never entered.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from pygent.servers.filesystem.sandbox import open_child_directory

Prune = Callable[[str, os.DirEntry[str]], bool]


def walk(dir_fd: int, prefix: str = "", prune: Prune | None = None) -> Iterator[tuple[int, str, os.DirEntry[str]]]:
    """Yield `(parent_fd, relative_path, entry)`; `prune(relative, entry)` skips an entry and its subtree."""
    with os.scandir(dir_fd) as scan:
        items = sorted(scan, key=lambda item: item.name)
    for item in items:
        relative = prefix + item.name
        if prune is not None and prune(relative, item):
            continue
        yield dir_fd, relative, item
        if item.is_dir(follow_symlinks=False):
            child = open_child_directory(dir_fd, item.name)
            if child is None:
                continue
            try:
                yield from walk(child, relative + "/", prune)
            finally:
                os.close(child)
