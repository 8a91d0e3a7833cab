"""The tools of an agent's view, called under the gateway's rules: the host's `ToolCaller`.

    caller = MeshCaller(mesh, toolbox, guard, context=turn.run_id)
    caller.tools()                              # ToolEntry per tool of the view (or the meta-tools)
    await caller.call("memory_recall", {...}, call_id="c1", approve=ask_the_user)

A tool outside the view does not exist for the agent, also when the model
names it. After untrusted content has entered the turn, a destructive tool
runs only once `approve` says yes (host/guard.py); otherwise the call is
refused with the reason, and the model hears why. An agent that creates or
changes an agent (the factory's tools) can never give it a tool it does not
have itself; the new spec records who created it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import mcp_types as types
from pygent.agents.tools import Approver, ToolEntry
from pygent.core.agent_spec import AgentSpec, from_template, merge_spec
from pygent.core.errors import InvalidArgumentError, NotFoundError, PermissionDeniedError
from pygent.host.guard import ToolGuard, yields_untrusted
from pygent.host.mesh.interactions import NoInteractions
from pygent.host.mesh.mesh import Mesh
from pygent.host.tool_views import CALL_TOOL, FIND_TOOLS, META_TOOLS, ViewToolbox

CREATE_AGENT = "factory_create_agent"
UPDATE_AGENT = "factory_update_agent"


def _annotations(tool: types.Tool) -> dict[str, Any]:
    return tool.annotations.model_dump(by_alias=True, exclude_none=True) if tool.annotations else {}


class MeshCaller:
    """One turn's access to its view of the mesh."""

    def __init__(
        self,
        mesh: Mesh,
        toolbox: ViewToolbox,
        guard: ToolGuard,
        context: str,
        creator: str | None = None,
        current_spec: Callable[[str], Awaitable[AgentSpec]] | None = None,
    ) -> None:
        self.mesh = mesh
        self.toolbox = toolbox
        self.guard = guard
        self.context = context
        self.creator = creator
        self.current_spec = current_spec

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
            if tool.name in META_TOOLS:
                entries.append(self._entry(tool.name, tool, "pygent"))
                continue
            route = self.toolbox.route(tool.name)
            entries.append(self._entry(tool.name, tool, route.backend.name))
        return entries

    async def call(self, name: str, arguments: dict[str, Any], *, call_id: str, approve: Approver) -> dict[str, Any]:
        if name == FIND_TOOLS:
            return await self._find(arguments)
        if name == CALL_TOOL and self.toolbox.searching():
            inner = arguments.get("name")
            if not isinstance(inner, str):
                raise InvalidArgumentError("call_tool needs 'name': the tool to call")
            name, arguments = inner, dict(arguments.get("arguments") or {})
        route = self.toolbox.route(name)
        server = route.backend.name
        if name in (CREATE_AGENT, UPDATE_AGENT) and self.creator is not None:
            arguments = await self._within_creator(name, arguments)
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

    async def _within_creator(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """The factory call's arguments, once the agent it makes is known to see no tool its creator lacks.

        Raises:
            PermissionDeniedError: the new or changed agent would see more tools than its creator.
        """
        target = arguments.get("name")
        if not isinstance(target, str):
            raise InvalidArgumentError("missing required argument 'name'")
        if name == CREATE_AGENT:
            spec = from_template(
                str(arguments.get("template") or "custom"), target, **dict(arguments.get("spec") or {})
            )
        else:
            if self.current_spec is None:
                raise PermissionDeniedError("agents cannot change agents here")
            spec = merge_spec(await self.current_spec(target), dict(arguments.get("changes") or {}))
        mine = {tool.name for tool in self.toolbox.view_tools()}
        theirs = {tool.name for tool in ViewToolbox(self.mesh, spec.view, self.toolbox.index).view_tools()}
        extra = sorted(theirs - mine)
        if extra:
            shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
            raise PermissionDeniedError(
                f"agent {self.creator!r} cannot give agent {target!r} tools it does not have itself: {shown}"
            )
        if name == CREATE_AGENT:
            return {**arguments, "spec": {**dict(arguments.get("spec") or {}), "createdBy": self.creator}}
        return arguments

    async def _find(self, arguments: dict[str, Any]) -> dict[str, Any]:
        if not self.toolbox.searching():
            raise NotFoundError("Unknown tool: 'find_tools'")
        found = await self.toolbox.find_tools(str(arguments.get("query", "")), int(arguments.get("k", 5)))
        return {"content": [{"type": "text", "text": str(found)}], "structuredContent": {"tools": found}}
