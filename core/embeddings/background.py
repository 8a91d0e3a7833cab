"""Open heavy resources in a background thread once the server is already answering.

A stdio server must list its tools within about 2 s of being spawned, but
`import lancedb` alone takes 1.2-1.8 s. So a server's lifespan calls `start()`,
which builds the value in a daemon thread, and yields at once; tools await
`get()`, which waits for the build to finish (or re-raises its error, such as
a mismatched embedding model).

A failed build is not final: the next `get()` builds again, so a store that
lost a race with another process, or a model mismatch fixed meanwhile, does
not leave the server refusing every call until it restarts.

A thread rather than a task: FastMCP closes lifespans inside a shielding cancel
scope, where a task group held across the lifespan's `yield` cannot exit.

    opening = Opening(open_store, what="memory store")
    mcp.add_middleware(StartAfterFirstReply(opening))   # starts it after the first answer
    store = await opening.get()           # in a tool (starts it too, if nobody did)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import anyio
from fastmcp.server.middleware import Middleware, MiddlewareContext
from fastmcp.server.middleware.middleware import CallNext
from pygent.core.errors import PygentError, UnavailableError

T = TypeVar("T")
log = logging.getLogger("pygent.core.embeddings.background")


@dataclass
class _Build(Generic[T]):
    """One attempt at building the value."""

    done: threading.Event = field(default_factory=threading.Event)
    value: T | None = None
    error: BaseException | None = None

    @property
    def failed(self) -> bool:
        return self.done.is_set() and (self.error is not None or self.value is None)


class Opening(Generic[T]):
    """A value built by `factory` in a daemon thread, awaited by whoever needs it."""

    def __init__(self, factory: Callable[[], T], what: str = "store") -> None:
        self._factory = factory
        self._what = what
        self._lock = threading.Lock()
        self._build: _Build[T] | None = None

    def start(self) -> None:
        """Begin the first build (once); returns at once."""
        with self._lock:
            if self._build is None:
                self._build = self._begin()

    def _begin(self) -> _Build[T]:
        build: _Build[T] = _Build()
        threading.Thread(target=self._run, args=(build,), name=f"open-{self._what}", daemon=True).start()
        return build

    def _run(self, build: _Build[T]) -> None:
        try:
            build.value = self._factory()
        except Exception as exc:  # kept and re-raised to the callers of get() waiting for this build
            log.error("opening the %s failed: %s", self._what, exc)
            build.error = exc
        finally:
            build.done.set()

    @property
    def ready(self) -> bool:
        """Whether a build has finished (or failed)."""
        build = self._build
        return build is not None and build.done.is_set()

    async def get(self) -> T:
        """The value, once built (building it if nobody did, or again if the last build failed).

        Raises:
            PygentError: the factory's own error (for example a model mismatch).
            UnavailableError: the factory failed in an unexpected way.
        """
        with self._lock:
            build = self._build
            if build is None or build.failed:
                build = self._build = self._begin()
        if not build.done.is_set():
            await anyio.to_thread.run_sync(build.done.wait, abandon_on_cancel=True)
        if isinstance(build.error, PygentError):
            raise build.error
        if build.error is not None or build.value is None:
            raise UnavailableError(f"the {self._what} could not be opened; see the server log")
        return build.value


class StartAfterFirstReply(Middleware):
    """Start openings once the server has answered its first real request (a listing or a call).

    Importing lancedb in a thread still competes with the main thread for the
    interpreter, so the handshake and the first tool listing are answered before
    it starts; a tool call that comes first starts it through `Opening.get()`.
    """

    HANDSHAKE = frozenset({"initialize", "server/discover", "notifications/initialized", "ping"})

    def __init__(self, *openings: Opening[Any]) -> None:
        self._openings = openings

    async def on_message(self, context: MiddlewareContext[Any], call_next: CallNext[Any, Any]) -> Any:
        try:
            return await call_next(context)
        finally:
            if context.method not in self.HANDSHAKE:
                for opening in self._openings:
                    opening.start()
