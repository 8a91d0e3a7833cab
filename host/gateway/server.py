"""Build the gateway's MCP server and its faces: streamable HTTP, legacy SSE and stdio.

    face = GatewayFace(AggregateView(mesh), pending)
    async with face.running():               # the streamable-HTTP session managers
        app = face.http_app()                # ASGI: POST/GET/DELETE /mcp, both eras
        face.handle_sse, face.sse_messages   # ASGI: GET /sse and POST /messages/
    await face.serve_stdio()                 # `pygent mcp`

A 2026-07-28 request to a face over an empty mesh:

    >>> import anyio, httpx2, tempfile
    >>> from pathlib import Path
    >>> from pygent.core.db import open_engine
    >>> from pygent.host.gateway.views import AggregateView
    >>> from pygent.host.mesh.backend import SupervisorPolicy
    >>> from pygent.host.mesh.mesh import Mesh
    >>> from pygent.registry.registry import Registry
    >>> from pygent.registry.store import RegistryStore
    >>> META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
    ...         "io.modelcontextprotocol/clientInfo": {"name": "doc", "version": "1"},
    ...         "io.modelcontextprotocol/clientCapabilities": {}}
    >>> async def demo(state: Path) -> object:
    ...     store = RegistryStore(open_engine(None, state))
    ...     await store.create()
    ...     registry = Registry({}, store)
    ...     async with Mesh(registry, SupervisorPolicy(), {}) as mesh, anyio.create_task_group() as group:
    ...         pending = PendingCalls()
    ...         pending.attach(group)
    ...         face = GatewayFace(AggregateView(mesh), pending)
    ...         async with face.running():
    ...             transport = httpx2.ASGITransport(app=face.http_app())
    ...             async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
    ...                 body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": META}}
    ...                 headers = {"mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list",
    ...                            "accept": "application/json, text/event-stream"}
    ...                 answer = await http.post("/mcp", json=body, headers=headers)
    ...         group.cancel_scope.cancel()
    ...     return answer.json()["result"]["tools"]
    >>> anyio.run(demo, Path(tempfile.mkdtemp()) / "state.db")
    []

Built on the MCP SDK's low-level server: the gateway forwards requests and
never runs tools itself, so the decorator layer would only add cost per call.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

from fastmcp.server.event_store import EventStore
from fastmcp.server.http import FastMCPStreamableHTTPSessionManager
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.lowlevel.server import NotificationOptions, Server
from mcp.server.models import InitializationOptions
from mcp.server.sse import SseServerTransport
from mcp.server.stdio import stdio_server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.exceptions import MCPDeprecationWarning
from pygent.host.gateway.handlers import ExtraTools, GatewayHandlers
from pygent.host.gateway.http_front import HttpFront
from pygent.host.gateway.pending import PendingCalls
from pygent.host.gateway.request_ids import RequestIdGuard
from pygent.host.gateway.sessions import SessionTracker
from pygent.host.gateway.views import View
from pygent.host.guard import ToolGuard
from starlette.types import Receive, Scope, Send

VERSION = "0.1.0"
INSTRUCTIONS = (
    "PyGent Factory mesh. Every tool is named <server>_<tool>; resources carry the server "
    "after the scheme (scheme://<server>/...)."
)


class GatewayServer(Server[Any]):
    """A low-level server that announces list-changed notifications (the mesh changes at runtime)."""

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        return super().create_initialization_options(
            notification_options
            or NotificationOptions(prompts_changed=True, resources_changed=True, tools_changed=True),
            experimental_capabilities,
            extensions,
        )


def build_server(handlers: GatewayHandlers, name: str, instructions: str | None) -> GatewayServer:
    with warnings.catch_warnings():
        # logging/setLevel is deprecated at 2026-07-28; handshake-era clients still send it.
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        return _build(handlers, name, instructions)


def _build(handlers: GatewayHandlers, name: str, instructions: str | None) -> GatewayServer:
    return GatewayServer(
        name,
        version=VERSION,
        instructions=instructions,
        get_tool_input_schema=lambda tool: _input_schema(handlers.view, tool),
        on_list_tools=handlers.list_tools,
        on_call_tool=handlers.call_tool,
        on_list_resources=handlers.list_resources,
        on_list_resource_templates=handlers.list_resource_templates,
        on_read_resource=handlers.read_resource,
        on_subscribe_resource=handlers.subscribe,
        on_unsubscribe_resource=handlers.unsubscribe,
        on_list_prompts=handlers.list_prompts,
        on_get_prompt=handlers.get_prompt,
        on_completion=handlers.complete,
        on_set_logging_level=handlers.set_logging_level,
    )


def _input_schema(view: View, tool: str) -> dict[str, Any] | None:
    # Consulted by the SDK per call to validate Mcp-Param-* headers (SEP-2243).
    # Only schemas that declare such headers need the walk; for the rest, None
    # skips it (without this hook the SDK would run a whole tools/list per call).
    try:
        backend, original = view.route_tool(tool)
    except Exception:
        return None
    return backend.catalog.header_schemas.get(original)


def _sse_session(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("session_id")
    return values[0] if values else None


class GatewayFace:
    """One MCP server over a view, with its HTTP, SSE and stdio transports."""

    def __init__(
        self,
        view: View,
        pending: PendingCalls,
        *,
        instructions: str | None = INSTRUCTIONS,
        max_body_bytes: int = 4 * 1024 * 1024,
        sse_messages_path: str = "/messages/",
        guard: ToolGuard | None = None,
        extras: ExtraTools | None = None,
    ) -> None:
        self.sessions = SessionTracker()
        self.handlers = GatewayHandlers(view, pending, self.sessions, guard, extras)
        self.server = build_server(self.handlers, view.name, instructions)
        # Track every session from its first request (initialize included) so it
        # hears about mesh changes; this replaces the SDK's default OpenTelemetry
        # middleware, a per-request cost the gateway does not need.
        self.server.middleware = [self._track]
        # Each session gets its own event namespace, so a `Last-Event-ID` from one
        # session never replays another's stream (sessions themselves are bound to
        # the credential that opened them, `scope["user"]`, by the SDK).
        self.manager: StreamableHTTPSessionManager = FastMCPStreamableHTTPSessionManager(
            app=self.server, event_store=EventStore(), retry_interval=1000
        )
        self._plain = StreamableHTTPSessionManager(
            app=self.server, json_response=True, max_request_body_size=max_body_bytes
        )
        self._http_app = HttpFront(self.manager, self._plain)
        self.sse = SseServerTransport(sse_messages_path)
        self._sse_messages = RequestIdGuard(self.sse.handle_post_message, _sse_session)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with self.manager.run(), self._plain.run():
            yield

    def http_app(self) -> HttpFront:
        return self._http_app

    async def handle_sse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one legacy SSE connection (GET /sse); its messages are POSTed to `sse_messages`."""
        async with self.sse.connect_sse(scope, receive, send) as (read, write):
            await self.server.run(read, write, self.server.create_initialization_options())

    async def sse_messages(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._sse_messages(scope, receive, send)

    async def serve_stdio(self) -> None:
        async with stdio_server() as (read, write):
            await self.server.run(read, write, self.server.create_initialization_options())

    async def _track(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        self.sessions.track(ctx)
        return await call_next(ctx)

    async def notify_changed(self) -> None:
        await self.sessions.list_changed()
