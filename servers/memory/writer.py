"""Group commit: concurrent memories are embedded and written in shared batches.

Hundreds of concurrent `remember` calls become a few LanceDB commits instead of
one commit (and one table version) each, and the embedder runs whole batches.
Whoever holds the lock commits everything queued so far; the others find their
row already committed when they get the lock. A call returns once its row is
committed, so a returned id is durable. LanceDB's optimistic commits make
writers in other processes safe: appends never conflict, they are retried.

    writer = MemoryWriter(store, embedder)
    await writer.write(row)            # row without its vector
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio
from pygent.core.embeddings.batching import AsyncEmbedder
from pygent.core.errors import UnavailableError

if TYPE_CHECKING:
    from pygent.servers.memory.store import MemoryStore

log = logging.getLogger("pygent.servers.memory.writer")
MAX_BATCH = 128


@dataclass
class _Pending:
    row: dict[str, Any]
    committed: bool = False
    error: BaseException | None = None


class MemoryWriter:
    def __init__(self, store: MemoryStore, embedder: AsyncEmbedder) -> None:
        self._store = store
        self._embedder = embedder
        self._queue: list[_Pending] = []
        self._lock = anyio.Lock()
        self._since_maintenance = 0
        self._maintaining = threading.Lock()

    async def write(self, row: dict[str, Any]) -> None:
        """Embed `row["text"]` and commit the row; returns when it is durable.

        Raises:
            UnavailableError: the write failed; nothing was stored.
        """
        pending = _Pending(row)
        self._queue.append(pending)
        async with self._lock:
            while not pending.committed and pending.error is None:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                # A commit that started finishes even if its leader is cancelled: others wait on it.
                with anyio.CancelScope(shield=True):
                    await self._commit(batch)
        if pending.error is not None:
            raise UnavailableError("the memory could not be stored; see the server log") from pending.error

    async def _commit(self, batch: list[_Pending]) -> None:
        try:
            vectors = await self._embedder.passages([pending.row["text"] for pending in batch])
            rows = [pending.row | {"vector": vectors[i]} for i, pending in enumerate(batch)]
            await anyio.to_thread.run_sync(self._store.add, rows)
        except Exception as exc:
            log.exception("writing %d memories failed", len(batch))
            for pending in batch:
                pending.error = exc
            return
        for pending in batch:
            pending.committed = True
        self._since_maintenance += len(batch)
        if self._since_maintenance >= self._store.policy.optimize_after_writes:
            self._since_maintenance = 0
            threading.Thread(target=self.maintain, name="memory-maintenance", daemon=True).start()

    def maintain(self) -> None:
        """Compact, fold new rows into indices, build the ANN index when due (one at a time)."""
        if not self._maintaining.acquire(blocking=False):
            return
        try:
            self._store.purge_expired()
            self._store.policy.maintain(self._store.table)
        except Exception as exc:  # e.g. another process compacting at the same time; the next round retries
            log.warning("memory table maintenance skipped: %s", exc)
        finally:
            self._maintaining.release()
