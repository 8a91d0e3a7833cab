"""A stdio transport for our servers without a thread hop per message.

The MCP SDK's `stdio_server()` reads and writes through `anyio.wrap_file`,
which hands every line to a worker thread and back: about half of a small
tool call's CPU time on this hardware. Our servers serve stdio through
non-blocking pipes watched by the event loop instead, behind the same
`stdio_server(stdin, stdout)` seam of the SDK.

As the SDK does, fd 0 is pointed at /dev/null and fd 1 at stderr while
serving, so a stray `print()` or a child process never corrupts the protocol.

    async with claimed_stdio() as (stdin, stdout):
        async with stdio_server(stdin, stdout) as (read, write): ...
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import anyio
from pygent.core.lines import LineSplitter

_CHUNK = 1 << 16


class PipeLines:
    """Async iterator over the text lines of a non-blocking pipe."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._splitter = LineSplitter()
        self._lines: list[bytes] = []
        self._eof = False

    def __aiter__(self) -> PipeLines:
        return self

    async def __anext__(self) -> str:
        while not self._lines:
            if self._eof:
                if last := self._splitter.rest():
                    return last.decode("utf-8", "replace")
                raise StopAsyncIteration
            try:
                chunk = os.read(self._fd, _CHUNK)
            except BlockingIOError:
                await anyio.wait_readable(self._fd)
                continue
            if not chunk:
                self._eof = True
                continue
            self._lines = [line + b"\n" for line in self._splitter.feed(chunk)]
        return self._lines.pop(0).decode("utf-8", "replace")


class PipeWriter:
    """`write` buffers text, `flush` writes it to a non-blocking pipe."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._pending = bytearray()

    async def write(self, text: str) -> None:
        self._pending += text.encode("utf-8")

    async def flush(self) -> None:
        view = memoryview(self._pending)
        written = 0
        try:
            while written < len(view):
                try:
                    written += os.write(self._fd, view[written:])
                except BlockingIOError:
                    await anyio.wait_writable(self._fd)
        finally:
            view.release()
            del self._pending[:written]


def _private_duplicate(fd: int) -> int:
    return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)


@asynccontextmanager
async def claimed_stdio() -> AsyncIterator[tuple[PipeLines, PipeWriter]]:
    """Move the protocol to private descriptors; divert fd 0 and 1 while serving."""
    wire_in, wire_out = _private_duplicate(0), _private_duplicate(1)
    saved_in, saved_out = _private_duplicate(0), _private_duplicate(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    for fd in (wire_in, wire_out):
        os.set_blocking(fd, False)
    try:
        yield PipeLines(wire_in), PipeWriter(wire_out)
    finally:
        # Stray prints buffered in sys.stdout belong to stderr, not to the wire.
        with suppress(OSError, ValueError):
            sys.stdout.flush()
        os.dup2(saved_in, 0)
        os.dup2(saved_out, 1)
        for fd in (wire_in, wire_out, saved_in, saved_out):
            with suppress(OSError):
                os.close(fd)
