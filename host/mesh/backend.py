"""One registered server: its long-lived client session and the supervisor that keeps it up.

The supervisor connects (spawning a stdio child, or opening an HTTP/SSE
session), declares the server ready once its catalog is listed, watches it
(child exit, failing health probes), and on failure reconnects with
exponential backoff. The backoff resets after sustained uptime; a server that
fails `max_attempts` times in a row is marked `failed` and waits for a manual
restart.

Calls share the one session and run concurrently. A call in flight when the
connection dies fails at once with an error naming the server.

Back-channel requests (sampling, elicitation, roots, logs) from a handshake-era
backend carry no request id on the wire, so they are routed to the oldest
call in flight on that backend; 2026-07-28 backends return them inside the
call's result (`InputRequiredResult`) and need no routing.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar, cast

import anyio
import httpx2
import mcp
import mcp_types as types
from mcp.client.session import ClientRequestContext, IncomingMessage
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types.methods import is_input_required
from pydantic import TypeAdapter
from pygent.core.errors import CallTimeoutError, UnavailableError
from pygent.host.mesh.catalog import Catalog, list_catalog
from pygent.host.mesh.interactions import Interactions, NoInteractions, unsupported
from pygent.host.mesh.stdio_process import StdioProcess
from pygent.registry.models import RemoteServer, ServerEntry, StdioServer

log = logging.getLogger("pygent.host.mesh")

CLIENT_INFO = types.Implementation(name="pygent-mesh", version="0.1.0")
HEALTH_INTERVAL = 15.0
HEALTH_TIMEOUT = 10.0

# A tool result is passed on as the JSON it arrived as: the gateway's server
# validates it for the client's protocol version anyway, so parsing it into a
# model here would only cost time. An input-required result is parsed, since
# the gateway acts on it.
CallResult = dict[str, Any] | types.InputRequiredResult
_RAW_RESULT: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])
_READ_RESULT: TypeAdapter[types.ReadResourceResult | types.InputRequiredResult] = TypeAdapter(
    types.ReadResourceResult | types.InputRequiredResult
)
_PROMPT_RESULT: TypeAdapter[types.GetPromptResult | types.InputRequiredResult] = TypeAdapter(
    types.GetPromptResult | types.InputRequiredResult
)
_COMPLETE_RESULT: TypeAdapter[types.CompleteResult] = TypeAdapter(types.CompleteResult)
T = TypeVar("T")


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

    def delay(self, failures: int) -> float:
        return float(min(self.initial_delay * 2 ** max(failures - 1, 0), self.max_delay))


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
    ) -> None:
        self.name = name
        self.entry = entry
        self.policy = policy
        self._environ = environ
        self._on_change = on_change
        self._on_resource_updated = on_resource_updated
        self.status = Status.STARTING
        self.restarts = 0
        self.last_error: str | None = None
        self.catalog = Catalog()
        self.protocol_version: str | None = None
        self._client: mcp.Client | None = None
        self._process: StdioProcess | None = None
        self._stopping = False
        self._wake = anyio.Event()
        self._disconnect = anyio.Event()
        self._stopped = anyio.Event()
        self._inflight: dict[int, Interactions] = {}
        self._ids = itertools.count()
        self._last_stderr: list[str] = []
        self._subscribers: dict[str, int] = {}

    # ----------------------------------------------------------------- status

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process and self._process.returncode is None else None

    @property
    def inflight(self) -> int:
        return len(self._inflight)

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
                    client = await self._connect(stack)
                    startup.deadline = math.inf
                    self._client = client
                    self.last_error = None
                    await self._set_status(Status.READY)
                    log.info("server ready", extra={"server": self.name, "tools": len(self.catalog.tools)})
                    async with anyio.create_task_group() as group:
                        group.start_soon(self._watch_health, client)
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
            self._client = None
            if self._process is not None:
                self._last_stderr = self._process.stderr_tail(200)
            self._process = None

    def _describe_failure(self, exc: BaseException) -> str:
        leaf = _first_error(exc)
        if isinstance(leaf, UnavailableError):
            return leaf.message
        if isinstance(leaf, MCPError):
            if leaf.code == types.CONNECTION_CLOSED:
                return "connection closed during startup"
            return f"protocol error: {leaf.error.message}"
        if isinstance(leaf, OSError | httpx2.HTTPError):
            return f"connection failed: {leaf}"
        log.error("unexpected failure", extra={"server": self.name}, exc_info=leaf)
        return f"unexpected error: {type(leaf).__name__}: {leaf}"

    async def _connect(self, stack: AsyncExitStack) -> mcp.Client:
        client = mcp.Client(
            self._transport(stack),
            mode="auto",
            sampling_callback=self._on_sampling,
            elicitation_callback=self._on_elicitation,
            list_roots_callback=self._on_list_roots,
            logging_callback=self._on_log,
            message_handler=self._on_message,
            client_info=CLIENT_INFO,
            cache=None,
        )
        await stack.enter_async_context(client)
        self.protocol_version = client.protocol_version
        self.catalog = await list_catalog(client)
        # A new session starts without the subscriptions the front clients hold.
        for uri in list(self._subscribers):
            await client.session.subscribe_resource(uri)
        return client

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

    async def _watch_health(self, client: mcp.Client) -> None:
        while True:
            await anyio.sleep(self.policy.health_interval)
            try:
                with anyio.fail_after(self.policy.health_timeout):
                    await client.session.list_tools()
            except (TimeoutError, MCPError) as exc:
                self.last_error = f"health check failed: {'no answer' if isinstance(exc, TimeoutError) else exc}"
                self._disconnect.set()
                return

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

    def _require_client(self) -> mcp.Client:
        client = self._client
        if client is None or self.status != Status.READY:
            detail = f": {self.last_error}" if self.last_error else ""
            raise UnavailableError(f"server {self.name!r} is {self.status.value}{detail}")
        return client

    async def _request(
        self,
        request: Any,
        adapter: TypeAdapter[T],
        what: str,
        interactions: Interactions | None,
        timeout: float | None,
    ) -> T:
        client = self._require_client()
        key = next(self._ids)
        if interactions is not None:
            self._inflight[key] = interactions
        seconds = self.timeout_for(timeout)
        try:
            result: T = await client.session.send_request(
                request,
                cast(Any, adapter),
                request_read_timeout_seconds=seconds,
                # A progress token costs both sides per call; ask for one only for callers that want progress.
                progress_callback=interactions.progress if interactions and interactions.wants_progress else None,
            )
            return result
        except MCPError as exc:
            if exc.code == types.CONNECTION_CLOSED:
                raise UnavailableError(f"server {self.name!r} disconnected during {what}") from None
            if exc.code == types.REQUEST_TIMEOUT:
                raise CallTimeoutError(f"server {self.name!r}: {what} timed out after {seconds:g}s") from None
            raise
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            raise UnavailableError(f"server {self.name!r} disconnected during {what}") from None
        finally:
            self._inflight.pop(key, None)

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
        params = types.CallToolRequestParams(
            name=name,
            arguments=arguments,
            input_responses=input_responses,
            request_state=request_state,
            _meta=_meta(meta),
        )
        raw = await self._request(
            types.CallToolRequest(params=params), _RAW_RESULT, f"tool {name!r}", interactions, timeout
        )
        if is_input_required(raw):
            return types.InputRequiredResult.model_validate(raw)
        return raw

    async def read_resource(
        self,
        uri: str,
        *,
        interactions: Interactions | None = None,
        meta: dict[str, Any] | None = None,
        input_responses: types.InputResponses | None = None,
        request_state: str | None = None,
    ) -> types.ReadResourceResult | types.InputRequiredResult:
        params = types.ReadResourceRequestParams(
            uri=uri, input_responses=input_responses, request_state=request_state, _meta=_meta(meta)
        )
        return await self._request(
            types.ReadResourceRequest(params=params), _READ_RESULT, f"resource {uri!r}", interactions, None
        )

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
        params = types.GetPromptRequestParams(
            name=name,
            arguments=arguments,
            input_responses=input_responses,
            request_state=request_state,
            _meta=_meta(meta),
        )
        return await self._request(
            types.GetPromptRequest(params=params), _PROMPT_RESULT, f"prompt {name!r}", interactions, None
        )

    async def complete(self, params: types.CompleteRequestParams) -> types.CompleteResult:
        return await self._request(types.CompleteRequest(params=params), _COMPLETE_RESULT, "completion", None, None)

    async def subscribe(self, uri: str, subscribe: bool) -> None:
        """Count the front subscriptions to one of this server's resources.

        All front clients share this one session, so the server is asked to
        subscribe on the first subscriber and to unsubscribe after the last.
        """
        count = self._subscribers.get(uri, 0)
        if subscribe:
            self._subscribers[uri] = count + 1
            if count == 0:
                try:
                    await self._require_client().session.subscribe_resource(uri)
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
        await self._require_client().session.unsubscribe_resource(uri)

    # ------------------------------------------------ back-channel from server

    def _route(self) -> Interactions:
        if not self._inflight:
            return NoInteractions()
        return self._inflight[min(self._inflight)]

    async def _on_sampling(
        self, context: ClientRequestContext, params: types.CreateMessageRequestParams
    ) -> types.CreateMessageResult | types.CreateMessageResultWithTools | types.ErrorData:
        if not self._inflight:
            return unsupported("sampling outside a tool call")
        return await self._route().sample(params)

    async def _on_elicitation(
        self, context: ClientRequestContext, params: types.ElicitRequestParams
    ) -> types.ElicitResult | types.ErrorData:
        if not self._inflight:
            return unsupported("elicitation outside a tool call")
        return await self._route().elicit(params)

    async def _on_list_roots(self, context: ClientRequestContext) -> types.ListRootsResult | types.ErrorData:
        return await self._route().list_roots()

    async def _on_log(self, params: types.LoggingMessageNotificationParams) -> None:
        # With several calls in flight a log line cannot be attributed safely,
        # so it goes to the host log only instead of possibly to another client.
        if len(self._inflight) == 1:
            await self._route().log(params)
        else:
            log.debug("server log", extra={"server": self.name, "level": params.level, "data": str(params.data)})

    async def _on_message(self, message: IncomingMessage) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            if self._on_resource_updated is not None:
                await self._on_resource_updated(self, str(message.params.uri))
            return
        if isinstance(
            message,
            types.ToolListChangedNotification
            | types.ResourceListChangedNotification
            | types.PromptListChangedNotification,
        ):
            client = self._client
            if client is not None:
                try:
                    self.catalog = await list_catalog(client)
                except MCPError as exc:
                    log.warning("catalog refresh failed", extra={"server": self.name, "error": str(exc)})
                    return
                await self._on_change(self)


def _meta(meta: dict[str, Any] | None) -> types.RequestParamsMeta | None:
    return cast(types.RequestParamsMeta, meta) if meta else None


def _first_error(exc: BaseException) -> BaseException:
    """The first real error inside (nested) exception groups."""
    while isinstance(exc, BaseExceptionGroup):
        inner = [e for e in exc.exceptions if not isinstance(e, anyio.get_cancelled_exc_class())]
        exc = (inner or list(exc.exceptions))[0]
    return exc
