"""Where tool work runs: bounded work inline, walks in a worker thread that never holds up the rest."""

from __future__ import annotations

import threading

import anyio
import pytest
from pygent.core.errors import PermissionDeniedError
from pygent.servers.filesystem.reading import read_text
from pygent.servers.filesystem.roots import AllowedRoots
from pygent.servers.filesystem.sandbox import Sandbox
from pygent.servers.filesystem.service import Filesystem
from pygent.servers.filesystem.settings import FilesystemSettings

from tests.servers.filesystem.conftest import Tree

pytestmark = pytest.mark.anyio


def service(tree: Tree) -> Filesystem:
    settings = FilesystemSettings.load({"roots": [tree.root]})
    return Filesystem(AllowedRoots([str(tree.root)], explicit=True, mode="ignore"), settings)


async def test_a_read_answers_while_a_long_walk_is_still_running(tree: Tree) -> None:
    fs, release, walked = service(tree), threading.Event(), []

    def long_walk(sandbox: Sandbox) -> None:
        assert release.wait(timeout=10), "the read never answered while the walk ran"
        walked.append(sandbox)

    with anyio.fail_after(15):
        async with anyio.create_task_group() as group:
            group.start_soon(fs.run, None, long_walk)
            await anyio.sleep(0.05)
            read = await fs.run_inline(None, read_text, "README.md", max_bytes=1024)
            assert read.content.startswith("# Demo") and not walked
            release.set()
    assert walked


async def test_inline_and_threaded_work_see_the_same_sandbox_and_errors(tree: Tree) -> None:
    fs = service(tree)
    inline = await fs.run_inline(None, read_text, "src/main.py", max_bytes=1024)
    threaded = await fs.run(None, read_text, "src/main.py", max_bytes=1024)
    assert inline == threaded
    for run in (fs.run, fs.run_inline):
        with pytest.raises(PermissionDeniedError, match="outside the allowed directories"):
            await run(None, read_text, str(tree.outside / "secret.txt"), max_bytes=1024)
