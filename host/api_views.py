"""REST face of named views (JSON).

    GET    /api/views                 every view: its spec, source (mcp.json | saved), endpoint, tool count
    POST   /api/views                 {"name", "servers"?, "include"?, "exclude"?, "tags"?, "search"?, ...} -> 201
    GET    /api/views/{name}          one view, with its tools (names and descriptions)
    PUT    /api/views/{name}          the whole view again (its name stays)
    DELETE /api/views/{name}

A view is checked against the live mesh before it is stored: an unknown
server or tool, or a selection of nothing, is a 400 naming it; what cannot be
checked yet (a server never ready) comes back as `warnings`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pygent.core.agent_spec import NamedView, validate_view
from pygent.core.errors import InvalidArgumentError
from pygent.core.view_check import Mesh as KnownMesh
from pygent.core.view_check import check_view
from pygent.host.api import guarded, json_value
from pygent.host.runtime import HostRuntime
from pygent.host.tool_views import ViewToolbox
from pygent.host.view_store import as_json
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def known_mesh(runtime: HostRuntime) -> KnownMesh:
    """What the running mesh serves, as the view checker reads it."""
    tools: dict[str, list[str]] = {}
    for route in runtime.mesh.tool_routes().values():
        tools.setdefault(route.backend.name, []).append(route.tool.name)
    tags = {registered.name: list(registered.entry.tags) for registered in runtime.registry.all()}
    return KnownMesh(tools=tools, tags=tags)


async def _body(request: Request) -> dict[str, Any]:
    data = await json_value(request)
    if not isinstance(data, dict):
        raise InvalidArgumentError("request body must be a JSON object (the view)")
    return data


class ViewsApi:
    """Route handlers over the host's view store."""

    def __init__(self, get_runtime: Callable[[], HostRuntime]) -> None:
        self._runtime = get_runtime

    def _summary(self, view: NamedView) -> dict[str, Any]:
        runtime = self._runtime()
        toolbox = ViewToolbox(runtime.mesh, view, runtime.agents.search)
        tools = toolbox.view_tools()
        return {
            **as_json(view, runtime.views.source(view.name)),
            "toolCount": len(tools),
            "searching": toolbox.searching(tools),
        }

    def _checked(self, data: dict[str, Any]) -> tuple[NamedView, list[str]]:
        view = validate_view(data)
        return view, check_view(view, known_mesh(self._runtime()))

    async def _changed(self, name: str, change: str) -> None:
        await self._runtime().feed.publish({"type": "view.changed", "view": name, "change": change})

    async def list_views(self, request: Request) -> Response:
        return JSONResponse([self._summary(view) for view in await self._runtime().views.list()])

    async def create(self, request: Request) -> Response:
        view, warnings = self._checked(await _body(request))
        await self._runtime().views.save(view, replace=False)
        await self._changed(view.name, "created")
        return JSONResponse({**self._summary(view), "warnings": warnings}, status_code=201)

    async def get(self, request: Request) -> Response:
        runtime = self._runtime()
        view = await runtime.views.get(request.path_params["name"])
        tools = ViewToolbox(runtime.mesh, view, runtime.agents.search).view_tools()
        listed = [{"name": tool.name, "description": tool.description or ""} for tool in tools]
        return JSONResponse({**self._summary(view), "tools": listed})

    async def update(self, request: Request) -> Response:
        name = request.path_params["name"]
        view, warnings = self._checked({**await _body(request), "name": name})
        await self._runtime().views.save(view, replace=True)
        await self._changed(name, "updated")
        return JSONResponse({**self._summary(view), "warnings": warnings})

    async def delete(self, request: Request) -> Response:
        await self._runtime().views.delete(request.path_params["name"])
        await self._changed(request.path_params["name"], "deleted")
        return Response(status_code=204)

    def routes(self) -> list[Route]:
        g = guarded
        return [
            Route("/api/views", g(self.list_views), methods=["GET"]),
            Route("/api/views", g(self.create), methods=["POST"]),
            Route("/api/views/{name}", g(self.get), methods=["GET"]),
            Route("/api/views/{name}", g(self.update), methods=["PUT"]),
            Route("/api/views/{name}", g(self.delete), methods=["DELETE"]),
        ]
