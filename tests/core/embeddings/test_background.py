"""Opening a store after the server answers: callers wait for it and see its errors."""

from __future__ import annotations

import threading

import anyio
import pytest
from pygent.core.embeddings.background import Opening
from pygent.core.errors import NotFoundError, UnavailableError

pytestmark = pytest.mark.anyio


async def test_get_waits_for_the_value_built_in_a_thread() -> None:
    release = threading.Event()

    def build() -> str:
        release.wait(5)
        return "store"

    opening = Opening(build)
    opening.start()
    assert not opening.ready
    release.set()
    with anyio.fail_after(5):
        assert await opening.get() == "store"
    assert opening.ready


async def test_get_starts_the_build_when_nobody_did() -> None:
    with anyio.fail_after(5):
        assert await Opening(lambda: 42).get() == 42


async def test_our_errors_reach_callers_and_others_become_unavailable() -> None:
    def mismatched() -> str:
        raise NotFoundError("table embedded with another model")

    def broken() -> str:
        raise RuntimeError("disk on fire")

    with pytest.raises(NotFoundError, match="another model"):
        await Opening(mismatched).get()
    with pytest.raises(UnavailableError, match="memory store could not be opened"):
        await Opening(broken, what="memory store").get()


async def test_a_failed_build_is_tried_again_by_the_next_get() -> None:
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(len(attempts))
        if len(attempts) == 1:
            raise RuntimeError("lost a commit race")
        return "store"

    opening = Opening(flaky, what="memory store")
    with anyio.fail_after(5):
        with pytest.raises(UnavailableError, match="memory store could not be opened"):
            await opening.get()
        assert await opening.get() == "store"
        assert await opening.get() == "store"
    assert len(attempts) == 2  # a build that worked is kept


async def test_callers_waiting_on_one_build_share_it() -> None:
    release = threading.Event()
    builds: list[int] = []

    def build() -> int:
        builds.append(1)
        release.wait(5)
        return len(builds)

    opening = Opening(build)
    results: list[int] = []

    async def one() -> None:
        results.append(await opening.get())

    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            for _ in range(3):
                group.start_soon(one)
            await anyio.wait_all_tasks_blocked()
            release.set()
    assert results == [1, 1, 1] and len(builds) == 1
