"""The tools of an agent's view, called under the gateway's rules: the host's `ToolCaller`.

    caller = MeshCaller(mesh, toolbox, guard, context=turn.run_id)
    caller.tools()                              # ToolEntry per tool of the view (or the meta-tools)
    await caller.call("memory_recall", {...}, call_id="c1", approve=ask_the_user)

A tool outside the view does not exist for the agent, also when the model
names it. After untrusted content has entered the turn, a destructive tool
runs only once `approve` says yes (host/guard.py); otherwise the call is
refused with the reason, and the model hears why.
"""

from __future__ import annotations

from typing import Any, Protocol

import mcp_types as types
from pygent.agents.tools import Approver, ToolEntry
from pygent.core.agent_spec import ViewSpec
from pygent.core.errors import InvalidArgumentError, NotFoundError
from pygent.host.guard import ToolGuard, yields_untrusted
from pygent.host.mesh.interactions import NoInteractions
from pygent.host.mesh.mesh import Mesh, ToolRoute

FIND_TOOLS = "find_tools"
CALL_TOOL = "call_tool"


class Toolbox(Protocol):
    """What a view offers: the tools a client sees and the routes of its real tools."""

    def tools(self) -> list[types.Tool]: ...

    def route(self, name: str) -> ToolRoute:
        """Raises NotFoundError for a name outside the view."""
        ...


class SpecToolbox:
    """A view's tools straight from its spec (no budget, no meta-tools)."""

    def __init__(self, mesh: Mesh, spec: ViewSpec) -> None:
        self.mesh = mesh
        self.spec = spec

    def _routes(self) -> dict[str, ToolRoute]:
        tags = {r.name: list(r.entry.tags) for r in self.mesh.registry.all()}
        return {
            name: route
            for name, route in self.mesh.tool_routes().items()
            if self.spec.selects(route.backend.name, route.tool.name, tags.get(route.backend.name, []))
        }

    def tools(self) -> list[types.Tool]:
        return [route.tool.model_copy(update={"name": name}) for name, route in self._routes().items()]

    def route(self, name: str) -> ToolRoute:
        route = self._routes().get(name)
        if route is None:
            raise NotFoundError(f"Unknown tool: {name!r}")
        return route


def _annotations(tool: types.Tool) -> dict[str, Any]:
    return tool.annotations.model_dump(by_alias=True, exclude_none=True) if tool.annotations else {}


class MeshCaller:
    """One turn's access to its view of the mesh."""

    def __init__(self, mesh: Mesh, toolbox: Toolbox, guard: ToolGuard, context: str) -> None:
        self.mesh = mesh
        self.toolbox = toolbox
        self.guard = guard
        self.context = context

    def _entry(self, name: str, tool: types.Tool, server: str) -> ToolEntry:
        tags = list(self.mesh.registry.get(server).entry.tags) if server in self.mesh.registry else []
        return ToolEntry(
            name=name,
            server=server,
            description=tool.description or "",
            input_schema=dict(tool.input_schema),
            annotations=_annotations(tool),
            untrusted=yields_untrusted(tags, tool),
        )

    def tools(self) -> list[ToolEntry]:
        entries = []
        for tool in self.toolbox.tools():
            if tool.name in (FIND_TOOLS, CALL_TOOL):
                entries.append(self._entry(tool.name, tool, "pygent"))
                continue
            route = self.toolbox.route(tool.name)
            entries.append(self._entry(tool.name, tool, route.backend.name))
        return entries

    async def call(self, name: str, arguments: dict[str, Any], *, call_id: str, approve: Approver) -> dict[str, Any]:
        if name == FIND_TOOLS:
            return await self._find(arguments)
        if name == CALL_TOOL:
            inner = arguments.get("name")
            if not isinstance(inner, str):
                raise InvalidArgumentError("call_tool needs 'name': the tool to call")
            name, arguments = inner, dict(arguments.get("arguments") or {})
        route = self.toolbox.route(name)
        server = route.backend.name
        need = self.guard.check(self.context, name, route.tool)
        if need is not None and not await approve(
            call_id, self._entry(name, route.tool, server), arguments, need.question
        ):
            raise need.refusal()
        result = await route.backend.call_tool(route.tool.name, arguments, interactions=NoInteractions())
        if not isinstance(result, dict):
            raise InvalidArgumentError(f"tool {name!r} asks for input the agent cannot give")
        tags = list(self.mesh.registry.get(server).entry.tags) if server in self.mesh.registry else []
        self.guard.observe(self.context, name, tags, route.tool)
        return result

    async def _find(self, arguments: dict[str, Any]) -> dict[str, Any]:
        find = getattr(self.toolbox, "find_tools", None)
        if find is None:
            raise NotFoundError("Unknown tool: 'find_tools'")
        found = await find(str(arguments.get("query", "")), int(arguments.get("k", 5)))
        return {"content": [{"type": "text", "text": str(found)}], "structuredContent": {"tools": found}}
