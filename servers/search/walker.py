"""Which files the local index holds: text files under the roots, within the caps.

    found, skipped = scan([Path("~/notes")], extensions={".md"}, max_files=20_000, max_bytes=1_000_000,
                          exclude=[state_dir])

Hidden folders, dependency and cache folders and virtual environments are not
entered, symlinks are not followed (nothing outside a root is read), and files
past `max_files` are counted as skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "dist", "target", "build"})


def _wanted_dir(entry: os.DirEntry[str]) -> bool:
    return (
        not entry.name.startswith(".")
        and entry.name not in SKIP_DIRS
        and not entry.is_symlink()
        and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))
    )


def scan(
    roots: Sequence[Path],
    *,
    extensions: Iterable[str],
    max_files: int,
    max_bytes: int,
    exclude: Sequence[Path] = (),
    checkpoint: Callable[[], object] = lambda: None,
) -> tuple[dict[str, tuple[float, int]], int]:
    """`{absolute path: (mtime, size)}` of the files to index, and how many were skipped.

    `checkpoint` runs once per folder; `anyio.from_thread.check_cancelled` there stops a scan
    whose call was cancelled.
    """
    wanted = {ext.lower() for ext in extensions}
    excluded = {str(path) for path in exclude}
    found: dict[str, tuple[float, int]] = {}
    skipped = 0
    stack = [str(root) for root in roots if root.is_dir()]
    while stack:
        folder = stack.pop()
        checkpoint()
        if folder in excluded:
            continue
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if _wanted_dir(entry):
                        stack.append(entry.path)
                    continue
                if entry.is_symlink() or not entry.is_file() or os.path.splitext(entry.name)[1].lower() not in wanted:
                    continue
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if info.st_size > max_bytes or len(found) >= max_files or entry.path in found:
                skipped += 1
                continue
            found[entry.path] = (info.st_mtime, info.st_size)
    return found, skipped
