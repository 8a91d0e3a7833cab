"""One registered server, supervised: connect, watch, reconnect with backoff; forward calls to its session.

    backend = Backend("memory", entry, policy, environ, on_change)
    group.start_soon(backend.supervise)          # until backend.stop()
    result = await backend.call_tool("recall", {"query": "..."}, interactions=front)

The supervisor connects (spawning a stdio child, or opening an HTTP/SSE
session), declares the server ready once its catalog is listed, watches it
(child exit, failing health probes, changed tool lists, expired list TTLs),
and on failure reconnects with exponential backoff. The backoff resets after
sustained uptime; a server that fails `max_attempts` times in a row is marked
`failed` and waits for a manual restart. Each connection is one `BackendSession`; the
catalog it lists reaches the mesh through `on_change`.

A server's `rateLimit` (calls per second, across every caller) is applied here,
so it holds for the gateway, REST and agents alike.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

import anyio
import httpx2
import mcp_types as types
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from pygent.core.backoff import exponential_delay
from pygent.core.errors import PygentError, RateLimitedError, UnavailableError
from pygent.core.ratelimit import RateLimiter, per_second
from pygent.host.mesh.catalog import Catalog
from pygent.host.mesh.interactions import Interactions
from pygent.host.mesh.session import BackendSession, CallResult, SessionHooks
from pygent.host.mesh.stdio_process import StdioProcess
from pygent.registry.models import RemoteServer, ServerEntry, StdioServer

log = logging.getLogger("pygent.host.mesh")

HEALTH_INTERVAL = 15.0
HEALTH_TIMEOUT = 10.0
MIN_RELIST = 5.0


class Status(StrEnum):
    STARTING = "starting"
    READY = "ready"
    RESTARTING = "restarting"
    FAILED = "failed"
    STOPPED = "stopped"


@dataclass(frozen=True)
class SupervisorPolicy:
    """How patiently a backend is (re)started."""

    connect_timeout: float = 30.0
    call_timeout: float = 60.0
    initial_delay: float = 0.5
    max_delay: float = 30.0
    max_attempts: int = 5
    stable_after: float = 30.0
    health_interval: float = HEALTH_INTERVAL
    health_timeout: float = HEALTH_TIMEOUT
    # A 2026-07-28 server's lists are re-listed when their `ttlMs` runs out,
    # but no more often than this: FastMCP sends ttlMs 0 ("immediately stale").
    min_relist: float = MIN_RELIST

    def delay(self, failures: int) -> float:
        return exponential_delay(failures, self.initial_delay, self.max_delay)


class Backend:
    """A supervised connection to one server."""

    def __init__(
        self,
        name: str,
        entry: ServerEntry,
        policy: SupervisorPolicy,
        environ: Mapping[str, str],
        on_change: Callable[[Backend], Awaitable[None]],
        on_resource_updated: Callable[[Backend, str], Awaitable[None]] | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.name = name
        self.entry = entry
        self.policy = policy
        self._environ = environ
        self._on_change = on_change
        self._on_resource_updated = on_resource_updated
        self._limiter = limiter if entry.rate_limit else None
        self._rate = per_second(entry.rate_limit) if entry.rate_limit else None
        self.status = Status.STARTING
        self.restarts = 0
        self.last_error: str | None = None
        self.catalog = Catalog()
        self.protocol_version: str | None = None
        self._session: BackendSession | None = None
        self._process: StdioProcess | None = None
        self._stopping = False
        self._wake = anyio.Event()
        self._disconnect = anyio.Event()
        self._stopped = anyio.Event()
        self._last_stderr: list[str] = []
        self._subscribers: dict[str, int] = {}

    # ----------------------------------------------------------------- status

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process and self._process.returncode is None else None

    @property
    def inflight(self) -> int:
        return self._session.inflight if self._session else 0

    def stderr_tail(self, lines: int = 50) -> list[str]:
        if self._process is not None:
            return self._process.stderr_tail(lines)
        return self._last_stderr[-lines:]

    def timeout_for(self, requested: float | None = None) -> float:
        return requested or self.entry.timeout or self.policy.call_timeout

    # ------------------------------------------------------------- supervisor

    async def supervise(self) -> None:
        """Keep the server connected until `stop()`; returns when stopped."""
        failures = 0
        try:
            while not self._stopping:
                self._disconnect = anyio.Event()
                began = time.monotonic()
                error = await self._run_once()
                ran_for = time.monotonic() - began
                if self._stopping:
                    break
                self.last_error = error
                if ran_for >= self.policy.stable_after:
                    failures = 0
                failures += 1
                log.warning("server down", extra={"server": self.name, "error": error, "failures": failures})
                if failures >= self.policy.max_attempts:
                    await self._set_status(Status.FAILED)
                    await self._sleep(None)
                    failures = 0
                else:
                    await self._set_status(Status.RESTARTING)
                    await self._sleep(self.policy.delay(failures))
                if not self._stopping:
                    self.restarts += 1
        finally:
            self.status = Status.STOPPED
            self._stopped.set()

    async def _sleep(self, seconds: float | None) -> None:
        self._wake = anyio.Event()
        with anyio.move_on_after(seconds if seconds is not None else float("inf")):
            await self._wake.wait()

    async def _run_once(self) -> str:
        """Connect, serve until the connection ends; return why it ended."""
        try:
            # Every context entered during startup lives inside this scope, so the
            # startup deadline can be lifted without exiting a scope early.
            with anyio.CancelScope(deadline=anyio.current_time() + self.policy.connect_timeout) as startup:
                async with AsyncExitStack() as stack:
                    hooks = SessionHooks(on_catalog=self._catalog_changed, on_resource_updated=self._resource_updated)
                    session, catalog = await BackendSession.open(
                        stack, self.name, self._transport(stack), self.entry, hooks, list(self._subscribers)
                    )
                    startup.deadline = math.inf
                    self.protocol_version = session.protocol_version
                    self.catalog = catalog
                    self._session = session
                    self.last_error = None
                    await self._set_status(Status.READY)
                    log.info("server ready", extra={"server": self.name, "tools": len(self.catalog.tools)})
                    async with anyio.create_task_group() as group:
                        group.start_soon(self._watch_health, session)
                        group.start_soon(session.watch_changes)
                        group.start_soon(session.watch_expiry, self.policy.min_relist)
                        if self._process is not None:
                            group.start_soon(self._watch_exit, self._process)
                        await self._disconnect.wait()
                        group.cancel_scope.cancel()
                    return self.last_error or "disconnected"
            return f"not ready within {self.policy.connect_timeout:g}s"
        except Exception as exc:  # a broken server must never take the supervisor down
            reason = self._describe_failure(exc)
            code = self._process.returncode if self._process is not None else None
            return f"process exited with code {code} during startup" if code is not None else reason
        finally:
            self._session = None
            if self._process is not None:
                self._last_stderr = self._process.stderr_tail(200)
            self._process = None

    def _describe_failure(self, exc: BaseException) -> str:
        leaf = _first_error(exc)
        if isinstance(leaf, PygentError):
            return leaf.message
        if isinstance(leaf, MCPError):
            if leaf.code == types.CONNECTION_CLOSED:
                return "connection closed during startup"
            return f"protocol error: {leaf.error.message}"
        if isinstance(leaf, OSError | httpx2.HTTPError):
            return f"connection failed: {leaf}"
        log.error("unexpected failure", extra={"server": self.name}, exc_info=leaf)
        return f"unexpected error: {type(leaf).__name__}: {leaf}"

    def _transport(self, stack: AsyncExitStack) -> Any:
        entry = self.entry
        if isinstance(entry, StdioServer):
            self._process = StdioProcess(self.name, entry, self._environ)
            return self._process
        assert isinstance(entry, RemoteServer)
        if entry.transport == "sse":
            return sse_client(entry.url, headers=dict(entry.headers), timeout=self.policy.connect_timeout)
        http = httpx2.AsyncClient(
            headers=dict(entry.headers),
            timeout=httpx2.Timeout(self.policy.connect_timeout, read=max(self.policy.call_timeout, 300.0)),
        )
        stack.push_async_callback(http.aclose)
        return streamable_http_client(entry.url, http_client=http)

    async def _watch_exit(self, process: StdioProcess) -> None:
        await process.exited.wait()
        self.last_error = f"process exited with code {process.returncode}"
        self._disconnect.set()

    async def _watch_health(self, session: BackendSession) -> None:
        while True:
            await anyio.sleep(self.policy.health_interval)
            try:
                await session.probe(self.policy.health_timeout)
            except (TimeoutError, MCPError) as exc:
                self.last_error = f"health check failed: {'no answer' if isinstance(exc, TimeoutError) else exc}"
                self._disconnect.set()
                return

    async def _catalog_changed(self, catalog: Catalog) -> None:
        self.catalog = catalog
        await self._on_change(self)

    async def _resource_updated(self, uri: str) -> None:
        if self._on_resource_updated is not None:
            await self._on_resource_updated(self, uri)

    async def _set_status(self, status: Status) -> None:
        self.status = status
        await self._on_change(self)

    async def restart(self) -> None:
        """Reconnect now (also brings a `failed` server back)."""
        self._disconnect.set()
        self._wake.set()

    async def stop(self) -> None:
        """Disconnect for good and wait until the child is gone."""
        self._stopping = True
        self._disconnect.set()
        self._wake.set()
        await self._stopped.wait()

    # ------------------------------------------------------------ forwarding

    def _ready_session(self) -> BackendSession:
        session = self._session
        if session is None or self.status != Status.READY:
            detail = f": {self.last_error}" if self.last_error else ""
            raise UnavailableError(f"server {self.name!r} is {self.status.value}{detail}")
        return session

    async def _admit(self) -> BackendSession:
        """The live session, once the server's own rate limit lets one more call through.

        Raises:
            UnavailableError: the server is not ready.
            RateLimitedError: the server's `rateLimit` is used up for now.
        """
        session = self._ready_session()
        if self._limiter is not None and self._rate is not None:
            refusal = await self._limiter.hit(self._rate, f"server:{self.name}")
            if refusal is not None:
                raise RateLimitedError(
                    f"server {self.name!r} is over its rate limit of {self.entry.rate_limit:g} calls/s; "
                    f"retry in {refusal.retry_after:.1f}s",
                    refusal.retry_after,
                )
        return session

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any] | None,
        *,
        interactions: Interactions | None = None,
        meta: dict[str, Any] | None = None,
        input_responses: types.InputResponses | None = None,
        request_state: str | None = None,
        timeout: float | None = None,
    ) -> CallResult:
        """Call one of this server's tools by its own (un-namespaced) name."""
        began = time.perf_counter()
        try:
            session = await self._admit()
            params = types.CallToolRequestParams(
                name=name,
                arguments=arguments,
                input_responses=input_responses,
                request_state=request_state,
                _meta=_meta(meta),
            )
            result = await session.call_tool(params, interactions, self.timeout_for(timeout))
        except anyio.get_cancelled_exc_class():
            self._log_failed_call(name, began, "cancelled", interactions)
            raise
        except (PygentError, MCPError) as exc:
            self._log_failed_call(name, began, exc.message if isinstance(exc, PygentError) else str(exc), interactions)
            raise
        if isinstance(result, dict) and result.get("isError"):
            self._log_failed_call(name, began, _error_text(result), interactions)
        return result

    def _log_failed_call(self, tool: str, began: float, error: str, interactions: Interactions | None) -> None:
        """One structured line per tool call that failed, timed out or was cancelled."""
        log.warning(
            "tool call failed",
            extra={
                "server": self.name,
                "tool": tool,
                "duration_ms": round((time.perf_counter() - began) * 1000, 1),
                "error": error,
                "caller": interactions.caller if interactions else None,
                "session": interactions.session_id if interactions else None,
            },
        )

    async def read_resource(
        self,
        uri: str,
        *,
        interactions: Interactions | None = None,
        meta: dict[str, Any] | None = None,
        input_responses: types.InputResponses | None = None,
        request_state: str | None = None,
    ) -> types.ReadResourceResult | types.InputRequiredResult:
        session = await self._admit()
        params = types.ReadResourceRequestParams(
            uri=uri, input_responses=input_responses, request_state=request_state, _meta=_meta(meta)
        )
        return await session.read_resource(params, interactions, self.timeout_for())

    async def get_prompt(
        self,
        name: str,
        arguments: dict[str, str] | None,
        *,
        interactions: Interactions | None = None,
        meta: dict[str, Any] | None = None,
        input_responses: types.InputResponses | None = None,
        request_state: str | None = None,
    ) -> types.GetPromptResult | types.InputRequiredResult:
        session = await self._admit()
        params = types.GetPromptRequestParams(
            name=name,
            arguments=arguments,
            input_responses=input_responses,
            request_state=request_state,
            _meta=_meta(meta),
        )
        return await session.get_prompt(params, interactions, self.timeout_for())

    async def complete(self, params: types.CompleteRequestParams) -> types.CompleteResult:
        return await self._ready_session().complete(params, self.timeout_for())

    async def subscribe(self, uri: str, subscribe: bool) -> None:
        """Count the front subscriptions to one of this server's resources.

        All front clients share one session, so the server is asked to
        subscribe on the first subscriber and to unsubscribe after the last;
        the count outlives reconnects, and a new session renews them.
        """
        count = self._subscribers.get(uri, 0)
        if subscribe:
            self._subscribers[uri] = count + 1
            if count == 0:
                try:
                    await self._ready_session().client().session.subscribe_resource(uri)
                except BaseException:
                    self._subscribers[uri] = count
                    raise
            return
        if count == 0:
            return
        if count > 1:
            self._subscribers[uri] = count - 1
            return
        del self._subscribers[uri]
        await self._ready_session().client().session.unsubscribe_resource(uri)


def _error_text(result: dict[str, Any]) -> str:
    texts = [block.get("text", "") for block in result.get("content", []) if isinstance(block, dict)]
    return " ".join(texts)[:300] or "error result"


def _meta(meta: dict[str, Any] | None) -> types.RequestParamsMeta | None:
    return cast(types.RequestParamsMeta, meta) if meta else None


def _first_error(exc: BaseException) -> BaseException:
    """The first real error inside (nested) exception groups."""
    while isinstance(exc, BaseExceptionGroup):
        inner = [e for e in exc.exceptions if not isinstance(e, anyio.get_cancelled_exc_class())]
        exc = (inner or list(exc.exceptions))[0]
    return exc
