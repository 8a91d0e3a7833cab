"""Background backfill yields to calls: it pauses between batches while one runs, and stops on close.

A real LanceDB table with rows missing vectors, the real embedder, and the
real `backfill_sync` in a `Foreground` thread; ordering is checked with events.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import anyio
import pyarrow as pa
import pytest
from fastmcp import Client, FastMCP
from lancedb.table import Table
from pygent.core.embeddings.backfill import backfill_sync
from pygent.core.embeddings.foreground import Foreground, ForegroundCalls
from pygent.core.embeddings.models import load_embedder
from pygent.core.embeddings.tables import connect, open_table, vector_field

SCHEMA = pa.schema([pa.field("id", pa.string()), pa.field("text", pa.string()), vector_field(384)])
ROWS = 96
BATCH = 16
WAIT = 60.0


def _table(tmp_path: Path) -> Table:
    table = open_table(connect(tmp_path), "notes", SCHEMA, load_embedder())
    table.add([{"id": f"n{i}", "text": f"Note {i} is about shelf {i % 7}.", "vector": None} for i in range(ROWS)])
    return table


def _embedded(table: Table) -> int:
    return int(table.count_rows("vector IS NOT NULL"))


class Steps:
    """A `before_batch` hook that signals when the first batch has landed, then waits for the calls to end."""

    def __init__(self, foreground: Foreground) -> None:
        self.foreground = foreground
        self.count = 0
        self.first_landed = threading.Event()

    def __call__(self) -> None:
        self.count += 1
        if self.count == 2:
            self.first_landed.set()
        self.foreground.wait_idle()


def _run(foreground: Foreground, table: Table, steps: Steps) -> tuple[threading.Event, Callable[[], int]]:
    done = threading.Event()
    landed: list[int] = []

    def work() -> None:
        try:
            landed.append(backfill_sync(table, load_embedder(), keys=["id"], batch=BATCH, before_batch=steps))
        finally:
            done.set()

    foreground.spawn(work, name="test-backfill")
    return done, lambda: landed[0]


def test_a_call_pauses_the_backfill_between_batches_and_it_finishes_afterwards(tmp_path: Path) -> None:
    table = _table(tmp_path)
    foreground = Foreground()
    steps = Steps(foreground)
    done, landed = _run(foreground, table, steps)
    assert steps.first_landed.wait(WAIT)  # the backfill is running
    with foreground.call():
        # At most the batch it had begun lands; then it waits at a batch boundary.
        assert foreground.paused(WAIT)
        before = _embedded(table)
        load_embedder().embed_queries(["what is on shelf 3?"])  # the call's own work
        assert _embedded(table) == before and before in (BATCH, 2 * BATCH) and not done.is_set()
    assert done.wait(WAIT)
    assert landed() == ROWS and _embedded(table) == ROWS


def test_closing_stops_a_paused_backfill_and_keeps_what_landed(tmp_path: Path) -> None:
    table = _table(tmp_path)
    foreground = Foreground()
    steps = Steps(foreground)
    with foreground.call():
        done, _ = _run(foreground, table, steps)
        assert foreground.paused(WAIT)  # waiting before its first batch
        foreground.close(timeout=WAIT)
    assert done.is_set() and _embedded(table) == 0
    spawned = threading.Event()
    foreground.spawn(spawned.set, name="after-close")
    assert not spawned.is_set()  # nothing starts once the server is closing


@pytest.mark.anyio
async def test_every_tool_call_of_a_server_counts_as_foreground() -> None:
    foreground = Foreground()
    started, release = anyio.Event(), anyio.Event()
    server = FastMCP("probe")
    server.add_middleware(ForegroundCalls(foreground))

    @server.tool
    async def hold() -> str:
        started.set()
        await release.wait()
        return "done"

    resumed = threading.Event()
    async with Client(server) as client, anyio.create_task_group() as group:
        group.start_soon(client.call_tool, "hold", {})
        with anyio.fail_after(WAIT):
            await started.wait()
        foreground.spawn(lambda: (foreground.wait_idle(), resumed.set()), name="waiter")
        assert await anyio.to_thread.run_sync(foreground.paused, WAIT)  # held back while the call runs
        assert not resumed.is_set()
        release.set()
    assert await anyio.to_thread.run_sync(resumed.wait, WAIT)
