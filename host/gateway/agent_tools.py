"""Agents as MCP tools: `agent_<name>` on the aggregated `/mcp`, and `ask` on `/agents/<name>/mcp`.

    extras = AgentTools(service)
    GatewayFace(AggregateView(mesh), pending, extras=extras)   # lists agent_<name> beside the servers' tools

Claude Desktop (or any MCP client) hands a whole task to a PyGent agent in
one call: the message goes in, the agent's final answer comes out, and while
it works the client gets progress notifications (one per tool call and per
stretch of text) when it asked for them. An approval the agent needs is put to
the client as an elicitation when it can answer one; otherwise it is refused.
"""

from __future__ import annotations

from typing import Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from pygent.agents.events import Event, TextDelta, ToolCallCompleted, ToolCallStarted
from pygent.agents.tools import ToolEntry
from pygent.core.errors import PygentError
from pygent.host.agents.service import AgentService
from pygent.host.auth import caller_of
from pygent.host.gateway.front import LegacyFront
from pygent.host.guard import confirmation_schema, confirmed

Ctx = ServerRequestContext[Any, Any]
AGGREGATE = "pygent"
AGENT_VIEW_PREFIX = "agent:"
ASK = "ask"
ARGUMENTS = {
    "type": "object",
    "properties": {
        "message": {"type": "string", "description": "the task or question for the agent"},
        "conversationId": {"type": "string", "description": "continue this conversation (from an earlier answer)"},
    },
    "required": ["message"],
}
OUTPUT = {
    "type": "object",
    "properties": {
        "output": {"type": "string"},
        "conversationId": {"type": "string"},
        "runId": {"type": "string"},
        "stopReason": {"type": "string", "enum": ["answer", "limit", "cancelled", "error"]},
    },
    "required": ["output", "conversationId", "runId", "stopReason"],
}
RUNS_AGENT = types.ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=True)


def agent_view(name: str) -> str:
    """The view name of an agent's own face."""
    return AGENT_VIEW_PREFIX + name


def _tool(name: str, description: str) -> types.Tool:
    return types.Tool(
        name=name, description=description, input_schema=ARGUMENTS, output_schema=OUTPUT, annotations=RUNS_AGENT
    )


class AgentTools:
    """The `ExtraTools` of the gateway faces, over the host's agent service."""

    def __init__(self, service: AgentService) -> None:
        self.service = service
        self._by_tool: dict[str, str] = {}  # agent_<name> -> name

    async def tools(self, view: str) -> list[types.Tool]:
        if view.startswith(AGENT_VIEW_PREFIX):
            name = view[len(AGENT_VIEW_PREFIX) :]
            return [_tool(ASK, f"Ask the agent '{name}': it works with the tools listed here and answers.")]
        if view != AGGREGATE:
            return []
        await self.service.directory.names()
        summaries = self.service.directory.summaries()
        self._by_tool = {"agent_" + s["name"].replace("-", "_"): s["name"] for s in summaries}
        return [
            _tool(
                "agent_" + s["name"].replace("-", "_"),
                f"Hand a task to the PyGent agent '{s['name']}' ({s['type']}): {s['description'] or 'no description'}. "
                "It plans with its own model and tools, then answers; pass conversationId to continue.",
            )
            for s in summaries
        ]

    def owns(self, view: str, name: str) -> bool:
        if view.startswith(AGENT_VIEW_PREFIX):
            return name == ASK
        return view == AGGREGATE and name in self._by_tool

    async def call(self, ctx: Ctx, view: str, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        agent = view[len(AGENT_VIEW_PREFIX) :] if view.startswith(AGENT_VIEW_PREFIX) else self._by_tool[name]
        message = arguments.get("message")
        conversation = arguments.get("conversationId")
        if not isinstance(message, str) or not message.strip():
            return _error("missing required argument 'message'")
        if conversation is not None and not isinstance(conversation, str):
            return _error("invalid argument 'conversationId': Input should be a valid string")
        front = LegacyFront(ctx)
        done = 0

        async def progress(event: Event) -> None:
            nonlocal done
            if not front.wants_progress:
                return
            if isinstance(event, ToolCallStarted):
                await front.progress(done, None, f"calling {event.tool}")
            elif isinstance(event, ToolCallCompleted):
                done += 1
                await front.progress(done, None, f"{event.tool} {'failed' if event.is_error else 'done'}")
            elif isinstance(event, TextDelta):
                await front.progress(done, None, "writing the answer")

        async def approve(call_id: str, tool: ToolEntry, arguments: dict[str, Any], reason: str) -> bool:
            answer = await front.elicit(
                types.ElicitRequestFormParams(message=reason, requested_schema=confirmation_schema())
            )
            return confirmed(answer)

        try:
            outcome = await self.service.chat(
                agent, message, progress, owner=caller_of(ctx), conversation_id=conversation, approve=approve
            )
        except PygentError as exc:
            return _error(exc.message)
        structured = {
            "output": outcome.output,
            "conversationId": outcome.conversation_id,
            "runId": outcome.run_id,
            "stopReason": outcome.stop_reason,
        }
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=outcome.output or f"(no answer: {outcome.stop_reason})")],
            structured_content=structured,
            is_error=outcome.stop_reason == "error",
        )


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)
