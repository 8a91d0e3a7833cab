"""Background work that yields to the calls a server is answering.

A server embeds chunks left without vectors, and folds new rows into its
indices, in daemon threads. That work is CPU-bound on a machine with few
cores, so it must never make a search or a store wait: it runs in small
steps, and before each step it waits until no tool call or resource read is
in progress. A call that arrives mid-step waits for nothing (background steps
do not take the engine lock); it only shares the CPU with the one step that
is already running.

    foreground = Foreground()
    mcp.add_middleware(ForegroundCalls(foreground))      # every call counts as foreground
    foreground.spawn(backfill_sync, table, embedder, keys=["id"], before_batch=foreground.wait_idle)
    foreground.close(timeout=10)                          # at shutdown: stop between steps, join
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastmcp.server.middleware import Middleware, MiddlewareContext
from fastmcp.server.middleware.middleware import CallNext

log = logging.getLogger("pygent.core.embeddings.foreground")


class Stopped(Exception):
    """The server is shutting down; background work ends at its next step."""


class Foreground:
    """Counts the calls in progress; background threads wait for there to be none."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._calls = 0
        self._waiting = 0
        self._stopping = False
        self._threads: set[threading.Thread] = set()

    @contextmanager
    def call(self) -> Iterator[None]:
        """Mark one call in progress for as long as the block runs."""
        with self._condition:
            self._calls += 1
        try:
            yield
        finally:
            with self._condition:
                self._calls -= 1
                if not self._calls:
                    self._condition.notify_all()

    def paused(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for background work to be held back by the calls in progress."""
        with self._condition:
            return self._condition.wait_for(lambda: self._waiting > 0 and self._calls > 0, timeout)

    def wait_idle(self) -> None:
        """Block the calling background thread while any call is in progress.

        Raises:
            Stopped: the server is shutting down.
        """
        with self._condition:
            self._waiting += 1
            self._condition.notify_all()
            try:
                while self._calls and not self._stopping:
                    self._condition.wait()
            finally:
                self._waiting -= 1
            if self._stopping:
                raise Stopped

    def spawn(self, target: Callable[..., Any], *args: Any, name: str, **kwargs: Any) -> None:
        """Run `target` in a daemon thread that `close` stops and joins."""

        def run() -> None:
            try:
                target(*args, **kwargs)
            except Stopped:
                pass
            except Exception as exc:  # the next start or ingest retries; never kill the server for it
                log.warning("background %s stopped: %s", name, exc)
            finally:
                with self._condition:
                    self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=run, name=name, daemon=True)
        with self._condition:
            if self._stopping:
                return
            self._threads.add(thread)
        thread.start()

    def close(self, timeout: float) -> None:
        """Stop background work at its next step and wait up to `timeout` seconds for it."""
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
            threads = list(self._threads)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))


class ForegroundCalls(Middleware):
    """Count every tool call and resource read as foreground work."""

    def __init__(self, foreground: Foreground) -> None:
        self.foreground = foreground

    async def on_call_tool(self, context: MiddlewareContext[Any], call_next: CallNext[Any, Any]) -> Any:
        with self.foreground.call():
            return await call_next(context)

    async def on_read_resource(self, context: MiddlewareContext[Any], call_next: CallNext[Any, Any]) -> Any:
        with self.foreground.call():
            return await call_next(context)
