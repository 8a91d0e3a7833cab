"""MCP request handlers that forward to the mesh through a view.

Tool failures are tool errors (`isError`) with a message naming what went
wrong; failures of other requests are JSON-RPC errors. Both eras are served:
a 2026-07-28 backend's `InputRequiredResult` passes through to a 2026-07-28
client and is resolved by asking a 2025-11-25 client; a 2025-11-25 backend's
asks reach either kind of client (see `front` and `pending`).
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pygent.core.errors import InvalidArgumentError, NotFoundError, PygentError, to_error_data
from pygent.host.gateway.front import DeferredFront, LegacyFront, forwardable_meta, resolve_input_requests
from pygent.host.gateway.pending import PendingCalls
from pygent.host.gateway.sessions import SessionTracker
from pygent.host.gateway.views import ToolboxView, View
from pygent.host.guard import ToolGuard, confirmation_schema, confirmed
from pygent.host.mesh.backend import Backend
from pygent.host.mesh.interactions import Interactions
from pygent.host.mesh.namespacing import resource_uri
from pygent.host.tool_views import CALL_TOOL, FIND_TOOLS, ViewToolbox

Ctx = ServerRequestContext[Any, Any]
R = TypeVar("R")
MAX_INPUT_ROUNDS = 8
RESOURCE_NOT_FOUND = -32002


def tool_error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)


def _rpc_error(exc: PygentError, *, not_found: int | None = None) -> MCPError:
    data = to_error_data(exc)
    if not_found is not None and isinstance(exc, NotFoundError):
        data.code = not_found
    return MCPError.from_error_data(data)


def _with_front_uri(exc: MCPError, uri: str, front_uri: str) -> MCPError:
    """A backend's error about one of its resources, naming the URI the client asked for (`data.uri`, SEP-2164)."""
    data = exc.error.data
    if uri == front_uri or not isinstance(data, dict) or data.get("uri") != uri:
        return exc
    return MCPError(
        code=exc.error.code, message=exc.error.message.replace(uri, front_uri), data={**data, "uri": front_uri}
    )


def _is_modern(version: str | None) -> bool:
    return version in MODERN_PROTOCOL_VERSIONS


_NEEDS: dict[type[Any], str] = {
    types.CreateMessageRequest: "sampling",
    types.ElicitRequest: "elicitation",
    types.ListRootsRequest: "roots",
}


def require_capabilities(ctx: Ctx, outcome: types.InputRequiredResult) -> None:
    """Refuse to pass on input requests the calling client declared it cannot answer.

    Raises:
        MCPError: -32021 (missing required client capability) naming what is missing.
    """
    declared = ctx.session.client_capabilities or types.ClientCapabilities()
    missing = {
        need
        for request in (outcome.input_requests or {}).values()
        if (need := _NEEDS.get(type(request))) and getattr(declared, need) is None
    }
    if missing:
        raise missing_capabilities(missing)


def missing_capabilities(missing: set[str]) -> MCPError:
    """The -32021 error naming the client capabilities a request needed."""
    names = sorted(missing)
    required = types.ClientCapabilities.model_validate({name: {} for name in names})
    data = types.MissingRequiredClientCapabilityErrorData(required_capabilities=required)
    return MCPError(
        code=types.MISSING_REQUIRED_CLIENT_CAPABILITY,
        message=f"the server needs the client capability {', '.join(names)}, which this client did not declare",
        data=data.model_dump(by_alias=True, mode="json", exclude_none=True),
    )


class ExtraTools(Protocol):
    """Tools a face offers beside its view's: agents as tools (`agent_<name>`, an agent face's `ask`)."""

    async def tools(self, view: str) -> list[types.Tool]: ...

    def owns(self, view: str, name: str) -> bool: ...

    async def call(self, ctx: Ctx, view: str, name: str, arguments: dict[str, Any]) -> types.CallToolResult: ...


