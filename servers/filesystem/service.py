"""What every filesystem tool needs: the request's sandbox, the settings, a worker thread.

    result = await fs.run(ctx, read_text, "notes.md", max_bytes=fs.settings.max_read_bytes)

`run` picks the sandbox for the request (client roots included) and runs the
blocking file operation in a worker thread, so the event loop stays free.
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
        sandbox = await self.sandbox(ctx)
        call: Callable[[], T] = partial(operation, sandbox, *args, **kwargs)
        return await anyio.to_thread.run_sync(call)


READ_ONLY: dict[str, Any] = {
    "readOnlyHint": True,
    "destructiveHint": False,
    "idempotentHint": True,
    "openWorldHint": False,
}
