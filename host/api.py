"""REST face of the host for the web UI and scripts (JSON; OpenAPI at /openapi.json).

    GET    /healthz
    GET    /api/servers                      list with status, restarts, tools, last error, stderr tail
    POST   /api/servers                      {"name": ..., "config": {mcp.json entry}}
    GET    /api/servers/{name}               one server, with tools and health history
    DELETE /api/servers/{name}
    POST   /api/servers/{name}/enable | /disable | /restart
    GET    /api/tools                        every namespaced tool with description and schemas
    POST   /api/tools/{name}/call            {"arguments": {...}}

Errors are `{"error": message}` with 400 (bad body), 404, 409 or 503; internal
exception text is never sent.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from mcp.shared.exceptions import MCPError
from pydantic import BaseModel, Field, ValidationError
from pygent.core.errors import InvalidArgumentError, PygentError, RateLimitedError, http_status
from pygent.host.mesh.backend import Backend
from pygent.host.mesh.interactions import NoInteractions
from pygent.host.mesh.mesh import Mesh
from pygent.host.mesh.namespacing import tool_name
from pygent.registry.loader import describe_validation_error
from pygent.registry.models import dump_entry, parse_entry
from pygent.registry.registry import Registration
from pygent.registry.secrets import mask_entry
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger("pygent.host.api")
M = TypeVar("M", bound=BaseModel)


class AddServerBody(BaseModel):
    name: str = Field(description="server name; its tools appear as <name>_<tool>")
    config: dict[str, Any] = Field(
        description="an mcp.json entry: {command, args, env, cwd} or {url, headers, transport}"
    )


class CallToolBody(BaseModel):
    arguments: dict[str, Any] = Field(default_factory=dict)
    timeout: float | None = Field(default=None, gt=0, description="seconds")


class ServerSummary(BaseModel):
    name: str
    source: str
    transport: str
    enabled: bool
    status: str
    restarts: int
    tool_count: int
    last_error: str | None
    pid: int | None
    protocol_version: str | None
    tags: list[str]
    stderr_tail: list[str]
    config: dict[str, Any]
    argv: list[str] | None = Field(description="the exact command line a local server runs as; null for remote ones")


class ServerDetail(ServerSummary):
    tools: list[dict[str, Any]]
    health: list[dict[str, Any]]


class ToolInfo(BaseModel):
    name: str
    server: str
    tool: str
    title: str | None = None
    description: str | None
    input_schema: dict[str, Any] = Field(alias="inputSchema")
    output_schema: dict[str, Any] | None = Field(default=None, alias="outputSchema")
    annotations: dict[str, Any] | None = None


class ErrorBody(BaseModel):
    error: str


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _retry_headers(exc: PygentError) -> dict[str, str] | None:
    if isinstance(exc, RateLimitedError):
        return {"Retry-After": str(max(1, math.ceil(exc.retry_after)))}
    return None


async def json_value(request: Request) -> Any:
    """The request's JSON body, decoded.

    Raises:
        InvalidArgumentError: not UTF-8, not JSON, or nested too deeply (one line saying which).
    """
    raw = await request.body()
    try:
        return json.loads(raw.decode("utf-8") if raw else "{}")
    except UnicodeDecodeError as exc:
        raise InvalidArgumentError(f"request body is not valid UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InvalidArgumentError(f"request body is not valid JSON: {exc.msg} at position {exc.pos}") from None
    except RecursionError:
        raise InvalidArgumentError("request body is nested too deeply") from None


async def json_body(request: Request, model: type[M]) -> M:
    data = await json_value(request)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidArgumentError(f"invalid request body: {describe_validation_error(exc)}") from None


Handler = Callable[[Request], Awaitable[Response]]


def guarded(handler: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except PygentError as exc:
            return error(http_status(exc), exc.message, _retry_headers(exc))

    return endpoint


class RestApi:
    """Route handlers over a running mesh."""

    def __init__(self, get_mesh: Callable[[], Mesh]) -> None:
        self._get_mesh = get_mesh

    @property
    def mesh(self) -> Mesh:
        return self._get_mesh()

    def _summary(self, registration: Registration) -> dict[str, Any]:
        backend = self.mesh.backends.get(registration.name)
        entry = registration.entry
        shown = mask_entry(entry)  # credentials hidden in config and argv alike
        return ServerSummary(
            name=registration.name,
            source=registration.source,
            transport=entry.transport,
            enabled=registration.enabled,
            status=backend.status.value if backend else "disabled",
            restarts=backend.restarts if backend else 0,
            tool_count=len(backend.catalog.tools) if backend else 0,
            last_error=backend.last_error if backend else None,
            pid=backend.pid if backend else None,
            protocol_version=backend.protocol_version if backend else None,
            tags=list(entry.tags),
            stderr_tail=backend.stderr_tail(20) if backend else [],
            config=dump_entry(shown),
            argv=self.mesh.command_line(shown),
        ).model_dump()

    async def healthz(self, request: Request) -> Response:
        counts: dict[str, int] = {}
        for backend in self.mesh.backends.values():
            counts[backend.status.value] = counts.get(backend.status.value, 0) + 1
        return JSONResponse({"status": "ok", "servers": counts})

    async def list_servers(self, request: Request) -> Response:
        return JSONResponse([self._summary(r) for r in self.mesh.registry.all()])

    async def get_server(self, request: Request) -> Response:
        name = request.path_params["name"]
        registration = self.mesh.registry.get(name)
        summary = self._summary(registration)
        backend = self.mesh.backends.get(name)
        summary["stderr_tail"] = backend.stderr_tail(200) if backend else []
        summary["tools"] = [_tool_dict(t) for t in backend.catalog.tools] if backend else []
        history = await self.mesh.registry.store.health_history(name)
        summary["health"] = [{"at": e.at, "status": e.status, "detail": e.detail} for e in history]
        return JSONResponse(summary)

    async def add_server(self, request: Request) -> Response:
        body = await json_body(request, AddServerBody)
        try:
            entry = parse_entry(body.config)
        except ValidationError as exc:
            raise InvalidArgumentError(f"invalid server config: {describe_validation_error(exc)}") from None
        except ValueError as exc:
            raise InvalidArgumentError(f"invalid server config: {exc}") from None
        registration = await self.mesh.add_server(body.name, entry)
        return JSONResponse(self._summary(registration), status_code=201)

    async def remove_server(self, request: Request) -> Response:
        await self.mesh.remove_server(request.path_params["name"])
        return Response(status_code=204)

    async def enable_server(self, request: Request) -> Response:
        registration = await self.mesh.set_enabled(request.path_params["name"], True)
        return JSONResponse(self._summary(registration))

    async def disable_server(self, request: Request) -> Response:
        registration = await self.mesh.set_enabled(request.path_params["name"], False)
        return JSONResponse(self._summary(registration))

    async def restart_server(self, request: Request) -> Response:
        name = request.path_params["name"]
        await self.mesh.restart(name)
        return JSONResponse(self._summary(self.mesh.registry.get(name)), status_code=202)

    async def list_tools(self, request: Request) -> Response:
        tools = []
        for name, route in self.mesh.tool_routes().items():
            info = _tool_dict(route.tool)
            info.update(name=name, server=route.backend.name, tool=route.tool.name)
            tools.append(info)
        return JSONResponse(tools)

    async def call_tool(self, request: Request) -> Response:
        name = request.path_params["name"]
        body = await json_body(request, CallToolBody)
        route = self.mesh.route_tool(name)
        try:
            result = await call_backend_tool(route.backend, route.tool.name, body.arguments, body.timeout)
        except MCPError as exc:
            return error(400, exc.error.message)
        return JSONResponse(result)

    def routes(self) -> list[Route]:
        g = guarded
        return [
            Route("/healthz", g(self.healthz), methods=["GET"]),
            Route("/api/servers", g(self.list_servers), methods=["GET"]),
            Route("/api/servers", g(self.add_server), methods=["POST"]),
            Route("/api/servers/{name}", g(self.get_server), methods=["GET"]),
            Route("/api/servers/{name}", g(self.remove_server), methods=["DELETE"]),
            Route("/api/servers/{name}/enable", g(self.enable_server), methods=["POST"]),
            Route("/api/servers/{name}/disable", g(self.disable_server), methods=["POST"]),
            Route("/api/servers/{name}/restart", g(self.restart_server), methods=["POST"]),
            Route("/api/tools", g(self.list_tools), methods=["GET"]),
            Route("/api/tools/{name}/call", g(self.call_tool), methods=["POST"]),
        ]


async def call_backend_tool(
    backend: Backend, tool: str, arguments: dict[str, Any], timeout: float | None = None
) -> dict[str, Any]:
    """Call a tool for a caller with no MCP client behind it; the result as JSON."""
    result = await backend.call_tool(tool, arguments, interactions=NoInteractions(), timeout=timeout)
    if not isinstance(result, dict):
        raise InvalidArgumentError(f"tool {tool_name(backend.name, tool)!r} needs input from an interactive client")
    return result


def _tool_dict(tool: Any) -> dict[str, Any]:
    data: dict[str, Any] = tool.model_dump(by_alias=True, exclude_none=True, mode="json")
    return data
