"""One live connection to a server: the MCP client, the calls in flight, the back-channel.

    session = await BackendSession.open(stack, "memory", transport, entry, hooks)
    result = await session.call_tool("recall", {"query": "..."}, interactions=front, timeout=60)

A session lives as long as its connection; the supervisor (`backend`) opens a
new one after every reconnect. Calls share the session and run concurrently; a
call in flight when the connection dies fails at once with an error naming the
server.

Back-channel requests (sampling, elicitation, roots, logs) of a handshake-era
server carry no request id on the wire. They go to the one caller with calls
in flight, to its oldest call not already waiting on an answer; with several
callers in flight they are declined, since answering one caller's request
with another's client would leak it across callers. 2026-07-28 servers return
such requests inside the call's result (`InputRequiredResult`) and need no
routing; each of their requests carries the real caller's client
capabilities, not the mesh's.

The catalog is listed on connect, again on the server's change events
(`list_changed` notifications, or a 2026-07-28 `subscriptions/listen`
stream), when a list's `ttlMs` runs out, and when a health probe sees a
different tool list.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import anyio
import mcp
import mcp_types as types
from mcp.client.session import ClientRequestContext, IncomingMessage
from mcp.client.subscriptions import SubscriptionLost, listen
from mcp.shared.exceptions import MCPError
from mcp_types.methods import is_input_required
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import TypeAdapter
from pygent.core.errors import CallTimeoutError, ConfigError, UnavailableError
from pygent.host.mesh.catalog import Catalog, list_catalog
from pygent.host.mesh.interactions import Interactions, NoInteractions, unsupported
from pygent.registry.models import ServerEntry

log = logging.getLogger("pygent.host.mesh")

CLIENT_INFO = types.Implementation(name="pygent-mesh", version="0.1.0")

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

# The capabilities of the caller a request is made for; a 2026-07-28 request
# carries them in its envelope instead of the mesh's own.
_caller_capabilities: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "caller_capabilities", default=None
)


def client_mode(entry: ServerEntry) -> str:
    """The `mcp.Client` mode for an entry's `protocolVersion`."""
    return "legacy" if entry.protocol_version == "2025-11-25" else "auto"


@dataclass(frozen=True)
class SessionHooks:
    """What a session reports to its supervisor."""

    on_catalog: Callable[[Catalog], Awaitable[None]]
    on_resource_updated: Callable[[str], Awaitable[None]]


