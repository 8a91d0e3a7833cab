"""Open heavy resources in a background thread once the server is already answering.

A stdio server must list its tools within about 2 s of being spawned, but
`import lancedb` alone takes 1.2-1.8 s. So a server's lifespan calls `start()`,
which builds the value in a daemon thread, and yields at once; tools await
`get()`, which waits for the build to finish (or re-raises its error, such as
a mismatched embedding model).

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
from typing import Any, Generic, TypeVar

import anyio
from fastmcp.server.middleware import Middleware, MiddlewareContext
from fastmcp.server.middleware.middleware import CallNext
from pygent.core.errors import PygentError, UnavailableError

T = TypeVar("T")
log = logging.getLogger("pygent.core.embeddings.background")


class Opening(Generic[T]):
    """A value built by `factory` in a daemon thread, awaited by whoever needs it."""

    def __init__(self, factory: Callable[[], T], what: str = "store") -> None:
        self._factory = factory
        self._what = what
        self._done = threading.Event()
        self._started = False
        self._value: T | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        """Begin building (once); returns at once."""
        if not self._started:
            self._started = True
            threading.Thread(target=self._build, name=f"open-{self._what}", daemon=True).start()

    def _build(self) -> None:
        try:
            self._value = self._factory()
        except Exception as exc:  # kept and re-raised to every caller of get()
            log.error("opening the %s failed: %s", self._what, exc)
            self._error = exc
        finally:
            self._done.set()

    @property
    def ready(self) -> bool:
        return self._done.is_set()

    async def get(self) -> T:
        """The value, once built (starting the build if nobody did).

        Raises:
            PygentError: the factory's own error (for example a model mismatch).
            UnavailableError: the factory failed in an unexpected way.
        """
        self.start()
        if not self._done.is_set():
            await anyio.to_thread.run_sync(self._done.wait, abandon_on_cancel=True)
        if isinstance(self._error, PygentError):
            raise self._error
        if self._error is not None or self._value is None:
            raise UnavailableError(f"the {self._what} could not be opened; see the server log")
        return self._value


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