class GatewayHandlers:
    """The request handlers of one gateway face."""

    def __init__(
        self,
        view: View,
        pending: PendingCalls,
        sessions: SessionTracker,
        guard: ToolGuard | None = None,
        extras: ExtraTools | None = None,
    ) -> None:
        self.view = view
        self.pending = pending
        self.sessions = sessions
        self.guard = guard or ToolGuard()
        self.extras = extras

    def _context(self, ctx: Ctx) -> str | None:
        """The guard's context of a request: its 2025-11-25 session (2026-07-28 requests have none)."""
        key = self.sessions.track(ctx)
        return None if key is None else f"session:{key}"

    async def _allowed(self, ctx: Ctx, context: str | None, name: str, tool: types.Tool | None) -> str | None:
        """None when the call may run; else the refusal (after asking the client when it can answer)."""
        if tool is None:
            return None
        need = self.guard.check(context, name, tool)
        if need is None:
            return None
        answer = await LegacyFront(ctx).elicit(
            types.ElicitRequestFormParams(message=need.question, requested_schema=confirmation_schema())
        )
        return None if confirmed(answer) else need.refusal().message

    async def _forward(
        self,
        ctx: Ctx,
        backend: Backend,
        send: Callable[[Interactions, types.InputResponses | None, str | None], Awaitable[R]],
        input_responses: types.InputResponses | None,
        request_state: str | None,
    ) -> R:
        """Run one forwarded request in whichever era combination applies."""
        if self.pending.owns(request_state):
            result: Any = await self.pending.resume(request_state or "", input_responses, ctx)
            return result  # type: ignore[no-any-return]
        if _is_modern(ctx.protocol_version):
            if _is_modern(backend.protocol_version):
                passed: Any = await send(LegacyFront(ctx), input_responses, request_state)
                if isinstance(passed, types.InputRequiredResult):
                    require_capabilities(ctx, passed)
                return passed  # type: ignore[no-any-return]
            # A handshake-era backend may ask mid-call; that needs a deferred front.
            deferred = DeferredFront(ctx)
            result = await self.pending.start(deferred, lambda front: send(front, None, None))
            if deferred.missing and isinstance(result, dict) and result.get("isError"):
                # It failed for want of what the client cannot do: say that, as a 2026-07-28 server would.
                raise missing_capabilities(deferred.missing)
            return result  # type: ignore[no-any-return]
        front = LegacyFront(ctx)
        outcome: Any = await send(front, None, None)
        for _ in range(MAX_INPUT_ROUNDS):
            if not isinstance(outcome, types.InputRequiredResult):
                return outcome  # type: ignore[no-any-return]
            responses = await resolve_input_requests(front, dict(outcome.input_requests or {}))
            outcome = await send(front, responses, outcome.request_state)
        raise MCPError(code=types.INTERNAL_ERROR, message="the server kept asking for input; giving up")

    # ------------------------------------------------------------------ tools

    async def list_tools(self, ctx: Ctx, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        tools = self.view.list_tools()
        if self.extras is not None:
            tools = [*tools, *await self.extras.tools(self.view.name)]
        return types.ListToolsResult(tools=tools)

    async def call_tool(self, ctx: Ctx, params: types.CallToolRequestParams) -> Any:
        try:
            if self.pending.owns(params.request_state):
                result = await self.pending.resume(params.request_state or "", params.input_responses, ctx)
            elif self.extras is not None and self.extras.owns(self.view.name, params.name):
                return await self.extras.call(ctx, self.view.name, params.name, dict(params.arguments or {}))
            elif (searching := self._searching()) and params.name == FIND_TOOLS:
                return await self._find_tools(searching, dict(params.arguments or {}))
            else:
                if searching and params.name == CALL_TOOL:
                    params = _unwrapped(params)
                backend, tool = self.view.route_tool(params.name)
                definition = backend.catalog.tool(tool)
                context = self._context(ctx)
                refusal = await self._allowed(ctx, context, params.name, definition)
                if refusal is not None:
                    return tool_error(refusal)
                meta = forwardable_meta(ctx, self.sessions.log_level(ctx))
                arguments = params.arguments

                async def send(front: Interactions, responses: types.InputResponses | None, state: str | None) -> Any:
                    return await backend.call_tool(
                        tool, arguments, interactions=front, meta=meta, input_responses=responses, request_state=state
                    )

                result = await self._forward(ctx, backend, send, params.input_responses, params.request_state)
                if definition is not None:
                    self.guard.observe(context, params.name, list(backend.entry.tags), definition)
        except PygentError as exc:
            return tool_error(exc.message)
        if isinstance(result, dict) and "resultType" not in result and _is_modern(ctx.protocol_version):
            # A 2025-11-25 backend's result, going to a 2026-07-28 client that requires the field.
            result = {**result, "resultType": "complete"}
        return result

    def _searching(self) -> ViewToolbox | None:
        """The toolbox of a view that offers find_tools/call_tool instead of its tools."""
        view = self.view
        return view.toolbox if isinstance(view, ToolboxView) and view.toolbox.searching() else None

    async def _find_tools(self, toolbox: ViewToolbox, arguments: dict[str, Any]) -> types.CallToolResult:
        query, k = arguments.get("query"), arguments.get("k", 5)
        if not isinstance(query, str) or not query.strip():
            return tool_error("missing required argument 'query'")
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 20:
            return tool_error("invalid argument 'k': a whole number from 1 to 20")
        found = await toolbox.find_tools(query, k)
        lines = [
            f"{tool['name']}: {tool['description'].splitlines()[0] if tool['description'] else ''}" for tool in found
        ]
        return types.CallToolResult(
            content=[types.TextContent(type="text", text="\n".join(lines) or "no tool of this view matches")],
            structured_content={"tools": found},
        )

    # -------------------------------------------------------------- resources

    async def list_resources(self, ctx: Ctx, params: types.PaginatedRequestParams | None) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=self.view.list_resources())

    async def list_resource_templates(
        self, ctx: Ctx, params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(resource_templates=self.view.list_resource_templates())

    async def read_resource(self, ctx: Ctx, params: types.ReadResourceRequestParams) -> Any:
        try:
            backend, uri = self.view.route_uri(str(params.uri))
        except PygentError as exc:
            # SEP-2164: an unknown resource is -32602 naming the URI, as FastMCP servers answer in both eras.
            raise MCPError(code=types.INVALID_PARAMS, message=exc.message, data={"uri": str(params.uri)}) from None
        meta = forwardable_meta(ctx, self.sessions.log_level(ctx))

        async def send(front: Interactions, responses: types.InputResponses | None, state: str | None) -> Any:
            result = await backend.read_resource(
                uri, interactions=front, meta=meta, input_responses=responses, request_state=state
            )
            if isinstance(result, types.ReadResourceResult):
                # Contents carry the URI the client asked for, not the backend's.
                contents = [
                    c.model_copy(update={"uri": str(params.uri)}) if str(c.uri) == uri else c for c in result.contents
                ]
                return result.model_copy(update={"contents": contents})
            return result

        try:
            return await self._forward(ctx, backend, send, params.input_responses, params.request_state)
        except PygentError as exc:
            raise _rpc_error(exc) from None
        except MCPError as exc:
            raise _with_front_uri(exc, uri, str(params.uri)) from None

    async def subscribe(self, ctx: Ctx, params: types.SubscribeRequestParams) -> types.EmptyResult:
        await self._forward_subscription(str(params.uri), subscribe=True)
        self.sessions.subscribe(ctx, str(params.uri))
        return types.EmptyResult()

    async def unsubscribe(self, ctx: Ctx, params: types.UnsubscribeRequestParams) -> types.EmptyResult:
        await self._forward_subscription(str(params.uri), subscribe=False)
        self.sessions.unsubscribe(ctx, str(params.uri))
        return types.EmptyResult()

    async def _forward_subscription(self, uri: str, *, subscribe: bool) -> None:
        """Pass a (un)subscription on to the server when it can take one.

        The gateway keeps every front subscription itself (`sessions`), so a
        server that cannot take one still gets the client subscribed: a
        2026-07-28 server has no `resources/subscribe` (its updates travel on
        `subscriptions/listen`), and a handshake-era server may lack the method.
        Subscribers hear of whatever changes the server reports.
        """
        try:
            backend, original = self.view.route_uri(uri)
            if _is_modern(backend.protocol_version):
                return
            with warnings.catch_warnings():
                # The SDK marks the method deprecated; handshake-era servers still serve it.
                warnings.simplefilter("ignore", MCPDeprecationWarning)
                await backend.subscribe(original, subscribe)
        except PygentError as exc:
            raise _rpc_error(exc, not_found=RESOURCE_NOT_FOUND) from None
        except MCPError as exc:
            if exc.code != types.METHOD_NOT_FOUND:
                raise

    async def resource_updated(self, server: str, uri: str) -> None:
        """A backend said one of its resources changed: tell this face's subscribers."""
        if self.view.name == server:
            await self.sessions.resource_updated(uri)
        elif self.view.name == "pygent":
            await self.sessions.resource_updated(resource_uri(server, uri))

    # ---------------------------------------------------------------- prompts

    async def list_prompts(self, ctx: Ctx, params: types.PaginatedRequestParams | None) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=self.view.list_prompts())

    async def get_prompt(self, ctx: Ctx, params: types.GetPromptRequestParams) -> Any:
        try:
            backend, name = self.view.route_prompt(params.name)
        except PygentError as exc:
            raise _rpc_error(exc) from None
        meta = forwardable_meta(ctx, self.sessions.log_level(ctx))

        async def send(front: Interactions, responses: types.InputResponses | None, state: str | None) -> Any:
            return await backend.get_prompt(
                name, params.arguments, interactions=front, meta=meta, input_responses=responses, request_state=state
            )

        try:
            return await self._forward(ctx, backend, send, params.input_responses, params.request_state)
        except PygentError as exc:
            raise _rpc_error(exc) from None

    # ------------------------------------------------------- misc capability

    async def complete(self, ctx: Ctx, params: types.CompleteRequestParams) -> types.CompleteResult:
        ref = params.ref
        try:
            if isinstance(ref, types.PromptReference):
                backend, name = self.view.route_prompt(ref.name)
                ref = ref.model_copy(update={"name": name})
            else:
                backend, uri = self.view.route_uri(ref.uri)
                ref = ref.model_copy(update={"uri": uri})
            # The front's envelope keys (protocol version, capabilities) are not the backend's.
            meta = forwardable_meta(ctx, self.sessions.log_level(ctx))
            return await backend.complete(params.model_copy(update={"ref": ref, "meta": meta}))
        except PygentError as exc:
            raise _rpc_error(exc) from None

    async def set_logging_level(self, ctx: Ctx, params: types.SetLevelRequestParams) -> types.EmptyResult:
        self.sessions.set_log_level(ctx, params.level)
        return types.EmptyResult()


def _unwrapped(params: types.CallToolRequestParams) -> types.CallToolRequestParams:
    """`call_tool(name, arguments)` as the call of the tool it names.

    Raises:
        InvalidArgumentError: no tool name.
    """
    arguments = dict(params.arguments or {})
    name, inner = arguments.get("name"), arguments.get("arguments", {})
    if not isinstance(name, str) or not name:
        raise InvalidArgumentError("call_tool needs 'name': the tool to run (find_tools gives the names)")
    if not isinstance(inner, dict):
        raise InvalidArgumentError("invalid argument 'arguments': an object of the tool's arguments")
    return params.model_copy(update={"name": name, "arguments": inner})
