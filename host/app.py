"""The host's ASGI application: REST, the gateway's faces and the security guard.

app = create_app(settings)          # uvicorn runs it; its lifespan runs the mesh
# /mcp (streamable HTTP, both eras)  /sse + /messages/ (legacy SSE)
# /servers/<name>/mcp (one server, un-namespaced)  /agents/<name>/mcp  /views/<name>/mcp[?search=1]
# /api/...  /openapi.json  /healthz
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

from pygent.core.errors import PygentError, UnavailableError, http_status
from pygent.core.settings import Settings
from pygent.host.api import RestApi, error
from pygent.host.api_agents import AgentsApi
from pygent.host.api_events import EventsApi
from pygent.host.api_views import ViewsApi
from pygent.host.gateway.server import VERSION
from pygent.host.openapi import openapi_document
from pygent.host.runtime import HostRuntime
from pygent.host.security import SecurityMiddleware, SecurityPolicy
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send


class HostState:
    """Holds the runtime once the lifespan has started it."""

    runtime: HostRuntime | None = None

    def get(self) -> HostRuntime:
        if self.runtime is None:
            raise UnavailableError("the host is starting or stopping")
        return self.runtime


class _Late:
    """An ASGI app resolved per request (the runtime exists only inside the lifespan)."""

    def __init__(self, resolve: Callable[[Scope], Any]) -> None:
        self._resolve = resolve

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            app = await self._resolve(scope)
        except PygentError as exc:
            await error(http_status(exc), exc.message)(scope, receive, send)
            return
        await app(scope, receive, send)


def policy_for(settings: Settings) -> SecurityPolicy:
    return SecurityPolicy(
        bind_host=settings.host,
        tokens=list(settings.tokens),
        allowed_hosts=list(settings.allowed_hosts),
        allowed_origins=list(settings.allowed_origins),
        max_body_bytes=settings.max_body_bytes,
        rate_limit=settings.rate_limit,
        rate_limit_storage=settings.rate_limit_storage,
    )


def create_app(
    settings: Settings, state: HostState | None = None, extra_routes: list[BaseRoute] | None = None
) -> ASGIApp:
    """The whole host as one ASGI app; its lifespan runs the mesh."""
    state = state or HostState()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with HostRuntime.open(settings) as runtime:
            state.runtime = runtime
            try:
                yield
            finally:
                state.runtime = None

    async def aggregate(scope: Scope) -> ASGIApp:
        return state.get().aggregate.http_app()

    async def sse(scope: Scope) -> ASGIApp:
        return state.get().aggregate.handle_sse

    async def sse_messages(scope: Scope) -> ASGIApp:
        return state.get().aggregate.sse_messages

    async def passthrough(scope: Scope) -> ASGIApp:
        face = await state.get().server_face(scope["path_params"]["name"])
        return face.http_app()

    async def agent_endpoint(scope: Scope) -> ASGIApp:
        face = await state.get().agent_face(scope["path_params"]["name"])
        return face.http_app()

    async def view_endpoint(scope: Scope) -> ASGIApp:
        search = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("search", ["0"])[-1]
        face = await state.get().view_face(scope["path_params"]["name"], search=search in ("1", "true", "yes"))
        return face.http_app()

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(VERSION))

    rest = RestApi(lambda: state.get().mesh)
    agents = AgentsApi(lambda: state.get().agents, lambda: state.get().group)
    routes: list[BaseRoute] = [
        Route("/mcp", _Late(aggregate), methods=["GET", "POST", "DELETE"]),
        Route("/sse", _Late(sse), methods=["GET"]),
        Mount("/messages", _Late(sse_messages)),
        Route("/servers/{name}/mcp", _Late(passthrough), methods=["GET", "POST", "DELETE"]),
        Route("/agents/{name}/mcp", _Late(agent_endpoint), methods=["GET", "POST", "DELETE"]),
        Route("/views/{name}/mcp", _Late(view_endpoint), methods=["GET", "POST", "DELETE"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        *rest.routes(),
        *agents.routes(),
        *ViewsApi(state.get).routes(),
        *EventsApi(state.get).routes(),
        *(extra_routes or []),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    return SecurityMiddleware(_GatewayFastPath(app, state), policy_for(settings))


class _GatewayFastPath:
    """Send `/mcp` straight to the gateway, past Starlette's routing and error layers.

    The gateway's session manager answers every error itself; the layers in
    between cost about a tenth of a forwarded call (bench/gateway.py).
    """

    def __init__(self, app: ASGIApp, state: HostState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime = self.state.runtime
        if runtime is not None and scope["type"] == "http" and scope["path"] == "/mcp":
            await runtime.aggregate.http_app()(scope, receive, send)
            return
        await self.app(scope, receive, send)