class BackendSession:
    """The client side of one connection to one server."""

    def __init__(self, name: str, hooks: SessionHooks) -> None:
        self.name = name
        self._hooks = hooks
        self._client: mcp.Client | None = None
        self._inflight: dict[int, Interactions] = {}
        self._asking: dict[int, int] = {}  # calls waiting on their caller's answer, and how many answers
        self._ids = itertools.count()
        self._refreshing = anyio.Lock()
        self.catalog = Catalog()
        self._listed_at = 0.0
        self._listening = False  # a 2026-07-28 change stream is open
        self.closed = False

    @classmethod
    async def open(
        cls,
        stack: AsyncExitStack,
        name: str,
        transport: Any,
        entry: ServerEntry,
        hooks: SessionHooks,
        subscriptions: list[str],
    ) -> tuple[BackendSession, Catalog]:
        """Connect, list the catalog and renew the front clients' subscriptions.

        Raises:
            ConfigError: the server does not speak the era the entry pins.
        """
        session = cls(name, hooks)
        client = mcp.Client(
            transport,
            mode=client_mode(entry),
            sampling_callback=session._on_sampling,
            elicitation_callback=session._on_elicitation,
            list_roots_callback=session._on_list_roots,
            logging_callback=session._on_log,
            message_handler=session._on_message,
            client_info=CLIENT_INFO,
            cache=None,
        )
        await stack.enter_async_context(client)
        stack.callback(session._close)
        if entry.protocol_version == "2026-07-28" and client.protocol_version not in MODERN_PROTOCOL_VERSIONS:
            raise ConfigError(f"server {name!r} does not speak 2026-07-28 (it offered {client.protocol_version})")
        _stamp_caller_capabilities(client)
        session._client = client
        session._listed_at = anyio.current_time()
        catalog = session.catalog = await list_catalog(client)
        for uri in subscriptions:
            await client.session.subscribe_resource(uri)
        return session, catalog

    def _close(self) -> None:
        self.closed = True
        self._client = None

    @property
    def protocol_version(self) -> str | None:
        return self._client.protocol_version if self._client else None

    @property
    def modern(self) -> bool:
        return self.protocol_version in MODERN_PROTOCOL_VERSIONS

    @property
    def inflight(self) -> int:
        return len(self._inflight)

    def client(self) -> mcp.Client:
        if self._client is None:
            raise UnavailableError(f"server {self.name!r} disconnected")
        return self._client

    # ------------------------------------------------------------- watching

    async def probe(self, timeout: float) -> None:
        """A liveness probe that also catches a tool list that changed without a word.

        Raises:
            TimeoutError, MCPError: no healthy answer.
        """
        with anyio.fail_after(timeout):
            listed = await self.client().session.list_tools()
        known = self.catalog.tools if listed.next_cursor is None else self.catalog.tools[: len(listed.tools)]
        if listed.tools != known:  # the first page is compared with what the last listing began with
            await self.refresh()

    async def watch_changes(self) -> None:
        """Re-list on the server's change events; a 2026-07-28 server sends them on `subscriptions/listen`.

        Handshake-era servers push `list_changed` notifications on the session
        itself (`_on_message`), so there is nothing to open for them.
        """
        if not self.modern:
            return
        try:
            async with listen(
                self.client().session, tools_list_changed=True, prompts_list_changed=True, resources_list_changed=True
            ) as subscription:
                self._listening = True
                async for _event in subscription:
                    await self.refresh()
        except (MCPError, SubscriptionLost, TimeoutError) as exc:
            # Not fatal: the lists' TTLs and the periodic probe still bring changes in.
            log.info("no change stream", extra={"server": self.name, "reason": str(exc)})
        finally:
            self._listening = False

    async def watch_expiry(self, floor: float) -> None:
        """Re-list whenever the last listing's TTL (`ttlMs`, SEP-2549) runs out, at most every `floor` seconds.

        A listing without a TTL (handshake era) is not watched: such servers
        send `list_changed` notifications. While a change stream is open its
        events say when to re-list, so an expired listing is kept.
        """
        while self.catalog.ttl is not None:
            deadline = self._listed_at + max(self.catalog.ttl, floor)
            if anyio.current_time() < deadline:
                await anyio.sleep_until(deadline)
            elif self._listening:
                self._listed_at = anyio.current_time()
            else:
                await self.refresh()

    async def refresh(self) -> None:
        """List the catalog again; the supervisor hears of it only when something changed."""
        async with self._refreshing:
            self._listed_at = anyio.current_time()
            try:
                catalog = await list_catalog(self.client())
            except (MCPError, UnavailableError) as exc:
                log.warning("catalog refresh failed", extra={"server": self.name, "error": str(exc)})
                return
            changed = catalog != self.catalog
            self.catalog = catalog
            if changed:
                await self._hooks.on_catalog(catalog)

    # ------------------------------------------------------------ forwarding

    async def request(
        self,
        request: Any,
        adapter: TypeAdapter[T],
        what: str,
        interactions: Interactions | None,
        seconds: float,
    ) -> T:
        client = self.client()
        key = next(self._ids)
        if interactions is not None:
            self._inflight[key] = interactions
        token = _caller_capabilities.set(interactions.capabilities() if interactions else {})
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
            _caller_capabilities.reset(token)
            self._inflight.pop(key, None)

    async def call_tool(
        self, params: types.CallToolRequestParams, interactions: Interactions | None, seconds: float
    ) -> CallResult:
        raw = await self.request(
            types.CallToolRequest(params=params), _RAW_RESULT, f"tool {params.name!r}", interactions, seconds
        )
        if is_input_required(raw):
            return types.InputRequiredResult.model_validate(raw)
        return raw

    async def read_resource(
        self, params: types.ReadResourceRequestParams, interactions: Interactions | None, seconds: float
    ) -> types.ReadResourceResult | types.InputRequiredResult:
        request = types.ReadResourceRequest(params=params)
        return await self.request(request, _READ_RESULT, f"resource {params.uri!r}", interactions, seconds)

    async def get_prompt(
        self, params: types.GetPromptRequestParams, interactions: Interactions | None, seconds: float
    ) -> types.GetPromptResult | types.InputRequiredResult:
        request = types.GetPromptRequest(params=params)
        return await self.request(request, _PROMPT_RESULT, f"prompt {params.name!r}", interactions, seconds)

    async def complete(self, params: types.CompleteRequestParams, seconds: float) -> types.CompleteResult:
        return await self.request(types.CompleteRequest(params=params), _COMPLETE_RESULT, "completion", None, seconds)

    # ------------------------------------------------ back-channel from server

    def _route(self, what: str) -> int | types.ErrorData:
        """The in-flight call a back-channel request belongs to, or why there is none.

        Among one caller's calls, a call already waiting on an answer of its
        own is passed over: its handler is blocked, so the new request is most
        likely another call's (a 2026-07-28 client may leave such a call
        parked until the gateway's pending round expires).
        """
        if not self._inflight:
            return unsupported(f"{what} outside a tool call")
        if len({front.caller for front in self._inflight.values()}) > 1:
            return types.ErrorData(
                code=types.INVALID_REQUEST,
                message=(
                    f"{what} declined: calls of several callers are in flight on server {self.name!r} and a "
                    "2025-11-25 request names none of them (pin protocolVersion 2026-07-28 for this server)"
                ),
            )
        idle = [key for key in self._inflight if key not in self._asking]
        return min(idle or self._inflight)

    async def _ask(self, what: str, ask: Callable[[Interactions], Awaitable[T]]) -> T | types.ErrorData:
        route = self._route(what)
        if isinstance(route, types.ErrorData):
            return route
        self._asking[route] = self._asking.get(route, 0) + 1
        try:
            return await ask(self._inflight[route])
        finally:
            self._asking[route] -= 1
            if not self._asking[route]:
                del self._asking[route]

    async def _on_sampling(
        self, context: ClientRequestContext, params: types.CreateMessageRequestParams
    ) -> types.CreateMessageResult | types.CreateMessageResultWithTools | types.ErrorData:
        return await self._ask("sampling", lambda front: front.sample(params))

    async def _on_elicitation(
        self, context: ClientRequestContext, params: types.ElicitRequestParams
    ) -> types.ElicitResult | types.ErrorData:
        return await self._ask("elicitation", lambda front: front.elicit(params))

    async def _on_list_roots(self, context: ClientRequestContext) -> types.ListRootsResult | types.ErrorData:
        if not self._inflight:
            return await NoInteractions().list_roots()
        return await self._ask("roots", lambda front: front.list_roots())

    async def _on_log(self, params: types.LoggingMessageNotificationParams) -> None:
        # A log line goes to a caller only when exactly one call can have sent
        # it (calls waiting on an answer cannot); otherwise it could reach
        # another client, so it goes to the host log only.
        idle = [front for key, front in self._inflight.items() if key not in self._asking]
        if len(idle) == 1 and len({front.caller for front in self._inflight.values()}) == 1:
            await idle[0].log(params)
        else:
            log.debug("server log", extra={"server": self.name, "level": params.level, "data": str(params.data)})

    async def _on_message(self, message: IncomingMessage) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            await self._hooks.on_resource_updated(str(message.params.uri))
            return
        if isinstance(
            message,
            types.ToolListChangedNotification
            | types.ResourceListChangedNotification
            | types.PromptListChangedNotification,
        ):
            await self.refresh()


def _stamp_caller_capabilities(client: mcp.Client) -> None:
    """Make each 2026-07-28 request declare the real caller's capabilities, not the mesh's.

    The mesh's client offers sampling, elicitation and roots so it can relay
    them; a server that sees them assumes the caller can answer. The SDK
    stamps the envelope per request (`ClientSession._stamp`); this wraps it.
    """
    session = client.session
    stamp = session._stamp

    def with_caller(data: dict[str, Any], opts: Any) -> None:
        stamp(data, opts)
        capabilities = _caller_capabilities.get()
        meta = data.get("params", {}).get("_meta")
        if capabilities is not None and isinstance(meta, dict) and types.CLIENT_CAPABILITIES_META_KEY in meta:
            meta[types.CLIENT_CAPABILITIES_META_KEY] = capabilities

    session._stamp = with_caller
