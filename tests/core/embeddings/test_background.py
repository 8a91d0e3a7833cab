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
