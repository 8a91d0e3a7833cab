"""A symlink swapped in between the check and the use is never followed (racing threads, in loops)."""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pygent.core.errors import PygentError
from pygent.servers.filesystem.reading import read_text
from pygent.servers.filesystem.writing import write_file

from tests.servers.filesystem.conftest import SECRET, Tree

ROUNDS = 400
MAX_ROUNDS = 20_000
BUDGET_SECONDS = 10.0
AT_FDCWD = -100
RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> None:
    """Swap two directory entries atomically (renameat2 RENAME_EXCHANGE)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


@contextmanager
def flipping(target: Path, make_real: Callable[[Path], None], link_to: Path) -> Iterator[None]:
    """A thread swaps `target` between a real entry and a symlink to `link_to`, atomically, until exit."""
    stop, started = threading.Event(), threading.Event()
    make_real(target)
    other = target.with_name(target.name + ".other")
    other.symlink_to(link_to)

    def flip() -> None:
        while not stop.is_set():
            exchange(target, other)
            started.set()

    thread = threading.Thread(target=flip, daemon=True)
    thread.start()
    assert started.wait(timeout=10)
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_inside(path: Path) -> None:
    path.write_text("inside\n", encoding="utf-8")


def dir_inside(path: Path) -> None:
    path.mkdir()
    (path / "secret.txt").write_text("inside\n", encoding="utf-8")


def rounds(outcomes: dict[str, int]) -> Iterator[int]:
    """At least ROUNDS attempts, and more until both sides of the race have been seen (within a time budget).

    The budget matters on a loaded machine: each side waits on the other for the GIL, so a round can cost
    milliseconds there.
    """
    deadline = time.monotonic() + BUDGET_SECONDS
    for index in range(MAX_ROUNDS):
        if index >= ROUNDS and (all(outcomes.values()) or time.monotonic() > deadline):
            return
        yield index


def test_reading_a_file_swapped_for_an_outside_symlink_never_returns_outside_data(tree: Tree) -> None:
    sandbox, outcomes = tree.sandbox(), {"read": 0, "refused": 0}
    with flipping(tree.root / "target.txt", write_inside, tree.outside / "secret.txt"):
        for _ in rounds(outcomes):
            try:
                assert read_text(sandbox, "target.txt", max_bytes=1024).content == "inside\n"
                outcomes["read"] += 1
            except PygentError:
                outcomes["refused"] += 1
    assert outcomes["read"] and outcomes["refused"], outcomes  # both sides of the race were exercised


def test_a_directory_swapped_for_an_outside_symlink_is_never_entered(tree: Tree) -> None:
    sandbox, outcomes = tree.sandbox(), {"read": 0, "refused": 0}
    # outside/secret.txt has the same relative name as the inside file
    with flipping(tree.root / "docs", dir_inside, tree.outside):
        for _ in rounds(outcomes):
            try:
                assert SECRET not in read_text(sandbox, "docs/secret.txt", max_bytes=1024).content
                outcomes["read"] += 1
            except PygentError:
                outcomes["refused"] += 1
    assert outcomes["read"] and outcomes["refused"], outcomes


def test_writing_while_a_symlink_is_swapped_in_never_writes_outside(tree: Tree) -> None:
    sandbox, outcomes = tree.sandbox(), {"written": 0, "refused": 0}
    secret = tree.outside / "secret.txt"
    with flipping(tree.root / "target.txt", write_inside, secret):
        for index in rounds(outcomes):
            try:
                write_file(sandbox, "target.txt", f"written {index}\n")
                outcomes["written"] += 1
            except PygentError:
                outcomes["refused"] += 1
    assert secret.read_text(encoding="utf-8") == SECRET + "\n"
    assert not secret.is_symlink()
    assert outcomes["written"], outcomes
    for entry in (tree.root / "target.txt", tree.root / "target.txt.other"):
        if not entry.is_symlink():  # every regular file written keeps an ordinary mode, never the link's 0777
            assert entry.stat().st_mode & 0o777 == 0o666 & ~current_umask(), oct(entry.stat().st_mode)
