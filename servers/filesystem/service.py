"""What every filesystem tool needs: the request's sandbox, the settings, a place to run.

    result = await fs.run_inline(ctx, read_text, "notes.md", max_bytes=fs.settings.max_read_bytes)
    found = await fs.run(ctx, grep, ".", "TODO", options)

Both pick the sandbox for the request (client roots included). Operations whose
cost is bounded by the size of their request or answer (one read, one listing,
one stat, one write) run inline: the answer is serialized on the event loop
anyway, and a hop to a worker thread cost more CPU than a 4 KB read (about
170 µs per call here). Walks, multi-file reads and edits, whose cost can far
exceed their answer, run in a worker thread so they never hold up other calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Concatenate, ParamSpec, TypeVar

import anyio.to_thread
from fastmcp import Context
from pygent.servers.filesystem.roots import AllowedRoots
from pygent.servers.filesystem.sandbox import Sandbox
from pygent.servers.filesystem.settings import FilesystemSettings

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Filesystem:
    roots: AllowedRoots
    settings: FilesystemSettings

    async def sandbox(self, ctx: Context | None) -> Sandbox:
        return await self.roots.sandbox(ctx)

    async def run(
        self, ctx: Context | None, operation: Callable[Concatenate[Sandbox, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run `operation` in a worker thread: for work not bounded by its answer."""
        sandbox = await self.sandbox(ctx)
        call: Callable[[], T] = partial(operation, sandbox, *args, **kwargs)
        return await anyio.to_thread.run_sync(call)

    async def run_inline(
        self, ctx: Context | None, operation: Callable[Concatenate[Sandbox, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run `operation` on the event loop: for work bounded by its request or answer."""
        return operation(await self.sandbox(ctx), *args, **kwargs)


READ_ONLY: dict[str, Any] = {
    "readOnlyHint": True,
    "destructiveHint": False,
    "idempotentHint": True,
    "openWorldHint": False,
}
