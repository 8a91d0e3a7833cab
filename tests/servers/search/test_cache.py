"""The response cache: entries expire after the TTL, are shared by every instance on the same file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygent.servers.search.cache import ResponseCache

pytestmark = pytest.mark.anyio


async def test_entries_expire_after_the_ttl(tmp_path: Path) -> None:
    now = [1000.0]
    cache = ResponseCache(tmp_path / "c.sqlite3", ttl=60, clock=lambda: now[0])
    await cache.put("web", {"q": "x"}, {"results": [1, 2]})
    assert await cache.get("web", {"q": "x"}) == {"results": [1, 2]}
    assert await cache.get("web", {"q": "y"}) is None
    assert await cache.get("fetch", {"q": "x"}) is None
    now[0] += 61
    assert await cache.get("web", {"q": "x"}) is None


async def test_another_instance_sees_the_same_entries(tmp_path: Path) -> None:
    await ResponseCache(tmp_path / "c.sqlite3", ttl=60).put("web", ["k"], "v")
    assert await ResponseCache(tmp_path / "c.sqlite3", ttl=60).get("web", ["k"]) == "v"


async def test_a_zero_ttl_stores_nothing(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite3", ttl=0)
    await cache.put("web", "k", "v")
    assert await cache.get("web", "k") is None
    assert not (tmp_path / "c.sqlite3").exists()
