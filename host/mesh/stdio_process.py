"""Spawn a stdio MCP server and expose it as a client transport.

The child runs in its own process group (so stopping it stops anything it
started), its stderr is kept as a ring buffer of recent lines for the REST API,
and its stdout is parsed as newline-delimited JSON-RPC.

    proc = StdioProcess("memory", entry, env)
    async with proc as (read, write):      # an mcp client Transport
        ...                                # proc.pid, proc.returncode, proc.stderr_tail()
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
from collections import deque
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from types import TracebackType
from typing import Any

import anyio
import anyio.abc
import mcp_types
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.client.stdio import DEFAULT_INHERITED_ENV_VARS
from mcp.shared.message import SessionMessage
from pygent.core.errors import UnavailableError
from pygent.core.lines import LineSplitter
from pygent.registry.installation import is_own_server, own_variable, resolve_own_command
from pygent.registry.models import StdioServer

log = logging.getLogger("pygent.host.mesh.stdio")

STDERR_LINES = 200
TERMINATE_GRACE = 2.0
_READ_CHUNK = 65536


def child_environment(base: Mapping[str, str], entry: StdioServer) -> dict[str, str]:
    """The child's environment: the MCP SDK's safe defaults, ours for our servers, then the entry's `env`.

    A third-party server sees only HOME, LOGNAME, PATH, SHELL, TERM and USER of
    the host (`mcp.client.stdio`'s list), so neither the host's credentials nor
    its venv leak into it; our own servers also get the host's `PYGENT_*` and
    the few other variables our settings read (`installation.own_variable`).
    """
    own = is_own_server(entry)
    env = {
        key: value
        for key, value in base.items()
        if (key in DEFAULT_INHERITED_ENV_VARS and not value.startswith("()")) or (own and own_variable(key))
    }
    env.update(entry.env)
    return env


def resolve_command(entry: StdioServer, env: Mapping[str, str]) -> str | None:
    """The executable the entry runs: our `pygent` is this installation's, others are found on the child's PATH."""
    return shutil.which(resolve_own_command(entry.command), path=env.get("PATH"))


def command_line(entry: StdioServer, environ: Mapping[str, str]) -> list[str]:
    """The exact argv the mesh runs for this entry: its command resolved as `StdioProcess` resolves it."""
    found = resolve_command(entry, child_environment(environ, entry))
    return [found or entry.command, *entry.args]


class StdioProcess:
    """One spawned child; an async context manager yielding `(read_stream, write_stream)`."""

    def __init__(self, name: str, entry: StdioServer, environ: Mapping[str, str]) -> None:
        self.name = name
        self.entry = entry
        self._environ = environ
        self._stderr: deque[str] = deque(maxlen=STDERR_LINES)
        self._process: anyio.abc.Process | None = None
        self.exited = anyio.Event()
        self._stderr_done = anyio.Event()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process else None

    def stderr_tail(self, lines: int = 50) -> list[str]:
        return list(self._stderr)[-lines:]

    def _resolve_command(self, env: Mapping[str, str]) -> str:
        found = resolve_command(self.entry, env)
        if found is None:
            raise UnavailableError(f"server {self.name!r}: command {self.entry.command!r} not found on PATH")
        return found

    async def __aenter__(self) -> tuple[MemoryObjectReceiveStream[Any], MemoryObjectSendStream[SessionMessage]]:
        self._session = self._run()
        return await self._session.__aenter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._session.__aexit__(exc_type, exc, tb)

    @asynccontextmanager
    async def _run(
        self,
    ) -> AsyncIterator[tuple[MemoryObjectReceiveStream[Any], MemoryObjectSendStream[SessionMessage]]]:
        env = child_environment(self._environ, self.entry)
        cwd = self.entry.cwd
        if cwd is not None and not await anyio.Path(cwd).is_dir():
            raise UnavailableError(f"server {self.name!r}: working directory {cwd!r} does not exist")
        command = self._resolve_command(env)
        try:
            self._process = await anyio.open_process(
                [command, *self.entry.args],
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        except OSError as exc:
            raise UnavailableError(f"server {self.name!r}: cannot start {command!r}: {exc.strerror}") from None
        log.info("started", extra={"server": self.name, "pid": self._process.pid})

        read_writer, read_stream = anyio.create_memory_object_stream[SessionMessage | Exception](0)
        write_stream, write_reader = anyio.create_memory_object_stream[SessionMessage](0)
        async with anyio.create_task_group() as group:
            group.start_soon(self._pump_stdout, read_writer)
            group.start_soon(self._pump_stdin, write_reader)
            group.start_soon(self._pump_stderr)
            group.start_soon(self._watch_exit)
            try:
                yield read_stream, write_stream
            finally:
                with anyio.CancelScope(shield=True):
                    await self.stop()
                    # Keep the last words of a crashed server for the REST API.
                    with anyio.move_on_after(0.5):
                        await self._stderr_done.wait()
                    for stream in (read_writer, read_stream, write_stream, write_reader):
                        await stream.aclose()
                group.cancel_scope.cancel()

    async def _pump_stdout(self, sink: MemoryObjectSendStream[SessionMessage | Exception]) -> None:
        assert self._process is not None and self._process.stdout is not None
        lines = LineSplitter()
        async with sink:
            with suppress(anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError, OSError):
                while True:
                    for line in lines.feed(await self._process.stdout.receive(_READ_CHUNK)):
                        if line.strip():
                            await sink.send(_parse_line(line))

    async def _pump_stdin(self, source: MemoryObjectReceiveStream[SessionMessage]) -> None:
        assert self._process is not None and self._process.stdin is not None
        with suppress(anyio.ClosedResourceError, anyio.BrokenResourceError, OSError, anyio.EndOfStream):
            async with source:
                while True:
                    batch = [await source.receive()]
                    # Coalesce what is already queued into one write: fewer syscalls and
                    # wake-ups of the child when many calls are in flight.
                    with suppress(anyio.WouldBlock):
                        while len(batch) < 64:
                            batch.append(source.receive_nowait())
                    data = b"".join(
                        m.message.model_dump_json(by_alias=True, exclude_unset=True).encode() + b"\n" for m in batch
                    )
                    await self._process.stdin.send(data)

    async def _pump_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        lines = LineSplitter()
        with suppress(anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError, OSError):
            while True:
                for line in lines.feed(await self._process.stderr.receive(_READ_CHUNK)):
                    self._stderr.append(line.decode("utf-8", "replace").rstrip())
        if last := lines.rest():
            self._stderr.append(last.decode("utf-8", "replace").rstrip())
        self._stderr_done.set()

    async def _watch_exit(self) -> None:
        assert self._process is not None
        # Poll returncode rather than wait(): wait() also waits for pipe EOF,
        # which a grandchild holding the pipes can delay indefinitely.
        while self._process.returncode is None:
            await anyio.sleep(0.05)
        self.exited.set()
        # Closing our end of stdout wakes the reader, which ends the session,
        # which fails every call in flight with "connection closed".
        with suppress(Exception):
            await self._process.stdout.aclose()  # type: ignore[union-attr]
        log.info("exited", extra={"server": self.name, "returncode": self._process.returncode})

    async def stop(self, grace: float = TERMINATE_GRACE) -> None:
        """Close stdin, then SIGTERM the process group, then SIGKILL it."""
        process = self._process
        if process is None:
            return
        if process.returncode is None and process.stdin is not None:
            with suppress(Exception):
                await process.stdin.aclose()
        if not await _wait_exit(process, grace / 2):
            _signal_group(process.pid, signal.SIGTERM)
            if not await _wait_exit(process, grace):
                _signal_group(process.pid, signal.SIGKILL)
                await _wait_exit(process, grace)
        # The group may outlive its leader (a server that started helpers).
        _signal_group(process.pid, signal.SIGKILL)
        transport = getattr(getattr(process, "_process", None), "_transport", None)
        if transport is not None:
            with suppress(Exception):
                transport.close()


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


async def _wait_exit(process: anyio.abc.Process, timeout: float) -> bool:
    with anyio.move_on_after(timeout):
        while process.returncode is None:
            await anyio.sleep(0.02)
    return process.returncode is not None


def _parse_line(line: bytes | bytearray) -> SessionMessage | Exception:
    try:
        return SessionMessage(mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False))
    except ValueError as exc:
        log.warning("unparsable line on stdout", extra={"line": line[:200].decode("utf-8", "replace")})
        return exc
