"""What one gateway face shows: the whole mesh namespaced, one server as it is, or one agent's tools.

AggregateView(mesh)          # memory_recall, memory://memory/graph, ...
ServerView(mesh, "memory")   # recall, memory://graph (the /servers/memory/mcp pass-through)
ToolboxView("agent:notes", toolbox)   # agent notes' view (the /agents/notes/mcp face)
ToolboxView("view:ro", toolbox)       # a named view (the /views/ro/mcp face), maybe as find_tools/call_tool
"""

from __future__ import annotations

from typing import Protocol

import mcp_types as types
from pygent.core.errors import NotFoundError
from pygent.host.mesh.backend import Backend, Status
from pygent.host.mesh.mesh import Mesh
from pygent.host.tool_views import ViewToolbox


class View(Protocol):
    name: str

    def list_tools(self) -> list[types.Tool]: ...
    def route_tool(self, name: str) -> tuple[Backend, str]: ...
    def list_resources(self) -> list[types.Resource]: ...
    def list_resource_templates(self) -> list[types.ResourceTemplate]: ...
    def route_uri(self, uri: str) -> tuple[Backend, str]: ...
    def list_prompts(self) -> list[types.Prompt]: ...
    def route_prompt(self, name: str) -> tuple[Backend, str]: ...


class AggregateView:
    """Every ready server, with names and URIs namespaced by server."""

    name = "pygent"

    def __init__(self, mesh: Mesh) -> None:
        self.mesh = mesh

    def list_tools(self) -> list[types.Tool]:
        return self.mesh.list_tools()

    def route_tool(self, name: str) -> tuple[Backend, str]:
        route = self.mesh.route_tool(name)
        return route.backend, route.tool.name

    def list_resources(self) -> list[types.Resource]:
        return self.mesh.list_resources()

    def list_resource_templates(self) -> list[types.ResourceTemplate]:
        return self.mesh.list_resource_templates()

    def route_uri(self, uri: str) -> tuple[Backend, str]:
        return self.mesh.route_uri(uri)

    def list_prompts(self) -> list[types.Prompt]:
        return self.mesh.list_prompts()

    def route_prompt(self, name: str) -> tuple[Backend, str]:
        return self.mesh.route_prompt(name)


class ServerView:
    """One server, unchanged: a transparent pass-through."""

    def __init__(self, mesh: Mesh, server: str) -> None:
        self.mesh = mesh
        self.name = server

    def _backend(self) -> Backend:
        backend = self.mesh.backend(self.name)
        if backend.status != Status.READY:
            detail = f": {backend.last_error}" if backend.last_error else ""
            raise NotFoundError(f"server {self.name!r} is {backend.status.value}{detail}")
        return backend

    def _catalog_backend(self) -> Backend | None:
        try:
            return self._backend()
        except NotFoundError:
            return None

    def list_tools(self) -> list[types.Tool]:
        backend = self._catalog_backend()
        if backend is None:
            return []
        return [tool for tool in backend.catalog.tools if backend.entry.allows_tool(tool.name)]

    def route_tool(self, name: str) -> tuple[Backend, str]:
        backend = self._backend()
        if not any(tool.name == name for tool in backend.catalog.tools) or not backend.entry.allows_tool(name):
            raise NotFoundError(f"Unknown tool: {name!r}")
        return backend, name

    def list_resources(self) -> list[types.Resource]:
        backend = self._catalog_backend()
        return list(backend.catalog.resources) if backend else []

    def list_resource_templates(self) -> list[types.ResourceTemplate]:
        backend = self._catalog_backend()
        return list(backend.catalog.templates) if backend else []

    def route_uri(self, uri: str) -> tuple[Backend, str]:
        return self._backend(), uri

    def list_prompts(self) -> list[types.Prompt]:
        backend = self._catalog_backend()
        return list(backend.catalog.prompts) if backend else []

    def route_prompt(self, name: str) -> tuple[Backend, str]:
        return self._backend(), name


class ToolboxView:
    """A view's face: exactly its tools, or its `find_tools`/`call_tool` (an agent's `ask` comes from `AgentTools`)."""

    def __init__(self, name: str, toolbox: ViewToolbox) -> None:
        self.name = name
        self.toolbox = toolbox

    def list_tools(self) -> list[types.Tool]:
        return self.toolbox.tools()

    def route_tool(self, name: str) -> tuple[Backend, str]:
        route = self.toolbox.route(name)
        return route.backend, route.tool.name

    def list_resources(self) -> list[types.Resource]:
        return []

    def list_resource_templates(self) -> list[types.ResourceTemplate]:
        return []

    def route_uri(self, uri: str) -> tuple[Backend, str]:
        raise NotFoundError(f"Resource not found: {uri}")

    def list_prompts(self) -> list[types.Prompt]:
        return []

    def route_prompt(self, name: str) -> tuple[Backend, str]:
        raise NotFoundError(f"Unknown prompt: {name!r}")
