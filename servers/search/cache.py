"""A time-limited response cache in SQLite under the server's state folder.

    cache = ResponseCache(state_dir / "cache.sqlite3", ttl=3600)
    hit = await cache.get("web", {"q": "mcp", "count": 10})
    if hit is None:
        await cache.put("web", {"q": "mcp", "count": 10}, results)

Keys are any JSON-serialisable value (hashed); values are JSON. Entries expire
after `ttl` seconds; a `ttl` of 0 turns the cache off. Every process serving
the same state folder shares it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import anyio

_SCHEMA = "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL NOT NULL)"


class ResponseCache:
    def __init__(self, path: Path, ttl: float, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.ttl = ttl
        self._clock = clock
        self._ready = False

    @staticmethod
    def _key(namespace: str, key: Any) -> str:
        payload = json.dumps([namespace, key], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=5)
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection.execute(_SCHEMA)
            self._ready = True
        return connection

    def _get(self, digest: str) -> Any | None:
        with closing(self._connect()) as connection, connection:
            row = connection.execute("SELECT value, expires FROM responses WHERE key = ?", (digest,)).fetchone()
        if row is None or row[1] < self._clock():
            return None
        return json.loads(row[0])

    def _put(self, digest: str, value: Any) -> None:
        now = self._clock()
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "INSERT OR REPLACE INTO responses (key, value, expires) VALUES (?, ?, ?)",
                (digest, json.dumps(value), now + self.ttl),
            )
            connection.execute("DELETE FROM responses WHERE expires < ?", (now,))

    async def get(self, namespace: str, key: Any) -> Any | None:
        """The stored value, or None when absent, expired or the cache is off."""
        if self.ttl <= 0:
            return None
        return await anyio.to_thread.run_sync(self._get, self._key(namespace, key))

    async def put(self, namespace: str, key: Any, value: Any) -> None:
        if self.ttl > 0:
            await anyio.to_thread.run_sync(self._put, self._key(namespace, key), value)
